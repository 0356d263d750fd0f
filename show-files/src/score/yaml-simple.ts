// The fast reader of .ustx YAML. OpenUtau writes a small, regular part of YAML (block mappings
// and sequences, one-line flow collections, plain and quoted one-line scalars); this reader takes
// that part in one pass over the text, without a syntax tree, about 50 times faster than a
// general YAML parser. Anything outside it (anchors, tags, multi-line scalars or flow
// collections, tabs, odd keys) makes it give up (undefined), and ustx-yaml.ts has the yaml
// package read the text instead. It keeps the line of every top-level key and of the items of
// the sequences error messages name (up to three levels deep: tempos, parts, each part's notes).

import { textOfBytes } from './byte-text.ts';
import { canStartPlain, COLON, DASH, decodeEscape, giveUp, HASH, hasColonSpace, isKeyChar, isKeyStart, isSpecialKey, NOT_SIMPLE, plainScalar, SPACE } from './yaml-scalars.ts';

/** How deep (keys and items from the top) a sequence may be and still have its items' lines kept. */
const LINE_DEPTH = 3;

/** A YAML document as plain values, with the lines error messages need. */
export interface YamlValues {
  root: unknown;
  /** Line (1-based) where a top-level key's value begins. */
  keyLine(key: string): number | undefined;
  /** Line of each item of the sequence at a path (from the top; the fast reader keeps them up to three steps deep). */
  itemLines(path: readonly (string | number)[]): (index: number) => number | undefined;
}

/**
 * The fast reader; undefined when the text is outside the part of YAML it reads. With `byteText`
 * the text is a UTF-8 file's bytes (byte-text.ts): the reader takes the same files and gives the
 * same values, decoding only the strings it keeps.
 */
export function readSimpleYaml(text: string, byteText = false): YamlValues | undefined {
  const length = text.length;
  const cut = (from: number, to: number): string => (byteText ? textOfBytes(text.slice(from, to)) : text.slice(from, to));
  // Line of each item of a block sequence; a flow sequence's items share its one line. Kept for
  // the sequences error messages name (the tempos, parts, each part's notes: at most LINE_DEPTH
  // keys and items from the top), not for the thousands of small lists inside notes.
  const seqLines = new Map<unknown[], number[] | number>();
  const rootKeyLines = new Map<string, number>();

  // The current line: its content from `pos` (after the indentation) to `end` (before any \r).
  let next = 0;
  let line = 0;
  let pos = 0;
  let end = 0;
  let indent = -1;
  let eof = false;
  /** Moves to the next line with content (blank and comment lines skipped). */
  const advance = (): void => {
    for (;;) {
      if (next >= length) {
        eof = true;
        indent = -1;
        return;
      }
      const nl = text.indexOf('\n', next);
      const lineEnd = nl < 0 ? length : nl;
      let e = lineEnd;
      if (nl >= 0 && e > next && text.charCodeAt(e - 1) === 13) e--;
      let p = next;
      while (p < e && text.charCodeAt(p) === SPACE) p++;
      line++;
      const start = next;
      next = nl < 0 ? length : nl + 1;
      if (p === e || text.charCodeAt(p) === HASH) continue;
      pos = p;
      end = e;
      indent = p - start;
      return;
    }
  };

  // Where the last key, flow value or quoted scalar read ended (saves returning pairs).
  let after = 0;

  const isEntry = (p: number): boolean => text.charCodeAt(p) === DASH && (p + 1 === end || text.charCodeAt(p + 1) === SPACE);

  /**
   * The plain key that starts at p (`after`: the index after its colon); undefined when the line
   * holds no key there (a scalar), giving up on a key this reader does not take (quoted, numeric).
   */
  const readKey = (p: number): string | undefined => {
    const c = text.charCodeAt(p);
    if (c === 123 || c === 91 || c === 34 || c === 39) return undefined; // { [ " ': a value (a key here makes inlineValue give up)
    const key = isKeyStart(c) ? plainKey(p) : undefined;
    if (key !== undefined) return key;
    return hasColonSpace(text, p, end) ? giveUp() : undefined;
  };

  // Keys repeat on every note: each is sliced from the text once and then found by a hash of its characters.
  const keyCache = new Map<number, string>();
  const keysByFirst: (string[] | undefined)[] = new Array<string[] | undefined>(128).fill(undefined);
  /** A plain key at p followed by a colon and a space or the line's end (`after`: the index after the colon). */
  const plainKey = (p: number): string | undefined => {
    // Most keys are ones seen before: compared in place with the first few seen that start with
    // the same character (no hash, no map, no slice).
    const known = keysByFirst[text.charCodeAt(p) & 127];
    if (known !== undefined) {
      for (let n = 0; n < known.length; n++) {
        const key = known[n]!;
        const length = key.length;
        let j = 0;
        while (j < length && text.charCodeAt(p + j) === key.charCodeAt(j)) j++;
        if (j < length || (p + length < end && isKeyChar(text.charCodeAt(p + length)))) continue;
        let k = p + length;
        while (k < end && text.charCodeAt(k) === SPACE) k++;
        if (!(k < end && text.charCodeAt(k) === COLON && (k + 1 === end || text.charCodeAt(k + 1) === SPACE))) return undefined;
        after = k + 1;
        return key;
      }
    }
    let i = p;
    let hash = 0;
    for (; i < end; i++) {
      const c = text.charCodeAt(i);
      if (!isKeyChar(c)) break;
      hash = (Math.imul(hash, 31) + c) | 0;
    }
    let k = i;
    while (k < end && text.charCodeAt(k) === SPACE) k++;
    if (!(k < end && text.charCodeAt(k) === COLON && (k + 1 === end || text.charCodeAt(k + 1) === SPACE))) return undefined;
    after = k + 1;
    const length = i - p;
    const cached = keyCache.get(hash);
    if (cached !== undefined && cached.length === length && text.startsWith(cached, p)) return cached;
    const key = text.slice(p, i);
    if (isSpecialKey(key)) giveUp();
    keyCache.set(hash, key);
    const same = (keysByFirst[key.charCodeAt(0) & 127] ??= []);
    if (length > 0 && same.length < 8) same.push(key); // a few per letter: a file of many keys is not searched through
    return key;
  };

  /** The rest of the line after a value: spaces, then nothing or a comment. */
  const expectLineEnd = (p: number): void => {
    if (p === end) return;
    if (text.charCodeAt(p) !== SPACE) giveUp();
    while (p < end && text.charCodeAt(p) === SPACE) p++;
    if (p < end && text.charCodeAt(p) !== HASH) giveUp();
  };

  /** The block node on the current line, `depth` keys and items from the top. */
  function blockNode(depth: number): unknown {
    if (isEntry(pos)) return blockSeq(indent, depth);
    const key = readKey(pos);
    if (key === undefined) giveUp(); // a lone scalar on its own line (or a multi-line one)
    return blockMap(indent, key!, depth);
  }

  /** A block mapping whose keys are at column col; its first key has just been read. */
  function blockMap(col: number, key: string, depth: number): Record<string, unknown> {
    const map: Record<string, unknown> = {};
    const atRoot = col === 0;
    for (;;) {
      let v = after;
      while (v < end && text.charCodeAt(v) === SPACE) v++;
      let value: unknown;
      if (v === end || text.charCodeAt(v) === HASH) {
        const keyLine = line;
        advance();
        if (!eof && indent > col) {
          if (atRoot) rootKeyLines.set(key, line);
          value = blockNode(depth + 1);
        } else if (!eof && indent === col && isEntry(pos)) {
          if (atRoot) rootKeyLines.set(key, line);
          value = blockSeq(col, depth + 1);
        } else {
          if (atRoot) rootKeyLines.set(key, keyLine);
          value = null;
        }
      } else {
        if (atRoot) rootKeyLines.set(key, line);
        value = inlineValue(v, depth + 1);
        advance();
      }
      map[key] = value;
      if (eof || indent < col) return map;
      if (indent > col || isEntry(pos)) giveUp();
      key = readKey(pos) ?? giveUp();
    }
  }

  function blockSeq(col: number, depth: number): unknown[] {
    const seq: unknown[] = [];
    const lines: number[] | undefined = depth <= LINE_DEPTH ? [] : undefined;
    for (;;) {
      let p = pos + 1;
      while (p < end && text.charCodeAt(p) === SPACE) p++;
      if (p === end || text.charCodeAt(p) === HASH) {
        // The item is on the lines below (its place is there), or empty.
        const entryLine = line;
        advance();
        const below = !eof && indent > col;
        lines?.push(below ? line : entryLine);
        seq.push(below ? blockNode(depth + 1) : null);
      } else if (isEntry(p)) {
        giveUp(); // "- - x": a sequence in a sequence, written compactly
      } else {
        lines?.push(line);
        const key = readKey(p);
        if (key !== undefined) seq.push(blockMap(indent + (p - pos), key, depth + 1));
        else {
          seq.push(inlineValue(p, depth + 1));
          advance();
        }
      }
      if (eof || indent < col) break;
      if (indent > col) giveUp();
      if (!isEntry(pos)) break; // the next key of the mapping that holds this sequence
    }
    if (lines) seqLines.set(seq, lines);
    return seq;
  }

  /** A value that fills the rest of the line from p (a comment may follow). */
  function inlineValue(p: number, depth: number): unknown {
    const c = text.charCodeAt(p);
    if (c === 123 || c === 91 || c === 34 || c === 39) {
      const value = c === 123 ? flowMap(p, depth) : c === 91 ? flowSeq(p, depth) : quoted(p);
      expectLineEnd(after);
      return value;
    }
    if (!canStartPlain(text, p, end, false)) giveUp();
    let e = p;
    for (let i = p; i < end; i++) {
      const ch = text.charCodeAt(i);
      if (ch === SPACE) {
        if (text.charCodeAt(i + 1) === HASH) break;
        continue;
      }
      if (ch < SPACE || (ch === COLON && (i + 1 === end || text.charCodeAt(i + 1) === SPACE))) giveUp();
      e = i + 1;
    }
    return scalarAt(p, e);
  }

  /** The plain scalar from p to e: integers are read in place, the rest as the core schema says. */
  function scalarAt(p: number, e: number): unknown {
    let i = p;
    const negative = text.charCodeAt(i) === DASH;
    if (negative) i++;
    if (e > i && e - i <= 15) {
      let n = 0;
      for (; i < e; i++) {
        const d = text.charCodeAt(i) - 48;
        if (d < 0 || d > 9) break;
        n = n * 10 + d;
      }
      if (i === e) return negative ? -n : n;
    }
    const value = plainScalar(text.slice(p, e));
    return byteText && typeof value === 'string' ? textOfBytes(value) : value;
  }

  /** A one-line quoted scalar at p (`after`: the index after the closing quote). */
  function quoted(p: number): string {
    const q = text[p]!;
    let out = '';
    let from = p + 1;
    for (let i = p + 1; i < end; i++) {
      const ch = text[i]!;
      if (ch < ' ') giveUp();
      if (q === "'" && ch === "'") {
        if (text[i + 1] === "'") {
          out += cut(from, i + 1);
          from = i + 2;
          i++;
          continue;
        }
        after = i + 1;
        return out + cut(from, i);
      }
      if (q === '"' && ch === '"') {
        after = i + 1;
        return out + cut(from, i);
      }
      if (q === '"' && ch === '\\') {
        const [decoded, width] = decodeEscape(text, i, end);
        out += cut(from, i) + decoded;
        i += width - 1;
        from = i + 1;
      }
    }
    return giveUp(); // the scalar goes on to the next line
  }

  const skipSpaces = (p: number): number => {
    while (p < end && text.charCodeAt(p) === SPACE) p++;
    return p;
  };

  /** A flow node inside [] or {} (`after`: the index after it). */
  function flowNode(p: number, depth: number): unknown {
    const c = text.charCodeAt(p);
    if (c === 123) return flowMap(p, depth);
    if (c === 91) return flowSeq(p, depth);
    if (c === 34 || c === 39) return quoted(p);
    if (!canStartPlain(text, p, end, true)) giveUp();
    let e = p;
    let i = p;
    for (; i < end; i++) {
      const ch = text.charCodeAt(i);
      if (ch === 44 || ch === 93 || ch === 125) break; // , ] }
      if (ch === 91 || ch === 123 || ch < SPACE) giveUp();
      if (ch === COLON) {
        const after = text.charCodeAt(i + 1);
        if (i + 1 === end || after === SPACE || after === 44 || after === 93 || after === 125) break;
      }
      if (ch === SPACE) {
        if (text.charCodeAt(i + 1) === HASH) giveUp();
        continue;
      }
      e = i + 1;
    }
    after = i;
    return scalarAt(p, e);
  }

  function flowSeq(p: number, depth: number): unknown[] {
    const seq: unknown[] = [];
    p = skipSpaces(p + 1);
    if (depth <= LINE_DEPTH) seqLines.set(seq, line);
    if (text.charCodeAt(p) === 93) {
      after = p + 1;
      return seq;
    }
    for (;;) {
      seq.push(flowNode(p, depth + 1));
      p = skipSpaces(after);
      if (p >= end) giveUp(); // continues on the next line
      const c = text.charCodeAt(p);
      if (c === 93) {
        after = p + 1;
        return seq;
      }
      if (c !== 44) giveUp(); // "a: b" pairs and anything else
      p = skipSpaces(p + 1);
      if (p >= end || text.charCodeAt(p) === 93) giveUp();
    }
  }

  /** A plain key followed by ": " inside a flow mapping (`after`: the index after the colon). */
  function flowKey(p: number): string {
    if (!isKeyStart(text.charCodeAt(p))) giveUp();
    const key = plainKey(p);
    if (key === undefined || after === end) return giveUp(); // "{a:}" (a colon at the line's end) is not taken
    return key;
  }

  function flowMap(p: number, depth: number): Record<string, unknown> {
    const map: Record<string, unknown> = {};
    p = skipSpaces(p + 1);
    if (text.charCodeAt(p) === 125) {
      after = p + 1;
      return map;
    }
    for (;;) {
      const key = flowKey(p);
      p = skipSpaces(after);
      if (p >= end || text.charCodeAt(p) === 44 || text.charCodeAt(p) === 125) giveUp(); // an empty value
      map[key] = flowNode(p, depth + 1);
      p = skipSpaces(after);
      if (p >= end) giveUp();
      const c = text.charCodeAt(p);
      if (c === 125) {
        after = p + 1;
        return map;
      }
      if (c !== 44) giveUp();
      p = skipSpaces(p + 1);
      if (p >= end || text.charCodeAt(p) === 125) giveUp();
    }
  }

  advance();
  if (eof) return undefined;
  let root: unknown;
  try {
    if (indent !== 0 || text.startsWith('---', pos) || text.startsWith('...', pos)) return undefined;
    root = blockNode(0);
    if (!eof) return undefined;
  } catch (err) {
    if (err === NOT_SIMPLE) return undefined;
    throw err;
  }
  return {
    root,
    keyLine: (key) => rootKeyLines.get(key),
    itemLines(path) {
      let list: unknown = root;
      for (const step of path) list = (list as Record<string | number, unknown> | null)?.[step];
      const lines = Array.isArray(list) ? seqLines.get(list) : undefined;
      return (i) => (typeof lines === 'number' ? lines : lines?.[i]);
    },
  };
}
