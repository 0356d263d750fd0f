// `voice inspect` problems on a damaged copy of the test bank (a missing, a silent and a truncated
// sample, each named with its oto.ini line); the resampler keeping the fixed (consonant) area
// unstretched; and the gain following the note's dynamics. All on real WAVs recorded at test time.

import { mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestVoiceBank } from '../../scripts/voicebank/make.ts';
import { entrySpan } from '../../vocal/voicebank/bank.ts';
import { findPitchMarks } from '../../vocal/voicebank/epochs.ts';
import { inspectBank } from '../../vocal/voicebank/inspect.ts';
import { openVoiceBankDir } from '../../vocal/voicebank/node.ts';
import { resample } from '../../vocal/voicebank/resampler.ts';
import { renderWithBank } from '../../vocal/voicebank/wavtool.ts';
import { phonemizeNotes } from '../../vocal/phonemize.ts';
import { DEFAULT_VOICE } from '../../vocal/track.ts';
import { decodeWav, encodeWav } from '../../vocal/wav.ts';
import type { VocalNote } from '../../show-files/src/timeline.ts';
import { rms } from '../vocal/audio-analysis.ts';

const SR = 44100;
const FLAT = { ...DEFAULT_VOICE, vibrato: { ...DEFAULT_VOICE.vibrato, depth: 0 } };
const temp = mkdtempSync(join(tmpdir(), 'vb-inspect-'));
const dir = join(temp, 'bank');

beforeAll(() => makeTestVoiceBank(dir, { morae: ['あ', 'か', 'さ', 'な', 'ま'] }));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

describe('voice inspect problems', () => {
  it('names a missing, a silent and a too-short sample with their oto.ini lines; a sound bank has none', () => {
    expect(inspectBank(openVoiceBankDir(dir)).problems).toEqual([]);
    const broken = join(temp, 'broken');
    makeTestVoiceBank(broken, { morae: ['あ', 'か', 'さ', 'な', 'ま'] });
    unlinkSync(join(broken, 'か.wav'));
    const silent = decodeWav(readFileSync(join(broken, 'さ.wav')));
    writeFileSync(join(broken, 'さ.wav'), encodeWav([new Float32Array(silent.channels[0]!.length)], SR, 16));
    const full = decodeWav(readFileSync(join(broken, 'な.wav'))).channels[0]!;
    writeFileSync(join(broken, 'な.wav'), encodeWav([full.slice(0, Math.round(0.1 * SR))], SR, 16));
    expect(() => openVoiceBankDir(broken)).toThrow(/^oto\.ini:2: sample "か\.wav" not found \(alias "か"\)$/);
    const problems = inspectBank(openVoiceBankDir(broken, { strict: false })).problems;
    expect(problems).toHaveLength(3);
    expect(problems[0]).toBe('oto.ini:2: sample "か.wav" not found (alias "か")');
    expect(problems[1]).toBe('oto.ini:3: alias "さ": "さ.wav" is silent in its oto entry');
    expect(problems[2]).toMatch(/^oto\.ini:4: alias "な": "な\.wav" \(100 ms\) is shorter than its oto entry \(\d+ ms\)$/);
  });
});

describe('the resampler', () => {
  it('plays the fixed (consonant) area as recorded and stretches only what follows it', () => {
    const bank = openVoiceBankDir(dir);
    const entry = bank.entry('さ')!;
    const sample = bank.sample(entry);
    const span = entrySpan(entry, sample.samples.length / SR);
    const marks = findPitchMarks(sample.samples, SR);
    const fixed = entry.consonant / 1000;
    const job = (seconds: number) =>
      resample({ source: sample.samples, marks, sampleRate: SR, entryStart: span.start, fixed, entryLength: span.end - span.start, length: Math.round(seconds * SR), frequencyAt: () => 261.63 });
    const short = job(span.end - span.start);
    const long = job(3 * (span.end - span.start));
    // Identical through the fixed area (grains there do not depend on the note's length) ...
    const edge = Math.round((fixed - 0.01) * SR);
    let diff = 0;
    for (let i = 0; i < edge; i++) diff = Math.max(diff, Math.abs(short[i]! - long[i]!));
    expect(diff).toBeLessThan(1e-6);
    expect(rms(short, 0, edge)).toBeGreaterThan(0.001);
    // ... and the long note takes three times as long over the vowel that follows: it differs there.
    const after = Math.round((fixed + 0.05) * SR);
    let later = 0;
    for (let i = after; i < after + 0.1 * SR; i++) later = Math.max(later, Math.abs(short[i]! - long[i]!));
    expect(later).toBeGreaterThan(0.01);
  });

  it('follows the note\'s dynamics: half the dynamics, half the level', () => {
    const bank = openVoiceBankDir(dir);
    const level = (dynamics: number) => {
      const notes: VocalNote[] = [{ time: 0.5, end: 1.5, pitch: 62, lyric: 'あ', dynamics } as VocalNote];
      const { phonemes } = phonemizeNotes(notes, FLAT);
      const r = renderWithBank({ notes, phonemes, warnings: [] }, FLAT, bank);
      return rms(r.samples, Math.round((0.8 - r.start) * SR), Math.round((1.2 - r.start) * SR));
    };
    const full = level(1);
    expect(full).toBeGreaterThan(0.01);
    expect(level(0.5) / full).toBeCloseTo(0.5, 3);
  });
});
