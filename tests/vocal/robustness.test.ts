// Broken input never crashes: every importer either returns a score or throws a ScoreError, and the
// phonemizer turns any lyric text into sorted, disjoint phonemes.
import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { parseScore, ScoreError } from '../../show-files/src/score/index.ts';
import { phonemizeNotes } from '../../vocal/phonemize.ts';
import { DEFAULT_VOICE } from '../../vocal/track.ts';
import { LipSync } from '../../vocal/lipsync.ts';
import { buildVocalMidi } from './midi-fixture.ts';
import { rng } from './random.ts';

const MUTATIONS = 150;

function mutate(bytes: Uint8Array, random: () => number): Uint8Array {
  const out = new Uint8Array(bytes);
  const edits = 1 + Math.floor(random() * 8);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(random() * out.length);
    const kind = random();
    if (kind < 0.6) out[at] = Math.floor(random() * 256);
    else if (kind < 0.8) out[at] = '0123456789-.:[]{}\n='.charCodeAt(Math.floor(random() * 19));
    else return out.subarray(0, at); // truncated file
  }
  return out;
}

describe('importers survive damaged files', () => {
  it('returns a score or throws a ScoreError for 150 mutated files of each format', async () => {
    const sources: [string, Uint8Array][] = [
      ['song.ust', new Uint8Array(await readFile('tests/fixtures/scores/sakura-sjis.ust'))],
      ['song.ustx', new Uint8Array(await readFile('tests/fixtures/scores/two-parts.ustx'))],
      ['song.json', new Uint8Array(await readFile('tests/fixtures/scores/twinkle.json'))],
      ['song.mid', buildVocalMidi([{ tick: 0, length: 480, pitch: 60, lyric: 'ら' }, { tick: 480, length: 480, pitch: 62, lyric: 'hel-' }, { tick: 960, length: 480, pitch: 64, lyric: 'lo' }], { bass: true })],
    ];
    const random = rng(12345);
    for (const [name, bytes] of sources) {
      let ok = 0;
      let refused = 0;
      for (let i = 0; i < MUTATIONS; i++) {
        const damaged = mutate(bytes, random);
        try {
          const score = parseScore(damaged, name);
          const bad = score.notes.find((n) => !(Number.isFinite(n.tick) && Number.isFinite(n.durationTicks) && n.durationTicks > 0 && Number.isInteger(n.pitch) && n.pitch >= 0 && n.pitch <= 127));
          if (bad) throw new Error(`${name} mutation ${i} gave an invalid note ${JSON.stringify(bad)}`);
          ok++;
        } catch (err) {
          if (!(err instanceof ScoreError)) throw new Error(`${name} mutation ${i} crashed: ${(err as Error).stack}`);
          if (!err.message.startsWith(name)) throw new Error(`${name} mutation ${i}: the error does not name the file: ${err.message}`);
          refused++;
        }
      }
      expect(ok + refused).toBe(MUTATIONS);
      expect(refused).toBeGreaterThan(0);
    }
  });
});

describe('phonemizer survives any lyric', () => {
  it('gives sorted, disjoint, non-empty phonemes and valid lip-sync for random lyric text', () => {
    const random = rng(777);
    const pieces = ['か', 'きゃ', 'ん', 'っ', 'ー', '+', '-', '~', 'a か', 'かR', 'か_C4', 'ヴぁ', 'ぁ', 'ゃ', 'love', 'hel-', 'lo', 'zzxq', "don't", '!!', '', ' ', 'R', 'ka', 'nn', 'x', '123', '🎤', 'ÀÉ', 'tch', 'ウィ'];
    const problems: string[] = [];
    for (let round = 0; round < 150; round++) {
      const notes = [];
      let t = 0;
      const count = 1 + Math.floor(random() * 12);
      for (let i = 0; i < count; i++) {
        const len = 0.02 + random() * 0.8;
        const lyric = Array.from({ length: 1 + Math.floor(random() * 3) }, () => pieces[Math.floor(random() * pieces.length)]!).join(random() < 0.3 ? ' ' : '');
        notes.push({ time: t, end: t + len, pitch: 60, lyric });
        t += len + (random() < 0.3 ? random() * 0.5 : 0);
      }
      const { phonemes } = phonemizeNotes(notes, DEFAULT_VOICE, { songStart: 0 });
      const where = `round ${round} ${JSON.stringify(notes.map((n) => n.lyric))}`;
      if (notes.some((n) => n.end - n.time > 0.1) && phonemes.length === 0) problems.push(`${where}: no phonemes`);
      for (let i = 0; i < phonemes.length; i++) {
        const p = phonemes[i]!;
        if (!(p.end > p.time && p.time >= 0 && p.note >= 0 && p.note < notes.length)) problems.push(`${where}: bad phoneme ${JSON.stringify(p)}`);
        if (i > 0 && p.time < phonemes[i - 1]!.end - 1e-9) problems.push(`${where}: overlap at ${i}`);
      }
      const lips = new LipSync(phonemes);
      for (let x = -0.5; x < t + 0.5; x += 0.037) {
        const w = lips.weightsAt(x);
        for (const v of [w.aa, w.ih, w.ou, w.ee, w.oh]) if (!(v >= 0 && v <= 1)) problems.push(`${where}: weight ${v} at ${x}`);
      }
    }
    expect(problems.slice(0, 5)).toEqual([]);
  });
});
