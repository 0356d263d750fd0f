// The voicebank engine on the project's own test bank (recorded at test time from the built-in
// synthesizer): alias choice, pitch, formant preservation, onsets at the preutterance, no clicks
// at joins, lip-sync timings from the placement.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestVoiceBank } from '../../scripts/voicebank/make.ts';
import { openVoiceBankDir } from '../../vocal/voicebank/node.ts';
import { KANA_TABLE } from '../../vocal/voicebank/kana.ts';
import { chooseSamples } from '../../vocal/voicebank/aliases.ts';
import { renderWithBank } from '../../vocal/voicebank/wavtool.ts';
import { placedPhonemes } from '../../vocal/voicebank/phonemes.ts';
import type { VoiceBank } from '../../vocal/voicebank/bank.ts';
import { phonemizeNotes } from '../../vocal/phonemize.ts';
import { DEFAULT_VOICE } from '../../vocal/track.ts';
import type { VocalNote } from '../../show-files/src/timeline.ts';
import { fundamental, lpcPeaks, rms } from '../vocal/audio-analysis.ts';

const SR = 44100;
const FLAT = { ...DEFAULT_VOICE, vibrato: { ...DEFAULT_VOICE.vibrato, depth: 0 } };
const temp = mkdtempSync(join(tmpdir(), 'vb-render-'));
let cv: VoiceBank;
let vcv: VoiceBank;
let cvvc: VoiceBank;
let multi: VoiceBank;
let pureCvvc: VoiceBank;

beforeAll(() => {
  makeTestVoiceBank(join(temp, 'cv'));
  makeTestVoiceBank(join(temp, 'vcv'), { morae: ['あ', 'い', 'か', 'さ', 'た'], vcv: [['a', 'か'], ['a', 'さ'], ['i', 'た']] });
  makeTestVoiceBank(join(temp, 'cvvc'), { morae: ['あ', 'か', 'さ', 'ま'], vcv: [['a', 'か'], ['a', 'さ']], vc: true });
  makeTestVoiceBank(join(temp, 'pure-cvvc'), { morae: ['あ', 'か', 'ま'], vcv: [['a', 'か']], vc: true, vcOnly: true });
  pureCvvc = openVoiceBankDir(join(temp, 'pure-cvvc'));
  makeTestVoiceBank(join(temp, 'multi'), { morae: ['あ', 'か'], upper: { pitch: 67, folder: 'G4', from: 64, morae: ['あ', 'か'] } });
  cv = openVoiceBankDir(join(temp, 'cv'));
  vcv = openVoiceBankDir(join(temp, 'vcv'));
  cvvc = openVoiceBankDir(join(temp, 'cvvc'));
  multi = openVoiceBankDir(join(temp, 'multi'));
});
afterAll(() => rmSync(temp, { recursive: true, force: true }));

const line = (lyrics: string[], pitches: number[], length = 0.5, start = 0.5): VocalNote[] =>
  lyrics.map((lyric, i) => ({ time: start + i * length, end: start + (i + 1) * length, pitch: pitches[i % pitches.length]!, lyric }));

function sing(bank: VoiceBank, notes: VocalNote[], voice = FLAT) {
  const { phonemes } = phonemizeNotes(notes, voice);
  return renderWithBank({ notes, phonemes, warnings: [] }, voice, bank);
}

const hz = (midi: number) => 440 * 2 ** ((midi - 69) / 12);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

describe('alias choice', () => {
  it('sings the whole kana table from the CV bank without fallbacks', () => {
    expect(cv.aliases.size).toBe(KANA_TABLE.length);
    const choice = chooseSamples(line(['きゃ', 'ん', 'ぱ', 'を', 'ra', '+'], [60]), cv);
    expect(choice.placements.map((p) => p.entry.alias)).toEqual(['きゃ', 'ん', 'ぱ', 'を', 'ら', 'あ']);
    expect(choice.missing).toEqual([]);
  });

  it('takes VCV from the vowel before, and lists the missing VCV aliases once', () => {
    const notes = line(['あ', 'か', 'さ', 'い', 'た', 'か', 'か'], [60]);
    notes[6] = { ...notes[6]!, time: notes[6]!.time + 0.5, end: notes[6]!.end + 0.5 }; // after a rest
    const choice = chooseSamples(notes, vcv);
    expect(choice.placements.map((p) => `${p.kind}:${p.entry.alias}`).join(' ')).toBe('cv:あ vcv:a か vcv:a さ cv:い vcv:i た vcv:a か cv:か');
    expect(choice.missing).toEqual(['a い']);
    const r = sing(vcv, notes);
    expect(r.warnings.filter((w) => w.includes('lacks'))).toEqual(['voicebank "holostage test voice" lacks 1 alias(es), sung with fallbacks: a い']);
  });

  it('joins a vowel to the next consonant with a VC sample in a CVVC bank', () => {
    const choice = chooseSamples(line(['ま', 'さ', 'か'], [60]), cvvc);
    const aliases = choice.placements.map((p) => `${p.kind}:${p.entry.alias}`);
    // a VCV alias wins where it exists ("a さ", "a か"); the VC steps in before CVs.
    expect(aliases).toEqual(['cv:ま', 'vcv:a さ', 'vcv:a か']);
    const cvOnly = chooseSamples(line(['ま', 'か'], [60]), pureCvvc);
    expect(cvOnly.placements.map((p) => `${p.kind}:${p.entry.alias}`)).toEqual(['cv:ま', 'vc:a k', 'cv:か']);
    const vc = cvOnly.placements[1]!;
    expect(vc.time).toBeCloseTo(1.0 - cvOnly.placements[2]!.entry.preutterance / 1000, 6);
  });

  it('picks the pitch subfolder through prefix.map', () => {
    expect(multi.subfolders).toEqual(['G4']);
    const choice = chooseSamples(line(['か', 'か', 'あ'], [60, 66, 64]), multi);
    expect(choice.placements.map((p) => p.entry.file)).toEqual(['か.wav', 'G4/か.wav', 'G4/あ.wav']);
  });
});

describe('the rendered voice', () => {
  it('sings every note within 10 cents (median) of the score, across more than an octave', () => {
    const pitches = [60, 67, 55, 64, 72, 57, 62, 53];
    const notes = line(['あ', 'か', 'さ', 'な', 'ま', 'ら', 'い', 'お'], pitches, 0.6);
    const r = sing(cv, notes);
    for (const n of notes) {
      const cents: number[] = [];
      for (let t = n.time + 0.15; t + 0.04 < n.end - 0.08; t += 0.02) {
        const a = (t - r.start) * SR;
        const f = fundamental(r.samples, SR, a, a + 0.04 * SR, hz(n.pitch) / 1.5, hz(n.pitch) * 1.5);
        cents.push(1200 * Math.log2(f / hz(n.pitch)));
      }
      expect(Math.abs(median(cents)), `note ${n.lyric} at ${n.pitch}: ${median(cents).toFixed(1)} cents`).toBeLessThan(10);
    }
  });

  it('follows the planned vibrato', () => {
    const voice = { ...DEFAULT_VOICE, vibrato: { depth: 0.5, rate: 5.5, delay: 0.2 } };
    const notes = line(['あ'], [62], 2);
    const r = sing(cv, notes, voice);
    const track: number[] = [];
    for (let t = 1.2; t < 2.2; t += 0.01) {
      const a = (t - r.start) * SR;
      track.push(12 * Math.log2(fundamental(r.samples, SR, a, a + 0.03 * SR, 200, 400) / hz(62)));
    }
    const swing = Math.max(...track) - Math.min(...track);
    expect(swing).toBeGreaterThan(0.5); // depth 0.5 semitone each way, minus the 30 ms window's smoothing
    expect(swing).toBeLessThan(1.3);
  });

  it('keeps the formants of a vowel shifted by a fourth up and down within 10 % (a plain speed change does not)', () => {
    const vowelAt = (pitch: number, lyric: string) => {
      const r = sing(cv, line([lyric], [pitch], 1.0));
      const a = Math.round((0.8 - r.start) * SR);
      return r.samples.slice(a, a + 0.2 * SR);
    };
    const peaks = (x: Float32Array) => lpcPeaks(x, SR, 0, x.length, 12);
    // F1 of あ and F2 of every vowel: LPC cannot place an F1 that sits next to the first harmonics
    // (い, う, お, え at 300-550 Hz against an F0 of 175-350 Hz), so those are not asserted.
    const cases: [string, number][] = [['あ', 0], ['あ', 1], ['い', 1], ['う', 1], ['え', 1], ['お', 1]];
    for (const [vowel, k] of cases) {
      const base = peaks(vowelAt(60, vowel))[k]!;
      for (const pitch of [55, 65]) {
        const shifted = peaks(vowelAt(pitch, vowel))[k]!;
        expect(Math.abs(shifted / base - 1), `${vowel} F${k + 1} at ${pitch}: ${shifted.toFixed(0)} vs ${base.toFixed(0)} Hz`).toBeLessThan(0.1);
      }
    }
    // The same shift by playing the sample faster moves the formants with the pitch.
    const x = vowelAt(60, 'あ');
    const factor = 2 ** (5 / 12);
    const fast = new Float32Array(Math.floor(x.length / factor));
    for (let i = 0; i < fast.length; i++) fast[i] = x[Math.floor(i * factor)]!;
    expect(peaks(fast)[1]! / peaks(x)[1]!).toBeGreaterThan(1.2);
  });

  it('starts each sample at its preutterance before the beat: the sound within 10 ms of it', () => {
    for (const lyric of ['さ', 'な', 'あ']) {
      const notes = line([lyric], [62], 0.6, 1.0);
      const r = sing(cv, notes);
      const p = r.placed[0]!;
      expect(p.time).toBe(1.0);
      const frame = 0.001 * SR;
      let peak = 0;
      for (let i = 0; i < r.samples.length; i += frame) peak = Math.max(peak, rms(r.samples, i, i + frame * 5));
      let first = 0;
      while (rms(r.samples, first, first + frame * 5) < 0.03 * peak) first += frame;
      const soundStart = r.start + first / SR;
      // The oto offset sits 10 ms before the recorded sound; the sample starts there.
      expect(Math.abs(soundStart - 0.01 - (p.time - p.preutterance)), `${lyric}: sound at ${soundStart.toFixed(3)} s, preutterance point ${(p.time - p.preutterance).toFixed(3)} s`).toBeLessThan(0.01);
    }
  });

  it('joins vowels without clicks', () => {
    const notes = line(['あ', 'い', 'う', 'え', 'お', 'あ'], [60, 62, 64, 62, 60, 59], 0.4);
    const r = sing(cv, notes);
    const jump = (from: number, to: number) => {
      let m = 0;
      for (let i = Math.max(1, Math.round((from - r.start) * SR)); i < Math.round((to - r.start) * SR); i++) m = Math.max(m, Math.abs(r.samples[i]! - r.samples[i - 1]!));
      return m;
    };
    const inside = Math.max(...notes.map((n) => jump(n.time + 0.1, n.end - 0.1)));
    for (const p of r.placed.slice(1)) {
      const atJoin = jump(p.start - 0.005, p.start + p.fadeIn + 0.005);
      expect(atJoin, `join into ${p.entry.alias} at ${p.start.toFixed(3)} s`).toBeLessThan(1.3 * inside);
    }
  });

  it('gives lip-sync phonemes from the same placement as the audio', () => {
    const notes = line(['あ', 'さ', 'か'], [60]);
    const { phonemes } = phonemizeNotes(notes, FLAT);
    const r = renderWithBank({ notes, phonemes, warnings: [] }, FLAT, cv);
    const timed = placedPhonemes(phonemes, r.placed);
    const s = timed.find((p) => p.symbol === 's')!;
    expect(s.time).toBeCloseTo(r.placed[1]!.start, 6);
    expect(s.end).toBeCloseTo(1.0, 6);
    const a = timed.find((p) => p.note === 0)!;
    expect(a.end).toBeCloseTo(s.time, 6);
    for (let k = 1; k < timed.length; k++) expect(timed[k]!.time).toBeGreaterThanOrEqual(timed[k - 1]!.end - 1e-9);
  });
});
