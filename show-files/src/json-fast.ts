// The fast way to read a show file: the engine's own JSON.parse for the value, and the positioned
// parser (json-source.ts) only when it is needed: a syntax error to place, a duplicate key or an
// out-of-range number to report (JSON.parse lets those through), or a validation error that wants
// a line:column. A valid show, the common case, never pays for positions.

import { MAX_JSON_DEPTH, parseJsonWithPositions, type PathSegment, type SourcePosition } from './json-source.ts';

/** Where things are in a parsed text (what validation errors ask). */
export interface PositionLookup {
  has(path: readonly PathSegment[]): boolean;
  positionOf(path: readonly PathSegment[], preferKey?: boolean): SourcePosition;
}

/**
 * Object members written in the text: every `:` outside a string, found as a colon whose previous
 * non-blank character closes a string. A colon inside a string right after an escaped quote counts
 * too; that only over-counts, which sends the file down the careful path, never past a duplicate.
 */
function membersInText(text: string): number {
  let count = 0;
  for (let i = text.indexOf(':'); i >= 0; i = text.indexOf(':', i + 1)) {
    let j = i - 1;
    while (j >= 0) {
      const c = text.charCodeAt(j);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
      j--;
    }
    if (j >= 0 && text.charCodeAt(j) === 0x22) count++;
  }
  return count;
}

/** Members in the parsed value, or -1 when it holds a number JSON cannot carry or nests too deep. */
function membersInValue(root: unknown): number {
  let count = 0;
  const stack: unknown[] = [root];
  const depths: number[] = [0];
  while (stack.length) {
    const v = stack.pop();
    const depth = depths.pop()!;
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) return -1;
    } else if (v !== null && typeof v === 'object') {
      if (depth >= MAX_JSON_DEPTH) return -1;
      if (Array.isArray(v)) {
        for (const item of v) if (item !== null && typeof item === 'object') (stack.push(item), depths.push(depth + 1));
        else if (typeof item === 'number' && !Number.isFinite(item)) return -1;
      } else {
        for (const key in v) {
          count++;
          const item = (v as Record<string, unknown>)[key];
          if (item !== null && typeof item === 'object') (stack.push(item), depths.push(depth + 1));
          else if (typeof item === 'number' && !Number.isFinite(item)) return -1;
        }
      }
    }
  }
  return count;
}

/** Positions computed on first use by the positioned parser (which also fixes the value's layout). */
class LazyPositions implements PositionLookup {
  private parsed: PositionLookup | null = null;
  constructor(private readonly text: string) {}
  private get positions(): PositionLookup {
    this.parsed ??= parseJsonWithPositions(this.text).positions;
    return this.parsed;
  }
  has(path: readonly PathSegment[]): boolean {
    return this.positions.has(path);
  }
  positionOf(path: readonly PathSegment[], preferKey = false): SourcePosition {
    return this.positions.positionOf(path, preferKey);
  }
}

/**
 * Same answers as parseJsonWithPositions (a value, or a JsonSyntaxError with its position), at
 * the speed of JSON.parse for a well-formed file.
 */
export function parseJson(text: string): { value: unknown; positions: PositionLookup } {
  let value: unknown;
  try {
    value = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch {
    return parseJsonWithPositions(text); // throws the positioned JsonSyntaxError
  }
  const members = membersInValue(value);
  // A duplicate key (JSON.parse keeps the last silently), 1e999 or nesting past the limit: the
  // positioned parser refuses it with a line:column.
  if (members < 0 || membersInText(text) !== members) return parseJsonWithPositions(text);
  return { value, positions: new LazyPositions(text) };
}
