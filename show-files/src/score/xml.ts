// XML for the importers (MusicXML, VSQX): fast-xml-parser reads the text into a small tree of
// elements that remember where they start, so every error can name the line. The file is checked
// for well-formedness first (the parser itself accepts broken XML silently). Entities declared in
// a DOCTYPE are never expanded (no entity-expansion bombs); the five XML entities and character
// references are decoded here.

import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { ScoreError } from './model.ts';

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  /** Text directly inside the element (CDATA included), entities decoded, trimmed. */
  text: string;
  /** Character offset of the element's start in the file's text. */
  offset: number;
}

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  captureMetaData: true,
  processEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  commentPropName: false,
});
const META: unique symbol = XMLParser.getMetaDataSymbol() as never;

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** The five XML entities and numeric character references; anything else stays as written. */
export function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, ref: string) => {
    if (ref[0] === '#') {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED[ref] ?? whole;
  });
}

type Raw = Record<string, unknown> & { [META]?: { startIndex?: number } };

function convert(raw: Raw): XmlElement | undefined {
  let name: string | undefined;
  for (const key of Object.keys(raw)) if (key !== ':@') name = key;
  if (name === undefined || name === '#text') return undefined;
  const attrsRaw = (raw[':@'] ?? {}) as Record<string, unknown>;
  const attrs: Record<string, string> = {};
  for (const [k, v] of Object.entries(attrsRaw)) attrs[k] = decodeEntities(String(v));
  const el: XmlElement = { name: localName(name), attrs, children: [], text: '', offset: raw[META]?.startIndex ?? 0 };
  const body = raw[name];
  if (Array.isArray(body)) {
    let text = '';
    for (const child of body as Raw[]) {
      if ('#text' in child) text += String(child['#text']);
      else {
        const c = convert(child);
        if (c) el.children.push(c);
      }
    }
    el.text = decodeEntities(text).trim();
  }
  return el;
}

/** "v4:note" -> "note": the importers match by local name (VSQX files may carry a prefix). */
function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon >= 0 ? name.slice(colon + 1) : name;
}

/** Well-formed XML into a tree; a ScoreError with the line of the first syntax error otherwise. */
export function parseXml(text: string, file: string): XmlElement {
  const check = XMLValidator.validate(text, { allowBooleanAttributes: true });
  if (check !== true) throw new ScoreError(file, `not well-formed XML: ${check.err.msg}`, check.err.line);
  let raw: unknown;
  try {
    raw = parser.parse(text);
  } catch (err) {
    throw new ScoreError(file, `not readable XML: ${(err as Error).message}`);
  }
  const root = Array.isArray(raw) ? (raw as Raw[]).map(convert).find((e) => e !== undefined) : undefined;
  if (!root) throw new ScoreError(file, 'the file holds no XML element', 1);
  return root;
}

/** Line numbers of character offsets, by binary search over the newline positions. */
export class LineIndex {
  private readonly starts: number[] = [0];
  constructor(text: string) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }
  lineOf(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }
}

export function child(el: XmlElement | undefined, name: string): XmlElement | undefined {
  if (!el) return undefined;
  for (const c of el.children) if (c.name === name) return c;
  return undefined;
}

export function children(el: XmlElement | undefined, name: string): XmlElement[] {
  return el ? el.children.filter((c) => c.name === name) : [];
}

/** Text of a child element, or undefined when it is missing. */
export function childText(el: XmlElement | undefined, name: string): string | undefined {
  return child(el, name)?.text;
}

/** A finite number from a child element's text, or undefined. */
export function childNumber(el: XmlElement | undefined, name: string): number | undefined {
  const t = childText(el, name);
  if (t === undefined || t === '') return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : undefined;
}

/** Text as UTF-8 (the encoding of nearly every MusicXML and VSQX file; a BOM is dropped). */
export function decodeXmlBytes(bytes: Uint8Array, file: string): string {
  // UTF-16 files announce themselves with a byte order mark.
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes);
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new ScoreError(file, 'the file is not UTF-8 or UTF-16 text');
  }
}
