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
import { addOffsetPiece, PiecePool, sumPool } from './curve-pieces.ts';

export { writtenNoteAt } from './curve-pieces.ts';

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
export function drawShaped(points: readonly ShapedPoint[]): CurvePoint[] {
  const pool = new PiecePool();
  drawShapedInto(pool, points);
  return pointsOf(pool, 0, pool.size);
}

export interface ShapedPoint {
  tick: number;
  cents: number;
  shape: Ease;
}

/** The same, drawn into a pool (no objects). */
export function drawShapedInto(pool: PiecePool, points: readonly ShapedPoint[]): void {
  for (let i = 0; i < points.length; i++) {
    const p = points[i]!;
    pool.push(p.tick, p.cents);
    const next = points[i + 1];
    if (!next || p.shape === 'linear' || next.tick <= p.tick || next.cents === p.cents) continue;
    for (let s = 1; s < EASE_STEPS; s++) {
      const u = s / EASE_STEPS;
      pool.push(p.tick + (next.tick - p.tick) * u, p.cents + (next.cents - p.cents) * ease(p.shape, u));
    }
  }
}

function pointsOf(pool: PiecePool, from: number, to: number): CurvePoint[] {
  const out: CurvePoint[] = [];
  for (let i = from; i < to; i++) out.push({ tick: pool.tick(i), cents: pool.cents(i) });
  return out;
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

/**
 * An absolute pitch region (cents = MIDI × 100) turned into offsets from the written notes, with
 * a step pair wherever the written note changes inside it (at the end of the note before).
 */
export function absoluteToOffsets(points: readonly CurvePoint[], notes: readonly ScoreNote[]): CurvePoint[] {
  const region = new PiecePool();
  for (const p of points) region.push(p.tick, p.cents);
  const offsets = new PiecePool();
  addOffsetPiece(offsets, region, 0, region.size, notes);
  return pointsOf(offsets, 0, offsets.size);
}

/**
 * Sum of local offset pieces (each 0 outside its own span) as one curve, collinear points dropped.
 * A step where pieces begin or end with a value other than 0 is kept as a step.
 */
export function sumPieces(pieces: readonly (readonly CurvePoint[])[]): CurvePoint[] {
  const pool = new PiecePool();
  for (const piece of pieces) pool.addPoints(piece);
  return sumPool(pool);
}
