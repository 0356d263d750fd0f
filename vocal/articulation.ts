// The vocal track's phonemes -> the synthesizer's parameter curves (a SynthPlan): where the
// formants go, when the folds vibrate, when noise hisses and bursts. The rules, phone by phone:
// - Vowels hold their targets; at a consonant they move towards it over the consonant's
//   transition time, starting from the consonant's locus (the F2 transition that tells b from d
//   from g), so the place of a consonant is heard in the vowel next to it.
// - Voiceless stops: silence (closure), a burst through the place's resonances, aspiration
//   through the tract until the vowel starts on the beat. Voiced stops: a voice bar, a weaker burst.
// - Fricatives: noise through their own resonances (sibilants high and strong, f/th weak and
//   flat), voiced ones with the folds still vibrating. Affricates: a closure, then their fricative.
// - Nasals: a low murmur with the nasal anti-formant of their place; ん takes the place of the
//   consonant after it. Liquids and glides: voiced, the formants themselves move (r's F3 dip).
// - Japanese: r is a tap, i/u between voiceless consonants on short notes are whispered.
// - Phrases start with a soft breath and a clean onset, and end with a breathy release.

import type { Phoneme, VocalTrack, VoiceSettings } from '../show-files/src/timeline.ts';
import { acousticsOf, type PhoneAcoustics } from './acoustics.ts';
import { addPoint, emptyCurve, type Curve } from './dsp/curve.ts';
import { NASAL_POLE, type SynthPlan } from './dsp/voice-synth.ts';
import { planPitch, type TunedNote } from './melody.ts';
import { detectLanguage, type LyricLanguage } from './phonemize.ts';
import { planEnvelope } from './envelope/plan.ts';
import { cleanLyric } from './lyrics.ts';

/** A vocal track, with the creator's tuning where the score had it (see score/model.ts). */
export type TunedTrack = VocalTrack;

interface Segment {
  symbol: string;
  ac: PhoneAcoustics;
  start: number;
  end: number;
  note: number;
  /** Level of the voice on this segment's note (dynamics, pitch), 0..~1.3. */
  loud: number;
  /** First sound of a new English word (not a later syllable, not a held continuation). */
  wordStart: boolean;
}

/** Consecutive phonemes closer than this belong to one breath. */
const JOIN = 0.002;
const ONSET = 0.012;
const RELEASE = 0.06;
/** Aspiration mixed into every voiced sound: a little breath keeps the voice from buzzing. */
const BREATHINESS = 0.06;
/** The breath in before a phrase: its level (radiated noise: bright and light, not a hum) and how early it starts. */
const BREATH_IN = 0.06;
const BREATH_IN_DELAY = 0.18;
/** Voicing left at the bottom of a glottal onset between words. */
const GLOTTAL_DIP = 0.12;
/** How long before a nasal the velum starts to lower. */
const NASALISE = 0.05;
/** A stop's burst against its place's frication level: a short transient, not a hiss. */
const BURST = 0.6;
/** Output scale that puts a loud vowel's peaks near -6 dBFS. */
const OUTPUT_SCALE = 0.05;

function loudness(note: TunedNote | undefined): number {
  if (!note) return 1;
  const dyn = note.dynamics ?? 1;
  // Singers get louder as they go up: about +2 % a semitone around the middle of the voice.
  const pitch = Math.min(1.15, Math.max(0.85, 1 + 0.02 * (note.pitch - 67)));
  return Math.max(0, dyn * pitch);
}

/** Whether note i starts a new word: not a continuation, not the next piece of a hyphenated word. */
function startsWord(notes: readonly TunedNote[], i: number): boolean {
  const lyric = cleanLyric(notes[i]?.lyric ?? '');
  if (lyric.continuation) return false;
  const prev = notes[i - 1];
  return !prev || !cleanLyric(prev.lyric).text.endsWith('-');
}

/** Phonemes grouped into breaths (runs without a gap), as segments with their acoustics. */
function breaths(phonemes: readonly Phoneme[], notes: readonly TunedNote[], language: LyricLanguage): Segment[][] {
  const runs: Segment[][] = [];
  let run: Segment[] = [];
  for (const p of phonemes) {
    const prev = run[run.length - 1];
    if (prev && p.time - prev.end > JOIN) {
      runs.push(run);
      run = [];
    }
    const firstOfNote = !prev || prev.note !== p.note;
    const wordStart = language === 'en' && firstOfNote && startsWord(notes, p.note);
    run.push({ symbol: p.symbol, ac: acousticsOf(p.symbol, language), start: p.time, end: p.end, note: p.note, loud: loudness(notes[p.note]), wordStart });
  }
  if (run.length) runs.push(run);
  for (const r of runs) adjustForContext(r, language);
  return runs;
}

/** Context rules: ん's place from the next consonant; Japanese whispered vowels. */
function adjustForContext(run: Segment[], language: LyricLanguage): void {
  run.forEach((seg, i) => {
    const next = run[i + 1];
    if (seg.symbol === 'N' && next && next.ac.manner !== 'vowel') {
      const place = /^(p|b|m)/.test(next.symbol) ? 'm' : /^(k|g)/.test(next.symbol) ? 'ng' : 'n';
      seg.ac = { ...acousticsOf(place), voicing: seg.ac.voicing };
    }
    if (language === 'ja' && (seg.symbol === 'i' || seg.symbol === 'u') && seg.end - seg.start < 0.12) {
      const prev = run[i - 1];
      const voicelessAround = prev && !prev.ac.voiced && prev.ac.manner !== 'vowel' && (!next || (!next.ac.voiced && next.ac.manner !== 'vowel'));
      if (voicelessAround) seg.ac = { ...seg.ac, voicing: 0, aspiration: 0.55 };
    }
  });
}

/** Formants of consonant c at its boundary with vowel v: the locus equation, by c's pull. */
function boundary(c: PhoneAcoustics, v: PhoneAcoustics | undefined, k: number): number {
  if (!v) return c.formants[k]!;
  let target = c.formants[k]!;
  if (c.velar && v.manner === 'vowel') {
    // The velar pinch: the tongue meets the palate where the vowel puts it.
    if (k === 1) target = Math.min(2600, Math.max(1500, v.formants[1]! * 1.1));
    if (k === 2) target = Math.max(v.formants[2]!, target);
  }
  if (k >= 3) return v.formants[k]!;
  return v.formants[k]! + c.pull * (target - v.formants[k]!);
}

interface Curves {
  formants: Curve[];
  bandwidths: Curve[];
  voicing: Curve;
  aspiration: Curve;
  frication: Curve;
  nasalZero: Curve;
  fricFormants: Curve[];
  fricBandwidths: Curve[];
  fricGains: Curve[];
  fricBypass: Curve;
  openQuotient: Curve;
  tilt: Curve;
}

function newCurves(): Curves {
  const many = (n: number) => Array.from({ length: n }, emptyCurve);
  return {
    formants: many(5),
    bandwidths: many(5),
    voicing: emptyCurve(),
    aspiration: emptyCurve(),
    frication: emptyCurve(),
    nasalZero: emptyCurve(),
    fricFormants: many(2),
    fricBandwidths: many(2),
    fricGains: many(2),
    fricBypass: emptyCurve(),
    openQuotient: emptyCurve(),
    tilt: emptyCurve(),
  };
}

function formantAnchors(c: Curves, run: Segment[]): void {
  const put = (t: number, values: readonly number[]) => values.forEach((v, k) => addPoint(c.formants[k]!, t, v));
  const blend = (cons: PhoneAcoustics, v: PhoneAcoustics | undefined) => [0, 1, 2, 3, 4].map((k) => boundary(cons, v, k));
  run.forEach((seg, i) => {
    const prev = run[i - 1];
    const next = run[i + 1];
    const d = seg.end - seg.start;
    const ac = seg.ac;
    if (ac.manner === 'vowel') {
      const inT = prev ? Math.min(prev.ac.manner === 'vowel' ? 0.06 : prev.ac.transition, 0.45 * d) : 0;
      const outT = next && next.ac.manner !== 'vowel' ? Math.min(next.ac.transition, 0.45 * d) : 0;
      if (prev && prev.ac.manner !== 'vowel') put(seg.start, blend(prev.ac, ac));
      if (prev?.ac.manner === 'vowel' && prev.note === seg.note) {
        // A diphthong's second part is a movement, not a vowel of its own: the formants glide
        // all through it and only reach its target at the end.
        put(seg.end - outT, ac.formants);
      } else {
        put(seg.start + inT, ac.formants);
        put(seg.end - outT, ac.formants);
      }
      if (next && next.ac.manner !== 'vowel') put(seg.end, blend(next.ac, ac));
    } else {
      const vPrev = prev?.ac.manner === 'vowel' ? prev.ac : undefined;
      const vNext = next?.ac.manner === 'vowel' ? next.ac : undefined;
      if (ac.pull >= 1) {
        put(seg.start + 0.3 * d, ac.formants);
        put(seg.end - 0.3 * d, ac.formants);
      } else {
        put(seg.start, blend(ac, vPrev ?? vNext));
        put(seg.end, blend(ac, vNext ?? vPrev));
      }
    }
    for (let k = 0; k < 5; k++) {
      addPoint(c.bandwidths[k]!, seg.start + 0.2 * d, ac.bandwidths[k]!);
      addPoint(c.bandwidths[k]!, seg.end - 0.2 * d, ac.bandwidths[k]!);
    }
  });
}

/** Voicing, aspiration, frication and nasality of one breath. */
function sourceAnchors(c: Curves, run: Segment[], language: LyricLanguage, gapBefore: number, gapAfter: number): void {
  const first = run[0]!;
  const last = run[run.length - 1]!;
  const lead = Math.min(0.3, gapBefore / 2);
  addPoint(c.voicing, first.start - lead, 0);
  addPoint(c.aspiration, first.start - lead, 0);
  addPoint(c.frication, first.start - lead, 0);
  if (gapBefore >= 0.45) {
    // A soft breath in before the phrase (after a long enough rest), then a clean onset.
    addPoint(c.aspiration, first.start - BREATH_IN_DELAY, BREATH_IN);
    addPoint(c.aspiration, first.start - 0.04, 0);
  }
  addPoint(c.voicing, first.start, 0);
  addPoint(c.aspiration, first.start, 0);
  addPoint(c.frication, first.start, 0);
  // The noise's resonances are those of the consonant for all of it: held from its start to its
  // end, so that /s/ before /k/ stays an /s/ instead of sliding towards the /k/'s burst.
  const fric = (seg: Segment) => {
    const f = seg.ac.fric;
    let f1 = f[0];
    if (seg.ac.velar && seg.ac.manner === 'stop') {
      const v = run.find((s) => s.start >= seg.end - 1e-6 && s.ac.manner === 'vowel')?.ac;
      if (v) f1 = Math.min(3200, Math.max(1600, v.formants[1] * 1.05));
    }
    for (const t of [seg.start, seg.end - Math.min(0.002, (seg.end - seg.start) / 4)]) {
      addPoint(c.fricFormants[0]!, t, f1);
      addPoint(c.fricBandwidths[0]!, t, f[1]);
      addPoint(c.fricGains[0]!, t, f[2]);
      addPoint(c.fricFormants[1]!, t, f[3]);
      addPoint(c.fricBandwidths[1]!, t, f[4]);
      addPoint(c.fricGains[1]!, t, f[5]);
      addPoint(c.fricBypass, t, f[6]);
    }
  };
  run.forEach((seg, i) => {
    const { ac, start: s, end: e, loud } = seg;
    const d = e - s;
    const edge = Math.min(0.01, d / 4);
    const voice = ac.voicing * loud;
    const breath = BREATHINESS * voice + ac.aspiration;
    const nz = ac.nasalZero ?? NASAL_POLE;
    addPoint(c.nasalZero, s + Math.min(0.006, d / 4), nz);
    // The velum lowers before a nasal: the end of the vowel before it is already nasalised.
    const next = run[i + 1];
    if (ac.manner === 'vowel' && next?.ac.nasalZero !== undefined) addPoint(c.nasalZero, e - Math.min(NASALISE, d / 3), nz);
    else addPoint(c.nasalZero, e - Math.min(0.006, d / 4), nz);
    addPoint(c.openQuotient, s, Math.min(0.75, Math.max(0.45, 0.75 - 0.2 * loud)));
    addPoint(c.tilt, s, 2000 + 2500 * Math.min(1.2, loud));
    if (ac.manner === 'stop' || ac.manner === 'affricate') {
      const voiceless = !ac.voiced;
      const affricate = ac.manner === 'affricate';
      const vot = language === 'ja' ? ac.vot * 0.6 : ac.vot;
      // A voiceless stop holds its closure for half the consonant (silence is its cue), then bursts
      // and aspirates until the vowel on the beat.
      const burst = affricate ? s + 0.4 * d : voiceless ? Math.max(s + 0.5 * d, e - vot) : s + 0.75 * d;
      fric(seg);
      addPoint(c.voicing, s + 0.006, voice);
      addPoint(c.voicing, e - 0.002, voice);
      addPoint(c.aspiration, s + 0.004, 0);
      addPoint(c.frication, s + 0.004, 0);
      addPoint(c.frication, burst - 0.0005, 0);
      addPoint(c.frication, burst, ac.frication * BURST);
      if (affricate) {
        addPoint(c.frication, burst + 0.015, ac.frication);
        addPoint(c.frication, e - 0.012, ac.frication);
        addPoint(c.frication, e, 0);
      } else {
        addPoint(c.frication, burst + 0.005, 0.25 * BURST * ac.frication);
        addPoint(c.frication, burst + 0.012, 0);
      }
      if (voiceless && !affricate) {
        addPoint(c.aspiration, burst + 0.004, 0);
        addPoint(c.aspiration, burst + 0.01, ac.aspiration);
        addPoint(c.aspiration, e, 0.6 * ac.aspiration);
      } else addPoint(c.aspiration, e - 0.002, 0);
      return;
    }
    if (ac.manner === 'closure') {
      addPoint(c.voicing, s + 0.008, 0);
      addPoint(c.voicing, e - 0.002, 0);
      addPoint(c.aspiration, s + 0.008, 0);
      addPoint(c.aspiration, e - 0.002, 0);
      addPoint(c.frication, s + 0.008, 0);
      addPoint(c.frication, e - 0.002, 0);
      return;
    }
    // Vowels, fricatives, nasals, liquids, glides, h: levels held with short crossfades at the edges.
    let after = i === 0 ? ONSET : edge;
    if (ac.manner === 'vowel' && seg.wordStart && i > 0 && run[i - 1]!.ac.voicing > 0) {
      // A word that starts with a vowel in the middle of a phrase gets a light glottal onset, as
      // singers with clear diction do: the voice dips for a moment so the word is heard as new.
      addPoint(c.voicing, s + 0.004, GLOTTAL_DIP * voice);
      after = 0.03;
    }
    if (ac.frication > 0) fric(seg);
    const fEdge = ac.frication > 0 ? Math.min(0.015, d / 3) : edge;
    addPoint(c.voicing, s + after, voice);
    addPoint(c.voicing, e - edge, voice);
    addPoint(c.aspiration, s + after, breath);
    addPoint(c.aspiration, e - edge, breath);
    addPoint(c.frication, s + fEdge, ac.frication);
    addPoint(c.frication, e - fEdge, ac.frication);
  });
  // Release: the voice fades with a breath (shorter when the next phrase comes soon).
  const release = Math.min(RELEASE, gapAfter / 3);
  addPoint(c.voicing, last.end + release, 0);
  addPoint(c.aspiration, last.end + release / 3, 0.04 * last.loud);
  addPoint(c.aspiration, last.end + release * 1.5, 0);
  addPoint(c.frication, last.end + release / 6, 0);
}

export function planVoice(track: TunedTrack, voice: VoiceSettings, language?: LyricLanguage): SynthPlan {
  const lang = language ?? detectLanguage(track.notes.map((n) => n.lyric));
  const phonemes = track.phonemes;
  const first = phonemes[0];
  const last = phonemes[phonemes.length - 1];
  const start = Math.min(first?.time ?? 0, track.notes[0]?.time ?? 0) - 0.35;
  const end = Math.max(last?.end ?? 0, track.notes[track.notes.length - 1]?.end ?? 0) + RELEASE + 0.1;
  const c = newCurves();
  const shift = Math.pow(2, voice.formantShift / 12);
  const runs = breaths(phonemes, track.notes, lang);
  runs.forEach((run, i) => {
    const gapBefore = i === 0 ? 1 : run[0]!.start - runs[i - 1]![runs[i - 1]!.length - 1]!.end;
    const gapAfter = i === runs.length - 1 ? 1 : runs[i + 1]![0]!.start - run[run.length - 1]!.end;
    formantAnchors(c, run);
    sourceAnchors(c, run, lang, gapBefore, gapAfter);
  });
  if (shift !== 1) for (const f of c.formants) for (let k = 0; k < f.values.length; k++) f.values[k]! *= shift;
  for (const curves of [c.formants, c.bandwidths, c.fricFormants, c.fricBandwidths, c.fricGains]) {
    for (const f of curves) if (f.times.length === 0) addPoint(f, start, 1000);
  }
  for (const f of [c.voicing, c.aspiration, c.frication, c.fricBypass]) if (f.times.length === 0) addPoint(f, start, 0);
  if (c.nasalZero.times.length === 0) addPoint(c.nasalZero, start, NASAL_POLE);
  if (c.openQuotient.times.length === 0) addPoint(c.openQuotient, start, 0.6);
  if (c.tilt.times.length === 0) addPoint(c.tilt, start, 3000);
  const pitch = planPitch(track.notes, voice, start, end, track.pitchCurve);
  let seed = 0x1234567;
  for (const n of track.notes) seed = (Math.imul(seed ^ Math.round(n.time * 1000), 16777619) + n.pitch) >>> 0;
  // English is sung by the envelope voice (measured spectra, see envelope/plan.ts) wherever its
  // bank has every phone; Japanese, and any song set to it, by the formant voice.
  const engine = voice.engine ?? 'auto';
  const envelope = engine === 'envelope' || (engine === 'auto' && lang === 'en') ? planEnvelope(phonemes, start, end, { loudness: (note) => loudness(track.notes[note]), formantShift: voice.formantShift }) : undefined;
  return {
    start,
    end,
    seed,
    glottis: { jitter: 0.004, shimmer: 0.03, flutter: 0.003 },
    ...pitch,
    ...c,
    gain: OUTPUT_SCALE * Math.pow(10, voice.gainDb / 20),
    ...(envelope ? { envelope } : {}),
  };
}
