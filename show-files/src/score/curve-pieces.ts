// The pitch curve's pieces kept flat: every piece's (tick, cents) points in one growing buffer,
// so a tuned song's tens of thousands of glide points cost no objects until the summed curve is
// made (allocating them, and collecting them again, was most of a tuned import's time). The
// rules (written note, steps, sums) are described in pitch-curve.ts, which builds on this file.

import type { ScoreNote } from './model.ts';

// A new typed array is zeroed memory from the system, which cost a tuned import more than filling
// it: buffers of released pools are kept (a few, none huge) for the next pool to reuse.
const spare: Float64Array[] = [];
const SPARE_COUNT = 6;
const SPARE_MAX_DOUBLES = 1 << 20;

/** The smallest kept buffer of at least `doubles`, else a new one. */
function takeBuffer(doubles: number): Float64Array {
  let best = -1;
  for (let i = 0; i < spare.length; i++) if (spare[i]!.length >= doubles && (best < 0 || spare[i]!.length < spare[best]!.length)) best = i;
  if (best < 0) return new Float64Array(doubles);
  const buffer = spare[best]!;
  spare[best] = spare[spare.length - 1]!;
  spare.pop();
  return buffer;
}

function keepBuffer(buffer: Float64Array): void {
  if (buffer.length > SPARE_MAX_DOUBLES || buffer.length === 0) return;
  if (spare.length < SPARE_COUNT) spare.push(buffer);
  else {
    // The smallest kept one makes room for a larger one.
    let smallest = 0;
    for (let i = 1; i < spare.length; i++) if (spare[i]!.length < spare[smallest]!.length) smallest = i;
    if (spare[smallest]!.length < buffer.length) spare[smallest] = buffer;
  }
}

/** Pieces of points, each a range of (tick, cents) pairs in one buffer. */
export class PiecePool {
  /** tick, cents, tick, cents, ... */
  data: Float64Array;
  /** Points in use. */
  size = 0;
  /** Each piece's first point and the point after its last. */
  readonly starts: number[] = [];
  readonly ends: number[] = [];
  private open = 0;

  /** Room for `points` points before the buffer must grow (a new typed array costs more than filling one). */
  constructor(points = 512) {
    this.data = takeBuffer(Math.max(16, points * 2));
  }

  /** The pool is not used again: its buffer may serve the next pool (a pool not released is simply collected). */
  release(): void {
    keepBuffer(this.data);
    this.data = new Float64Array(0);
    this.clear();
  }

  push(tick: number, cents: number): void {
    const at = this.size * 2;
    if (at + 2 > this.data.length) {
      const grown = takeBuffer(this.data.length * 2);
      grown.set(this.data.subarray(0, at));
      keepBuffer(this.data);
      this.data = grown;
    }
    this.data[at] = tick;
    this.data[at + 1] = cents;
    this.size++;
  }

  tick(k: number): number {
    return this.data[k * 2]!;
  }

  cents(k: number): number {
    return this.data[k * 2 + 1]!;
  }

  /** The points pushed since the last piece become a piece. */
  close(): void {
    this.starts.push(this.open);
    this.ends.push(this.size);
    this.open = this.size;
  }

  /** Forgets everything (a scratch pool reused for each note). */
  clear(): void {
    this.size = 0;
    this.open = 0;
    this.starts.length = 0;
    this.ends.length = 0;
  }

  /** A piece given as points; one out of order is sorted (stably), points without a finite tick dropped. */
  addPoints(points: readonly { tick: number; cents: number }[]): void {
    let ordered = true;
    for (let k = 1; k < points.length && ordered; k++) if (!(points[k]!.tick >= points[k - 1]!.tick)) ordered = false;
    const list = ordered ? points : points.filter((p) => Number.isFinite(p.tick)).sort((a, b) => a.tick - b.tick);
    for (const p of list) this.push(p.tick, p.cents);
    this.close();
  }
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

/**
 * Points `from`..`to` of a pool, an absolute pitch region (cents = MIDI × 100), added to `into`
 * as one piece of offsets from the written notes, with a step pair wherever the written note
 * changes inside it (at the end of the note before).
 */
export function addOffsetPiece(into: PiecePool, region: PiecePool, from: number, to: number, notes: readonly ScoreNote[]): void {
  if (to <= from || notes.length === 0) return;
  let note = writtenNoteAt(notes, region.tick(from));
  let written = notes[note]!.pitch * 100;
  // Where the written note next changes: the end of the current one.
  let change = note + 1 < notes.length ? notes[note]!.tick + notes[note]!.durationTicks : Infinity;
  let lastTick = region.tick(from);
  let lastCents = region.cents(from) - written;
  into.push(lastTick, lastCents);
  for (let i = from + 1; i < to; i++) {
    const t0 = region.tick(i - 1);
    const c0 = region.cents(i - 1);
    const t1 = region.tick(i);
    const c1 = region.cents(i);
    while (change <= t1) {
      const sung = t1 === t0 ? c1 : c0 + ((c1 - c0) * (change - t0)) / (t1 - t0);
      into.push(change, sung - written);
      note++;
      written = notes[note]!.pitch * 100;
      into.push(change, sung - written);
      lastTick = change;
      lastCents = sung - written;
      change = note + 1 < notes.length ? notes[note]!.tick + notes[note]!.durationTicks : Infinity;
    }
    const cents = c1 - written;
    if (!(lastTick === t1 && lastCents === cents)) {
      into.push(t1, cents);
      lastTick = t1;
      lastCents = cents;
    }
  }
  into.close();
}

/** Value of one piece just left / right of a tick (0 outside the piece), with a moving cursor. */
class PieceReader {
  private i: number;
  readonly start: number;
  readonly end: number;
  left = 0;
  right = 0;
  /** The first point after the tick last asked (Infinity after the end). */
  next = 0;
  constructor(
    private readonly data: Float64Array,
    private readonly first: number,
    private readonly last: number,
  ) {
    this.i = first;
    this.start = data[first * 2]!;
    this.end = data[(last - 1) * 2]!;
  }
  /** Sets left and right to the values at tick; ticks must be asked in increasing order. */
  at(tick: number): void {
    const d = this.data;
    if (tick < this.start || tick > this.end) {
      this.left = this.right = 0;
      return;
    }
    const last = this.last;
    let i = this.i;
    while (i + 1 < last && d[(i + 1) * 2]! < tick) i++;
    this.i = i;
    if (tick === this.start) this.left = 0;
    else {
      const t0 = d[i * 2]!;
      const t1 = d[(i + 1) * 2]!;
      const c0 = d[i * 2 + 1]!;
      const c1 = d[(i + 1) * 2 + 1]!;
      this.left = t1 === t0 ? c1 : c0 + ((c1 - c0) * (tick - t0)) / (t1 - t0);
    }
    let j = i;
    while (j + 1 < last && d[(j + 1) * 2]! <= tick) j++;
    this.next = j + 1 < last ? d[(j + 1) * 2]! : Infinity;
    if (tick === this.end) {
      this.right = 0;
      return;
    }
    this.right = d[j * 2]! === tick ? d[j * 2 + 1]! : this.left;
  }
}

/**
 * Sum of a pool's pieces (each 0 outside its own span) as one curve, collinear points dropped.
 * A step where pieces begin or end with a value other than 0 is kept as a step.
 */
export function sumPool(pool: PiecePool): { tick: number; cents: number }[] {
  const kept = summedPoints(pool);
  const out: { tick: number; cents: number }[] = [];
  for (let i = 0; i < kept.size; i++) out.push({ tick: kept.tick(i), cents: kept.cents(i) });
  kept.release();
  return out;
}

/**
 * The score's tuned pitch curve from a pool of pieces: their sum (as sumPool), from tick 0 on (a
 * glide drawn before the song starts begins at 0), ticks and cents rounded to 1/1000; undefined
 * when fewer than two points remain. Objects are made once, for the points kept.
 */
export function scoreCurve(pool: PiecePool): { tick: number; cents: number }[] | undefined {
  const kept = summedPoints(pool);
  let k = 0;
  while (k < kept.size && kept.tick(k) < 0) k++;
  const out: { tick: number; cents: number }[] = [];
  if (k > 0 && k < kept.size && kept.tick(k) !== 0) {
    // The value at 0 on the segment that crosses it.
    const t0 = kept.tick(k - 1);
    const c0 = kept.cents(k - 1);
    const t1 = kept.tick(k);
    const c1 = kept.cents(k);
    out.push({ tick: 0, cents: round3(t1 === t0 ? c1 : c0 + ((c1 - c0) * (0 - t0)) / (t1 - t0)) });
  }
  for (let i = k; i < kept.size; i++) out.push({ tick: round3(kept.tick(i)), cents: round3(kept.cents(i)) });
  kept.release();
  return out.length >= 2 ? out : undefined;
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

/** The summed curve's points, kept in a pool (see sumPool). */
function summedPoints(pool: PiecePool): PiecePool {
  const readers: PieceReader[] = [];
  for (let p = 0; p < pool.starts.length; p++) {
    const first = pool.starts[p]!;
    const last = pool.ends[p]!;
    if (last - first < 2) continue;
    const r = new PieceReader(pool.data, first, last);
    if (r.end > r.start) readers.push(r);
  }
  if (readers.length === 0) return new PiecePool(0);
  readers.sort((a, b) => a.start - b.start);
  // Every point tick of the pieces gives at most two points (a step).
  const out = new PiecePool(2 * pool.size + 2);
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
    out.push(t, left);
    if (Math.abs(right - left) > 1e-9) out.push(t, right);
    t = next;
  }
  // The curve begins at its first tuned value and ends at its last, not at the 0 outside.
  let first = 0;
  let last = out.size;
  if (last - first > 1 && out.tick(1) === out.tick(0)) first++;
  if (last - first > 1 && out.tick(last - 2) === out.tick(last - 1)) last--;
  const kept = simplified(out, first, last);
  out.release();
  return kept;
}

/** Points first..last of a pool, without those on the line through their neighbours (within 0.01 cent); steps stay. */
function simplified(pool: PiecePool, first: number, last: number): PiecePool {
  const out = new PiecePool(last - first);
  if (last - first <= 2) {
    for (let i = first; i < last; i++) out.push(pool.tick(i), pool.cents(i));
    return out;
  }
  let aTick = pool.tick(first);
  let aCents = pool.cents(first);
  out.push(aTick, aCents);
  for (let i = first + 1; i < last - 1; i++) {
    const pTick = pool.tick(i);
    const pCents = pool.cents(i);
    const bTick = pool.tick(i + 1);
    if (pTick !== aTick && pTick !== bTick) {
      const expected = aCents + ((pool.cents(i + 1) - aCents) * (pTick - aTick)) / (bTick - aTick);
      if (Math.abs(expected - pCents) <= 0.01) continue;
    }
    out.push(pTick, pCents);
    aTick = pTick;
    aCents = pCents;
  }
  out.push(pool.tick(last - 1), pool.cents(last - 1));
  return out;
}
