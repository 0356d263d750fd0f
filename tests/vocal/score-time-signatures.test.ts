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

describe('time signature changes after the first', () => {
  it('.ustx: warned with their bars, the first kept, the notes as before', () => {
    const text = fixture('tuned.ustx');
    const before = parseScore(utf8(text), 'song.ustx');
    const changed = text.replace('- {bar_position: 0, beat_per_bar: 4, beat_unit: 4}', '- {bar_position: 0, beat_per_bar: 4, beat_unit: 4}\n- {bar_position: 2, beat_per_bar: 3, beat_unit: 4}\n- {bar_position: 5, beat_per_bar: 4, beat_unit: 4}');
    const after = parseScore(utf8(changed), 'song.ustx');
    expect(after.timeSignature).toEqual({ numerator: 4, denominator: 4 });
    expect(timing(after)).toEqual(timing(before));
    expect(changes(after)).toEqual(['song.ustx: time signature changes at bar 3, 6; note timing follows them, the score keeps 4/4 as its signature']);
    expect(changes(before)).toEqual([]);
  });

  it('.vsqx: bars counted after the lead-in', () => {
    const text = fixture('tuned-v4.vsqx');
    const before = parseScore(utf8(text), 'song.vsqx');
    const changed = text.replace('<timeSig><m>0</m><nu>4</nu><de>4</de></timeSig>', '<timeSig><m>0</m><nu>4</nu><de>4</de></timeSig><timeSig><m>3</m><nu>6</nu><de>8</de></timeSig>');
    const after = parseScore(utf8(changed), 'song.vsqx');
    expect(after.timeSignature).toEqual({ numerator: 4, denominator: 4 });
    expect(timing(after)).toEqual(timing(before));
    // Measure 3 counting the one lead-in bar is bar 3 of the song.
    expect(changes(after)).toEqual(['song.vsqx: time signature changes at bar 3; note timing follows them, the score keeps 4/4 as its signature']);
    expect(changes(before)).toEqual([]);
  });

  it('.vpr: bars counted from 1', () => {
    const json = fixture('vpr-sequence.json');
    const before = parseScore(zipSync({ 'Project/sequence.json': utf8(json) }), 'song.vpr');
    const changed = json.replace('"events": [{ "bar": 0, "numer": 3, "denom": 4 }]', '"events": [{ "bar": 0, "numer": 3, "denom": 4 }, { "bar": 4, "numer": 4, "denom": 4 }]');
    const after = parseScore(zipSync({ 'Project/sequence.json': utf8(changed) }), 'song.vpr');
    expect(after.timeSignature).toEqual({ numerator: 3, denominator: 4 });
    expect(timing(after)).toEqual(timing(before));
    expect(changes(after)).toEqual(['song.vpr/Project/sequence.json: time signature changes at bar 5; note timing follows them, the score keeps 3/4 as its signature']);
    expect(changes(before)).toEqual([]);
  });
});
