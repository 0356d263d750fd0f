// The envelope voice (English): its bank, its linear prediction, the vowels and transitions it
// sings, which engine sings what, silence in the rests, and the same samples every time.
import { describe, expect, it } from 'vitest';
import { phonemizeNotes } from '../../vocal/phonemize.ts';
import { DEFAULT_VOICE } from '../../vocal/track.ts';
import { renderVocalSync } from '../../vocal/render.ts';
import { createSynth, renderRange } from '../../vocal/dsp/render-plan.ts';
import { planVoice } from '../../vocal/articulation.ts';
import { envelopeBank, BANK_ORDER } from '../../vocal/envelope/bank.ts';
import { bankPhones, planEnvelope, ENVELOPE_STRIDE, SILENT_LEVEL } from '../../vocal/envelope/plan.ts';
import { autocorrelation, envelopeDb, levinson, predictorFromReflection } from '../../vocal/envelope/lpc.ts';
import { englishSyllables } from '../../vocal/english.ts';
import { standaloneVocal } from '../../vocal/standalone.ts';
import { parseScore } from '../../show-files/src/score/index.ts';
import type { VocalNote, VoiceSettings } from '../../show-files/src/timeline.ts';
import { singNotes } from './sing-notes.ts';
import { bandEnergy, correlationAt, findClicks, fundamental, lpcPeaks, magnitudeAt, rms } from './audio-analysis.ts';
import { TEST_SONGS, scoreJson } from '../../bench/voice/songs.ts';
import { compileShowFolder } from '../../show-files/src/compile.ts';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const steady: VoiceSettings = { ...DEFAULT_VOICE, vibrato: { ...DEFAULT_VOICE.vibrato, depth: 0 } };

const sing = (notes: VocalNote[], voice: VoiceSettings = steady) => singNotes(notes, voice);

describe('envelope voice: linear prediction', () => {
  it('recovers a known all-pole filter, and its reflection form gives the same predictor', () => {
    // x[n] = 1.3 x[n-1] - 0.8 x[n-2] + e[n]: a resonance near 0.1 of the sample rate.
    let s = 12345;
    const x = new Float64Array(20000);
    for (let n = 0; n < x.length; n++) {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      x[n] = (s / 4294967296 - 0.5) + 1.3 * (x[n - 1] ?? 0) - 0.8 * (x[n - 2] ?? 0);
    }
    const lpc = levinson(autocorrelation(x, 2), 2, x.length);
    expect(lpc.predictor[0]).toBeCloseTo(-1.3, 1);
    expect(lpc.predictor[1]).toBeCloseTo(0.8, 1);
    for (const k of lpc.reflection) expect(Math.abs(k)).toBeLessThan(1);
    const back = predictorFromReflection(lpc.reflection);
    expect(back[0]).toBeCloseTo(lpc.predictor[0]!, 12);
    expect(back[1]).toBeCloseTo(lpc.predictor[1]!, 12);
    // The envelope peaks at the resonance: 0.1 of the rate above 0.3 of it by far.
    expect(envelopeDb(lpc.predictor, lpc.gain, 1000, 10000) - envelopeDb(lpc.predictor, lpc.gain, 3000, 10000)).toBeGreaterThan(15);
  });
});

describe('envelope voice: bank', () => {
  it('holds a unit for every English phone going in and coming out, each frame a stable filter', () => {
    const bank = envelopeBank();
    expect(bank.size).toBeGreaterThan(1000);
    const firsts = new Set([...bank.names()].map((k) => k.split('-')[0]));
    const seconds = new Set([...bank.names()].map((k) => k.split('-')[1]));
    const english = ['aa', 'ae', 'ah', 'ao', 'aw', 'ay', 'eh', 'er', 'ey', 'ih', 'iy', 'ow', 'oy', 'uh', 'uw', 'b', 'ch', 'd', 'dh', 'f', 'g', 'hh', 'jh', 'k', 'l', 'm', 'n', 'ng', 'p', 'r', 's', 'sh', 't', 'th', 'v', 'w', 'y', 'z', 'zh'];
    for (const phone of english) {
      expect(firsts.has(phone), `${phone}-*`).toBe(true);
      expect(seconds.has(phone), `*-${phone}`).toBe(true);
    }
    for (const [name, unit] of bank) {
      expect(unit.edge, name).toBeGreaterThan(0);
      expect(unit.edge, name).toBeLessThan(unit.frames.length - 1);
      for (const f of unit.frames) for (let j = 0; j < BANK_ORDER; j++) expect(Math.abs(f[j]!)).toBeLessThanOrEqual(1);
    }
  });

  it('names every phone of the test songs, joining a diphthong sung on one note', () => {
    const notes: VocalNote[] = [{ time: 0.3, end: 1.3, pitch: 60, lyric: 'light' }];
    const { phonemes } = phonemizeNotes(notes, steady, { songStart: 0 });
    expect(phonemes.map((p) => p.symbol)).toEqual(['l', 'a', 'ih', 't']);
    const phones = bankPhones(phonemes)!;
    expect(phones.map((p) => p.name)).toEqual(['l', 'ay', 't']);
    expect(phones[1]!.glide).toBe(phonemes[2]!.time);
    for (const song of TEST_SONGS) {
      const { track } = standaloneVocal(parseScore(new TextEncoder().encode(scoreJson(song)), `${song.id}.json`), DEFAULT_VOICE);
      expect(bankPhones(track.phonemes), song.id).toBeDefined();
    }
    // Japanese phones are not in it: such a track is left to the formant voice.
    const ja = phonemizeNotes([{ time: 0.3, end: 1.3, pitch: 60, lyric: 'つ' }], steady, { songStart: 0 }).phonemes;
    expect(bankPhones(ja)).toBeUndefined();
  });
});

describe('envelope voice: which engine sings', () => {
  const en: VocalNote[] = [{ time: 0.3, end: 1.0, pitch: 60, lyric: 'hello' }];
  const ja: VocalNote[] = [{ time: 0.3, end: 1.0, pitch: 60, lyric: 'かな' }];
  const plan = (notes: VocalNote[], voice: VoiceSettings) => planVoice({ notes, ...phonemizeNotes(notes, voice, { songStart: 0 }) }, voice);
  it('English by the envelope voice, Japanese by the formant voice, and either when the song says so', () => {
    expect(plan(en, DEFAULT_VOICE).envelope).toBeDefined();
    expect(plan(ja, DEFAULT_VOICE).envelope).toBeUndefined();
    expect(plan(en, { ...DEFAULT_VOICE, engine: 'formant' }).envelope).toBeUndefined();
    // Asked to sing Japanese, the envelope voice sings what its English units can say ("kana"),
    // and leaves to the formant voice a line with a sound it lacks (the ts of つ).
    expect(plan(ja, { ...DEFAULT_VOICE, engine: 'envelope' }).envelope).toBeDefined();
    expect(plan([{ time: 0.3, end: 1.0, pitch: 60, lyric: 'つき' }], { ...DEFAULT_VOICE, engine: 'envelope' }).envelope).toBeUndefined();
    const formant = renderVocalSync({ notes: en, ...phonemizeNotes(en, DEFAULT_VOICE, { songStart: 0 }) }, { ...DEFAULT_VOICE, engine: 'formant' }).samples;
    const envelope = renderVocalSync({ notes: en, ...phonemizeNotes(en, DEFAULT_VOICE, { songStart: 0 }) }, DEFAULT_VOICE).samples;
    expect(envelope.length).toBe(formant.length);
    // Two different voices, at about the same loudness.
    const ratio = rms(envelope, 0, envelope.length) / rms(formant, 0, formant.length);
    expect(ratio).toBeGreaterThan(0.3);
    expect(ratio).toBeLessThan(3);
  });
});

describe('envelope voice: acoustics', () => {
  // The speaker's own vowels, sung on G3 (Hz, with room for her accent): F1 and F2 by LPC.
  const vowels: [string, [number, number], [number, number]][] = [
    ['hot', [750, 1050], [1200, 1650]],
    ['saw', [650, 950], [1100, 1500]],
    ['who', [300, 480], [1200, 1800]],
    ['cat', [650, 950], [1700, 2200]],
  ];
  for (const [lyric, f1, f2] of vowels) {
    it(`a held vowel ("${lyric}") keeps the speaker's F1 and F2`, () => {
      const { out, at } = sing([{ time: 0.3, end: 1.3, pitch: 55, lyric }]);
      const peaks = lpcPeaks(out.samples, out.sampleRate, at(0.6), at(1.0), 14);
      expect(peaks.some((p) => p >= f1[0] && p <= f1[1]), `F1 in ${f1} among ${peaks.map(Math.round)}`).toBe(true);
      expect(peaks.some((p) => p >= f2[0] && p <= f2[1]), `F2 in ${f2} among ${peaks.map(Math.round)}`).toBe(true);
    });
  }

  it('a front vowel and a back vowel are far apart in F2 (/i/ of "keep" against /u/ of "who")', () => {
    const keep = sing([{ time: 0.3, end: 1.3, pitch: 55, lyric: 'keep' }]);
    const who = sing([{ time: 0.3, end: 1.3, pitch: 55, lyric: 'who' }]);
    const high = (s: ReturnType<typeof sing>) => bandEnergy(s.out.samples, s.out.sampleRate, s.at(0.6), s.at(1.0), 2000, 3200) / bandEnergy(s.out.samples, s.out.sampleRate, s.at(0.6), s.at(1.0), 200, 1000);
    expect(10 * Math.log10(high(keep) / high(who))).toBeGreaterThan(10);
  });

  it('the vowel after /d/ starts from a higher F2 than after /b/ (the transition that tells them apart)', () => {
    const onset = (lyric: string) => {
      const { track, out, at } = sing([{ time: 0.4, end: 1.2, pitch: 57, lyric }]);
      const vowel = track.phonemes.find((p) => p.symbol === 'a')!;
      return bandEnergy(out.samples, out.sampleRate, at(vowel.time), at(vowel.time + 0.03), 1600, 2400) / bandEnergy(out.samples, out.sampleRate, at(vowel.time), at(vowel.time + 0.03), 1000, 1600);
    };
    expect(10 * Math.log10(onset('da') / onset('ba'))).toBeGreaterThan(3);
  });

  it('moves its resonances by the voice\'s formantShift, keeping the pitch', () => {
    const peaksOf = (shift: number) => {
      const voice = { ...steady, formantShift: shift };
      const { out, at, track } = sing([{ time: 0.3, end: 1.3, pitch: 55, lyric: 'hot' }], voice);
      expect(planVoice(track, voice).envelope!.rate).toBe(shift === 0 ? 22050 : 26200);
      return { peaks: lpcPeaks(out.samples, out.sampleRate, at(0.6), at(1.0), 14), f0: fundamental(out.samples, out.sampleRate, at(0.6), at(1.0), 100, 400) };
    };
    const plain = peaksOf(0);
    const up = peaksOf(3);
    const f1 = plain.peaks.find((p) => p > 750 && p < 1050)!;
    // Three semitones: every resonance 19 % higher; the sung G3 stays where it was.
    expect(up.peaks.some((p) => Math.abs(p / (f1 * 1.189) - 1) < 0.06), `${up.peaks.map(Math.round)} against ${Math.round(f1)}`).toBe(true);
    expect(up.peaks.some((p) => Math.abs(p / f1 - 1) < 0.06)).toBe(false);
    expect(Math.abs(1200 * Math.log2(up.f0 / plain.f0))).toBeLessThan(10);
  });

  it("follows the score's dynamics: a note at half loudness is about 6 dB softer", () => {
    const { out, at } = sing([
      { time: 0.3, end: 1.0, pitch: 60, lyric: 'saw' },
      { time: 1.6, end: 2.3, pitch: 60, lyric: 'saw', dynamics: 0.5 },
    ]);
    const db = 20 * Math.log10(rms(out.samples, at(1.8), at(2.1)) / rms(out.samples, at(0.5), at(0.8)));
    expect(db).toBeGreaterThan(-7);
    expect(db).toBeLessThan(-5);
  });

  /** A held 'saw' on B4 (494 Hz), rendered from its plan with the breath as given (the voice's own when undefined). */
  const heldB4 = (breath?: number) => {
    const notes = [{ time: 0.3, end: 1.5, pitch: 71, lyric: 'saw' }];
    const { phonemes } = phonemizeNotes(notes, steady, { songStart: 0 });
    const plan = planVoice({ notes, phonemes, warnings: [] }, steady);
    if (breath !== undefined) plan.envelope!.breath = breath;
    const sr = 44100;
    const x = renderRange(plan, sr, 0, Math.round((plan.end - plan.start) * sr));
    return { x, sr, at: (t: number) => Math.round((t - plan.start) * sr), f0: 440 * 2 ** (2 / 12) };
  };
  /** Normalized correlation of 40 ms from `from` with itself `lag` samples on (best whole lag within 3 %). */
  const correlation = (x: Float32Array, from: number, lag: number) => {
    let best = -1;
    for (let l = Math.floor(lag * 0.97); l <= Math.ceil(lag * 1.03); l++) best = Math.max(best, correlationAt(x, from, 1764, l));
    return best;
  };

  it('places each pulse band-limited: every period alike, none every third (the pulse split over two samples made a twelfth below at 494 Hz)', () => {
    const { x, sr, at, f0 } = heldB4(0);
    for (const t of [0.7, 0.85, 1.0, 1.15]) {
      const one = correlation(x, at(t), sr / f0);
      const three = correlation(x, at(t), (3 * sr) / f0);
      // Split linearly the fraction stepped by about 2/3 of a sample each period: 0.79-0.83 here against 0.98 for three periods.
      expect(one).toBeGreaterThan(0.99);
      expect(three - one).toBeLessThan(0.005);
    }
  });

  it('breathes: noise through the envelope fills it in between the harmonics, which still stand well above it', () => {
    const betweenAgainstHarmonics = (breath?: number) => {
      const { x, sr, at, f0 } = heldB4(breath);
      let harmonics = 0, between = 0;
      for (let h = 1; h * f0 < 3000; h++) {
        harmonics += magnitudeAt(x, sr, at(0.7), at(1.1), h * f0) ** 2;
        between += magnitudeAt(x, sr, at(0.7), at(1.1), (h + 0.5) * f0) ** 2;
      }
      return 10 * Math.log10(between / harmonics);
    };
    const dry = betweenAgainstHarmonics(0);
    const breathy = betweenAgainstHarmonics();
    expect(breathy - dry, `${breathy.toFixed(1)} dB against ${dry.toFixed(1)} dB`).toBeGreaterThan(20);
    expect(breathy).toBeLessThan(-20);
  });

  it('an /s/ hisses above 4 kHz, with little under 2 kHz', () => {
    const { track, out, at } = sing([{ time: 0.4, end: 1.2, pitch: 57, lyric: 'sun' }]);
    const s = track.phonemes.find((p) => p.symbol === 's')!;
    const mid = (s.time + s.end) / 2;
    const lo = bandEnergy(out.samples, out.sampleRate, at(mid - 0.02), at(mid + 0.02), 200, 2000);
    const hi = bandEnergy(out.samples, out.sampleRate, at(mid - 0.02), at(mid + 0.02), 4000, 10000);
    expect(10 * Math.log10(hi / lo)).toBeGreaterThan(10);
  });
});

describe('envelope voice: a whole song', () => {
  const song = TEST_SONGS[1]!;
  const { track } = standaloneVocal(parseScore(new TextEncoder().encode(scoreJson(song)), `${song.id}.json`), DEFAULT_VOICE);

  it('is silent, exact zeros, in the middle of its rests, and never clips', () => {
    const out = renderVocalSync(track, DEFAULT_VOICE);
    expect(out.plan.envelope).toBeDefined();
    let peak = 0;
    for (const v of out.samples) peak = Math.max(peak, Math.abs(v));
    expect(peak).toBeGreaterThan(0.1);
    expect(peak).toBeLessThan(1);
    let rests = 0;
    for (let i = 0; i + 1 < track.phonemes.length; i++) {
      const a = track.phonemes[i]!, b = track.phonemes[i + 1]!;
      if (b.time - a.end < 0.5) continue;
      rests++;
      const from = Math.round(((a.end + b.time) / 2 - 0.05 - out.start) * out.sampleRate);
      expect(rms(out.samples, from, from + Math.round(0.1 * out.sampleRate))).toBe(0);
    }
    expect(rests).toBeGreaterThan(2);
  });

  it('has no clicks: no sudden jump that stands out from the sound around it, where units join or anywhere', () => {
    const out = renderVocalSync(track, DEFAULT_VOICE);
    expect(findClicks(out.samples, out.start, out.sampleRate, track.phonemes)).toEqual([]);
    // The detector hears one: a 4.5 ms step of 15 % of the peak in the middle of a held vowel.
    let peak = 0;
    for (const v of out.samples) peak = Math.max(peak, Math.abs(v));
    const vowel = track.phonemes.find((p) => p.end - p.time > 0.5 && ['a', 'e', 'i', 'o', 'ih', 'ah', 'ao'].includes(p.symbol))!;
    const broken = out.samples.slice();
    const at = Math.round(((vowel.time + vowel.end) / 2 - out.start) * out.sampleRate);
    for (let i = at; i < at + 200; i++) broken[i]! += 0.15 * peak;
    expect(findClicks(broken, out.start, out.sampleRate, track.phonemes)).toHaveLength(2);
  });

  it('gives the same samples on every render, and the plan is plain numbers in frames', () => {
    const a = renderVocalSync(track, DEFAULT_VOICE);
    const b = renderVocalSync(track, DEFAULT_VOICE);
    expect(Buffer.from(b.samples.buffer).equals(Buffer.from(a.samples.buffer))).toBe(true);
    const env = a.plan.envelope!;
    expect(env.frames.length % ENVELOPE_STRIDE).toBe(0);
    expect(env.frames.length / ENVELOPE_STRIDE).toBeGreaterThanOrEqual(Math.floor((a.plan.end - a.plan.start) / env.hop));
    const levels = Array.from({ length: env.frames.length / ENVELOPE_STRIDE }, (_, f) => env.frames[f * ENVELOPE_STRIDE + BANK_ORDER]!);
    expect(levels.filter((l) => l === SILENT_LEVEL).length).toBeGreaterThan(10);
    expect(levels.filter((l) => l > SILENT_LEVEL).length).toBeGreaterThan(levels.length / 2);
  });

  it('with a formant shift (the synth at 26.2 kHz inside), any window is the same samples as the whole render', () => {
    const voice = { ...DEFAULT_VOICE, formantShift: 3 };
    const plan = planVoice(track, voice);
    expect(plan.envelope!.rate).toBe(26200);
    const sr = 44100;
    const all = renderRange(plan, sr, 0, Math.round((plan.end - plan.start) * sr));
    const restarts = createSynth(plan, sr).restartSamples;
    expect(restarts.length).toBeGreaterThan(1);
    for (const from of [12345, restarts[0]! - 7, restarts[1]! + 3333]) {
      const part = renderRange(plan, sr, from, from + 30000);
      expect(Buffer.from(part.buffer).equals(Buffer.from(all.slice(from, from + 30000).buffer))).toBe(true);
    }
  });

  it('plans no sound before the first phone or after the last', () => {
    const env = planEnvelope(track.phonemes, -1, track.phonemes[track.phonemes.length - 1]!.end + 1)!;
    for (let f = 0; f < 30; f++) expect(env.frames[f * ENVELOPE_STRIDE + BANK_ORDER]).toBe(SILENT_LEVEL);
    const count = env.frames.length / ENVELOPE_STRIDE;
    for (let f = count - 30; f < count; f++) expect(env.frames[f * ENVELOPE_STRIDE + BANK_ORDER]).toBe(SILENT_LEVEL);
  });

  it('any lyric, known words or not, is sung (letter rules feed the same bank)', () => {
    expect(englishSyllables('zorblaxify').guessed).toBe(true);
    const { out, track: t } = sing([{ time: 0.3, end: 1.5, pitch: 60, lyric: 'zorblaxify' }], DEFAULT_VOICE);
    expect(bankPhones(t.phonemes)).toBeDefined();
    expect(rms(out.samples, 0, out.samples.length)).toBeGreaterThan(0.01);
  });
});

describe('envelope voice: the song file chooses', () => {
  const root = mkdtempSync(join(tmpdir(), 'engine-show-'));
  const show = join(root, 'show');
  cpSync(join(import.meta.dirname, '..', 'fixtures', 'base-show'), show, { recursive: true });
  const setVoice = (voice: unknown) => {
    const file = join(show, 'songs', 'alpha.json');
    const song = JSON.parse(readFileSync(file, 'utf8'));
    song.voice = voice;
    writeFileSync(file, JSON.stringify(song, null, 2));
  };

  it('"engine" reaches the compiled voice, and a wrong one is refused with its path', async () => {
    setVoice({ engine: 'formant' });
    const ok = await compileShowFolder(show);
    if (!ok.ok) throw new Error(JSON.stringify(ok.errors));
    expect(ok.timeline.songs.find((s) => s.id === 'alpha')!.voice.engine).toBe('formant');
    setVoice({ engine: 'robot' });
    const bad = await compileShowFolder(show);
    expect(bad.ok).toBe(false);
    const errors = bad.ok ? [] : bad.errors;
    expect(errors[0]).toMatchObject({ file: 'songs/alpha.json', path: 'voice.engine' });
    expect(errors[0]!.message).toBe('expected "auto", "envelope" or "formant", got "robot"');
    rmSync(root, { recursive: true, force: true });
  });
});
