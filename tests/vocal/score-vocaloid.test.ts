import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { strToU8, zipSync } from 'fflate';
import { parseScore, readScoreFile, ScoreError } from '../../show-files/src/score/index.ts';
import { pitchOffsetAt } from '../../show-files/src/score/pitch-curve.ts';
import { TempoMap } from '../../show-files/src/tempo.ts';
import { buildVocalTrack, DEFAULT_VOICE } from '../../vocal/track.ts';
import { vocaloidPhonemes } from '../../show-files/src/score/vocaloid-phonemes.ts';

function errorOf(fn: () => unknown): ScoreError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ScoreError);
    return err as ScoreError;
  }
  throw new Error('expected a ScoreError');
}

const vprOf = async () => zipSync({ 'Project/sequence.json': new Uint8Array(await readFile('tests/fixtures/scores/vpr-sequence.json')) });

describe('Vocaloid 4 .vsqx', () => {
  it('reads notes after the lead-in, tempo, PIT×PBS, DYN, vibrato and locked phonemes', async () => {
    const score = await readScoreFile('tests/fixtures/scores/tuned-v4.vsqx');
    expect(score.format).toBe('vsqx');
    // One bar of lead-in (1920 ticks) is removed from parts and tempo alike.
    expect(score.tempo).toEqual([{ tick: 0, bpm: 120 }, { tick: 1920, bpm: 150 }]);
    expect(score.notes.map((n) => [n.tick, n.durationTicks, n.pitch, n.lyric])).toEqual([[0, 480, 60, 'さ'], [480, 480, 62, 'く'], [960, 960, 64, 'ら'], [1920, 960, 65, '-']]);
    const map = new TempoMap(score.tempo, 480);
    expect(map.secondsAt(score.notes[3]!.tick + score.notes[3]!.durationTicks)).toBeCloseTo(2 + 2 * 0.4, 9);
    // DYN 64 is normal; DYN 0 from tick 1440 is 24 dB down: half of the third note, all of the fourth.
    const down = Math.pow(10, -24 / 20);
    expect(score.notes.map((n) => n.dynamics)).toEqual([1, 1, expect.closeTo((1 + down) / 2, 9), expect.closeTo(down, 9)]);
    // vibLen 50 %: the last 480 ticks of the 960-tick note, 0.5 s in at 120 BPM.
    expect(score.notes[2]!.vibrato).toEqual({ depth: expect.closeTo((64 / 127) * 0.8, 9), rate: expect.closeTo(3 + (64 / 127) * 6, 9), delay: 0.5 });
    expect(score.notes[0]!.vibrato?.depth).toBe(0);
    // PIT 4096 with PBS 4 from tick 960 to 1200: two semitones up (4096/8191 × 4 × 100 cents).
    const c = score.pitchCurve!;
    expect(pitchOffsetAt(c, 1080)).toBeCloseTo((4096 / 8191) * 400, 3);
    expect(pitchOffsetAt(c, 1300)).toBe(0);
    // The stand-in glide between the first two notes is centred on the second note's start.
    expect(pitchOffsetAt(c, 480)).toBeCloseTo(-100, 3);
    expect(pitchOffsetAt(c, 470)).toBeGreaterThan(0);
    expect(pitchOffsetAt(c, 300)).toBe(0);
    const w = score.warnings.join('\n');
    expect(w).toContain('2 tracks have notes; singing track 1 "Lead"');
    // The locked phonemes "g M" over the lyric く are sung as set: ぐ, not く.
    expect(score.notes[1]!.phonemes).toEqual(['g', 'u']);
    expect(score.notes[0]!.phonemes).toBeUndefined(); // unlocked: Vocaloid's own guess, the lyric decides
    expect(w).not.toContain('phonemes set by hand');
    const track = buildVocalTrack(score, (t) => map.secondsAt(t), DEFAULT_VOICE);
    expect(track.phonemes.filter((p) => p.note === 1).map((p) => p.symbol)).toEqual(['g', 'u']);
    expect(score.notes[2]!.source?.line).toBe(38);
    // Symbols neither Vocaloid set knows are not guessed at: the lyric is sung, and the file says so.
    const odd = (await readFile('tests/fixtures/scores/tuned-v4.vsqx', 'utf8')).replace('g M', 'g QQ');
    const oddScore = parseScore(new TextEncoder().encode(odd), 'odd.vsqx');
    expect(oddScore.notes[1]!.phonemes).toBeUndefined();
    expect(oddScore.warnings.join('\n')).toContain('1 note has phonemes set by hand (locked) in symbols this voice does not know; sung from the lyric instead');
  });

  it('reads the Vocaloid 3 element names and a 3/4 lead-in; sings a chosen track', async () => {
    const score = await readScoreFile('tests/fixtures/scores/plain-v3.vsqx');
    expect(score.timeSignature).toEqual({ numerator: 3, denominator: 4 });
    expect(score.tempo).toEqual([{ tick: 0, bpm: 90 }]);
    expect(score.notes.map((n) => [n.tick, n.durationTicks, n.pitch, n.lyric])).toEqual([[0, 480, 67, 'love'], [480, 960, 69, 'song']]);
    expect(score.pitchCurve).toBeUndefined();
    // vibLen 66 % of 960 ticks at 90 BPM: starts 326.4 ticks into the note.
    expect(score.notes[1]!.vibrato!.delay).toBeCloseTo((326.4 / 480) * (60 / 90), 9);
    expect(score.notes[1]!.vibrato!.rate).toBe(9);

    const bytes = new Uint8Array(await readFile('tests/fixtures/scores/tuned-v4.vsqx'));
    const harmony = parseScore(bytes, 'song.vsqx', { part: 'harmony' });
    expect(harmony.notes.map((n) => [n.tick, n.pitch, n.lyric])).toEqual([[0, 55, 'あ']]);
    // The same file saved as .xml is recognised by its root element.
    expect(parseScore(bytes, 'song.xml').format).toBe('vsqx');
  });

  it('names file and line of a broken note', async () => {
    const text = (await readFile('tests/fixtures/scores/tuned-v4.vsqx', 'utf8')).replace('<n>62</n>', '<n>200</n>');
    const e = errorOf(() => parseScore(new TextEncoder().encode(text), 'bad.vsqx'));
    expect(e.message).toBe('bad.vsqx:34: track 1 part 1 note 2: <n> must be a MIDI number 0-127, got "200"');
    const e2 = errorOf(() => parseScore(new TextEncoder().encode('<?xml version="1.0"?>\n<vsq5/>'), 'x.vsqx'));
    expect(e2.message).toContain('x.vsqx:2: not a Vocaloid 3/4 project');
  });
});

describe('Vocaloid phoneme symbols', () => {
  it('translates the Japanese and English sets, diphthongs and ん included, and refuses unknown symbols', () => {
    expect(vocaloidPhonemes("k' a N\\")).toEqual(['ky', 'a', 'N']);
    expect(vocaloidPhonemes('ts M')).toEqual(['ts', 'u']);
    expect(vocaloidPhonemes('D @')).toEqual(['dh', 'ah']);
    expect(vocaloidPhonemes('h @U m')).toEqual(['h', 'o', 'uh', 'm']);
    expect(vocaloidPhonemes('k xx')).toBeUndefined();
    expect(vocaloidPhonemes('  ')).toBeUndefined();
  });
});

describe('Vocaloid 5 .vpr', () => {
  it('reads Project/sequence.json: notes, tempo, time signature, pitch bend, dynamics, vibrato', async () => {
    const score = parseScore(await vprOf(), 'song.vpr');
    expect(score.format).toBe('vpr');
    expect(score.tempo).toEqual([{ tick: 0, bpm: 120 }, { tick: 1920, bpm: 60 }]);
    expect(score.timeSignature).toEqual({ numerator: 3, denominator: 4 });
    expect(score.notes.map((n) => [n.tick, n.durationTicks, n.pitch, n.lyric])).toEqual([[960, 480, 60, 'hel-'], [1440, 480, 60, 'lo'], [1920, 960, 67, 'world']]);
    expect(score.notes.every((n) => Math.abs(n.dynamics! - Math.pow(10, 12 / 20)) < 1e-9)).toBe(true);
    expect(score.notes[1]!.vibrato).toEqual({ depth: 0.8, rate: 3, delay: 0.25 });
    // PIT -8192 with a range of 12: an octave down for the first 240 ticks of the part.
    expect(pitchOffsetAt(score.pitchCurve, 1000)).toBeCloseTo(-1200, 9);
    expect(pitchOffsetAt(score.pitchCurve, 1300)).toBe(0);
    // Through the vocal track, in seconds: the last note starts 2 s in and lasts 2 s at 60 BPM.
    const map = new TempoMap(score.tempo, 480);
    const track = buildVocalTrack(score, (t) => map.secondsAt(t), DEFAULT_VOICE);
    expect(track.notes[2]!.time).toBeCloseTo(2, 9);
    expect(track.notes[2]!.end).toBeCloseTo(4, 9);
    expect(track.notes[0]!.dynamics).toBeCloseTo(Math.pow(10, 12 / 20), 9);
    expect(pitchOffsetAt(track.pitchCurve!.map((p) => ({ tick: p.time, cents: p.cents })), 1.1)).toBeCloseTo(-1200, 9);
    // The stand-in glide into "world" is centred on 2 s in time although the tempo halves there.
    const curve = track.pitchCurve!.map((p) => ({ tick: p.time, cents: p.cents }));
    expect(pitchOffsetAt(curve, 2 - 0.03 + 1e-9)).toBeCloseTo(0, 3);
    expect(pitchOffsetAt(curve, 2 + 0.03)).toBeCloseTo(0, 3);
    // The protected phonemes "l aI" over the lyric "lo" are sung as set ("lie"); "hel-" keeps its lyric.
    expect(score.notes[1]!.phonemes).toEqual(['l', 'a', 'ih']);
    expect(track.phonemes.filter((p) => p.note === 1).map((p) => p.symbol)).toEqual(['l', 'a', 'ih']);
    expect(track.phonemes.filter((p) => p.note === 0).map((p) => p.symbol)).toEqual(['h', 'ah']);
    expect(score.warnings.join('\n')).not.toContain('phonemes set by hand');
  });

  it('refuses broken archives and JSON with the file named', async () => {
    expect(errorOf(() => parseScore(strToU8('{"tracks":[]}'), 'x.vpr')).message).toContain('x.vpr: not a Vocaloid 5/6 project (.vpr): the file is not a zip archive');
    expect(errorOf(() => parseScore(zipSync({ 'other.json': strToU8('{}') }), 'x.vpr')).message).toContain('has no Project/sequence.json');
    expect(errorOf(() => parseScore(zipSync({ 'Project/sequence.json': strToU8('{\n"tracks": [\n}') }), 'x.vpr')).message).toMatch(/^x\.vpr\/Project\/sequence\.json(:\d+)?: not valid JSON/);
    const json = (await readFile('tests/fixtures/scores/vpr-sequence.json', 'utf8')).replace('"number": 67', '"number": "G4"');
    const e = errorOf(() => parseScore(zipSync({ 'Project/sequence.json': strToU8(json) }), 'x.vpr'));
    expect(e.message).toBe('x.vpr/Project/sequence.json: track 1 part 1 note 3: "number" must be a MIDI number 0-127, got "G4"');
  });
});
