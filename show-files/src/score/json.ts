// The project's own score format: plain JSON a fan (or a script) can write by hand.
//   { "format": "holostage-score", "resolution": 480, "tempo": [{"tick":0,"bpm":120}],
//     "timeSignature": "4/4", "notes": [{"tick":0, "length":480, "pitch":"C4" | 60, "lyric":"ら"}] }

import { JsonSyntaxError, parseJsonWithPositions } from '../json-source.ts';
import type { TempoPoint, TimeSignature } from '../tempo.ts';
import { ScoreError, type Score, type ScoreNote } from './model.ts';
import { pitchFromName } from './pitch.ts';
import { isRestLyric } from '../../../vocal/lyrics.ts';

const DEFAULT_RESOLUTION = 480;

/** Line number (1-based) of a character offset in text. */
function lineOfOffset(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/**
 * Line where the n-th element of the top-level "notes" array starts, found by a light scan of the
 * text (strings and nesting tracked), so errors point at the fan's file, not just an index.
 */
function noteLines(text: string): number[] {
  const lines: number[] = [];
  const key = text.indexOf('"notes"');
  if (key < 0) return lines;
  let i = text.indexOf('[', key);
  if (i < 0) return lines;
  let depth = 0;
  let line = lineOfOffset(text, i);
  let inString = false;
  for (i = i + 1; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\n') line++;
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{' || c === '[') {
      if (depth === 0) lines.push(line);
      depth++;
    } else if (c === '}' || c === ']') {
      if (depth === 0) break;
      depth--;
    }
  }
  return lines;
}

/**
 * Line of a JSON syntax error. Newer V8 puts a position in the message; Node 20 does not, so the
 * show format's positioned parser (iterative, linear) locates it instead. (A YAML parse did this
 * once: on a mangled 22 kB file it built thousands of errors, a fifth of a second.)
 */
function jsonErrorLine(text: string, message: string): number | undefined {
  const pos = /position (\d+)/.exec(message);
  if (pos) return lineOfOffset(text, Number(pos[1]));
  try {
    parseJsonWithPositions(text);
  } catch (err) {
    if (err instanceof JsonSyntaxError) return err.position.line;
  }
  return undefined;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function parseTimeSignature(value: unknown, file: string): TimeSignature {
  if (value === undefined) return { numerator: 4, denominator: 4 };
  if (typeof value === 'string') {
    const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(value);
    if (m) {
      const ts = { numerator: Number(m[1]), denominator: Number(m[2]) };
      if (ts.numerator > 0 && [1, 2, 4, 8, 16, 32].includes(ts.denominator)) return ts;
    }
  } else if (isRecord(value) && Number.isInteger(value.numerator) && Number.isInteger(value.denominator)) {
    return { numerator: value.numerator as number, denominator: value.denominator as number };
  }
  throw new ScoreError(file, `timeSignature must look like "4/4", got ${JSON.stringify(value)}`);
}

export function parseJsonScore(text: string, file: string): Score {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new ScoreError(file, `not valid JSON: ${(err as Error).message.split('\n')[0]}`, jsonErrorLine(text, (err as Error).message));
  }
  if (!isRecord(data)) throw new ScoreError(file, 'a score must be a JSON object');
  if (data.format !== undefined && data.format !== 'holostage-score') {
    throw new ScoreError(file, `"format" must be "holostage-score", got ${JSON.stringify(data.format)}`);
  }
  const resolution = data.resolution ?? DEFAULT_RESOLUTION;
  if (typeof resolution !== 'number' || !Number.isInteger(resolution) || resolution <= 0) {
    throw new ScoreError(file, `"resolution" must be a positive integer, got ${JSON.stringify(resolution)}`);
  }

  let tempo: TempoPoint[] = [{ tick: 0, bpm: 120 }];
  if (data.tempo !== undefined) {
    if (typeof data.tempo === 'number') tempo = [{ tick: 0, bpm: data.tempo }];
    else if (Array.isArray(data.tempo) && data.tempo.length > 0) {
      tempo = data.tempo.map((t, i) => {
        if (!isRecord(t) || typeof t.tick !== 'number' || typeof t.bpm !== 'number' || t.tick < 0) {
          throw new ScoreError(file, `tempo[${i}] must be {"tick": >=0, "bpm": number}`);
        }
        return { tick: t.tick, bpm: t.bpm };
      });
    } else throw new ScoreError(file, '"tempo" must be a BPM number or a list of {"tick","bpm"}');
    tempo.forEach((t, i) => {
      if (!(t.bpm > 0 && t.bpm < 1000)) throw new ScoreError(file, `tempo[${i}]: bpm must be between 0 and 1000, got ${t.bpm}`);
    });
  }
  const timeSignature = parseTimeSignature(data.timeSignature, file);

  if (!Array.isArray(data.notes)) throw new ScoreError(file, '"notes" must be a list of notes');
  const lines = noteLines(text);
  const notes: ScoreNote[] = data.notes.map((raw, index) => {
    const line = lines[index];
    const fail = (detail: string): never => {
      throw new ScoreError(file, `note ${index}: ${detail}`, line);
    };
    if (!isRecord(raw)) fail('must be an object');
    const n = raw as Record<string, unknown>;
    const tick = n.tick;
    const length = n.length ?? n.duration;
    if (typeof tick !== 'number' || !Number.isFinite(tick) || tick < 0) fail(`"tick" must be a number >= 0, got ${JSON.stringify(tick)}`);
    if (typeof length !== 'number' || !Number.isFinite(length) || length <= 0) fail(`"length" must be a number > 0, got ${JSON.stringify(length)}`);
    let pitch: number | undefined;
    if (typeof n.pitch === 'number' && Number.isInteger(n.pitch) && n.pitch >= 0 && n.pitch <= 127) pitch = n.pitch;
    else if (typeof n.pitch === 'string') pitch = pitchFromName(n.pitch);
    if (pitch === undefined) fail(`"pitch" must be a MIDI number 0-127 or a name like "C#4", got ${JSON.stringify(n.pitch)}`);
    const lyric = n.lyric ?? 'a';
    if (typeof lyric !== 'string') fail(`"lyric" must be a string, got ${JSON.stringify(lyric)}`);
    return { tick: tick as number, durationTicks: length as number, pitch: pitch!, lyric: (lyric as string).trim(), source: { index, line } };
  });
  return finishScore({ format: 'json', resolution, tempo, timeSignature, notes, warnings: [] }, file);
}

/**
 * Shared last step of every importer: notes sorted by start, overlaps trimmed (a solo vocal line
 * sings one note at a time) with a warning, zero-length notes dropped with a warning.
 */
export function finishScore(score: Score, file: string): Score {
  const notes = [...score.notes].sort((a, b) => a.tick - b.tick);
  const kept: ScoreNote[] = [];
  for (const note of notes) {
    // Rests are gaps in the model; importers that spell them as notes (UST "R") land here.
    if (isRestLyric(note.lyric)) continue;
    const prev = kept[kept.length - 1];
    if (prev && prev.tick + prev.durationTicks > note.tick) {
      if (prev.tick === note.tick) {
        score.warnings.push(`${file}: ${describeSource(note)}: starts together with another note; dropped (a vocal line sings one note at a time)`);
        continue;
      }
      score.warnings.push(`${file}: ${describeSource(prev)}: overlaps the next note; shortened`);
      prev.durationTicks = note.tick - prev.tick;
    }
    kept.push(note);
  }
  score.notes = kept;
  return score;
}

export { isRestLyric };

export function describeSource(note: ScoreNote): string {
  const s = note.source;
  if (!s) return 'note';
  const parts: string[] = [];
  if (s.part !== undefined) parts.push(`part ${s.part}`);
  if (s.index !== undefined) parts.push(`note ${s.index}`);
  if (s.line !== undefined) parts.push(`line ${s.line}`);
  return parts.join(' ') || 'note';
}
