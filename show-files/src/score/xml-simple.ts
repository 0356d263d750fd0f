// The fast reader of score XML (MusicXML, VSQX). The files tools write use a small part of XML:
// a declaration, a DOCTYPE without an internal subset, elements with quoted attributes, text with
// the five entities and character references, CDATA and comments. This reader builds the same
// tree as xml.ts's saxes pass for that part in one walk, with far less garbage; anything else
// (or anything not well-formed) makes it give up (undefined), and saxes reads the text, so
// errors are reported, with their lines, by the strict parser.

import { NO_ATTRIBUTES, NO_CHILDREN, type XmlElement } from './xml-tree.ts';
import { textOfBytes } from './byte-text.ts';

/** A name as written ("v4:note") and its local part ("note"). */
interface Name {
  raw: string;
  local: string;
}

class NotSimple extends Error {}
const NOT_SIMPLE = new NotSimple();
const giveUp = (): never => {
  throw NOT_SIMPLE;
};

const isNameStart = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 58;
const isNameChar = (c: number): boolean => isNameStart(c) || (c >= 48 && c <= 57) || c === 45 || c === 46;
const NOT_SPACE = /\S/;
/** A character String.prototype.trim never removes (printable ASCII). */
const isPlainEdge = (c: number): boolean => c > 32 && c < 127;
const isSpace = (c: number): boolean => c === 32 || c === 10 || c === 9 || c === 13;
const DECLARATION = /^<\?xml version="1\.0"(?: encoding="(?:UTF-8|utf-8)")?(?: standalone="(?:yes|no)")?\?>/;
// Public ids in the characters XML allows them; system ids in printable ASCII.
const DOCTYPE = /^<!DOCTYPE [A-Za-z_][\w.:-]*(?: PUBLIC "[-'()+,./:=?;!*#@$_%a-zA-Z0-9 ]*" "[\x20\x21\x23-\x7e]*"| SYSTEM "[\x20\x21\x23-\x7e]*")?[ \n]*>/;

/**
 * The tree of a document in the simple part of XML; undefined when saxes must read it. With
 * `byteText` the text is a UTF-8 file's bytes (byte-text.ts): the same documents are taken and
 * the same tree built, only the text kept is decoded (and characters beyond U+FFFF, which the
 * text reader leaves to saxes as surrogate pairs, are taken too).
 */
export function readSimpleXml(text: string, byteText = false): XmlElement | undefined {
  try {
    return read(text, byteText);
  } catch (err) {
    if (err === NOT_SIMPLE) return undefined;
    throw err;
  }
}

function read(text: string, byteText: boolean): XmlElement {
  const length = text.length;
  const cut = (from: number, to: number): string => (byteText ? textOfBytes(text.slice(from, to)) : text.slice(from, to));
  // U+FFFE and U+FFFF are not XML characters (as text, badChar below finds them).
  if (byteText && (text.includes('\xef\xbf\xbe') || text.includes('\xef\xbf\xbf'))) giveUp();
  let i = 0;
  let line = 1;
  // Element and attribute names repeat thousands of times: each is sliced once and then found by
  // a hash of its characters (a fresh slice per element cost more than the rest of the element).
  const nameCache = new Map<number, Name>();
  const nameAt = (from: number, to: number): Name => {
    let hash = to - from;
    for (let q = from; q < to; q++) hash = (Math.imul(hash, 31) + text.charCodeAt(q)) | 0;
    const cached = nameCache.get(hash);
    if (cached !== undefined && cached.raw.length === to - from && text.startsWith(cached.raw, from)) return cached;
    const raw = text.slice(from, to);
    const colon = raw.indexOf(':');
    const name = { raw, local: colon >= 0 ? raw.slice(colon + 1) : raw };
    if (cached === undefined) nameCache.set(hash, name);
    return name;
  };
  const stack: XmlElement[] = [];
  // The open elements' names as written, to match their end tags.
  const openNames: string[] = [];
  let root: XmlElement | undefined;

  // Lines are counted only where an element starts: the line breaks before a position, found
  // with one moving cursor (positions are asked in increasing order).
  let nextLf = text.indexOf('\n');
  const lineAt = (p: number): number => {
    while (nextLf >= 0 && nextLf < p) {
      line++;
      nextLf = text.indexOf('\n', nextLf + 1);
    }
    return line;
  };
  // A lone \r (not before \n) is a line break saxes counts; such files are left to it.
  for (let cr = text.indexOf('\r'); cr >= 0; cr = text.indexOf('\r', cr + 1)) if (text.charCodeAt(cr + 1) !== 10) giveUp();
  /** A character XML 1.0 does not allow (controls, surrogates, U+FFFE/FFFF) or that this reader leaves alone. */
  const badChar = (c: number): boolean => (c < 32 && c !== 9 && c !== 10 && c !== 13) || (c >= 0xd800 && c <= 0xdfff) || c >= 0xfffe;

  /** Text with entities decoded (the five, and character references). */
  const decode = (from: number, to: number): string => {
    let out = '';
    let start = from;
    for (let k = from; k < to; k++) {
      const c = text.charCodeAt(k);
      if (badChar(c) || c === 60) giveUp();
      if (c === 62 && text.charCodeAt(k - 1) === 93 && text.charCodeAt(k - 2) === 93) giveUp(); // ]]> in text
      if (c !== 38) continue;
      // The reference's end, within the few characters a name or number can take.
      let semi = -1;
      for (let q = k + 1, last = Math.min(to, k + 12); q < last; q++) {
        if (text.charCodeAt(q) === 59) {
          semi = q;
          break;
        }
      }
      if (semi < 0) giveUp();
      const name = text.slice(k + 1, semi);
      let ch: string;
      if (name === 'lt') ch = '<';
      else if (name === 'gt') ch = '>';
      else if (name === 'amp') ch = '&';
      else if (name === 'quot') ch = '"';
      else if (name === 'apos') ch = "'";
      else if (/^#[0-9]{1,7}$/.test(name) || /^#x[0-9a-fA-F]{1,6}$/.test(name)) {
        const code = name[1] === 'x' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
        if (code === 0 || badChar(code) || code > 0x10ffff) giveUp();
        ch = String.fromCodePoint(code);
      } else return giveUp();
      out += cut(start, k) + ch;
      start = semi + 1;
      k = semi;
    }
    return start === from ? cut(from, to) : out + cut(start, to);
  };

  // The next \r at or after a position, found once per \r (most files have none).
  let nextCr = text.indexOf('\r');
  const hasCr = (from: number, to: number): boolean => {
    if (nextCr < 0) return false;
    if (nextCr < from) nextCr = text.indexOf('\r', from);
    return nextCr >= 0 && nextCr < to;
  };

  /** A comment at i (no "--" inside, allowed characters only); the index after it. */
  const skipComment = (at: number): number => {
    const close = text.indexOf('-->', at + 4);
    if (close < 0 || text.indexOf('--', at + 4) < close) giveUp();
    for (let k = at + 4; k < close; k++) if (badChar(text.charCodeAt(k))) giveUp();
    return close + 3;
  };

  const addText = (value: string): void => {
    const top = stack[stack.length - 1];
    if (!top) return giveUp(); // text outside the root element
    top.text += value;
  };

  // Prolog: declaration, comments, DOCTYPE, white space.
  const declaration = DECLARATION.exec(text);
  if (declaration) i = declaration[0].length;
  else if (text.startsWith('<?')) giveUp();
  for (;;) {
    const from = i;
    while (i < length && isSpace(text.charCodeAt(i))) i++;
    if (text.startsWith('<!--', i)) {
      i = skipComment(i);
    } else if (text.startsWith('<!DOCTYPE', i)) {
      const m = DOCTYPE.exec(text.slice(i, i + 600));
      if (!m || root) giveUp();
      i += m![0].length;
    } else break;
  }
  if (text.charCodeAt(i) !== 60) giveUp();

  while (i < length) {
    const c = text.charCodeAt(i);
    if (c !== 60) {
      // Text up to the next markup: kept when it holds more than white space.
      let end = text.indexOf('<', i);
      if (end < 0) end = length;
      let k = i;
      while (k < end && isSpace(text.charCodeAt(k))) k++;
      if (k < end) {
        if (hasCr(i, end)) giveUp(); // line ends inside text: saxes normalises them
        // As in xml.ts: a run of text that is only white space (as \s sees it, entities decoded) is
        // not kept. A printable ASCII character other than & is not white space: no test needed.
        const first = text.charCodeAt(k);
        const value = decode(i, end);
        if ((first > 32 && first < 127 && first !== 38) || NOT_SPACE.test(value) || stack.length === 0) addText(value);
      }
      i = end;
      continue;
    }
    const next = text.charCodeAt(i + 1);
    if (next === 47) {
      // </name>
      const top = stack.pop();
      const open = openNames.pop();
      let k = i + 2;
      while (k < length && isNameChar(text.charCodeAt(k))) k++;
      if (!top || k - (i + 2) !== open!.length || !text.startsWith(open!, i + 2)) giveUp();
      while (k < length && isSpace(text.charCodeAt(k))) k++;
      if (text.charCodeAt(k) !== 62) giveUp();
      const t = top!.text;
      // Trimmed as saxes's text is by xml.ts (most text has nothing to trim: ASCII letters at both ends).
      if (t !== '' && !(isPlainEdge(t.charCodeAt(0)) && isPlainEdge(t.charCodeAt(t.length - 1)))) top!.text = t.trim();
      i = k + 1;
      continue;
    }
    if (next === 33) {
      if (text.startsWith('<!--', i)) {
        i = skipComment(i);
        continue;
      }
      if (text.startsWith('<![CDATA[', i) && stack.length > 0) {
        const close = text.indexOf(']]>', i + 9);
        if (close < 0) giveUp();
        for (let k = i + 9; k < close; k++) if (badChar(text.charCodeAt(k))) giveUp();
        if (hasCr(i, close)) giveUp();
        addText(cut(i + 9, close));
        i = close + 3;
        continue;
      }
      giveUp();
    }
    // <name attr="value" ...> or <name .../>
    if (!isNameStart(next) || (root !== undefined && stack.length === 0)) giveUp();
    const startLine = lineAt(i);
    let k = i + 2;
    while (k < length && isNameChar(text.charCodeAt(k))) k++;
    const { raw: rawName, local: name } = nameAt(i + 1, k);
    const afterName = text.charCodeAt(k);
    if (afterName === 10 || afterName === 13) giveUp(); // saxes counts such a tag on its next line: left to it
    let attrs: Record<string, string> | undefined;
    for (;;) {
      const spaceFrom = k;
      while (k < length && isSpace(text.charCodeAt(k))) k++;
      const ch = text.charCodeAt(k);
      if (ch === 62 || (ch === 47 && text.charCodeAt(k + 1) === 62)) break;
      if (k === spaceFrom || !isNameStart(ch)) giveUp();
      const nameFrom = k;
      while (k < length && isNameChar(text.charCodeAt(k))) k++;
      const attrName = nameAt(nameFrom, k).raw;
      while (k < length && isSpace(text.charCodeAt(k))) k++;
      if (text.charCodeAt(k) !== 61) giveUp();
      k++;
      while (k < length && isSpace(text.charCodeAt(k))) k++;
      const quote = text.charCodeAt(k);
      if (quote !== 34 && quote !== 39) giveUp();
      const close = text.indexOf(quote === 34 ? '"' : "'", k + 1);
      if (close < 0) giveUp();
      for (let q = k + 1; q < close; q++) {
        const v = text.charCodeAt(q);
        if (v === 9 || v === 10 || v === 13) giveUp(); // attribute-value normalisation: left to saxes
      }
      attrs ??= {};
      if (attrName in attrs) giveUp();
      attrs[attrName] = decode(k + 1, close);
      k = close + 1;
    }
    const selfClosing = text.charCodeAt(k) === 47;
    const el: XmlElement = { name, attrs: attrs ?? NO_ATTRIBUTES, children: NO_CHILDREN, text: '', line: startLine };
    const parent = stack[stack.length - 1];
    if (parent) {
      if (parent.children === NO_CHILDREN) parent.children = [el];
      else parent.children.push(el);
    } else root = el;
    if (!selfClosing) {
      stack.push(el);
      openNames.push(rawName);
    }
    i = k + (selfClosing ? 2 : 1);
  }
  if (!root || stack.length > 0) giveUp();
  return root!;
}
