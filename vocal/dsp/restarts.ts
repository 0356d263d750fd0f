// Where the synthesizer starts afresh. In a rest, once every source has been silent for a while,
// every filter has rung out below the 16-bit floor; from there on the synth resets its whole
// state (filters, glottis, noise seeded anew) at a fixed sample. The render from such a point
// needs nothing from before it, so a render can jump there instead of running from the start (a
// studio preview from the playhead, a late AudioWorklet), and the phrases between restarts can
// render in parallel, with the same samples as one straight run.

import type { Curve } from './curve.ts';

/**
 * Seconds every source must have been silent before a restart: the narrowest resonance (about
 * 50 Hz wide) has decayed by e^(-pi * 50 * 0.08), over 80 dB, so what the reset cuts off lies
 * below the 16-bit floor.
 */
export const QUIET_BEFORE_RESTART = 0.08;
/** Shortest silence that gets a restart: the restart point stays inside it. */
const SHORTEST_GAP = 0.1;

type Interval = [number, number];

/** Time intervals where a breakpoint curve is exactly zero (it holds its end values outside). */
export function zeroIntervals(c: Curve): Interval[] {
  const { times, values } = c;
  const n = times.length;
  if (n === 0) return [[-Infinity, Infinity]];
  const out: Interval[] = [];
  const add = (a: number, b: number) => {
    const last = out[out.length - 1];
    if (last && last[1] >= a) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  };
  if (values[0] === 0) add(-Infinity, times[0]!);
  for (let i = 0; i + 1 < n; i++) if (values[i] === 0 && values[i + 1] === 0) add(times[i]!, times[i + 1]!);
  if (values[n - 1] === 0) add(times[n - 1]!, Infinity);
  return out;
}

function intersect(a: Interval[], b: Interval[]): Interval[] {
  const out: Interval[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const lo = Math.max(a[i]![0], b[j]![0]);
    const hi = Math.min(a[i]![1], b[j]![1]);
    if (hi > lo) out.push([lo, hi]);
    if (a[i]![1] < b[j]![1]) i++;
    else j++;
  }
  return out;
}

/**
 * Sample positions (counted from the plan's start, multiples of `block`, ascending, > 0) where
 * the synth restarts: QUIET_BEFORE_RESTART into every silence of all the sources that lasts at
 * least SHORTEST_GAP, rounded up to the next control block.
 */
export function restartPositions(sources: Curve[], start: number, end: number, sampleRate: number, block: number): number[] {
  let silent: Interval[] = [[-Infinity, Infinity]];
  for (const c of sources) silent = intersect(silent, zeroIntervals(c));
  const out: number[] = [];
  for (const [a, b] of silent) {
    if (a === -Infinity || b - a < SHORTEST_GAP) continue;
    const t = a + QUIET_BEFORE_RESTART;
    if (t >= end) continue;
    const pos = Math.ceil(((t - start) * sampleRate) / block) * block;
    if (pos > 0 && pos > (out[out.length - 1] ?? 0)) out.push(pos);
  }
  return out;
}

/** Seed of segment k (between restarts k-1 and k); segment 0 keeps the plan's own seed. */
export function segmentSeed(seed: number, segment: number): number {
  return segment === 0 ? seed : (Math.imul(seed ^ segment, 0x9e3779b1) ^ (segment << 16)) >>> 0;
}
