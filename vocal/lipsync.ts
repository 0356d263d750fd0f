// Phonemes -> VRM mouth expressions (aa, ih, ou, ee, oh), moving like a singing mouth:
// - each phoneme sets a target shape; tongue consonants borrow part of the next vowel's shape
//   (co-articulation), lip consonants (m, b, p) close the mouth, rests close it more slowly;
// - the mouth starts opening a little before a phrase's first sound (singers open early);
// - between targets every weight moves as a first-order response: w = g + (w0 - g)·e^(-t/τ),
//   with a short τ when opening (attack) and a longer one when closing (release).
// All of it is precomputed into flat arrays at construction, so `weightsAt(t)` is one binary
// search plus two exponentials, and writes into an object the caller reuses: no allocation.

import type { Phoneme } from '../show-files/src/timeline.ts';
import { phoneInfo, isSyllabic, type Viseme } from './phones.ts';

export interface VisemeWeights {
  aa: number;
  ih: number;
  ou: number;
  ee: number;
  oh: number;
}

export interface LipSyncOptions {
  /** Time constant when a weight rises (mouth opening), seconds. */
  attack?: number;
  /** Time constant when a weight falls towards a vowel or consonant shape, seconds. */
  release?: number;
  /** Time constant for closing into a rest, seconds (slower: the mouth relaxes). */
  restRelease?: number;
  /** Time constant for the lips closing on m, b, p, seconds (fast: a closed mouth must show). */
  closure?: number;
  /** How early the mouth starts opening before the first sound after a rest, seconds. */
  anticipation?: number;
  /** Overall opening, 0..1 (a quieter singer opens less). */
  gain?: number;
}

const CHANNELS = 5;

export class LipSync {
  private readonly starts: Float64Array;
  private readonly targets: Float64Array;
  private readonly initial: Float64Array;
  private readonly tauUp: Float64Array;
  private readonly tauDown: Float64Array;
  private readonly count: number;
  private readonly scratch: VisemeWeights = { aa: 0, ih: 0, ou: 0, ee: 0, oh: 0 };

  constructor(phonemes: readonly Phoneme[], options: LipSyncOptions = {}) {
    const attack = options.attack ?? 0.02;
    const release = options.release ?? 0.04;
    const restRelease = options.restRelease ?? 0.06;
    const closure = options.closure ?? 0.018;
    const anticipation = options.anticipation ?? 0.06;
    const gain = options.gain ?? 1;

    const starts: number[] = [-Infinity];
    const targets: number[] = [0, 0, 0, 0, 0];
    const downs: number[] = [restRelease];
    const push = (time: number, shape: ArrayLike<number>, tauDown: number) => {
      // Segments that start together: the later one wins.
      if (starts[starts.length - 1] === time) {
        starts.pop();
        targets.length -= CHANNELS;
        downs.pop();
      }
      starts.push(time);
      for (let c = 0; c < CHANNELS; c++) targets.push(Math.min(1, shape[c]! * gain));
      downs.push(tauDown);
    };

    const shapeOf = (i: number, out: number[]): number[] => {
      const p = phonemes[i]!;
      const info = phoneInfo(p.symbol);
      for (let c = 0; c < CHANNELS; c++) out[c] = info.viseme[c]!;
      if (info.transparent > 0) {
        const v = neighbourVowel(phonemes, i);
        if (v) for (let c = 0; c < CHANNELS; c++) out[c] = Math.min(1, out[c]! + info.transparent * v[c]!);
      }
      return out;
    };

    const shape = [0, 0, 0, 0, 0];
    let prevEnd = -Infinity;
    for (let i = 0; i < phonemes.length; i++) {
      const p = phonemes[i]!;
      if (p.time > prevEnd + 1e-6) {
        // A rest before this phoneme: close, then open a little ahead of the sound.
        if (Number.isFinite(prevEnd)) push(prevEnd, [0, 0, 0, 0, 0], restRelease);
        const v = upcomingVowel(phonemes, i);
        if (v) {
          const from = Math.max(p.time - anticipation, Number.isFinite(prevEnd) ? prevEnd : -Infinity);
          push(from, v.map((x) => 0.35 * x), release);
        }
      }
      const info = phoneInfo(p.symbol);
      const closesLips = info.kind !== 'vowel' && info.transparent === 0 && info.viseme.every((x) => x === 0);
      push(p.time, shapeOf(i, shape), closesLips ? closure : release);
      prevEnd = p.end;
    }
    if (phonemes.length > 0) push(prevEnd, [0, 0, 0, 0, 0], restRelease);

    // Value of every weight at the start of each segment: the previous segment's response, run to its end.
    const n = starts.length;
    this.count = n;
    this.starts = Float64Array.from(starts);
    this.targets = Float64Array.from(targets);
    this.tauDown = Float64Array.from(downs);
    this.tauUp = new Float64Array(n).fill(attack);
    this.initial = new Float64Array(n * CHANNELS);
    for (let k = 1; k < n; k++) {
      const dt = k === 1 ? Infinity : this.starts[k]! - this.starts[k - 1]!;
      const eUp = Math.exp(-dt / this.tauUp[k - 1]!);
      const eDown = Math.exp(-dt / this.tauDown[k - 1]!);
      for (let c = 0; c < CHANNELS; c++) {
        const g = this.targets[(k - 1) * CHANNELS + c]!;
        const v0 = this.initial[(k - 1) * CHANNELS + c]!;
        this.initial[k * CHANNELS + c] = g + (v0 - g) * (g > v0 ? eUp : eDown);
      }
    }
  }

  /** Number of precomputed segments (targets), for diagnostics. */
  get segments(): number {
    return this.count;
  }

  /** Mouth weights at time t (seconds, same clock as the phonemes), written into `out`. */
  weightsAt(t: number, out: VisemeWeights = this.scratch): VisemeWeights {
    // Last segment starting at or before t (segment 0 starts at -Infinity).
    let lo = 0;
    let hi = this.count - 1;
    const starts = this.starts;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= t) lo = mid;
      else hi = mid - 1;
    }
    const dt = t - starts[lo]!;
    const base = lo * CHANNELS;
    if (dt === Infinity || lo === 0) {
      out.aa = out.ih = out.ou = out.ee = out.oh = 0;
      return out;
    }
    const eUp = Math.exp(-dt / this.tauUp[lo]!);
    const eDown = Math.exp(-dt / this.tauDown[lo]!);
    const g = this.targets;
    const v = this.initial;
    out.aa = respond(g[base]!, v[base]!, eUp, eDown);
    out.ih = respond(g[base + 1]!, v[base + 1]!, eUp, eDown);
    out.ou = respond(g[base + 2]!, v[base + 2]!, eUp, eDown);
    out.ee = respond(g[base + 3]!, v[base + 3]!, eUp, eDown);
    out.oh = respond(g[base + 4]!, v[base + 4]!, eUp, eDown);
    return out;
  }
}

function respond(target: number, start: number, eUp: number, eDown: number): number {
  return target + (start - target) * (target > start ? eUp : eDown);
}

/** The vowel a consonant leans towards: the next vowel if it follows without a rest, else the one before. */
function neighbourVowel(phonemes: readonly Phoneme[], i: number): Viseme | undefined {
  let end = phonemes[i]!.end;
  for (let k = i + 1; k < phonemes.length && k <= i + 4; k++) {
    const p = phonemes[k]!;
    if (p.time > end + 1e-6) break;
    if (isSyllabic(p.symbol)) return phoneInfo(p.symbol).viseme;
    end = p.end;
  }
  let start = phonemes[i]!.time;
  for (let k = i - 1; k >= 0 && k >= i - 4; k--) {
    const p = phonemes[k]!;
    if (p.end < start - 1e-6) break;
    if (isSyllabic(p.symbol)) return phoneInfo(p.symbol).viseme;
    start = p.time;
  }
  return undefined;
}

/** Shape of the first vowel of the phrase starting at phoneme i. */
function upcomingVowel(phonemes: readonly Phoneme[], i: number): number[] | undefined {
  for (let k = i; k < phonemes.length && k <= i + 4; k++) {
    if (isSyllabic(phonemes[k]!.symbol)) return [...phoneInfo(phonemes[k]!.symbol).viseme];
  }
  return undefined;
}
