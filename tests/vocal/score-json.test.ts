import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { parseScore, readScoreFile, ScoreError } from '../../show-files/src/score/index.ts';
import { pitchFromName, pitchName } from '../../show-files/src/score/pitch.ts';

const enc = (s: string) => new TextEncoder().encode(s);

function errorOf(fn: () => unknown): ScoreError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ScoreError);
    return err as ScoreError;
  }
  throw new Error('expected a ScoreError');
}

describe('pitch names', () => {
  it('reads sharps, flats and octaves with C4 = 60', () => {
    expect(pitchFromName('C4')).toBe(60);
    expect(pitchFromName('C#4')).toBe(61);
    expect(pitchFromName('Eb3')).toBe(51);
    expect(pitchFromName('A4')).toBe(69);
    expect(pitchFromName('C-1')).toBe(0);
    expect(pitchFromName('H4')).toBeUndefined();
    expect(pitchName(61)).toBe('C#4');
  });
});

describe('holostage JSON score', () => {
  it('reads the fixture: tempo changes, names and numbers as pitch, kana and romaji lyrics', async () => {
    const score = await readScoreFile('tests/fixtures/scores/twinkle.json');
    expect(score.format).toBe('json');
    expect(score.resolution).toBe(480);
    expect(score.tempo).toEqual([{ tick: 0, bpm: 120 }, { tick: 3840, bpm: 90 }]);
    expect(score.timeSignature).toEqual({ numerator: 4, denominator: 4 });
    expect(score.notes).toHaveLength(12);
    expect(score.notes.map((n) => n.pitch).slice(0, 5)).toEqual([60, 60, 67, 67, 69]);
    expect(score.notes[10]!.pitch).toBe(63);
    expect(score.notes[11]).toMatchObject({ tick: 6240, durationTicks: 960, pitch: 61, lyric: 'ー' });
  });

  it('defaults tempo to 120 and 4/4, and sorts notes', () => {
    const score = parseScore(enc(JSON.stringify({ notes: [{ tick: 480, length: 240, pitch: 62, lyric: 'b' }, { tick: 0, length: 480, pitch: 'D4', lyric: 'a' }] })), 'x.json');
    expect(score.tempo).toEqual([{ tick: 0, bpm: 120 }]);
    expect(score.timeSignature).toEqual({ numerator: 4, denominator: 4 });
    expect(score.notes.map((n) => n.lyric)).toEqual(['a', 'b']);
  });

  it('trims overlapping notes with a warning', () => {
    const score = parseScore(enc(JSON.stringify({ notes: [{ tick: 0, length: 960, pitch: 60, lyric: 'a' }, { tick: 480, length: 480, pitch: 62, lyric: 'i' }] })), 'o.json');
    expect(score.notes[0]!.durationTicks).toBe(480);
    expect(score.warnings.join('\n')).toMatch(/overlaps/);
  });

  it('names the file and line of a broken note', () => {
    const text = '{\n  "notes": [\n    {"tick": 0, "length": 480, "pitch": 60, "lyric": "a"},\n    {"tick": 480, "length": 480, "pitch": "Q9", "lyric": "i"}\n  ]\n}\n';
    const err = errorOf(() => parseScore(enc(text), 'songs/bad.json'));
    expect(err.file).toBe('songs/bad.json');
    expect(err.line).toBe(4);
    expect(err.message).toMatch(/songs\/bad\.json:4: note 1: "pitch"/);
  });

  it('reports invalid JSON with a line, negative lengths, and a wrong format tag', () => {
    expect(errorOf(() => parseScore(enc('{\n "notes": [\n }'), 'a.json')).line).toBe(3);
    expect(errorOf(() => parseScore(enc('{"notes":[{"tick":0,"length":-1,"pitch":60}]}'), 'b.json')).message).toMatch(/note 0: "length"/);
    expect(errorOf(() => parseScore(enc('{"format":"other","notes":[]}'), 'c.json')).message).toMatch(/holostage-score/);
    expect(errorOf(() => parseScore(enc('{"notes":[],"timeSignature":"4/5"}'), 'd.json')).message).toMatch(/timeSignature/);
  });

  it('refuses unsupported extensions and missing files with a ScoreError', async () => {
    expect(errorOf(() => parseScore(enc('x'), 'song.xyz')).message).toMatch(/unsupported score format/);
    await expect(readScoreFile('tests/fixtures/scores/missing.json')).rejects.toThrow(ScoreError);
    const bytes = await readFile('tests/fixtures/scores/twinkle.json');
    expect(parseScore(bytes, 'twinkle.json').notes).toHaveLength(12);
  });
});
