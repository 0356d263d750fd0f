// The .ust reader walks the text once without splitting it: every line ending UTAU and old Mac
// tools wrote (\n, \r\n, a lone \r) gives the same notes and the same line in an error.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parseScore, ScoreError } from '../../show-files/src/score/index.ts';

const tuned = readFileSync('tests/fixtures/scores/tuned.ust', 'utf8').replace(/\r\n?/g, '\n');
const endings = { lf: '\n', crlf: '\r\n', cr: '\r' };

function errorOf(text: string): ScoreError {
  try {
    parseScore(new TextEncoder().encode(text), 'song.ust');
  } catch (err) {
    return err as ScoreError;
  }
  throw new Error('no error');
}

describe('.ust line endings', () => {
  it('reads the same song with \\n, \\r\\n and lone \\r line ends', () => {
    const scores = Object.values(endings).map((eol) => parseScore(new TextEncoder().encode(tuned.replace(/\n/g, eol)), 'song.ust'));
    expect(scores[0]!.notes.length).toBeGreaterThan(2);
    expect(scores[0]!.pitchCurve?.length).toBeGreaterThan(2);
    for (const s of scores.slice(1)) expect(s).toEqual(scores[0]);
  });

  it('names the same line for a broken value whatever the line ends', () => {
    const lines = tuned.split('\n');
    const at = lines.findIndex((l) => l.startsWith('NoteNum=')) ;
    lines[at] = 'NoteNum=300';
    for (const eol of Object.values(endings)) {
      const err = errorOf(lines.join(eol));
      expect(err).toBeInstanceOf(ScoreError);
      expect(err.line).toBe(at + 1);
      expect(err.message).toMatch(new RegExp(`^song\\.ust:${at + 1}: note \\[#\\d+\\] ".*": NoteNum must be a MIDI number 0-127, got "300"$`));
    }
  });

  it('keeps keys and section names trimmed as before ("  Lyric = ら ", "[# 0001 ]")', () => {
    const spaced = tuned.replace(/^Lyric=(.*)$/m, '  Lyric = $1 \t').replace(/^\[#0001\]$/m, ' [# 0001 ] ');
    expect(parseScore(new TextEncoder().encode(spaced), 'song.ust')).toEqual(parseScore(new TextEncoder().encode(tuned), 'song.ust'));
  });
});
