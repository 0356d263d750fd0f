// Breakpoint curves: the planner's output and the synthesizer's input. A curve is a list of
// (time, value) pairs with strictly increasing times; the value moves linearly between them and
// holds outside them. Pure numbers, so a plan is testable without rendering a sample.

export interface Curve {
  times: number[];
  values: number[];
}

export function emptyCurve(): Curve {
  return { times: [], values: [] };
}

/** Smallest step between breakpoints: two points closer than this are nudged apart. */
const MIN_STEP = 1e-5;

/** Adds a breakpoint, nudging its time forward if needed so times stay strictly increasing. */
export function addPoint(c: Curve, t: number, v: number): void {
  const n = c.times.length;
  const last = n ? c.times[n - 1]! : -Infinity;
  c.times.push(t > last ? t : last + MIN_STEP);
  c.values.push(v);
}

/** Value of a curve at t by binary search: for tests and one-off lookups. */
export function curveAt(c: Curve, t: number): number {
  const n = c.times.length;
  if (n === 0) return 0;
  if (t <= c.times[0]!) return c.values[0]!;
  if (t >= c.times[n - 1]!) return c.values[n - 1]!;
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (c.times[mid]! <= t) lo = mid;
    else hi = mid;
  }
  const t0 = c.times[lo]!;
  return c.values[lo]! + ((c.values[hi]! - c.values[lo]!) * (t - t0)) / (c.times[hi]! - t0);
}

/**
 * Reads a curve at times that only move forward (the synthesizer's control ticks): amortised O(1)
 * per read. `seek` rewinds for a render that starts over.
 */
export class CurveReader {
  private i = 0;
  constructor(private readonly c: Curve) {}

  seek(t: number): void {
    this.i = 0;
    this.at(t);
  }

  at(t: number): number {
    const { times, values } = this.c;
    const n = times.length;
    if (n === 0) return 0;
    if (t <= times[0]!) return values[0]!;
    // Past the last point the walk stops there and the value holds. Every operation runs on every
    // read: one first met when a curve runs out, late in a render, would send the optimized
    // synthesizer back to the interpreter.
    const last = n - 1;
    let i = this.i;
    if (times[i]! > t) i = 0;
    while (i < last && times[i + 1]! <= t) i++;
    this.i = i;
    const j = i < last ? i + 1 : i;
    const t0 = times[i]!;
    const v0 = values[i]!;
    const span = times[j]! - t0;
    return span > 0 ? v0 + ((values[j]! - v0) * (t - t0)) / span : v0;
  }
}
