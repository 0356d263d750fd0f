// The formant synthesizer judged by acoustics, the way a phonetician would look at a recording:
// LPC formant peaks of sustained vowels, the F2 transition that tells /b/ from /d/, the low murmur
// of a nasal, no clicks anywhere in a song, and the same samples every time.
import { describe, expect, it } from 'vitest';
import { DEFAULT_VOICE } from '../../vocal/track.ts';
import { renderVocalSync } from '../../vocal/render.ts';
import { planVoice } from '../../vocal/articulation.ts';
import { curveAt } from '../../vocal/dsp/curve.ts';
import { ACOUSTIC_SYMBOLS } from '../../vocal/acoustics.ts';
import { phoneInfo } from '../../vocal/phones.ts';
import { standaloneVocal } from '../../vocal/standalone.ts';
import { parseScore } from '../../show-files/src/score/index.ts';
import type { VocalNote, VoiceSettings } from '../../show-files/src/timeline.ts';
import { singNotes } from './sing-notes.ts';
import { bandEnergy, findClicks, lpcPeaks, rms } from './audio-analysis.ts';
import { TEST_SONGS, scoreJson } from '../../bench/voice/songs.ts';

/** The formant voice (English lyrics are otherwise sung by the envelope voice, see envelope-voice.test.ts). */
const FORMANT: VoiceSettings = { ...DEFAULT_VOICE, engine: 'formant' };
/** A steady voice for measurements: no vibrato. */
const steady: VoiceSettings = { ...FORMANT, vibrato: { ...FORMANT.vibrato, depth: 0 } };

const sing = (notes: VocalNote[], voice: VoiceSettings = steady) => singNotes(notes, voice);

describe('formant synthesizer: vowels', () => {
  // Female targets (Hz); the tolerance is the 15 %, the pitch G3 keeps harmonics dense enough for LPC.
  const targets: [string, number, number][] = [
    ['あ', 850, 1350],
    ['い', 340, 2800],
    ['う', 390, 1550],
    ['え', 560, 2350],
    ['お', 550, 950],
  ];
  for (const [kana, f1, f2] of targets) {
    it(`sustained ${kana}: LPC finds F1 and F2 within 15 % of the female targets`, () => {
      const { out, at } = sing([{ time: 0.3, end: 1.3, pitch: 55, lyric: kana }]);
      const peaks = lpcPeaks(out.samples, out.sampleRate, at(0.6), at(1.0));
      const near = (target: number) => peaks.reduce((best, p) => (Math.abs(p - target) < Math.abs(best - target) ? p : best), Infinity);
      expect(Math.abs(near(f1) / f1 - 1)).toBeLessThan(0.15);
      expect(Math.abs(near(f2) / f2 - 1)).toBeLessThan(0.15);
      // And no stronger stray peak sits between F1 and F2 (the valley is a valley).
      expect(peaks.filter((p) => p > near(f1) * 1.15 && p < near(f2) * 0.85)).toEqual([]);
    });
  }
});

describe('formant synthesizer: consonants', () => {
  it('F2 transition: /d/ starts the vowel from a high locus, /b/ from a low one, both reach /a/ within 60 ms', () => {
    const notes = (lyric: string): VocalNote[] => [{ time: 0.4, end: 1.2, pitch: 57, lyric }];
    const onsetF2 = (lyric: string) => {
      const { track, out, at } = sing(notes(lyric));
      const plan = planVoice(track, steady);
      const vowel = track.phonemes.find((p) => p.symbol === 'a')!;
      const planned = curveAt(plan.formants[1]!, vowel.time + 0.002);
      expect(curveAt(plan.formants[1]!, vowel.time + 0.06)).toBeCloseTo(1350, 0);
      // Heard: the energy centroid of the F2 region over the vowel's first 30 ms.
      let sum = 0;
      let weight = 0;
      for (let hz = 1000; hz < 2400; hz += 25) {
        const e = bandEnergy(out.samples, out.sampleRate, at(vowel.time), at(vowel.time + 0.03), hz, hz + 25);
        sum += hz * e;
        weight += e;
      }
      const heard = sum / weight;
      return { planned, heard };
    };
    const b = onsetF2('ば');
    const d = onsetF2('だ');
    expect(b.planned).toBeLessThan(1250);
    expect(d.planned).toBeGreaterThan(1500);
    expect(d.heard - b.heard).toBeGreaterThan(100);
  });

  it('nasal murmur: /m/ is a low hum, its energy below 500 Hz, quieter above 1 kHz than the vowel', () => {
    const { track, out, at } = sing([{ time: 0.4, end: 1.2, pitch: 57, lyric: 'ま' }]);
    const m = track.phonemes.find((p) => p.symbol === 'm')!;
    const a = track.phonemes.find((p) => p.symbol === 'a')!;
    const win = (t0: number, t1: number) => [at(t0), at(t1)] as const;
    const mw = win(m.time + 0.015, m.end - 0.01);
    const aw = win(a.time + 0.15, a.time + 0.25);
    const lowShare = (w: readonly [number, number]) => bandEnergy(out.samples, out.sampleRate, w[0], w[1], 100, 500) / bandEnergy(out.samples, out.sampleRate, w[0], w[1], 100, 5000);
    expect(lowShare(mw)).toBeGreaterThan(0.8);
    expect(lowShare(mw)).toBeGreaterThan(lowShare(aw) + 0.3);
    expect(rms(out.samples, mw[0], mw[1])).toBeGreaterThan(0.005);
  });

  it('voiceless stops: a silent closure, then a burst and aspiration before the vowel', () => {
    const { track, out, at } = sing([{ time: 0.5, end: 1.2, pitch: 60, lyric: 'top' }]);
    const t = track.phonemes.find((p) => p.symbol === 't')!;
    const closure = rms(out.samples, at(t.time + 0.005), at(t.time + 0.3 * (t.end - t.time)));
    const release = rms(out.samples, at(t.end - 0.03), at(t.end));
    expect(closure).toBeLessThan(0.002);
    expect(release).toBeGreaterThan(5 * closure);
  });

  it('aspiration is bright, as breath leaving the lips is: a /t/\'s aspiration carries nearly as much energy at 2-5 kHz as below 1 kHz, and the open glottis damps F1', () => {
    for (const [lyric, symbol] of [['two', 't'], ['ten', 't']] as const) {
      const { track, out, at } = sing([{ time: 0.5, end: 1.2, pitch: 60, lyric }]);
      const c = track.phonemes.find((p) => p.symbol === symbol)!;
      // The last 30 ms before the vowel: aspiration only (the burst and the closure are before it).
      const from = at(c.end - 0.03), to = at(c.end - 0.002);
      // Per 25 Hz step, so the two bands compare as spectral densities.
      const high = bandEnergy(out.samples, out.sampleRate, from, to, 2000, 5000) / 120;
      const low = bandEnergy(out.samples, out.sampleRate, from, to, 100, 1000) / 36;
      // Noise through the tract alone (no lip radiation) sat 27 dB lower up there: heard as a murmur, recognised as /h/ or nothing.
      expect(10 * Math.log10(high / low), `${lyric}: aspiration's 2-5 kHz against its 0.1-1 kHz, dB`).toBeGreaterThan(-10);
      const plan = planVoice(track, steady);
      expect(curveAt(plan.bandwidths[0]!, (c.time + c.end) / 2)).toBeGreaterThanOrEqual(300);
    }
  });

  /** A consonant at the start of a word sung alone: its middle half's spectral density, and its level against the vowel after it (dB). */
  const consonantOf = (lyric: string, symbol: string) => {
    const { track, out, at } = sing([{ time: 0.5, end: 1.3, pitch: 60, lyric }]);
    const c = track.phonemes.find((p) => p.symbol === symbol)!;
    const vowel = track.phonemes.find((p) => p.time >= c.end - 1e-9)!;
    const w = [at(c.time + 0.25 * (c.end - c.time)), at(c.end - 0.25 * (c.end - c.time))] as const;
    const density = (lo: number, hi: number) => bandEnergy(out.samples, out.sampleRate, w[0], w[1], lo, hi) / (hi - lo);
    const level = 20 * Math.log10(rms(out.samples, w[0], w[1]) / rms(out.samples, at(vowel.time + 0.1), at(vowel.time + 0.25)));
    return { density, level };
  };

  it('fricatives: /s/ hisses high with little below 2 kHz, /f/ and /v/ are weak', () => {
    // White noise through resonators that pass 0 Hz kept an /s/'s lows 6 dB (per Hz) under its
    // 4-7 kHz: a hiss from 0 to 8 kHz, heard as a breath. Band-passed, they are 15 dB and more under.
    const s = consonantOf('sit', 's');
    expect(10 * Math.log10(s.density(200, 2000) / s.density(4000, 7000))).toBeLessThan(-15);
    expect(s.level).toBeGreaterThan(-6);
    // /f/ and /v/ are 15 dB and more under the vowel (they were 9-12 dB under, near an /s/).
    expect(consonantOf('fit', 'f').level).toBeLessThan(-15);
    expect(consonantOf('vat', 'v').level).toBeLessThan(-15);
  });

  it('nasals and liquids sound at speech levels against their vowel (they were 8-12 dB under it)', () => {
    for (const [lyric, symbol, least] of [['nut', 'n', -6.5], ['mud', 'm', -6.5], ['wet', 'w', -6.5], ['luck', 'l', -10]] as const) {
      const { level } = consonantOf(lyric, symbol);
      expect(level, `${symbol} against its vowel, dB`).toBeGreaterThan(least);
      expect(level, `${symbol} against its vowel, dB`).toBeLessThan(0);
    }
  });

  it('Japanese: ん takes the place of the next consonant; a short い between voiceless consonants is whispered', () => {
    const np = sing([{ time: 0.3, end: 0.9, pitch: 62, lyric: 'さん' }, { time: 0.9, end: 1.5, pitch: 62, lyric: 'ぽ' }]);
    const planNp = planVoice(np.track, steady, 'ja');
    const n = np.track.phonemes.find((p) => p.symbol === 'N')!;
    expect(curveAt(planNp.nasalZero, (n.time + n.end) / 2)).toBe(900); // /m/ before /p/
    const whisper = sing([{ time: 0.3, end: 0.5, pitch: 62, lyric: 'きく' }, { time: 0.5, end: 1.2, pitch: 62, lyric: 'た' }]);
    const plan = planVoice(whisper.track, steady, 'ja');
    const u = whisper.track.phonemes.find((p) => p.symbol === 'u')!;
    expect(curveAt(plan.voicing, (u.time + u.end) / 2)).toBeLessThan(0.05);
    expect(curveAt(plan.aspiration, (u.time + u.end) / 2)).toBeGreaterThan(0.3);
  });

  it('every phone the planner knows renders finite, audible samples', () => {
    for (const symbol of ACOUSTIC_SYMBOLS) {
      const track = { notes: [{ time: 0.2, end: 0.8, pitch: 64, lyric: 'a' }], phonemes: [{ time: 0.1, end: 0.2, symbol, note: 0 }, { time: 0.2, end: 0.8, symbol: 'a', note: 0 }], warnings: [] };
      const out = renderVocalSync(track, steady);
      expect(out.samples.every((x) => Number.isFinite(x))).toBe(true);
      expect(rms(out.samples, 0, out.samples.length)).toBeGreaterThan(0.005);
    }
  });
});

describe('formant synthesizer: a whole song', () => {
  const song = TEST_SONGS[0]!;
  const score = parseScore(new TextEncoder().encode(scoreJson(song)), `${song.id}.json`);
  const { track } = standaloneVocal(score, FORMANT);

  it('has no clicks: no sudden jump that stands out from the sound around it, at any boundary', () => {
    const out = renderVocalSync(track, FORMANT);
    let peak = 0;
    for (const v of out.samples) peak = Math.max(peak, Math.abs(v));
    expect(peak).toBeGreaterThan(0.1);
    expect(peak).toBeLessThan(1);
    expect(findClicks(out.samples, out.start, out.sampleRate, track.phonemes)).toEqual([]);
    // The detector itself: a 4.5 ms pulse of 15 % of the peak in the middle of a held vowel is found.
    const vowel = track.phonemes.find((p) => p.symbol === 'e' && p.end - p.time > 0.5)!;
    const broken = out.samples.slice();
    const at = Math.round(((vowel.time + vowel.end) / 2 - out.start) * out.sampleRate);
    for (let i = at; i < at + 200; i++) broken[i]! += 0.15 * peak;
    expect(findClicks(broken, out.start, out.sampleRate, track.phonemes)).toHaveLength(2); // its two edges
  });

  it('gives the same samples on every render (seeded noise and jitter)', () => {
    const a = renderVocalSync(track, FORMANT).samples;
    const b = renderVocalSync(track, FORMANT).samples;
    expect(b.length).toBe(a.length);
    let same = true;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) same = false;
    expect(same).toBe(true);
  });
});
