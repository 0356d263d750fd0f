// Each consonant of our voice beside the same consonant of a natural-speech voice (Festival's
// diphones are cut from recordings), seen the way a speech recognizer sees them: a mel filterbank
// (25 bands, 130-6800 Hz, as PocketSphinx's en-us models use), in dB, less the recording's mean
// (the recognizer's cepstral mean normalisation removes a voice's overall colour), averaged over
// the middle half of every occurrence. What is left is each consonant against its own voice's
// vowels: too loud, too weak, too bright or too dark where natural speech is not.

import { readFileSync } from 'node:fs';
import { decodeWav } from '../../vocal/wav.ts';

const BANDS = 25;
const LOW_HZ = 130;
const HIGH_HZ = 6800;
const HOP_S = 0.01;
const WINDOW_S = 0.0256;

export interface TimedPhone {
  symbol: string;
  start: number;
  end: number;
}

/** The first channel of a WAV file (16-bit or float). */
export function readWav(file: string): { samples: Float64Array; rate: number } {
  const wav = decodeWav(readFileSync(file));
  return { samples: Float64Array.from(wav.channels[0]!), rate: wav.sampleRate };
}

/** In-place radix-2 FFT of re/im (length a power of two). */
function fft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j]!, re[i]!];
      [im[i], im[j]] = [im[j]!, im[i]!];
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const step = (-2 * Math.PI) / len;
    for (let i = 0; i < n; i += len) {
      for (let k = 0; k < len / 2; k++) {
        const wr = Math.cos(step * k), wi = Math.sin(step * k);
        const a = i + k, b = a + len / 2;
        const xr = re[b]! * wr - im[b]! * wi;
        const xi = re[b]! * wi + im[b]! * wr;
        re[b] = re[a]! - xr;
        im[b] = im[a]! - xi;
        re[a] = re[a]! + xr;
        im[a] = im[a]! + xi;
      }
    }
  }
}

const mel = (hz: number) => 2595 * Math.log10(1 + hz / 700);
const hzOfMel = (m: number) => 700 * (10 ** (m / 2595) - 1);

/** Log mel energies (natural log) of every 10 ms frame, after pre-emphasis and a Hamming window. */
export function melFrames(samples: Float64Array, rate: number): Float64Array[] {
  const win = Math.round(WINDOW_S * rate);
  const hop = Math.round(HOP_S * rate);
  let size = 1;
  while (size < win) size <<= 1;
  const edges = Array.from({ length: BANDS + 2 }, (_, i) => hzOfMel(mel(LOW_HZ) + ((mel(HIGH_HZ) - mel(LOW_HZ)) * i) / (BANDS + 1)));
  const weights = edges.slice(1, -1).map((centre, k) => {
    const lo = edges[k]!, hi = edges[k + 2]!;
    return Float64Array.from({ length: size / 2 + 1 }, (_, bin) => {
      const f = (bin * rate) / size;
      return Math.max(0, Math.min((f - lo) / (centre - lo), (hi - f) / (hi - centre)));
    });
  });
  const frames: Float64Array[] = [];
  const re = new Float64Array(size);
  const im = new Float64Array(size);
  for (let start = 0; start + win <= samples.length; start += hop) {
    re.fill(0);
    im.fill(0);
    for (let i = 0; i < win; i++) {
      const x = samples[start + i]! - 0.97 * (start + i > 0 ? samples[start + i - 1]! : 0);
      re[i] = x * (0.54 - 0.46 * Math.cos((2 * Math.PI * i) / (win - 1)));
    }
    fft(re, im);
    const frame = new Float64Array(BANDS);
    for (let k = 0; k < BANDS; k++) {
      let e = 0;
      const w = weights[k]!;
      for (let bin = 0; bin <= size / 2; bin++) if (w[bin]! > 0) e += w[bin]! * (re[bin]! * re[bin]! + im[bin]! * im[bin]!);
      frame[k] = Math.log(e + 1e-10);
    }
    frames.push(frame);
  }
  return frames;
}

/** Per phone symbol: its mean dB spectrum over the mel bands, and how many occurrences went into it. */
export type PhoneSpectra = Map<string, { db: number[]; count: number }>;

/** Mean dB spectrum of each phone symbol (middle half of each occurrence), less the file's mean over its louder 70 % of frames. */
export function phoneSpectra(wav: string, phones: TimedPhone[]): PhoneSpectra {
  const { samples, rate } = readWav(wav);
  const frames = melFrames(samples, rate);
  const energy = frames.map((f) => Math.max(...f));
  const floor = [...energy].sort((a, b) => a - b)[Math.floor(0.3 * energy.length)]!;
  const mean = new Float64Array(BANDS);
  let n = 0;
  frames.forEach((f, i) => {
    if (energy[i]! <= floor) return;
    n++;
    for (let k = 0; k < BANDS; k++) mean[k]! += f[k]!;
  });
  for (let k = 0; k < BANDS; k++) mean[k]! /= Math.max(1, n);
  const sums = new Map<string, { sum: Float64Array; frames: number; count: number }>();
  for (const p of phones) {
    const d = p.end - p.start;
    const a = Math.floor((p.start + 0.25 * d) / HOP_S);
    const b = Math.max(a + 1, Math.floor((p.end - 0.25 * d) / HOP_S));
    if (b > frames.length) continue;
    const s = sums.get(p.symbol) ?? { sum: new Float64Array(BANDS), frames: 0, count: 0 };
    for (let i = a; i < b; i++) for (let k = 0; k < BANDS; k++) s.sum[k]! += frames[i]![k]! - mean[k]!;
    s.frames += b - a;
    s.count++;
    sums.set(p.symbol, s);
  }
  const toDb = 10 / Math.LN10;
  return new Map([...sums].map(([sym, s]) => [sym, { db: [...s.sum].map((v) => (v / s.frames) * toDb), count: s.count }]));
}

/** Several files' spectra as one, each symbol weighted by its occurrences. */
export function poolSpectra(all: PhoneSpectra[]): PhoneSpectra {
  const out: PhoneSpectra = new Map();
  for (const m of all) {
    for (const [sym, v] of m) {
      const prev = out.get(sym);
      out.set(sym, prev ? { db: prev.db.map((d, k) => (d * prev.count + v.db[k]! * v.count) / (prev.count + v.count)), count: prev.count + v.count } : v);
    }
  }
  return out;
}

/** Festival's segment file (utt.save.segs): one "end-time 100 phone" line per segment. */
export function festivalSegments(text: string): TimedPhone[] {
  const out: TimedPhone[] = [];
  let prev = 0;
  for (const line of text.split('\n')) {
    const [end, , phone] = line.trim().split(/\s+/);
    if (!phone || line.startsWith('#')) continue;
    out.push({ symbol: phone, start: prev, end: Number(end) });
    prev = Number(end);
  }
  return out;
}

/** Our phone symbols in Festival's (radio) names, where they differ. */
export const FESTIVAL_NAME: Record<string, string> = { h: 'hh', j: 'jh' };

export const CONSONANT_GROUPS: [string, string[]][] = [
  ['nasals', ['m', 'n', 'ng']],
  ['liquids and glides', ['l', 'r', 'w', 'y']],
  ['sibilants', ['s', 'z', 'sh', 'zh', 'ch', 'jh']],
  ['f v th dh', ['f', 'v', 'th', 'dh']],
  ['stops', ['p', 't', 'k', 'b', 'd', 'g']],
];

export interface GroupDifference {
  group: string;
  /** Mean over the group's occurrences of (ours - natural), dB: the level difference. */
  level: number;
  /** RMS over bands of the difference once the level is taken out: the shape difference. */
  shape: number;
  count: number;
}

/** Per consonant group: how far our consonants sit from natural speech's, in level and in spectral shape. */
export function compareGroups(ours: PhoneSpectra, natural: PhoneSpectra): GroupDifference[] {
  return CONSONANT_GROUPS.map(([group, symbols]) => {
    let level = 0;
    let shape = 0;
    let count = 0;
    for (const sym of symbols) {
      const a = ours.get(sym);
      const b = natural.get(sym);
      if (!a || !b) continue;
      const diff = a.db.map((v, k) => v - b.db[k]!);
      const mean = diff.reduce((s, v) => s + v, 0) / diff.length;
      level += mean * a.count;
      shape += Math.sqrt(diff.reduce((s, v) => s + (v - mean) ** 2, 0) / diff.length) * a.count;
      count += a.count;
    }
    return { group, level: count ? level / count : NaN, shape: count ? shape / count : NaN, count };
  });
}
