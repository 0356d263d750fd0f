// The wavtool step: every placement's resampled sample laid on the song's timeline, as UTAU's
// wavtool does. Each sample starts its preutterance before its beat (shrunk, with its overlap,
// when the note before is too short for it: UTAU's rule), and crossfades with the sample before
// over its overlap; phrase starts fade in over 5 ms and phrase ends fade out over 30 ms, so no
// join clicks. The pitch is the built-in voice's plan (melody.ts): the same portamento, overshoot,
// scoops and vibrato.

import type { VocalTrack, VoiceSettings } from '../../show-files/src/timeline.ts';
import { curveAt } from '../dsp/curve.ts';
import { LEGATO_GAP, planPitch, type PitchPlan, type TunedNote } from '../melody.ts';
import { chooseSamples, type Placement } from './aliases.ts';
import { entrySpan, type VoiceBank } from './bank.ts';
import { findPitchMarks, type PitchMarks } from './epochs.ts';
import { resample } from './resampler.ts';
import { BANK_SAMPLE_RATE, convertRate, type BankSample } from './sample-wav.ts';

export interface PlacedSample extends Placement {
  /** Preutterance and overlap after the short-note rule, seconds. */
  preutterance: number;
  overlap: number;
  /** Show time the sample starts sounding and stops sounding (after its crossfade). */
  start: number;
  soundEnd: number;
  fadeIn: number;
  fadeOut: number;
}

const PHRASE_FADE_IN = 0.005;
const RELEASE = 0.03;
const MIN_CROSSFADE = 0.005;

/** Timing of every placement: UTAU's preutterance/overlap rule and the crossfades. */
export function placeSamples(placements: readonly Placement[]): PlacedSample[] {
  const placed: PlacedSample[] = placements.map((p) => ({
    ...p,
    preutterance: p.entry.preutterance / 1000,
    overlap: p.entry.overlap / 1000,
    start: 0,
    soundEnd: p.end,
    fadeIn: PHRASE_FADE_IN,
    fadeOut: RELEASE,
  }));
  placed.forEach((p, k) => {
    const q = placed[k - 1];
    const joined = q !== undefined && p.time - q.end < LEGATO_GAP;
    if (joined) {
      // A sample may not reach back further than half of the note before it.
      const room = 0.5 * (p.time - q.time);
      const lead = p.preutterance - p.overlap;
      if (lead > room && lead > 0) {
        const scale = room / lead;
        p.preutterance *= scale;
        p.overlap *= scale;
      }
    }
    p.start = p.time - p.preutterance;
    if (joined) {
      const fade = Math.max(MIN_CROSSFADE, p.overlap);
      p.fadeIn = fade;
      q.soundEnd = Math.max(q.start + 0.01, p.start + fade);
      q.fadeOut = Math.min(fade, q.soundEnd - q.start);
    } else {
      p.fadeIn = PHRASE_FADE_IN;
      if (q) {
        q.soundEnd = q.end + 0.01;
        q.fadeOut = RELEASE;
      }
    }
  });
  const last = placed[placed.length - 1];
  if (last) last.soundEnd = last.end + 0.01;
  return placed;
}

export interface BankRenderOptions {
  sampleRate?: number;
  from?: number;
  to?: number;
}

export interface BankRender {
  samples: Float32Array;
  sampleRate: number;
  /** Show time of samples[0]. */
  start: number;
  placed: PlacedSample[];
  /** Aliases the bank lacks (sung with fallbacks) and notes it could not sing. */
  warnings: string[];
}

const marksCache = new WeakMap<BankSample, PitchMarks>();

function marksOf(sample: BankSample): PitchMarks {
  let m = marksCache.get(sample);
  if (!m) {
    m = findPitchMarks(sample.samples, sample.sampleRate);
    marksCache.set(sample, m);
  }
  return m;
}

/** Vibrato phase (cycles) over show time, integrated from the planned rate every 5 ms. */
function vibratoPhase(plan: PitchPlan, from: number, to: number): (t: number) => number {
  const step = 0.005;
  const n = Math.max(2, Math.ceil((to - from) / step) + 2);
  const phase = new Float64Array(n);
  for (let i = 1; i < n; i++) phase[i] = phase[i - 1]! + curveAt(plan.vibratoRate, from + (i - 1) * step) * step;
  return (t) => {
    const x = Math.min(n - 1.001, Math.max(0, (t - from) / step));
    const i = Math.floor(x);
    return phase[i]! + (phase[i + 1]! - phase[i]!) * (x - i);
  };
}

export function renderWithBank(track: VocalTrack & { pitchCurve?: { time: number; cents: number }[] }, voice: VoiceSettings, bank: VoiceBank, options: BankRenderOptions = {}): BankRender {
  const notes = track.notes as TunedNote[];
  const choice = chooseSamples(notes, bank, track.phonemes);
  const placed = placeSamples(choice.placements);
  const songFrom = placed.length ? Math.min(...placed.map((p) => p.start)) : 0;
  const songTo = placed.length ? Math.max(...placed.map((p) => p.soundEnd)) : 0;
  const from = options.from ?? songFrom;
  const to = options.to ?? songTo;
  const sr = BANK_SAMPLE_RATE;
  const out = new Float32Array(Math.max(0, Math.round((to - from) * sr)));
  const plan = planPitch(notes, voice, Math.min(from, songFrom) - 0.1, Math.max(to, songTo) + 0.1, track.pitchCurve);
  const phaseAt = vibratoPhase(plan, Math.min(from, songFrom) - 0.1, Math.max(to, songTo) + 0.1);
  const level = 10 ** (voice.gainDb / 20);
  for (const p of placed) {
    if (p.soundEnd <= from || p.start >= to) continue;
    const sample = bank.sample(p.entry);
    const span = entrySpan(p.entry, sample.samples.length / sr);
    const length = Math.round((p.soundEnd - p.start) * sr);
    const frequencyAt = (j: number) => {
      const t = p.start + j / sr;
      const semis = curveAt(plan.pitch, t) + curveAt(plan.vibratoDepth, t) * Math.sin(2 * Math.PI * phaseAt(t));
      return 440 * 2 ** ((semis - 69) / 12);
    };
    const y = resample({
      source: sample.samples,
      marks: marksOf(sample),
      sampleRate: sr,
      entryStart: span.start,
      fixed: Math.max(p.entry.consonant / 1000, p.preutterance),
      entryLength: span.end - span.start,
      length,
      frequencyAt,
    });
    const gain = level * (notes[p.note]?.dynamics ?? 1);
    const fadeIn = Math.max(1, Math.round(p.fadeIn * sr));
    const fadeOut = Math.max(1, Math.round(p.fadeOut * sr));
    const at = Math.round((p.start - from) * sr);
    for (let j = Math.max(0, -at); j < length && at + j < out.length; j++) {
      // Raised-cosine fades: equal-gain crossfade with the neighbour's opposite fade.
      let w = 1;
      if (j < fadeIn) w = 0.5 - 0.5 * Math.cos((Math.PI * j) / fadeIn);
      const back = length - 1 - j;
      if (back < fadeOut) w *= 0.5 - 0.5 * Math.cos((Math.PI * back) / fadeOut);
      out[at + j]! += gain * w * y[j]!;
    }
  }
  const warnings = [...choice.unsung];
  if (choice.missing.length) warnings.push(`voicebank "${bank.displayName}" lacks ${choice.missing.length} alias(es), sung with fallbacks: ${choice.missing.join(', ')}`);
  const rate = options.sampleRate ?? sr;
  return { samples: rate === sr ? out : convertRate(out, sr, rate), sampleRate: rate, start: from, placed, warnings };
}
