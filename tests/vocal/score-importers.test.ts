import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { parseScore, readScoreFile, ScoreError } from '../../show-files/src/score/index.ts';
import { TempoMap } from '../../show-files/src/tempo.ts';
import { writeMidi } from 'midi-file';
import { buildVocalMidi, utf8ByteString } from './midi-fixture.ts';

/** One note with a lyric event whose bytes are given as a one-byte-per-char string. */
function buildVocalMidiRaw(lyricBytes: string): Uint8Array {
  return new Uint8Array(
    writeMidi({
      header: { format: 0, numTracks: 1, ticksPerBeat: 480 },
      tracks: [
        [
          { deltaTime: 0, meta: true, type: 'lyrics', text: lyricBytes },
          { deltaTime: 0, type: 'noteOn', channel: 0, noteNumber: 60, velocity: 100 },
          { deltaTime: 480, type: 'noteOff', channel: 0, noteNumber: 60, velocity: 0 },
          { deltaTime: 0, meta: true, type: 'endOfTrack' },
        ],
      ],
    }),
  );
}

function errorOf(fn: () => unknown): ScoreError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ScoreError);
    return err as ScoreError;
  }
  throw new Error('expected a ScoreError');
}

const sjis = (s: string) => new Uint8Array(Buffer.from(s, 'latin1'));

describe('UTAU .ust', () => {
  it('decodes a Shift-JIS file: tempo, tempo change, rests, lengths, lyrics and pitches', async () => {
    const bytes = await readFile('tests/fixtures/scores/sakura-sjis.ust');
    // The fixture really is Shift-JIS: not valid UTF-8.
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toThrow();
    const score = await readScoreFile('tests/fixtures/scores/sakura-sjis.ust');
    expect(score.format).toBe('ust');
    expect(score.resolution).toBe(480);
    expect(score.tempo).toEqual([{ tick: 0, bpm: 150 }, { tick: 2400, bpm: 120 }]);
    expect(score.notes.map((n) => n.lyric)).toEqual(['さ', 'a く', 'u ら_C4', 'きゃ', 'ー', 'ん']);
    expect(score.notes.map((n) => n.tick)).toEqual([480, 960, 1440, 2640, 2880, 3360]);
    expect(score.notes.map((n) => n.pitch)).toEqual([69, 69, 71, 72, 74, 72]);
    expect(score.notes[2]!.durationTicks).toBe(960);
    // The first sung note starts after a one-beat rest at 150 BPM.
    expect(new TempoMap(score.tempo, 480).secondsAt(score.notes[0]!.tick)).toBeCloseTo(0.4, 9);
    expect(new TempoMap(score.tempo, 480).secondsAt(score.notes[3]!.tick)).toBeCloseTo((2400 / 480) * 0.4 + 0.25, 9);
    expect(score.notes[0]!.source?.line).toBe(20);
  });

  it('reads a UTF-8 file with continuation lyrics', async () => {
    const score = await readScoreFile('tests/fixtures/scores/kane-utf8.ust');
    expect(score.tempo).toEqual([{ tick: 0, bpm: 100 }]);
    expect(score.notes.map((n) => [n.tick, n.lyric, n.pitch])).toEqual([[0, 'か', 60], [480, '-', 62], [1920, 'ね', 64]]);
  });

  it('points at the line of a broken note', () => {
    const text = '[#SETTING]\r\nTempo=120\r\n[#0000]\r\nLength=480\r\nLyric=あ\r\nNoteNum=60\r\n[#0001]\r\nLength=480\r\nLyric=い\r\nNoteNum=high\r\n';
    const err = errorOf(() => parseScore(new TextEncoder().encode(text), 'bad.ust'));
    expect(err.line).toBe(10);
    expect(err.message).toMatch(/bad\.ust:10: note \[#0001\] "い": NoteNum/);
    const noLength = errorOf(() => parseScore(new TextEncoder().encode('[#SETTING]\nTempo=120\n[#0000]\nLyric=あ\nNoteNum=60\n'), 'x.ust'));
    expect(noLength.line).toBe(3);
    expect(errorOf(() => parseScore(sjis('just some text'), 'y.ust')).message).toMatch(/not an UTAU/);
  });
});

describe('OpenUtau .ustx', () => {
  it('reads resolution, tempos, time signature and merges two voice parts', async () => {
    const score = await readScoreFile('tests/fixtures/scores/two-parts.ustx');
    expect(score.format).toBe('ustx');
    expect(score.tempo).toEqual([{ tick: 0, bpm: 128 }, { tick: 2880, bpm: 96 }]);
    expect(score.timeSignature).toEqual({ numerator: 3, denominator: 4 });
    expect(score.notes.map((n) => [n.tick, n.durationTicks, n.pitch, n.lyric])).toEqual([
      [0, 480, 67, 'ひ'],
      [480, 480, 69, 'か'],
      [960, 960, 71, 'り'],
      [2880, 480, 72, 'love'],
      [3360, 960, 74, 'song'],
    ]);
    expect(score.notes[3]!.source?.part).toBe(1);
    expect(score.warnings.join('\n')).toMatch(/2 voice parts on 2 tracks/);
  });

  it('names the part, note and line of a broken note, and rejects invalid YAML', () => {
    const text = 'resolution: 480\ntempos:\n- {position: 0, bpm: 120}\nvoice_parts:\n- position: 0\n  notes:\n  - {position: 0, duration: 480, tone: 60, lyric: a}\n  - {position: 480, duration: 480, tone: 300, lyric: i}\n';
    const err = errorOf(() => parseScore(new TextEncoder().encode(text), 'p.ustx'));
    expect(err.message).toMatch(/voice part 0 note 1: tone/);
    expect(err.line).toBe(8);
    expect(errorOf(() => parseScore(new TextEncoder().encode('a: [1, 2\nb: }'), 'q.ustx')).message).toMatch(/not valid YAML/);
    expect(errorOf(() => parseScore(new TextEncoder().encode('name: x\n'), 'r.ustx')).message).toMatch(/voice_parts/);
  });
});

describe('Standard MIDI File', () => {
  it('aligns FF 05 lyric events with the notes of the vocal track, ignoring the bass track', () => {
    const bytes = buildVocalMidi(
      [
        { tick: 0, length: 480, pitch: 64, lyric: 'ら' },
        { tick: 480, length: 240, pitch: 65, lyric: 'hel-' },
        { tick: 720, length: 240, pitch: 67, lyric: 'lo' },
        { tick: 960, length: 480, pitch: 69 }, // melisma: no lyric of its own
        { tick: 1920, length: 960, pitch: 72, lyric: 'world/' },
      ],
      { bpm: 140, bass: true },
    );
    const score = parseScore(bytes, 'song.mid');
    expect(score.format).toBe('mid');
    expect(score.resolution).toBe(480);
    expect(score.tempo[0]!.bpm).toBeCloseTo(140, 3);
    expect(score.notes.map((n) => [n.tick, n.durationTicks, n.pitch, n.lyric])).toEqual([
      [0, 480, 64, 'ら'],
      [480, 240, 65, 'hel-'],
      [720, 240, 67, 'lo'],
      [960, 480, 69, '+'],
      [1920, 960, 72, 'world'],
    ]);
    expect(score.warnings.join('\n')).toMatch(/using track 1 "Vocal"/);
  });

  it('falls back to text events (FF 01) and skips karaoke @ headers', () => {
    const bytes = buildVocalMidi([
      { tick: 0, length: 480, pitch: 60, lyric: '@TTitle', lyricAs: 'text' },
      { tick: 0, length: 480, pitch: 60, lyric: 'ka', lyricAs: 'text' },
      { tick: 480, length: 480, pitch: 62, lyric: 'ze', lyricAs: 'text' },
    ]);
    const score = parseScore(bytes, 'kar.mid');
    expect(score.notes.map((n) => n.lyric)).toEqual(['ka', 'ze']);
    expect(utf8ByteString('é')).toHaveLength(2);
  });

  it('decodes Shift-JIS lyric bytes as well as UTF-8', () => {
    // さく in Shift-JIS: 82 B3 82 AD (the same bytes the midi-file writer puts on the wire).
    const sjisSaku = String.fromCharCode(0x82, 0xb3, 0x82, 0xad);
    expect(new TextDecoder('shift_jis').decode(new Uint8Array([0x82, 0xb3, 0x82, 0xad]))).toBe('さく');
    const bytes = buildVocalMidi([{ tick: 0, length: 480, pitch: 60 }]);
    // Patch a lyric event in by hand: rebuild with the raw byte string instead of UTF-8.
    const withSjis = buildVocalMidiRaw(sjisSaku);
    expect(parseScore(withSjis, 'sjis.mid').notes[0]!.lyric).toBe('さく');
    expect(parseScore(bytes, 'none.mid').warnings.join('\n')).toMatch(/no lyric or text events/);
  });

  it('refuses bytes that are not a MIDI file', () => {
    expect(errorOf(() => parseScore(new TextEncoder().encode('RIFF....WAVE'), 'oops.mid')).message).toMatch(/oops\.mid: not a readable Standard MIDI File/);
  });
});
