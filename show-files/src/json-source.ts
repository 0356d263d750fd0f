// A JSON parser that remembers where every value and key sits in the text, so validation errors
// can point at `file:line:column`. Strict JSON (what JSON.parse accepts, minus duplicate keys,
// which would silently lose an edit), with a clear message and position for syntax errors.
// Positions are kept as character offsets in one number array per object/array (no per-value
// objects or path strings) and turned into line:column only when an error needs one.

export interface SourcePosition {
  line: number;
  column: number;
}

export type PathSegment = string | number;

export class JsonSyntaxError extends Error {
  constructor(
    readonly detail: string,
    readonly position: SourcePosition,
  ) {
    super(`${position.line}:${position.column} ${detail}`);
    this.name = 'JsonSyntaxError';
  }
}

/** `cues.lighting[3].note` — the path notation used in every error message. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/** Where things are in one parsed text. */
export class JsonPositions {
  private lineStarts: number[] | undefined;
  /** Key -> member index per object, built on first lookup (a path lookup stays O(depth)). */
  private readonly keyIndex = new WeakMap<object, Map<string, number>>();

  constructor(
    private readonly text: string,
    private readonly root: unknown,
    private readonly rootOffset: number,
    /** Objects: [keyOffset, valueOffset] per member in insertion order; arrays: valueOffset per item. */
    private readonly offsets: Map<object, number[]>,
  ) {}

  /** True when the path exists in the parsed value. */
  has(path: readonly PathSegment[]): boolean {
    return this.locate(path).depth === path.length;
  }

  /**
   * The position of the value at `path` (or of its key with `preferKey`); a path that doesn't exist
   * falls back to its nearest existing parent.
   */
  positionOf(path: readonly PathSegment[], preferKey = false): SourcePosition {
    const { valueOffset, keyOffset, depth } = this.locate(path);
    return this.lineColumn(preferKey && depth === path.length && keyOffset >= 0 ? keyOffset : valueOffset);
  }

  private locate(path: readonly PathSegment[]): { valueOffset: number; keyOffset: number; depth: number } {
    let node: unknown = this.root;
    let valueOffset = this.rootOffset;
    let keyOffset = -1;
    let depth = 0;
    for (const seg of path) {
      if (node === null || typeof node !== 'object') break;
      const offs = this.offsets.get(node);
      if (!offs) break;
      if (Array.isArray(node)) {
        if (typeof seg !== 'number' || seg < 0 || seg >= node.length) break;
        valueOffset = offs[seg]!;
        keyOffset = -1;
        node = node[seg];
      } else {
        let index = this.keyIndex.get(node);
        if (!index) {
          index = new Map(Object.keys(node).map((k, i) => [k, i]));
          this.keyIndex.set(node, index);
        }
        const at = index.get(String(seg));
        if (at === undefined) break;
        keyOffset = offs[2 * at]!;
        valueOffset = offs[2 * at + 1]!;
        node = (node as Record<string, unknown>)[String(seg)];
      }
      depth++;
    }
    return { valueOffset, keyOffset, depth };
  }

  lineColumn(offset: number): SourcePosition {
    if (!this.lineStarts) {
      this.lineStarts = [0];
      for (let i = 0; i < this.text.length; i++) if (this.text.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
    }
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.lineStarts[lo]! + 1 };
  }
}

export interface ParsedJson {
  value: unknown;
  positions: JsonPositions;
}

/** Deeper than any show file needs; past it a file is refused with a position, not a stack overflow. */
export const MAX_JSON_DEPTH = 512;

const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

export function parseJsonWithPositions(text: string): ParsedJson {
  const offsets = new Map<object, number[]>();
  const n = text.length;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;

  const lineColumnAt = (offset: number): SourcePosition => {
    let line = 1;
    let start = 0;
    for (let k = 0; k < offset && k < n; k++) if (text.charCodeAt(k) === 10) {
      line++;
      start = k + 1;
    }
    return { line, column: offset - start + 1 };
  };
  const fail = (detail: string, at = i): never => {
    throw new JsonSyntaxError(detail, lineColumnAt(at));
  };
  const describeHere = (): string => (i >= n ? 'end of file' : JSON.stringify(text[i]));

  function skipWhitespace(): void {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d) i++;
      else break;
    }
  }

  function parseString(): string {
    const open = i++;
    let out = '';
    let chunkStart = i;
    while (true) {
      if (i >= n) fail('unterminated string', open);
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        out += text.slice(chunkStart, i);
        i++;
        return out;
      }
      if (c < 0x20) fail('control character or line break inside a string (use \\n)');
      if (c === 0x5c) {
        out += text.slice(chunkStart, i);
        const e = text[i + 1];
        if (e !== undefined && e in ESCAPES) {
          out += ESCAPES[e];
          i += 2;
        } else if (e === 'u') {
          const hexDigits = text.slice(i + 2, i + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hexDigits)) fail('bad \\u escape in string');
          out += String.fromCharCode(parseInt(hexDigits, 16));
          i += 6;
        } else fail(`bad escape \\${e ?? ''} in string`);
        chunkStart = i;
        continue;
      }
      i++;
    }
  }

  function digits(): number {
    const start = i;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c < 0x30 || c > 0x39) break;
      i++;
    }
    return i - start;
  }

  function parseNumber(): number {
    const start = i;
    if (text.charCodeAt(i) === 0x2d) i++;
    if (text.charCodeAt(i) === 0x30) i++;
    else if (digits() === 0) fail(`unexpected ${describeHere()}, expected a digit`);
    if (text.charCodeAt(i) === 0x2e) {
      i++;
      if (digits() === 0) fail('expected a digit after the decimal point');
    }
    const e = text.charCodeAt(i);
    if (e === 0x65 || e === 0x45) {
      i++;
      const sign = text.charCodeAt(i);
      if (sign === 0x2b || sign === 0x2d) i++;
      if (digits() === 0) fail('expected a digit in the exponent');
    }
    return Number(text.slice(start, i));
  }

  function parseNumberChecked(): number {
    const start = i;
    const value = parseNumber();
    if (!Number.isFinite(value)) fail(`the number ${text.slice(start, Math.min(i, start + 40))} is too large to represent`, start);
    return value;
  }

  /** A scalar at i, or a fresh empty container (filled by the loop below). */
  function parseScalarOrOpen(): { value: unknown; container?: Frame } {
    const c = text.charCodeAt(i);
    if (c === 0x7b || c === 0x5b) {
      if (stack.length >= MAX_JSON_DEPTH) fail(`nested more than ${MAX_JSON_DEPTH} levels deep`);
      i++;
      const isArray = c === 0x5b;
      const value: Record<string, unknown> | unknown[] = isArray ? [] : {};
      const offs: number[] = [];
      offsets.set(value, offs);
      return { value, container: { value, offs, isArray, key: '', keyOffset: 0 } };
    }
    if (c === 0x22) return { value: parseString() };
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return { value: parseNumberChecked() };
    if (text.startsWith('true', i)) return (i += 4), { value: true };
    if (text.startsWith('false', i)) return (i += 5), { value: false };
    if (text.startsWith('null', i)) return (i += 4), { value: null };
    if (c === 0x27) fail('strings need double quotes in JSON');
    return fail(`unexpected ${describeHere()}, expected a value`);
  }

  interface Frame {
    value: Record<string, unknown> | unknown[];
    offs: number[];
    isArray: boolean;
    /** Objects: the key whose value is being parsed. */
    key: string;
    keyOffset: number;
  }
  const stack: Frame[] = [];

  /** Where a value goes once parsed: into the frame on top of the stack. */
  function store(frame: Frame, value: unknown): void {
    if (frame.isArray) (frame.value as unknown[]).push(value);
    // A key named "__proto__" must stay plain data, not replace the prototype.
    else if (frame.key === '__proto__') Object.defineProperty(frame.value, frame.key, { value, enumerable: true, writable: true, configurable: true });
    else (frame.value as Record<string, unknown>)[frame.key] = value;
  }

  /**
   * Moves to the next member of the container on top: reads its key (objects) and positions i at
   * its value. Returns false when the container closes (the closing bracket is consumed).
   */
  function nextMember(frame: Frame, first: boolean): boolean {
    skipWhitespace();
    const close = frame.isArray ? 0x5d : 0x7d;
    if (first && text.charCodeAt(i) === close) {
      i++;
      return false;
    }
    if (!first) {
      const c = text.charCodeAt(i);
      if (c === close) {
        i++;
        return false;
      }
      if (c !== 0x2c) {
        if (frame.isArray) fail(`expected "," or "]" in array, got ${describeHere()}`);
        fail(`expected "," or "}" after property "${frame.key}", got ${describeHere()}`);
      }
      i++;
      skipWhitespace();
    }
    if (frame.isArray) {
      if (text.charCodeAt(i) === 0x5d) fail('trailing comma before ]');
      frame.offs.push(i);
      return true;
    }
    if (text.charCodeAt(i) !== 0x22) fail(text[i] === '}' ? 'trailing comma before }' : `expected a property name in double quotes, got ${describeHere()}`);
    const keyOffset = i;
    const key = parseString();
    skipWhitespace();
    if (text.charCodeAt(i) !== 0x3a) fail(`expected ":" after property name "${key}"`);
    i++;
    if (Object.prototype.hasOwnProperty.call(frame.value, key)) fail(`duplicate property "${key}"`, keyOffset);
    skipWhitespace();
    frame.key = key;
    frame.keyOffset = keyOffset;
    frame.offs.push(keyOffset, i);
    return true;
  }

  /** Iterative (an explicit stack, never the call stack), so deep nesting is an error, not a crash. */
  function parseValue(): unknown {
    const root = parseScalarOrOpen();
    if (!root.container) return root.value;
    stack.push(root.container);
    let first = true;
    for (;;) {
      const frame = stack[stack.length - 1]!;
      if (!nextMember(frame, first)) {
        stack.pop();
        first = false;
        if (stack.length === 0) return frame.value;
        continue;
      }
      const item = parseScalarOrOpen();
      store(frame, item.value);
      if (item.container) {
        stack.push(item.container);
        first = true;
      } else first = false;
    }
  }

  skipWhitespace();
  const rootOffset = i;
  const value = parseValue();
  skipWhitespace();
  if (i < n) fail(`unexpected ${describeHere()} after the end of the JSON value`);
  return { value, positions: new JsonPositions(text, value, rootOffset, offsets) };
}
