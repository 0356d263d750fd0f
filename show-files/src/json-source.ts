// A JSON parser that remembers where every value and key sits in the text, so validation errors
// can point at `file:line:column`. Strict JSON (what JSON.parse accepts), with a clear message and
// position for syntax errors.

export interface SourcePosition {
  line: number;
  column: number;
}

export interface SourceSpan {
  /** Where the value starts. */
  value: SourcePosition;
  /** Where the property name starts, for object members. */
  key?: SourcePosition;
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

export interface ParsedJson {
  value: unknown;
  /** Positions by formatted path ('' is the root). */
  spans: Map<string, SourceSpan>;
}

export function parseJsonWithPositions(text: string): ParsedJson {
  const spans = new Map<string, SourceSpan>();
  let i = 0;
  let line = 1;
  let lineStart = 0;

  const pos = (): SourcePosition => ({ line, column: i - lineStart + 1 });
  const fail = (detail: string): never => {
    throw new JsonSyntaxError(detail, pos());
  };
  const describeHere = (): string => (i >= text.length ? 'end of file' : JSON.stringify(text[i]));

  function skipWhitespace(): void {
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 0x0a) {
        i++;
        line++;
        lineStart = i;
      } else if (c === 0x20 || c === 0x09 || c === 0x0d) i++;
      else if (c === 0xfeff && i === 0) i++;
      else break;
    }
  }

  function parseString(): string {
    // i is at the opening quote
    i++;
    let out = '';
    let chunkStart = i;
    while (true) {
      if (i >= text.length) fail('unterminated string');
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        out += text.slice(chunkStart, i);
        i++;
        return out;
      }
      if (c === 0x0a || c < 0x20) fail('control character or line break inside a string (use \\n)');
      if (c === 0x5c) {
        out += text.slice(chunkStart, i);
        const e = text[i + 1];
        const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (e !== undefined && e in simple) {
          out += simple[e];
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

  function parseNumber(): number {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 64));
    if (!m) fail(`unexpected ${describeHere()}`);
    i += m![0].length;
    return Number(m![0]);
  }

  function parseValue(path: string, key?: SourcePosition): unknown {
    skipWhitespace();
    spans.set(path, { value: pos(), key });
    const c = text[i];
    if (c === '{') return parseObject(path);
    if (c === '[') return parseArray(path);
    if (c === '"') return parseString();
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return parseNumber();
    for (const [word, val] of [['true', true], ['false', false], ['null', null]] as const) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return val;
      }
    }
    if (c === "'") fail('strings need double quotes in JSON');
    return fail(`unexpected ${describeHere()}, expected a value`);
  }

  function join(path: string, seg: PathSegment): string {
    if (typeof seg === 'number') return `${path}[${seg}]`;
    if (/^[A-Za-z_$][\w$-]*$/.test(seg)) return path ? `${path}.${seg}` : seg;
    return `${path}[${JSON.stringify(seg)}]`;
  }

  function parseObject(path: string): Record<string, unknown> {
    i++;
    const obj: Record<string, unknown> = {};
    skipWhitespace();
    if (text[i] === '}') {
      i++;
      return obj;
    }
    while (true) {
      skipWhitespace();
      if (text[i] !== '"') fail(text[i] === '}' ? 'trailing comma before }' : `expected a property name in double quotes, got ${describeHere()}`);
      const keyPos = pos();
      const key = parseString();
      skipWhitespace();
      if (text[i] !== ':') fail(`expected ":" after property name "${key}"`);
      i++;
      const childPath = join(path, key);
      if (Object.prototype.hasOwnProperty.call(obj, key)) {
        throw new JsonSyntaxError(`duplicate property "${key}"`, keyPos);
      }
      Object.defineProperty(obj, key, { value: parseValue(childPath, keyPos), enumerable: true, writable: true, configurable: true });
      skipWhitespace();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === '}') {
        i++;
        return obj;
      }
      fail(`expected "," or "}" after property "${key}", got ${describeHere()}`);
    }
  }

  function parseArray(path: string): unknown[] {
    i++;
    const arr: unknown[] = [];
    skipWhitespace();
    if (text[i] === ']') {
      i++;
      return arr;
    }
    while (true) {
      skipWhitespace();
      if (text[i] === ']') fail('trailing comma before ]');
      arr.push(parseValue(join(path, arr.length)));
      skipWhitespace();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === ']') {
        i++;
        return arr;
      }
      fail(`expected "," or "]" in array, got ${describeHere()}`);
    }
  }

  const value = parseValue('');
  skipWhitespace();
  if (i < text.length) fail(`unexpected ${describeHere()} after the end of the JSON value`);
  return { value, spans };
}

/** The nearest recorded position for a path, walking up to the parent if needed. */
export function positionOf(spans: Map<string, SourceSpan>, path: readonly PathSegment[], preferKey = false): SourcePosition {
  for (let n = path.length; n >= 0; n--) {
    const span = spans.get(formatPath(path.slice(0, n)));
    if (span) return preferKey && span.key && n === path.length ? span.key : span.value;
  }
  return { line: 1, column: 1 };
}
