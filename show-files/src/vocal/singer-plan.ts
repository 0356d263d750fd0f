// The sung vocal line as automation curves: pure numbers computed from the vocal track, applied
// to a Web Audio graph by synth.ts. Keeping the musical decisions here (pitch glides, vibrato,
// formant moves, envelopes, consonant noise) makes them testable without audio.
//
// Every curve is a list of breakpoints with strictly increasing times; the value moves linearly
// between breakpoints and holds after the last one (exactly what linearRampToValueAtTime does).

import type { VocalTrack, VoiceSettings } from '../timeline.ts';
import { pitchToHz } from '../score/pitch.ts';
import { isSyllabic, phoneInfo, type PhoneInfo } from './phones.ts';
import { voicedLoudness } from './timbre.ts';

export interface Curve {
  times: number[];
  values: number[];
}

export interface SingerPlan {
  /** Show seconds the plan covers (from a little before the first consonant to after the last release). */
  start: number;
  end: number;
  /** Oscillator frequency, Hz: note pitches, glides and vibrato. */
  frequency: Curve;
  /** Centre frequencies of the three formant peaks, Hz. */
  formants: [Curve, Curve, Curve];
  /** Level of the voiced source, 0..1. */
  voiced: Curve;
  /** Consonant noise: band centre (Hz), band Q and level 0..1. */
  noiseFreq: Curve;
  noiseQ: Curve;
  noise: Curve;
  /** Linear output gain from the voice's gainDb. */
  outputGain: number;
}

/** Smallest step between breakpoints: a "jump" is a ramp this short. */
const STEP = 0.001;
/** Formants glide between vowels over this time, centred on the vowel onset. */
const FORMANT_GLIDE = 0.05;
const ATTACK = 0.012;
const RELEASE = 0.04;
const VIBRATO_RAMP = 0.25;
/**
 * How far each note's level is corrected towards the reference loudness (0 = not at all, 1 =
 * fully). A harmonic landing on a formant peak would otherwise make some notes twice as loud as
 * others; a part of the difference is kept, as open vowels do sound louder.
 */
const LOUDNESS_EVENING = 0.75;
const REFERENCE_LOUDNESS = voicedLoudness(440, [850, 1400, 2800]);

function curve(): Curve {
  return { times: [], values: [] };
}

/** Adds a breakpoint, nudging its time so times stay strictly increasing. */
function point(c: Curve, t: number, v: number): void {
  const last = c.times.length ? c.times[c.times.length - 1]! : -Infinity;
  c.times.push(t > last ? t : last + STEP / 10);
  c.values.push(v);
}

/** Value of a curve at t (linear between breakpoints, held outside). */
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
  const t1 = c.times[hi]!;
  return c.values[lo]! + ((c.values[hi]! - c.values[lo]!) * (t - t0)) / (t1 - t0);
}

/**
 * Vibrato drawn into the pitch curve: a sine in semitones around `hz`, sampled 12 times a cycle
 * (linear between samples is indistinguishable at 5-6 Hz), fading in over VIBRATO_RAMP. Whole
 * cycles only, so the note ends on its true pitch.
 */
function addVibrato(c: Curve, hz: number, from: number, to: number, semis: number, rate: number): void {
  const cycles = Math.floor((to - from) * rate);
  if (cycles < 1) return;
  const steps = cycles * 12;
  const period = 1 / rate;
  point(c, from, hz);
  for (let k = 1; k <= steps; k++) {
    const t = (k / 12) * period;
    const fade = Math.min(1, t / VIBRATO_RAMP);
    point(c, from + t, hz * Math.pow(2, (fade * semis * Math.sin((2 * Math.PI * k) / 12)) / 12));
  }
}

/** How much of the periodic (voiced) source a phoneme lets through. */
export function voicedLevel(info: PhoneInfo, symbol: string): number {
  if (info.kind === 'vowel') return 1;
  if (symbol === 'N') return 0.6;
  if (!info.voiced) return 0;
  switch (info.kind) {
    case 'nasal':
      return 0.45;
    case 'liquid':
      return 0.55;
    case 'glide':
      return 0.65;
    case 'fricative':
      return 0.3;
    default:
      return 0.2; // voiced stops and affricates: a short voice bar
  }
}

export function planSinger(track: VocalTrack, voice: VoiceSettings): SingerPlan {
  const { notes, phonemes } = track;
  const shift = Math.pow(2, voice.formantShift / 12);
  const plan: SingerPlan = {
    start: 0,
    end: 0,
    frequency: curve(),
    formants: [curve(), curve(), curve()],
    voiced: curve(),
    noiseFreq: curve(),
    noiseQ: curve(),
    noise: curve(),
    outputGain: Math.pow(10, voice.gainDb / 20),
  };
  if (phonemes.length === 0 || notes.length === 0) return plan;
  plan.start = Math.min(phonemes[0]!.time, notes[0]!.time) - 0.05;
  plan.end = Math.max(phonemes[phonemes.length - 1]!.end, notes[notes.length - 1]!.end) + RELEASE + 0.05;

  // First/last phoneme time of each note: where its voice begins and ends.
  const firstOf = new Array<number>(notes.length).fill(Infinity);
  const lastOf = new Array<number>(notes.length).fill(-Infinity);
  for (const p of phonemes) {
    firstOf[p.note] = Math.min(firstOf[p.note]!, p.time);
    lastOf[p.note] = Math.max(lastOf[p.note]!, p.end);
  }

  // Pitch: held per note (with vibrato on long notes); legato neighbours glide across the beat,
  // others jump in the silence between.
  const hz = notes.map((n) => pitchToHz(n.pitch));
  const vibratoSemis = Math.max(0, voice.vibrato.depth);
  const vibratoRate = voice.vibrato.rate > 0 ? voice.vibrato.rate : 5.5;
  point(plan.frequency, plan.start, hz[0]!);
  for (let i = 0; i < notes.length; i++) {
    const note = notes[i]!;
    const next = notes[i + 1];
    let holdEnd = note.end;
    let transition: (() => void) | undefined;
    if (next) {
      const voiceEnd = Number.isFinite(lastOf[i]!) ? lastOf[i]! : note.end;
      const nextStart = Number.isFinite(firstOf[i + 1]!) ? firstOf[i + 1]! : next.time;
      if (nextStart <= voiceEnd + 0.01) {
        const room = 0.4 * Math.min(note.end - note.time, next.end - next.time);
        const glide = Math.max(STEP, Math.min(voice.portamento, room));
        holdEnd = next.time - glide / 2;
        transition = () => {
          point(plan.frequency, next.time - glide / 2, hz[i]!);
          point(plan.frequency, next.time + glide / 2, hz[i + 1]!);
        };
      } else {
        const mid = (voiceEnd + nextStart) / 2;
        transition = () => {
          point(plan.frequency, mid, hz[i]!);
          point(plan.frequency, mid + STEP, hz[i + 1]!);
        };
      }
    }
    if (vibratoSemis > 0) addVibrato(plan.frequency, hz[i]!, note.time + Math.max(0, voice.vibrato.delay), holdEnd - 0.03, vibratoSemis, vibratoRate);
    transition?.();
  }
  // Formants follow the syllabic phonemes (consonants keep the vowel's resonances moving).
  const firstVowel = phonemes.find((p) => isSyllabic(p.symbol)) ?? phonemes[0]!;
  let current = phoneInfo(firstVowel.symbol).formants ?? phoneInfo('a').formants!;
  for (let k = 0; k < 3; k++) point(plan.formants[k]!, plan.start, current[k]! * shift);
  for (const p of phonemes) {
    const f = phoneInfo(p.symbol).formants;
    if (!f || !isSyllabic(p.symbol) || f === current) continue;
    const from = Math.max(p.time - FORMANT_GLIDE / 2, plan.formants[0].times[plan.formants[0].times.length - 1]! + STEP);
    for (let k = 0; k < 3; k++) {
      point(plan.formants[k]!, from, current[k]! * shift);
      point(plan.formants[k]!, Math.max(from + STEP, p.time + FORMANT_GLIDE / 2), f[k]! * shift);
    }
    current = f;
  }

  // Envelopes: voiced level per phoneme, consonant noise per phoneme, silence in the gaps.
  point(plan.voiced, plan.start, 0);
  point(plan.noise, plan.start, 0);
  point(plan.noiseFreq, plan.start, 3000);
  point(plan.noiseQ, plan.start, 1);
  // Level correction per (note, vowel): predicted from the filter responses at the note's harmonics.
  const evenCache = new Map<string, number>();
  const evening = (note: number, formants: readonly [number, number, number]): number => {
    const key = `${note}:${formants.join(',')}`;
    let g = evenCache.get(key);
    if (g === undefined) {
      const loud = voicedLoudness(hz[note] ?? 440, formants.map((f) => f * shift));
      g = Math.min(1.6, Math.max(0.4, Math.pow(REFERENCE_LOUDNESS / loud, LOUDNESS_EVENING)));
      evenCache.set(key, g);
    }
    return g;
  };
  const noteVowel = new Map<number, readonly [number, number, number]>();
  for (const p of phonemes) {
    const f = phoneInfo(p.symbol).formants;
    if (f && isSyllabic(p.symbol) && !noteVowel.has(p.note)) noteVowel.set(p.note, f);
  }

  let level = 0;
  let prevEnd = -Infinity;
  for (const p of phonemes) {
    const info = phoneInfo(p.symbol);
    const len = p.end - p.time;
    const formants = (isSyllabic(p.symbol) ? info.formants : undefined) ?? noteVowel.get(p.note) ?? phoneInfo('a').formants!;
    const even = evening(p.note, formants);
    if (p.time > prevEnd + 1e-6 && Number.isFinite(prevEnd)) {
      // A rest: release to silence.
      point(plan.voiced, prevEnd, level);
      point(plan.voiced, prevEnd + Math.min(RELEASE, (p.time - prevEnd) / 2), 0);
      level = 0;
    }
    const target = voicedLevel(info, p.symbol) * even;
    point(plan.voiced, p.time, level);
    point(plan.voiced, p.time + Math.min(ATTACK, len / 2), target);
    level = target;
    prevEnd = p.end;

    if (info.noise) {
      const { freq, q, gain } = info.noise;
      point(plan.noiseFreq, p.time, curveAt(plan.noiseFreq, p.time));
      point(plan.noiseFreq, p.time + STEP, freq * (info.kind === 'stop' || info.kind === 'fricative' ? 1 : shift));
      point(plan.noiseQ, p.time, curveAt(plan.noiseQ, p.time));
      point(plan.noiseQ, p.time + STEP, q);
      if (info.kind === 'stop') {
        // Closure (silent), then the release burst in the last third.
        const burst = p.time + len * 0.65;
        point(plan.noise, burst, 0);
        point(plan.noise, burst + Math.min(0.004, len * 0.1), gain);
        point(plan.noise, p.end, gain * 0.3);
        point(plan.noise, p.end + 0.01, 0);
      } else {
        const rise = Math.min(0.012, len / 3);
        const from = info.kind === 'affricate' ? p.time + len * 0.35 : p.time;
        point(plan.noise, from, 0);
        point(plan.noise, from + rise, gain);
        point(plan.noise, p.end - rise, gain);
        point(plan.noise, p.end, 0);
      }
    }
  }
  point(plan.voiced, prevEnd, level);
  point(plan.voiced, prevEnd + RELEASE, 0);
  return plan;
}
