// Scalars and characters of the YAML that OpenUtau writes, for the fast .ustx reader
// (yaml-simple.ts): which characters may begin a plain scalar or make a key, escapes in double
// quotes, and plain scalars resolved as the YAML 1.2 core schema (and the yaml package) does.

export const SPACE = 32;
export const HASH = 35;
export const DASH = 45;
export const COLON = 58;

/** Thrown inside the fast reader when the text leaves the part of YAML it reads. */
class NotSimple extends Error {}
export const NOT_SIMPLE = new NotSimple();
export const giveUp = (): never => {
  throw NOT_SIMPLE;
};

// Characters that cannot begin a plain scalar (indicators), or that the reader leaves to the full parser.
const NOT_PLAIN_START = new Uint8Array(128);
for (const c of '&*!|>%@`#,[]{}\'"') NOT_PLAIN_START[c.charCodeAt(0)] = 1;
for (let c = 0; c < 32; c++) NOT_PLAIN_START[c] = 1;

/** Whether a plain scalar may begin at p (a line's content ends at `end`); in flow, not before , [ ] { }. */
export function canStartPlain(text: string, p: number, end: number, inFlow: boolean): boolean {
  const c = text.charCodeAt(p);
  if (c < 128 && NOT_PLAIN_START[c] === 1) return false;
  if (c === DASH || c === 63 || c === COLON) {
    // - ? : begin a plain scalar only when a safe character follows.
    const next = p + 1 < end ? text.charCodeAt(p + 1) : SPACE;
    if (next === SPACE || (inFlow && (next === 44 || next === 91 || next === 93 || next === 123 || next === 125))) return false;
  }
  return true;
}

// A plain key as OpenUtau writes them, [A-Za-z_][A-Za-z0-9_.-]*: not quoted nor numeric, nor one
// that YAML resolves to a bool or null.
export const isKeyStart = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
export const isKeyChar = (c: number): boolean => isKeyStart(c) || (c >= 48 && c <= 57) || c === 46 || c === 45;
const SPECIAL_KEYS = new Set(['true', 'True', 'TRUE', 'false', 'False', 'FALSE', 'null', 'Null', 'NULL', '__proto__']);
export const isSpecialKey = (key: string): boolean => (key.length === 4 || key.length === 5 || key.length === 9) && SPECIAL_KEYS.has(key);

/** True when a colon followed by a space (or the line's end) comes before any comment from p on. */
export function hasColonSpace(text: string, p: number, end: number): boolean {
  for (let i = p; i < end; i++) {
    const ch = text.charCodeAt(i);
    if (ch === COLON && (i + 1 === end || text.charCodeAt(i + 1) === SPACE)) return true;
    if (ch === HASH && i > p && text.charCodeAt(i - 1) === SPACE) return false;
  }
  return false;
}

/** A double-quoted escape at i (the backslash): [text, characters used]; gives up on one the reader does not take. */
export function decodeEscape(text: string, i: number, end: number): [string, number] {
  const c = text[i + 1];
  const simple = c !== undefined && i + 1 < end ? SIMPLE_ESCAPES.get(c) : undefined;
  if (simple !== undefined) return [simple, 2];
  const hexDigits = c === 'x' ? 2 : c === 'u' ? 4 : c === 'U' ? 8 : 0;
  const hex = text.slice(i + 2, i + 2 + hexDigits);
  if (hexDigits === 0 || i + 2 + hexDigits > end || !/^[0-9a-fA-F]+$/.test(hex)) return giveUp();
  const code = parseInt(hex, 16);
  if (code > 0x10ffff) giveUp();
  return [String.fromCodePoint(code), 2 + hexDigits];
}

const SIMPLE_ESCAPES = new Map([['\\', '\\'], ['"', '"'], ['/', '/'], ['n', '\n'], ['t', '\t'], ['r', '\r'], ['0', '\0'], ['b', '\b'], ['f', '\f'], [' ', ' ']]);

// YAML 1.2 core schema numbers, as the yaml package resolves them (first match wins).
const INT_OCT = /^0o[0-7]+$/;
const INT = /^[-+]?[0-9]+$/;
const INT_HEX = /^0x[0-9a-fA-F]+$/;
const FLOAT_NAN = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const FLOAT_EXP = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;

/** A plain scalar's value under the core schema: null, a bool, a number or the text. */
export function plainScalar(s: string): unknown {
  const c = s.charCodeAt(0);
  // Digits, sign or dot: maybe a number.
  if ((c >= 48 && c <= 57) || c === 45 || c === 43 || c === 46) {
    if (INT.test(s)) return parseInt(s, 10);
    if (INT_OCT.test(s)) return parseInt(s.slice(2), 8);
    if (INT_HEX.test(s)) return parseInt(s.slice(2), 16);
    if (FLOAT_NAN.test(s)) return s.slice(-3).toLowerCase() === 'nan' ? NaN : s[0] === '-' ? -Infinity : Infinity;
    if (FLOAT_EXP.test(s) || FLOAT.test(s)) return parseFloat(s);
    return s;
  }
  switch (s) {
    case '~':
    case 'null':
    case 'Null':
    case 'NULL':
      return null;
    case 'true':
    case 'True':
    case 'TRUE':
      return true;
    case 'false':
    case 'False':
    case 'FALSE':
      return false;
    default:
      return s;
  }
}
