// Reads one JSON file of a show and checks it against its schema: syntax errors with line:column,
// then every schema finding placed on its key or value. Linear in the size of the file, and a file
// with thousands of findings reports the first MAX_ERRORS_PER_FILE and a count of the rest (a
// hostile or mangled file costs no more to refuse than to read).

import { readFile } from 'node:fs/promises';
import type { z } from 'zod';
import { JsonSyntaxError, formatPath, type PathSegment } from './json-source.ts';
import { parseJson, type PositionLookup } from './json-fast.ts';
import type { ValidationError } from './errors.ts';

export const MAX_ERRORS_PER_FILE = 100;

export interface LoadedJson<T> {
  /** Show-folder-relative path with / separators. */
  file: string;
  absPath: string;
  data: T;
  positions: PositionLookup;
}

/** Collects findings with positions for one file. */
export class FileReport {
  constructor(
    readonly file: string,
    readonly positions: PositionLookup,
    private readonly sink: ValidationError[],
  ) {}

  error(path: readonly PathSegment[], message: string, atKey = false): void {
    const p = this.positions.positionOf(path, atKey);
    this.sink.push({ file: this.file, path: formatPath(path), line: p.line, column: p.column, message });
  }
}

export async function readJson<T>(
  absPath: string,
  rel: string,
  schema: { safeParse(value: unknown): z.ZodSafeParseResult<T> },
  errors: ValidationError[],
  onParsed?: (raw: unknown) => void,
): Promise<LoadedJson<T> | undefined> {
  let text: string;
  try {
    text = await readFile(absPath, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    errors.push({ file: rel, path: '', line: 1, column: 1, message: code === 'ENOENT' ? 'file not found' : `cannot read the file (${code ?? (err as Error).message})` });
    return undefined;
  }
  let parsed;
  try {
    parsed = parseJson(text);
  } catch (err) {
    const at = err instanceof JsonSyntaxError ? err.position : { line: 1, column: 1 };
    const detail = err instanceof JsonSyntaxError ? err.detail : (err as Error).message;
    errors.push({ file: rel, path: '', line: at.line, column: at.column, message: `invalid JSON: ${detail}` });
    return undefined;
  }
  onParsed?.(parsed.value);
  // (The messages name the offending value themselves: issues need not carry the input.)
  const result = schema.safeParse(parsed.value);
  if (result.success) return { file: rel, absPath, data: result.data, positions: parsed.positions };
  const fileErrors: ValidationError[] = [];
  const report = new FileReport(rel, parsed.positions, fileErrors);
  const reported = new Set<string>();
  let more = 0;
  for (const issue of result.error.issues) {
    const path = issue.path as PathSegment[];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        if (fileErrors.length >= MAX_ERRORS_PER_FILE) more++;
        else report.error([...path, key], `unknown key "${key}"${suggestKey(key)}`, true);
      }
      continue;
    }
    // One message per field: "-1.5" breaks both the integer and the range check.
    const where = formatPath(path);
    if (reported.has(where)) continue;
    reported.add(where);
    if (fileErrors.length >= MAX_ERRORS_PER_FILE) more++;
    else if (!parsed.positions.has(path)) report.error(path, 'required field is missing');
    else report.error(path, issue.message);
  }
  if (more > 0) fileErrors.push({ file: rel, path: '', line: 1, column: 1, message: `and ${more} more error(s) in this file (the first ${MAX_ERRORS_PER_FILE} are listed)` });
  errors.push(...fileErrors);
  return undefined;
}

// Common typos of the format's own keys, answered with the right one.
const KNOWN_KEYS = [
  'title', 'date', 'venue', 'avatar', 'outputs', 'lighting', 'songs', 'setlist', 'id', 'kind', 'settings', 'description', 'width', 'height',
  'latencyMs', 'mirror', 'keystone', 'gain', 'blackLevel', 'audio', 'port', 'channel', 'mscDeviceId', 'type', 'song', 'duration', 'encore',
  'hold', 'transition', 'seconds', 'credits', 'composer', 'lyricist', 'arranger', 'producer', 'illustrator', 'license', 'source', 'tags',
  'key', 'tempo', 'timeSignature', 'end', 'score', 'voice', 'cues', 'motion', 'camera', 'effects', 'at', 'clip', 'blend', 'shot',
  'position', 'target', 'fov', 'move', 'note', 'velocity', 'controller', 'value', 'program', 'command', 'cue', 'list', 'effect',
  'intensity', 'color', 'bank', 'transpose', 'gainDb', 'vibrato', 'portamento', 'formantShift', 'preutterance', 'engine', 'depth', 'rate', 'delay', 'file', 'bpm',
];

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}

function suggestKey(key: string): string {
  const lower = key.toLowerCase();
  let best = '';
  let bestD = Infinity;
  for (const k of KNOWN_KEYS) {
    const d = editDistance(lower, k.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = k;
    }
  }
  return bestD > 0 && bestD <= Math.max(1, Math.floor(key.length / 4)) ? ` (did you mean "${best}"?)` : '';
}

