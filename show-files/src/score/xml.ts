// XML for the importers (MusicXML, VSQX): saxes, a strict streaming parser, builds a small tree
// of elements that remember their line, so every error can name it, and refuses text that is not
// well-formed XML in the same pass. It reads no DTD: entities declared in a DOCTYPE are refused as
// undefined, never expanded (no entity-expansion bombs); the five XML entities and character
// references are decoded.

import { SaxesParser } from 'saxes';
import { ScoreError } from './model.ts';
import { readSimpleXml } from './xml-simple.ts';
import { utf8ByteText } from './byte-text.ts';
import { NO_ATTRIBUTES, NO_CHILDREN, type XmlElement } from './xml-tree.ts';

export type { XmlElement } from './xml-tree.ts';

const NOT_SPACE = /\S/;

function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon >= 0 ? name.slice(colon + 1) : name;
}

/** Well-formed XML into a tree; a ScoreError with the line of the first error otherwise. */
export function parseXml(text: string, file: string): XmlElement {
  // The part of XML score tools write is read by a one-walk reader; anything else by saxes.
  return readSimpleXml(text) ?? parseXmlStrict(text, file);
}

/** A file's bytes (UTF-8 or UTF-16) into a tree; UTF-8 is read as byte text by the fast reader. */
export function parseXmlBytes(bytes: Uint8Array, file: string): XmlElement {
  const byteText = utf8ByteText(bytes);
  if (byteText === undefined) return parseXml(decodeXmlBytes(bytes, file), file);
  return readSimpleXml(byteText, true) ?? parseXmlStrict(decodeXmlBytes(bytes, file), file);
}

/** The same through saxes alone. */
export function parseXmlStrict(text: string, file: string): XmlElement {
  const parser = new SaxesParser({ position: true });
  const top: XmlElement = { name: '', attrs: {}, children: NO_CHILDREN, text: '', line: 1 };
  const stack: XmlElement[] = [top];
  let startLine = 1;
  // One string per element name for the whole tree (thousands of <note>s share one "note").
  const names = new Map<string, string>();
  parser.on('opentagstart', () => {
    startLine = parser.line;
  });
  // saxes hands each element's attributes in a prototype-less object, which V8 keeps as a hash
  // table (large, and slow to carry through garbage collection in a tree of thousands of
  // elements); they are gathered into a plain object as they come instead.
  let attributes: Record<string, string> | undefined;
  parser.on('attribute', (attr) => {
    (attributes ??= {})[attr.name] = attr.value;
  });
  parser.on('opentag', (tag) => {
    // Most elements are leaves: they share one empty list until a child comes.
    let name = names.get(tag.name);
    if (name === undefined) names.set(tag.name, (name = localName(tag.name)));
    const el: XmlElement = { name, attrs: attributes ?? NO_ATTRIBUTES, children: NO_CHILDREN, text: '', line: startLine };
    attributes = undefined;
    const parent = stack[stack.length - 1]!;
    if (parent.children === NO_CHILDREN) parent.children = [el];
    else parent.children.push(el);
    stack.push(el);
  });
  parser.on('text', (t) => {
    // Indentation between elements is most of the text in these files: not kept.
    if (NOT_SPACE.test(t)) stack[stack.length - 1]!.text += t;
  });
  parser.on('cdata', (t) => {
    stack[stack.length - 1]!.text += t;
  });
  parser.on('closetag', () => {
    const el = stack.pop()!;
    if (el.text !== '') el.text = el.text.trim();
  });
  try {
    parser.write(text).close();
  } catch (err) {
    // saxes reports "line:column: message".
    const m = /^(?:[^:]*:)?(\d+):(\d+): ([\s\S]*)$/.exec((err as Error).message);
    throw new ScoreError(file, `not well-formed XML: ${m ? m[3] : (err as Error).message}`, m ? Number(m[1]) : parser.line);
  }
  const root = top.children[0];
  if (!root) throw new ScoreError(file, 'the file holds no XML element', 1);
  return root;
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
