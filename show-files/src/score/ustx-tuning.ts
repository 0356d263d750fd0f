// OpenUtau tuning in a .ustx: each note's `pitch` points and `vibrato`, its `vol` expression, and
// the part curves `pitd` (pitch deviation, cents) and `dyn` (dynamics, tenths of a dB, -240 =
// silent). Read as OpenUtau renders them: curves are linear between points and 0 outside.

import type { CurvePoint } from './pitch-curve.ts';
import { ustxShape, type UtauPitchPoint, type UtauTuning, type UtauVibrato } from './utau-tuning.ts';

type Plain = Record<string, unknown>;

const isRecord = (v: unknown): v is Plain => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown, fallback: number): number => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);

/** A note's pitch points and vibrato; undefined when it has neither. */
export function readUstxTuning(note: Plain): UtauTuning | undefined {
  let points: UtauPitchPoint[] | undefined;
  let snapFirst = true;
  if (isRecord(note.pitch) && Array.isArray(note.pitch.data)) {
    points = [];
    for (const p of note.pitch.data as unknown[]) {
      if (isRecord(p) && Number.isFinite(p.x) && Number.isFinite(p.y)) points.push({ x: p.x as number, y: p.y as number, shape: ustxShape(p.shape) });
    }
    if (points.length < 2) points = undefined;
    snapFirst = note.pitch.snap_first !== false;
  }
  let vibrato: UtauVibrato | undefined;
  const v = note.vibrato;
  if (isRecord(v) && num(v.length, 0) > 0 && num(v.depth, 0) > 0 && num(v.period, 0) > 0) {
    vibrato = { length: num(v.length, 0), period: num(v.period, 175), depth: num(v.depth, 25), fadeIn: num(v.in, 10), fadeOut: num(v.out, 10), shift: num(v.shift, 0), drift: num(v.drift, 0) };
  }
  if (!points && !vibrato) return undefined;
  return { points, snapFirst, vibrato };
}

/** Value of a note expression (phoneme_expressions at index 0, or the older note_expressions). */
export function noteExpression(note: Plain, abbr: string): number | undefined {
  return expressionIn(note.phoneme_expressions, abbr) ?? expressionIn(note.note_expressions, abbr);
}

/** The first expression with this abbreviation (at index 0) in a list, when its value is a number. */
function expressionIn(list: unknown, abbr: string): number | undefined {
  if (!Array.isArray(list)) return undefined;
  for (const x of list as unknown[]) {
    if (isRecord(x) && x.abbr === abbr && (x.index === undefined || x.index === 0 || x.index === null)) {
      return typeof x.value === 'number' && Number.isFinite(x.value) ? x.value : undefined;
    }
  }
  return undefined;
}

/** A part curve (xs relative to the part) as points over absolute ticks; undefined when absent or broken. */
export function partCurve(part: Plain, abbr: string, partStart: number): CurvePoint[] | undefined {
  if (!Array.isArray(part.curves)) return undefined;
  const c = part.curves.find((x) => isRecord(x) && x.abbr === abbr);
  if (!isRecord(c) || !Array.isArray(c.xs) || !Array.isArray(c.ys)) return undefined;
  const n = Math.min(c.xs.length, c.ys.length);
  const out: CurvePoint[] = [];
  for (let i = 0; i < n; i++) {
    const x = c.xs[i];
    const y = c.ys[i];
    if (typeof x !== 'number' || typeof y !== 'number' || !Number.isFinite(x) || !Number.isFinite(y)) continue;
    if (out.length > 0 && x <= out[out.length - 1]!.tick - partStart) continue; // keep the curve ordered
    out.push({ tick: partStart + x, cents: y });
  }
  return out.length > 0 ? out : undefined;
}

/** Linear sample of a curve, 0 outside it. */
function sample(points: readonly CurvePoint[], tick: number): number {
  if (points.length === 0 || tick < points[0]!.tick || tick > points[points.length - 1]!.tick) return 0;
  let lo = 0;
  let hi = points.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (points[mid]!.tick <= tick) lo = mid;
    else hi = mid - 1;
  }
  const a = points[lo]!;
  const b = points[lo + 1];
  return !b || b.tick === a.tick ? a.cents : a.cents + ((b.cents - a.cents) * (tick - a.tick)) / (b.tick - a.tick);
}

/** OpenUtau's dyn floor: a curve at its minimum is silence. */
const DYN_SILENT = -240;

/** Mean loudness of a dyn curve (tenths of a dB) over a note, as a linear factor. */
export function dynOverNote(dyn: readonly CurvePoint[], tick: number, length: number): number {
  const samples = 8;
  let sum = 0;
  for (let i = 0; i < samples; i++) sum += sample(dyn, tick + ((i + 0.5) * length) / samples);
  const tenths = sum / samples;
  return tenths <= DYN_SILENT ? 0 : Math.pow(10, tenths / 10 / 20);
}
