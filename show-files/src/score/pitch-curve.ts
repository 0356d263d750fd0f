// The score's tuned pitch curve: an offset in cents from the written notes, piecewise linear over
// absolute ticks. Importers describe tuning as local pieces (one note's portamento, a part's pitch
// deviation curve); this file turns them into the one curve of the model.
//
// The written note at a tick is the note sounding there; between notes (a rest) the next note, and
// after the last note the last one. So a glide into a note that starts in a rest is measured
// against the note it leads into, and a glide that starts inside the previous note is measured
// against that note until the new one begins. Where the written pitch changes inside a piece the
// curve holds two points at the same tick (left value, then right value): the sung pitch is
// continuous, the offset steps.

import type { ScoreNote } from './model.ts';

export interface CurvePoint {
  tick: number;
  cents: number;
}

/** How a tuned segment moves from one point to the next (UTAU/OpenUtau point shapes). */
export type Ease = 'linear' | 'sineInOut' | 'sineIn' | 'sineOut';

/** Fraction of the way from one point to the next at u (0..1) for a shape. */
export function ease(shape: Ease, u: number): number {
  switch (shape) {
    case 'sineInOut':
      return (1 - Math.cos(Math.PI * u)) / 2;
    case 'sineIn':
      return 1 - Math.cos((Math.PI * u) / 2);
    case 'sineOut':
      return Math.sin((Math.PI * u) / 2);
    default:
      return u;
  }
}

/** Straight pieces per eased segment: a sine ease drawn with 8 chords is within 1 % of its swing. */
const EASE_STEPS = 8;

/** Shaped points (each shape applies to the segment after it) drawn as straight points. */
export function drawShaped(points: { tick: number; cents: number; shape: Ease }[]): CurvePoint[] {
  const out: CurvePoint[] = [];
  for (let i = 0; i < points.length; i++) {
    const p = points[i]!;
    out.push({ tick: p.tick, cents: p.cents });
    const next = points[i + 1];
    if (!next || p.shape === 'linear' || next.tick <= p.tick || next.cents === p.cents) continue;
    for (let s = 1; s < EASE_STEPS; s++) {
      const u = s / EASE_STEPS;
      out.push({ tick: p.tick + (next.tick - p.tick) * u, cents: p.cents + (next.cents - p.cents) * ease(p.shape, u) });
    }
  }
  return out;
}

/**
 * Index of the written note at a tick: the note sounding there, else the next one, else the last.
 * `notes` must be sorted and disjoint (as finishScore leaves them); -1 when there are none.
 */
export function writtenNoteAt(notes: readonly ScoreNote[], tick: number): number {
  if (notes.length === 0) return -1;
  let lo = 0;
  let hi = notes.length - 1;
  // Last note starting at or before the tick.
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (notes[mid]!.tick <= tick) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  if (found < 0) return 0;
  const n = notes[found]!;
  if (tick < n.tick + n.durationTicks || found === notes.length - 1) return found;
  return found + 1;
}

/** Value of a piecewise-linear curve at a tick (the right-hand value at a step); 0 outside it. */
export function pitchOffsetAt(curve: readonly CurvePoint[] | undefined, tick: number): number {
  if (!curve || curve.length === 0 || tick < curve[0]!.tick || tick > curve[curve.length - 1]!.tick) return 0;
  let lo = 0;
  let hi = curve.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (curve[mid]!.tick <= tick) lo = mid;
    else hi = mid - 1;
  }
  const a = curve[lo]!;
  const b = curve[lo + 1];
  if (!b || b.tick === a.tick) return a.cents;
  return a.cents + ((b.cents - a.cents) * (tick - a.tick)) / (b.tick - a.tick);
}

const lerp = (a: CurvePoint, b: CurvePoint, tick: number): number =>
  b.tick === a.tick ? b.cents : a.cents + ((b.cents - a.cents) * (tick - a.tick)) / (b.tick - a.tick);

/**
 * An absolute pitch region (cents = MIDI × 100) turned into offsets from the written notes, with
 * a step pair wherever the written note changes inside it (at the end of the note before).
 */
export function absoluteToOffsets(points: readonly CurvePoint[], notes: readonly ScoreNote[]): CurvePoint[] {
  const out: CurvePoint[] = [];
  if (points.length === 0 || notes.length === 0) return out;
  const written = (k: number) => notes[k]!.pitch * 100;
  const changeAt = (k: number) => notes[k - 1]!.tick + notes[k - 1]!.durationTicks;
  let note = writtenNoteAt(notes, points[0]!.tick);
  out.push({ tick: points[0]!.tick, cents: points[0]!.cents - written(note) });
  for (let i = 1; i < points.length; i++) {
    const p = points[i]!;
    const prev = points[i - 1]!;
    while (note + 1 < notes.length && changeAt(note + 1) <= p.tick) {
      const at = changeAt(note + 1);
      const sung = lerp(prev, p, at);
      out.push({ tick: at, cents: sung - written(note) });
      note++;
      out.push({ tick: at, cents: sung - written(note) });
    }
    const last = out[out.length - 1]!;
    const cents = p.cents - written(note);
    if (!(last.tick === p.tick && last.cents === cents)) out.push({ tick: p.tick, cents });
  }
  return out;
}

/** Value of one piece just left / right of a tick (0 outside the piece), with a moving cursor. */
class PieceReader {
  private i = 0;
  readonly start: number;
  readonly end: number;
  left = 0;
  right = 0;
  readonly points: readonly CurvePoint[];
  constructor(points: readonly CurvePoint[]) {
    // The walk below relies on order; a piece out of order is sorted (stably) rather than trusted.
    let ordered = true;
    for (let k = 1; k < points.length && ordered; k++) if (!(points[k]!.tick >= points[k - 1]!.tick)) ordered = false;
    this.points = ordered ? points : points.filter((p) => Number.isFinite(p.tick)).sort((a, b) => a.tick - b.tick);
    this.start = this.points[0]?.tick ?? NaN;
    this.end = this.points[this.points.length - 1]?.tick ?? NaN;
  }
  /** Sets left and right to the values at tick; ticks must be asked in increasing order. */
  at(tick: number): void {
    const pts = this.points;
    if (tick < this.start || tick > this.end) {
      this.left = this.right = 0;
      return;
    }
    while (this.i + 1 < pts.length && pts[this.i + 1]!.tick < tick) this.i++;
    this.left = tick === this.start ? 0 : lerp(pts[this.i]!, pts[this.i + 1]!, tick);
    let j = this.i;
    while (j + 1 < pts.length && pts[j + 1]!.tick <= tick) j++;
    this.next = j + 1 < pts.length ? pts[j + 1]!.tick : Infinity;
    if (tick === this.end) {
      this.right = 0;
      return;
    }
    this.right = pts[j]!.tick === tick ? pts[j]!.cents : this.left;
  }
  /** The first point after the tick last asked (Infinity after the end). */
  next = 0;
}

/**
 * Sum of local offset pieces (each 0 outside its own span) as one curve, collinear points dropped.
 * A step where pieces begin or end with a value other than 0 is kept as a step.
 */
export function sumPieces(pieces: readonly (readonly CurvePoint[])[]): CurvePoint[] {
  const readers = pieces.filter((p) => p.length >= 2).map((p) => new PieceReader(p)).filter((r) => r.end > r.start);
  if (readers.length === 0) return [];
  readers.sort((a, b) => a.start - b.start);
  const out: CurvePoint[] = [];
  const active: PieceReader[] = [];
  let waiting = 0;
  // Walk every point tick of every piece in order: the next one is the nearest among the active
  // pieces' next points and the next piece's start (no sort of all ticks needed).
  let t = readers[0]!.start;
  while (t < Infinity) {
    while (waiting < readers.length && readers[waiting]!.start <= t) active.push(readers[waiting++]!);
    let left = 0;
    let right = 0;
    let kept = 0;
    let next = waiting < readers.length ? readers[waiting]!.start : Infinity;
    for (let a = 0; a < active.length; a++) {
      const r = active[a]!;
      r.at(t);
      left += r.left;
      right += r.right;
      if (r.end > t) {
        active[kept++] = r;
        if (r.next < next) next = r.next;
      }
    }
    if (kept !== active.length) active.length = kept;
    out.push({ tick: t, cents: left });
    if (Math.abs(right - left) > 1e-9) out.push({ tick: t, cents: right });
    t = next;
  }
  // The curve begins at its first tuned value and ends at its last, not at the 0 outside.
  if (out.length > 1 && out[1]!.tick === out[0]!.tick) out.shift();
  if (out.length > 1 && out[out.length - 2]!.tick === out[out.length - 1]!.tick) out.pop();
  return simplify(out);
}

/** Drops points that lie on the line through their neighbours (within 0.01 cent); steps stay. In place. */
export function simplify(points: CurvePoint[]): CurvePoint[] {
  if (points.length <= 2) return points;
  let kept = 1;
  for (let i = 1; i < points.length - 1; i++) {
    const a = points[kept - 1]!;
    const p = points[i]!;
    const b = points[i + 1]!;
    if (p.tick !== a.tick && p.tick !== b.tick) {
      const expected = a.cents + ((b.cents - a.cents) * (p.tick - a.tick)) / (b.tick - a.tick);
      if (Math.abs(expected - p.cents) <= 0.01) continue;
    }
    points[kept++] = p;
  }
  points[kept++] = points[points.length - 1]!;
  points.length = kept;
  return points;
}

/** Rounds ticks and cents to 1/1000 so the model stays readable in JSON and tests. In place. */
export function tidyCurve(points: CurvePoint[]): CurvePoint[] {
  for (const p of points) {
    p.tick = Math.round(p.tick * 1000) / 1000;
    p.cents = Math.round(p.cents * 1000) / 1000;
  }
  return points;
}

/** The curve from `from` on (a glide drawn before the song's first tick starts at that tick). */
export function clipBefore(points: CurvePoint[], from: number): CurvePoint[] {
  if (points.length === 0 || points[0]!.tick >= from) return points;
  const k = points.findIndex((p) => p.tick >= from);
  if (k < 0) return [];
  const a = points[k - 1]!;
  const b = points[k]!;
  const head = b.tick === from ? [] : [{ tick: from, cents: lerp(a, b, from) }];
  return [...head, ...points.slice(k)];
}
