// Reading LTC from audio, for chasing: PCM samples in, one reading per complete word out. A
// streaming decoder (chunks of any size, state kept between them): zero crossings with hysteresis
// against the signal's own peak (noise around zero is not an edge), the interval between two
// crossings told apart as a whole bit (a 0) or half of one (two halves make a 1) against a bit
// length learnt from the signal, and a word recognised by its sync word. Pure: no I/O.

import { LTC_BITS, LTC_SYNC } from './ltc.ts';
import { framesPerSecond, timecodeToFrame, type MtcRate, type Timecode } from './timecode.ts';

export interface LtcReading {
  timecode: Timecode;
  rate: MtcRate;
  /** Sample position (since the stream's first sample, fractional) where the word ended: the label's frame is over, so this is label + 1 frame. */
  endSample: number;
  /** Seconds of timecode at endSample. */
  seconds: number;
}

export interface LtcDecodeCounts {
  words: number;
  /** Words with a sync word but an impossible time (a digit over 9, minute 60, frame 30 at 25 fps ...). */
  rejected: number;
}

const RATES: MtcRate[] = [24, 25, 30];

export class LtcDecoder {
  readonly counts: LtcDecodeCounts = { words: 0, rejected: 0 };
  private position = 0;
  private prev = 0;
  private high = false;
  private peak = 0;
  private lastZero = 0;
  private lastEdge: number | null = null;
  /** Samples per bit, learnt; 0 until the first intervals are seen. */
  private bit = 0;
  private learning: number[] = [];
  private halfPending = false;
  private readonly bits: number[] = [];

  constructor(private readonly sampleRate: number) {}

  /** Feed samples (-1..1); returns the words completed in them. */
  push(samples: ArrayLike<number>): LtcReading[] {
    const out: LtcReading[] = [];
    for (let i = 0; i < samples.length; i++) {
      const raw = samples[i]!;
      // A broken sample (NaN, infinite, over full scale) must not poison the peak for good.
      const x = raw > 1 ? 1 : raw < -1 ? -1 : raw === raw ? raw : 0;
      const n = this.position + i;
      const a = x < 0 ? -x : x;
      // Peak follower with a slow decay (about a second), so a level change is followed.
      this.peak = a > this.peak ? a : this.peak * (1 - 1 / this.sampleRate);
      if ((this.prev < 0 && x >= 0) || (this.prev >= 0 && x < 0)) this.lastZero = n - 1 + this.prev / (this.prev - x);
      this.prev = x;
      const th = this.peak * 0.2;
      if (th < 1e-3) continue;
      if (!this.high && x > th) this.high = true;
      else if (this.high && x < -th) this.high = false;
      else continue;
      const edge = this.lastZero;
      if (this.lastEdge !== null) this.interval(edge - this.lastEdge, edge, out);
      this.lastEdge = edge;
    }
    this.position += samples.length;
    return out;
  }

  private interval(d: number, at: number, out: LtcReading[]): void {
    if (this.bit === 0) {
      // Learn the bit length: the longest of the last 24 intervals (the sync word alone has zeros),
      // once every one of them is a whole or a half of it (a gap or noise in the window is not).
      this.learning.push(d);
      if (this.learning.length > 24) this.learning.shift();
      if (this.learning.length < 24) return;
      const whole = Math.max(...this.learning);
      if (this.learning.every((x) => Math.abs(x - whole) < whole * 0.2 || Math.abs(2 * x - whole) < whole * 0.2)) {
        this.bit = whole;
        this.learning = [];
      }
      return;
    }
    if (d > this.bit * 1.5 || d < this.bit * 0.3) {
      // Not LTC at this speed (a dropout, a gap, noise): learn again.
      this.reset();
      return;
    }
    if (d > this.bit * 0.75) {
      if (this.halfPending) {
        // A half bit followed by a whole one: we were out of step; start over on this edge.
        this.halfPending = false;
        this.bits.length = 0;
      }
      this.bit += (d - this.bit) * 0.05;
      this.shift(0, at, out);
    } else if (this.halfPending) {
      this.halfPending = false;
      this.shift(1, at, out);
    } else {
      this.halfPending = true;
      this.bit += (2 * d - this.bit) * 0.02;
    }
  }

  private reset(): void {
    this.bit = 0;
    this.learning = [];
    this.halfPending = false;
    this.bits.length = 0;
  }

  private shift(b: number, at: number, out: LtcReading[]): void {
    this.bits.push(b);
    if (this.bits.length > LTC_BITS) this.bits.shift();
    if (this.bits.length < LTC_BITS) return;
    for (let i = 0; i < 16; i++) if (this.bits[64 + i] !== LTC_SYNC[i]) return;
    const word = this.bits.splice(0, LTC_BITS);
    const reading = this.read(word, at);
    if (reading) {
      this.counts.words++;
      out.push(reading);
    } else this.counts.rejected++;
  }

  private read(w: number[], at: number): LtcReading | null {
    const field = (from: number, width: number): number => {
      let v = 0;
      for (let i = 0; i < width; i++) v |= w[from + i]! << i;
      return v;
    };
    const digits = [field(0, 4), field(8, 2), field(16, 4), field(24, 3), field(32, 4), field(40, 3), field(48, 4), field(56, 2)];
    if (digits.some((d, i) => i % 2 === 0 && d > 9)) return null;
    const [fu, ft, su, st, mu, mt, hu, ht] = digits as [number, number, number, number, number, number, number, number];
    const timecode = { hours: ht * 10 + hu, minutes: mt * 10 + mu, seconds: st * 10 + su, frames: ft * 10 + fu };
    const measured = this.sampleRate / (this.bit * LTC_BITS);
    const nearest = RATES.reduce((a, r) => (Math.abs(r - measured) < Math.abs(a - measured) ? r : a));
    if (Math.abs(nearest - measured) > 1.2) return null;
    const rate: MtcRate = nearest === 30 && w[10] === 1 ? 29.97 : nearest;
    const nominal = rate === 29.97 ? 30 : rate;
    if (timecode.hours > 23 || timecode.minutes > 59 || timecode.seconds > 59 || timecode.frames >= nominal) return null;
    if (rate === 29.97 && timecode.seconds === 0 && timecode.frames < 2 && timecode.minutes % 10 !== 0) return null;
    const seconds = (timecodeToFrame(timecode, rate) + 1) / framesPerSecond(rate);
    return { timecode, rate, endSample: at, seconds };
  }
}
