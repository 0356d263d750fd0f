// The formant synthesizer judged by acoustics, the way a phonetician would look at a recording:
// LPC formant peaks of sustained vowels, the F2 transition that tells /b/ from /d/, the low murmur
// of a nasal, no clicks anywhere in a song, and the same samples every time.
import { describe, expect, it } from 'vitest';
import { phonemizeNotes } from '../../show-files/src/vocal/phonemize.ts';
import { DEFAULT_VOICE } from '../../show-files/src/vocal/track.ts';
import { renderVocalSync } from '../../show-files/src/vocal/render.ts';
import { planVoice } from '../../show-files/src/vocal/articulation.ts';
import { curveAt } from '../../show-files/src/vocal/dsp/curve.ts';
import { ACOUSTIC_SYMBOLS } from '../../show-files/src/vocal/acoustics.ts';
import { standaloneVocal } from '../../show-files/src/vocal/standalone.ts';
import { parseScore } from '../../show-files/src/score/index.ts';
import type { VocalNote, VoiceSettings } from '../../show-files/src/timeline.ts';
import { bandEnergy, lpcPeaks, rms } from './audio-analysis.ts';
import { TEST_SONGS, scoreJson } from '../../bench/voice/songs.ts';

/** A steady voice for measurements: no vibrato. */
const steady: VoiceSettings = { ...DEFAULT_VOICE, vibrato: { ...DEFAULT_VOICE.vibrato, depth: 0 } };

function sing(notes: VocalNote[], voice: VoiceSettings = steady) {
  const { phonemes, warnings } = phonemizeNotes(notes, voice, { songStart: 0 });
  const track = { notes, phonemes, warnings };
  const out = renderVocalSync(track, voice);
  const at = (t: number) => Math.round((t - out.start) * out.sampleRate);
  return { track, out, at };
}

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
  const { track } = standaloneVocal(score, DEFAULT_VOICE);

  it('has no clicks: below the hiss band, no sample-to-sample jump anywhere near the size of the signal', () => {
    const out = renderVocalSync(track, DEFAULT_VOICE);
    // A click is broadband. A 5-sample moving average (first null at 8.8 kHz) keeps clicks and
    // removes most hiss; the inside of sibilants (noise by design, loud up to 9 kHz) is skipped,
    // but every boundary between sounds, where clicks happen, is checked.
    const x = out.samples;
    const hiss = track.phonemes.filter((p) => ['s', 'z', 'sh', 'zh', 'ch', 'j', 'ts'].includes(p.symbol));
    const inHiss = (t: number) => hiss.some((p) => t > p.time + 0.005 && t < p.end - 0.005);
    let peak = 0;
    let jump = 0;
    let prev = 0;
    for (let i = 4; i < x.length; i++) {
      peak = Math.max(peak, Math.abs(x[i]!));
      const smooth = (x[i]! + x[i - 1]! + x[i - 2]! + x[i - 3]! + x[i - 4]!) / 5;
      if (i > 4 && !inHiss(out.start + i / out.sampleRate)) jump = Math.max(jump, Math.abs(smooth - prev));
      prev = smooth;
    }
    expect(peak).toBeGreaterThan(0.1);
    expect(peak).toBeLessThan(1);
    expect(jump).toBeLessThan(0.2 * peak);
  });

  it('gives the same samples on every render (seeded noise and jitter)', () => {
    const a = renderVocalSync(track, DEFAULT_VOICE).samples;
    const b = renderVocalSync(track, DEFAULT_VOICE).samples;
    expect(b.length).toBe(a.length);
    let same = true;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) same = false;
    expect(same).toBe(true);
  });
});
