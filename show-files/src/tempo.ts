// Musical time → seconds. A tempo map is a list of BPM changes at tick positions; ticks are
// quarter-note subdivisions at a fixed resolution. Conversion is exact across tempo changes:
// seconds accumulate segment by segment, never by sampling.

/** Ticks per quarter note used by the show format (same default as UTAU and most DAWs). */
export const TICKS_PER_QUARTER = 480;

export interface TempoPoint {
  /** Position of the change in ticks (at `resolution` ticks per quarter note). */
  tick: number;
  /** Quarter notes per minute from this tick on. */
  bpm: number;
}

export interface TimeSignature {
  numerator: number;
  /** Note value of one beat: 4 = quarter, 8 = eighth. */
  denominator: number;
}

/** A tempo map ready for conversion: segments sorted by tick, each with its start in seconds. */
export class TempoMap {
  readonly resolution: number;
  readonly points: readonly TempoPoint[];
  readonly timeSignature: TimeSignature;
  private readonly startSeconds: Float64Array;

  constructor(points: TempoPoint[], resolution = TICKS_PER_QUARTER, timeSignature: TimeSignature = { numerator: 4, denominator: 4 }) {
    if (points.length === 0) throw new Error('a tempo map needs at least one tempo');
    const sorted = [...points].sort((a, b) => a.tick - b.tick);
    if (sorted[0]!.tick !== 0) sorted.unshift({ tick: 0, bpm: sorted[0]!.bpm });
    // A later change at the same tick wins.
    const merged: TempoPoint[] = [];
    for (const p of sorted) {
      if (!(p.bpm > 0) || !Number.isFinite(p.bpm)) throw new Error(`tempo must be a positive number, got ${p.bpm}`);
      if (merged.length && merged[merged.length - 1]!.tick === p.tick) merged[merged.length - 1] = p;
      else merged.push(p);
    }
    this.points = merged;
    this.resolution = resolution;
    this.timeSignature = timeSignature;
    this.startSeconds = new Float64Array(merged.length);
    for (let i = 1; i < merged.length; i++) {
      const prev = merged[i - 1]!;
      this.startSeconds[i] = this.startSeconds[i - 1]! + this.ticksToSecondsAt(merged[i]!.tick - prev.tick, prev.bpm);
    }
  }

  static constant(bpm: number, resolution = TICKS_PER_QUARTER, timeSignature?: TimeSignature): TempoMap {
    return new TempoMap([{ tick: 0, bpm }], resolution, timeSignature);
  }

  private ticksToSecondsAt(ticks: number, bpm: number): number {
    return (ticks / this.resolution) * (60 / bpm);
  }

  /** Index of the tempo segment containing `tick` (binary search). */
  private segmentAtTick(tick: number): number {
    let lo = 0;
    let hi = this.points.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.points[mid]!.tick <= tick) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  secondsAt(tick: number): number {
    const i = this.segmentAtTick(tick);
    const p = this.points[i]!;
    return this.startSeconds[i]! + this.ticksToSecondsAt(tick - p.tick, p.bpm);
  }

  tickAt(seconds: number): number {
    let lo = 0;
    let hi = this.points.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.startSeconds[mid]! <= seconds) lo = mid;
      else hi = mid - 1;
    }
    const p = this.points[lo]!;
    return p.tick + ((seconds - this.startSeconds[lo]!) * p.bpm * this.resolution) / 60;
  }

  bpmAt(tick: number): number {
    return this.points[this.segmentAtTick(tick)]!.bpm;
  }

  /** Ticks in one beat of the time signature (a quarter at x/4, an eighth at x/8). */
  get ticksPerBeat(): number {
    return (this.resolution * 4) / this.timeSignature.denominator;
  }

  get ticksPerBar(): number {
    return this.ticksPerBeat * this.timeSignature.numerator;
  }

  /** bar and beat are 1-based as musicians count; tick is the offset within the beat. */
  barBeatToTick(bar: number, beat: number, tick = 0): number {
    return (bar - 1) * this.ticksPerBar + (beat - 1) * this.ticksPerBeat + tick;
  }

  /** A tempo map with the same tempi at another resolution (e.g. a score's 96 ppq into 480). */
  rescaled(resolution: number): TempoMap {
    const f = resolution / this.resolution;
    return new TempoMap(this.points.map((p) => ({ tick: p.tick * f, bpm: p.bpm })), resolution, this.timeSignature);
  }
}
