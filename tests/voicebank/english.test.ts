// English with an English (ARPAsing phone pair) voicebank, on the project's English test bank
// recorded at test time from the built-in synthesizer: which pair sings which phone, the one
// warning listing missing pairs, pitch, onsets, joins, lip-sync, and `voice inspect`'s English
// CVVC coverage and a lyric's missing pairs (the real CLI on the real WAVs).

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeEnglishTestBank } from '../../scripts/voicebank/make-english.ts';
import { arpasingPhones, englishPairSet, phoneDiphones } from '../../vocal/voicebank/arpasing.ts';
import { bankStyle, chooseSamples } from '../../vocal/voicebank/aliases.ts';
import type { VoiceBank } from '../../vocal/voicebank/bank.ts';
import { inspectBank } from '../../vocal/voicebank/inspect.ts';
import { lyricNeeds } from '../../vocal/voicebank/lyric-needs.ts';
import { openVoiceBankDir } from '../../vocal/voicebank/node.ts';
import { bankVocalTrack } from '../../vocal/voicebank/track.ts';
import { renderWithBank } from '../../vocal/voicebank/wavtool.ts';
import { phonemizeNotes } from '../../vocal/phonemize.ts';
import { DEFAULT_VOICE } from '../../vocal/track.ts';
import { decodeWav } from '../../vocal/wav.ts';
import type { VocalNote } from '../../show-files/src/timeline.ts';
import { fundamental, rms } from '../vocal/audio-analysis.ts';

const SR = 44100;
const FLAT = { ...DEFAULT_VOICE, vibrato: { ...DEFAULT_VOICE.vibrato, depth: 0 } };
const temp = mkdtempSync(join(tmpdir(), 'vb-english-'));
const LYRICS = ['sing', 'a', 'song', 'for', 'me', 'to', 'night'];
let bank: VoiceBank;

const line = (lyrics: string[], pitches: number[], length = 0.5, start = 0.5): VocalNote[] =>
  lyrics.map((lyric, i) => ({ time: start + i * length, end: start + (i + 1) * length, pitch: pitches[i % pitches.length]!, lyric }));
const pairsOf = (notes: VocalNote[]) => phoneDiphones(arpasingPhones(phonemizeNotes(notes, FLAT).phonemes)).map((d) => d.alias);
const hz = (midi: number) => 440 * 2 ** ((midi - 69) / 12);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function sing(notes: VocalNote[], voice = FLAT) {
  const { phonemes } = phonemizeNotes(notes, voice);
  return { phonemes, ...renderWithBank({ notes, phonemes, warnings: [] }, voice, bank) };
}

beforeAll(() => {
  // The pairs the test lines need, and a few more, but not "ah s" (to test the missing-pair warning).
  const needed = new Set([...pairsOf(line(LYRICS, [60])), ...pairsOf(line(['please', 'see', 'me'], [60]))]);
  needed.delete('ah s');
  makeEnglishTestBank(join(temp, 'en'), { pairs: [...needed, '- ah', 'ah -', '- s', 'iy -', 'ng -', ...pairsOf(line(['love'], [60])), ...pairsOf(line(['all'], [60]))] });
  bank = openVoiceBankDir(join(temp, 'en'));
});
afterAll(() => rmSync(temp, { recursive: true, force: true }));

describe('an English pair bank', () => {
  it('is written as UTAU expects: 16-bit 44.1 kHz mono WAVs and an oto.ini of phone pairs', () => {
    const oto = readFileSync(join(temp, 'en', 'oto.ini'), 'latin1').split('\r\n').filter(Boolean);
    expect(oto).toContain(oto.find((l) => l.startsWith('s_ih.wav=s ih,')));
    const wav = decodeWav(readFileSync(join(temp, 'en', 's_ih.wav')));
    expect(wav.sampleRate).toBe(SR);
    expect(wav.channels.length).toBe(1);
    expect(rms(wav.channels[0]!, 0, wav.channels[0]!.length)).toBeGreaterThan(0.01);
    expect(bankStyle(bank)).toMatchObject({ english: true, kana: false, vcv: false, vc: false });
  });

  it('sings each phone with the pair that ends on it, landing on the phone\'s start', () => {
    const notes = line(['sing', 'a', 'song'], [60]);
    const { phonemes } = phonemizeNotes(notes, FLAT);
    const choice = chooseSamples(notes, bank, phonemes);
    expect(choice.placements.map((p) => p.entry.alias)).toEqual(['- s', 's ih', 'ih ng', 'ng ah', '- s', 's ao', 'ao ng', 'ng -']);
    // "ah s" is missing: "- s" sings instead, and the song warns once though it needs it twice.
    expect(choice.missing).toEqual(['ah s']);
    const again = chooseSamples(line(['sing', 'a', 'song', 'a', 'song'], [60]), bank, phonemizeNotes(line(['sing', 'a', 'song', 'a', 'song'], [60]), FLAT).phonemes);
    expect(again.missing).toEqual(['ah s']);
    // Every pair lands on the start of a phone the phonemizer timed (or a phrase's end).
    const starts = new Set(phonemes.map((p) => p.time.toFixed(6)));
    for (const p of choice.placements.slice(0, -1)) expect(starts.has(p.time.toFixed(6)), `${p.entry.alias} at ${p.time}`).toBe(true);
    expect(choice.placements.at(-1)!.time).toBeCloseTo(phonemes.at(-1)!.end, 6);
    // Lip-sync: the track keeps those phonemes, and warns about the missing pair once.
    const track = bankVocalTrack({ notes, phonemes, warnings: [] }, bank);
    expect(track.phonemes).toEqual(phonemes);
    expect(track.warnings).toEqual([`voicebank "holostage English test voice" lacks 1 alias(es), sung with fallbacks: ah s`]);
  });

  it('joins a diphthong into one phone and holds a vowel over a continuation note', () => {
    const notes = line(['to-', 'night', '+'], [60, 62, 64]);
    expect(pairsOf(notes)).toEqual(['- t', 't ah', 'ah n', 'n ay', 'ay t', 't -']);
  });

  it('sings every note within 10 cents (median) of the score, across an octave', () => {
    const pitches = [60, 67, 55, 64, 72, 57, 62];
    const notes = line(LYRICS, pitches, 0.6);
    const r = sing(notes);
    const vowels = r.phonemes.filter((p) => ['i', 'ih', 'ao', 'ah', 'a', 'uw', 'er'].includes(p.symbol) && p.end - p.time > 0.2);
    expect(vowels.length).toBeGreaterThanOrEqual(5);
    for (const v of vowels) {
      const pitch = notes[v.note]!.pitch;
      const cents: number[] = [];
      for (let t = v.time + 0.1; t + 0.04 < v.end - 0.05; t += 0.02) {
        const a = (t - r.start) * SR;
        cents.push(1200 * Math.log2(fundamental(r.samples, SR, a, a + 0.04 * SR, hz(pitch) / 1.5, hz(pitch) * 1.5) / hz(pitch)));
      }
      expect(Math.abs(median(cents)), `"${notes[v.note]!.lyric}" /${v.symbol}/ at ${pitch}: ${median(cents).toFixed(1)} cents`).toBeLessThan(10);
    }
  });

  it('starts a phrase at the pair\'s preutterance before its first phone: the sound within 10 ms of it', () => {
    for (const lyric of ['sing', 'love', 'all']) {
      const r = sing(line([lyric], [62], 0.6, 1.0));
      const p = r.placed[0]!;
      expect(p.time).toBeCloseTo(r.phonemes[0]!.time, 9);
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

  it('joins pairs without clicks', () => {
    const notes = line(['please', 'see', 'me'], [60, 62, 64], 0.5);
    const r = sing(notes);
    const jump = (from: number, to: number) => {
      let m = 0;
      for (let i = Math.max(1, Math.round((from - r.start) * SR)); i < Math.round((to - r.start) * SR); i++) m = Math.max(m, Math.abs(r.samples[i]! - r.samples[i - 1]!));
      return m;
    };
    const inside = Math.max(...r.phonemes.filter((p) => p.symbol === 'i').map((p) => jump(p.time + 0.05, p.end - 0.05)));
    expect(inside).toBeGreaterThan(0.001);
    for (const p of r.placed.slice(1)) {
      expect(jump(p.start - 0.005, p.start + p.fadeIn + 0.005), `join into "${p.entry.alias}" at ${p.start.toFixed(3)} s`).toBeLessThan(1.3 * inside);
    }
  });
});

describe('voice inspect on an English bank', () => {
  it('reports the English CVVC coverage, and the pairs a lyric needs that the bank lacks', () => {
    const report = inspectBank(bank);
    expect(report.style.english).toBe(true);
    const covered = englishPairSet().filter((p) => bank.aliases.has(p)).length;
    expect(report.english).toMatchObject({ total: 798, covered });
    expect(report.english!.missing).toContain('ah s');
    expect(report.english!.missing).not.toContain('s ih');
    const needs = lyricNeeds(bank, 'sing a song\nsing a song for me');
    expect(needs.missing).toEqual(['ah s']);
    expect(needs.needed).toBe(new Set([...pairsOf(line(['sing', 'a', 'song'], [60])), ...pairsOf(line(['sing', 'a', 'song', 'for', 'me'], [60]))]).size);
    expect(lyricNeeds(bank, 'song for me').missing).toEqual([]);
  });

  it('prints them from the command line as JSON', { timeout: 60_000 }, async () => {
    const lyrics = join(temp, 'lyrics.txt');
    writeFileSync(lyrics, 'sing a song\nzebra\n');
    const out = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, ['bin/holostage.js', 'voice', 'inspect', join(temp, 'en'), '--json', '--lyrics', lyrics], { cwd: process.cwd() });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    });
    expect(out.code, out.stderr).toBe(0);
    const report = JSON.parse(out.stdout);
    expect(report.aliases).toContain('s ih');
    expect(report.english.total).toBe(798);
    // "zebra" (z iy b r ah) needs pairs this small bank never recorded.
    expect(report.lyrics.missing).toEqual(expect.arrayContaining(['ah s', '- z', 'z iy', 'iy b', 'b r', 'r ah']));
    expect(report.problems).toEqual([]);
  });
});
