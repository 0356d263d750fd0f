// What the synthesizer's sample loop can carry, apart from the planner's rules. Copy synthesis
// drives it from an analysis of a recording (Praat's F0 and F1-F5 with bandwidths every 5 ms,
// bench/voice/track-formants.praat) instead of from the planner's targets; the speech driver runs
// the planner itself on a recording's phone timings. Both are matched frame by frame to the
// recording's level, so what is left to compare is the spectra and their movement.

import { addPoint, emptyCurve, type Curve } from '../../vocal/dsp/curve.ts';
import { NASAL_POLE, type SynthPlan } from '../../vocal/dsp/voice-synth.ts';
import type { Phoneme, VocalNote, VocalTrack } from '../../show-files/src/timeline.ts';
import type { TimedPhone } from './consonant-spectra.ts';

export interface AnalysisFrame {
  time: number;
  /** Hz; 0 where the frame is unvoiced. */
  f0: number;
  /** dB; frames far under the loudest are silence. */
  intensity: number;
  /** F1-F5 and B1-B5 in Hz; 0 where the tracker found none. */
  formants: number[];
  bandwidths: number[];
}

/** Reads track-formants.praat's output. */
export function readFrames(text: string): AnalysisFrame[] {
  return text
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number))
    .filter((v) => v.length >= 13 && v.every(Number.isFinite))
    .map((v) => ({
      time: v[0]!,
      f0: v[1]!,
      intensity: v[2]!,
      formants: [3, 5, 7, 9, 11].map((i) => v[i]!),
      bandwidths: [4, 6, 8, 10, 12].map((i) => v[i]!),
    }));
}

/** Aspiration (noise through the tract) in unvoiced frames that sound, and a little breath in voiced ones. */
const UNVOICED_NOISE = 0.6;
const VOICED_BREATH = 0.05;
/** Frames this far under the loudest frame are silence. */
const SILENCE_DB = 50;
/** Tracker bandwidths outside this range are noise of the analysis. */
const BANDWIDTH_RANGE = [30, 600] as const;
/** Formant values where the tracker found nothing before. */
const NEUTRAL = [500, 1500, 2500, 3500, 4500];

function constant(value: number): Curve {
  const c = emptyCurve();
  addPoint(c, 0, value);
  return c;
}

/**
 * A synthesizer plan that copies the analysed recording: its F0 (held through unvoiced frames),
 * voicing where Praat found a pitch, aspiration where it did not, and its five formants with their
 * bandwidths. The fricative branch and the nasal pair stay silent: every sound goes through the
 * cascade, as in a plain formant vocoder.
 */
export function copyPlan(frames: readonly AnalysisFrame[]): SynthPlan {
  const plan: SynthPlan = {
    start: 0,
    end: (frames[frames.length - 1]?.time ?? 0) + 0.05,
    seed: 12345,
    glottis: { jitter: 0.004, shimmer: 0.03, flutter: 0.003 },
    pitch: pitchFrom(frames, 0),
    vibratoDepth: constant(0),
    vibratoRate: constant(5),
    voicing: emptyCurve(),
    aspiration: emptyCurve(),
    frication: constant(0),
    openQuotient: constant(0.6),
    tilt: constant(4000),
    formants: [0, 1, 2, 3, 4].map(() => emptyCurve()),
    bandwidths: [0, 1, 2, 3, 4].map(() => emptyCurve()),
    nasalZero: constant(NASAL_POLE),
    fricFormants: [constant(4000), constant(4000)],
    fricBandwidths: [constant(1000), constant(1000)],
    fricGains: [constant(0), constant(0)],
    fricBypass: constant(0),
    gain: 0.05,
  };
  const loudest = Math.max(...frames.map((f) => f.intensity));
  const held = [...NEUTRAL];
  for (const f of frames) {
    const voiced = f.f0 > 0;
    addPoint(plan.voicing, f.time, voiced ? 1 : 0);
    addPoint(plan.aspiration, f.time, voiced ? VOICED_BREATH : f.intensity > loudest - SILENCE_DB ? UNVOICED_NOISE : 0);
    for (let k = 0; k < 5; k++) {
      const found = f.formants[k]! > 0;
      if (found) held[k] = f.formants[k]!;
      addPoint(plan.formants[k]!, f.time, held[k]!);
      const bw = found ? f.bandwidths[k]! : 200;
      addPoint(plan.bandwidths[k]!, f.time, Math.min(BANDWIDTH_RANGE[1], Math.max(BANDWIDTH_RANGE[0], bw)));
    }
  }
  return plan;
}

// Festival's (radio) phones in the planner's inventory, where they differ; its diphthongs as two vowels.
const FROM_FESTIVAL: Record<string, string[]> = {
  aa: ['a'], ax: ['ah'], eh: ['e'], iy: ['i'], hh: ['h'], jh: ['j'],
  aw: ['a', 'uh'], ay: ['a', 'ih'], ey: ['e', 'ih'], ow: ['o', 'uh'], oy: ['o', 'ih'],
};

/**
 * A vocal track that speaks a recording's phones on its timings: one note per stretch between
 * pauses (the pitch comes from elsewhere), each phone on its own time, a diphthong split in halves.
 */
export function speechTrack(segments: readonly TimedPhone[]): VocalTrack {
  const notes: VocalNote[] = [];
  const phonemes: Phoneme[] = [];
  for (const seg of segments) {
    if (seg.symbol === 'pau') continue;
    const last = phonemes[phonemes.length - 1];
    if (!last || seg.start - last.end > 0.002) notes.push({ time: seg.start, end: seg.end, pitch: 57, lyric: 'la' });
    const note = notes.length - 1;
    notes[note]!.end = seg.end;
    const symbols = FROM_FESTIVAL[seg.symbol] ?? [seg.symbol];
    const step = (seg.end - seg.start) / symbols.length;
    symbols.forEach((symbol, k) => phonemes.push({ time: seg.start + k * step, end: seg.start + (k + 1) * step, symbol, note }));
  }
  return { notes, phonemes, warnings: [] };
}

/** The recording's intonation as the plan's pitch curve, shifted by some semitones (held through unvoiced frames). */
export function pitchFrom(frames: readonly AnalysisFrame[], semitones: number): Curve {
  const c = emptyCurve();
  let pitch = 48;
  for (const f of frames) {
    if (f.f0 > 0) pitch = 69 + 12 * Math.log2(f.f0 / 440) + semitones;
    addPoint(c, f.time, pitch);
  }
  return c;
}

/**
 * `x` scaled frame by frame (RMS over 20 ms, every 5 ms, gains interpolated per sample) to the
 * level of `reference`, then to a peak of 0.9.
 */
export function matchLevel(x: ArrayLike<number>, reference: ArrayLike<number>, rate: number): Float32Array {
  const n = Math.min(x.length, reference.length);
  const hop = Math.round(rate * 0.005);
  const half = Math.round(rate * 0.01);
  const rms = (a: ArrayLike<number>, centre: number) => {
    let sum = 0;
    const from = Math.max(0, centre - half);
    const to = Math.min(n, centre + half);
    for (let i = from; i < to; i++) sum += a[i]! * a[i]!;
    return Math.sqrt(sum / Math.max(1, to - from)) + 1e-7;
  };
  const gains: number[] = [];
  for (let i = 0; i < n + hop; i += hop) gains.push(Math.min(1000, rms(reference, i) / rms(x, i)));
  const out = new Float32Array(n);
  let peak = 0;
  for (let i = 0; i < n; i++) {
    const k = Math.floor(i / hop);
    const a = i / hop - k;
    out[i] = x[i]! * (gains[k]! * (1 - a) + gains[k + 1]! * a);
    peak = Math.max(peak, Math.abs(out[i]!));
  }
  if (peak > 0) for (let i = 0; i < n; i++) out[i]! *= 0.9 / peak;
  return out;
}
