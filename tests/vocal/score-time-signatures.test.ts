// A time signature change later in a .ustx, .vsqx or .vpr: the score keeps the first signature
// (the model has one), note timing is unchanged (positions are in ticks), and a warning says so
// once, naming the bars, as the MusicXML importer does.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { zipSync } from 'fflate';
import { parseScore, type Score } from '../../show-files/src/score/index.ts';

const fixture = (name: string): string => readFileSync(`tests/fixtures/scores/${name}`, 'utf8');
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const timing = (s: Score) => s.notes.map((n) => [n.tick, n.durationTicks, n.pitch]);
const changes = (s: Score) => s.warnings.filter((w) => w.includes('time signature changes'));

/**
 * The score of `text` with `edit` applied (read as `file` by `read`): the first signature kept, the
 * notes' timing as before, and exactly the one warning expected (none before the edit).
 */
function expectChangesWarned(text: string, edit: [string, string], read: (text: string) => Score, signature: Score['timeSignature'], warning: string): void {
  const before = read(text);
  const after = read(text.replace(edit[0], edit[1]));
  expect(after.timeSignature).toEqual(signature);
  expect(timing(after)).toEqual(timing(before));
  expect(changes(after)).toEqual([warning]);
  expect(changes(before)).toEqual([]);
}

describe('time signature changes after the first', () => {
  it('.ustx: warned with their bars, the first kept, the notes as before', () => {
    const first = '- {bar_position: 0, beat_per_bar: 4, beat_unit: 4}';
    expectChangesWarned(fixture('tuned.ustx'), [first, `${first}\n- {bar_position: 2, beat_per_bar: 3, beat_unit: 4}\n- {bar_position: 5, beat_per_bar: 4, beat_unit: 4}`], (t) => parseScore(utf8(t), 'song.ustx'), { numerator: 4, denominator: 4 },
      'song.ustx: time signature changes at bar 3, 6; note timing follows them, the score keeps 4/4 as its signature');
  });

  it('.vsqx: bars counted after the lead-in', () => {
    const first = '<timeSig><m>0</m><nu>4</nu><de>4</de></timeSig>';
    // Measure 3 counting the one lead-in bar is bar 3 of the song.
    expectChangesWarned(fixture('tuned-v4.vsqx'), [first, `${first}<timeSig><m>3</m><nu>6</nu><de>8</de></timeSig>`], (t) => parseScore(utf8(t), 'song.vsqx'), { numerator: 4, denominator: 4 },
      'song.vsqx: time signature changes at bar 3; note timing follows them, the score keeps 4/4 as its signature');
  });

  it('.vpr: bars counted from 1', () => {
    expectChangesWarned(fixture('vpr-sequence.json'), ['"events": [{ "bar": 0, "numer": 3, "denom": 4 }]', '"events": [{ "bar": 0, "numer": 3, "denom": 4 }, { "bar": 4, "numer": 4, "denom": 4 }]'], (t) => parseScore(zipSync({ 'Project/sequence.json': utf8(t) }), 'song.vpr'), { numerator: 3, denominator: 4 },
      'song.vpr/Project/sequence.json: time signature changes at bar 5; note timing follows them, the score keeps 3/4 as its signature');
  });
});
