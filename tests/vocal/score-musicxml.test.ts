import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { zipSync, strToU8 } from 'fflate';
import { parseScore, readScoreFile, ScoreError } from '../../show-files/src/score/index.ts';
import { TempoMap } from '../../show-files/src/tempo.ts';
import { buildVocalTrack, DEFAULT_VOICE } from '../../vocal/track.ts';

const FIXTURE = 'tests/fixtures/scores/repeat-verses.musicxml';

function errorOf(fn: () => unknown): ScoreError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ScoreError);
    return err as ScoreError;
  }
  throw new Error('expected a ScoreError');
}

const bytes = (s: string) => new TextEncoder().encode(s);

describe('MusicXML', () => {
  it('unfolds the repeat with voltas, sings verse n on pass n, merges the tie, joins syllables', async () => {
    const score = await readScoreFile(FIXTURE);
    expect(score.format).toBe('musicxml');
    expect(score.resolution).toBe(480);
    expect(score.timeSignature).toEqual({ numerator: 4, denominator: 4 });
    // 90 BPM (written again on the second pass: kept once), 120 from the second ending on.
    expect(score.tempo).toEqual([{ tick: 0, bpm: 90 }, { tick: 9600, bpm: 120 }]);
    expect(score.notes).toHaveLength(13);
    expect(score.notes.map((n) => n.lyric)).toEqual(['hel-', 'lo', 'world', '+', 'あ', 'ra', 'sun-', 'shine', 'day', '+', 'い', 'end', 'fin']);
    expect(score.notes.map((n) => n.tick)).toEqual([0, 480, 960, 1920, 2880, 4800, 5760, 6240, 6720, 7680, 8640, 9600, 11520]);
    expect(score.notes.map((n) => n.durationTicks)).toEqual([480, 480, 960, 480, 1920, 960, 480, 480, 960, 480, 960, 1920, 480]);
    expect(score.notes.map((n) => n.pitch)).toEqual([60, 62, 64, 65, 67, 69, 60, 62, 64, 65, 67, 71, 72]);
    // Each note points at its <note> element's line.
    expect(score.notes[0]!.source?.line).toBe(25);
    expect(score.notes[11]!.source?.line).toBe(72);

    const map = new TempoMap(score.tempo, score.resolution);
    expect(map.secondsAt(score.notes[4]!.tick)).toBeCloseTo(6 * (60 / 90), 9);
    expect(map.secondsAt(score.notes[12]!.tick)).toBeCloseTo(20 * (60 / 90) + 4 * 0.5, 9);
    const track = buildVocalTrack(score, (t) => map.secondsAt(t), DEFAULT_VOICE);
    expect(track.notes[4]!.end - track.notes[4]!.time).toBeCloseTo(4 * (60 / 90), 9);
    expect(track.pitchCurve).toBeUndefined();
    expect(track.notes[0]!.vibrato).toBeUndefined();

    const joined = score.warnings.join('\n');
    expect(joined).toContain('grace note (line 46) dropped');
    expect(joined).toContain('1 chord note (line 83)');
    expect(joined).toContain('has voices 1, 2; singing voice 1');
    expect(joined).toContain('2 parts have notes; singing part P1 "Voice"');
    // Listed once each.
    expect(new Set(score.warnings).size).toBe(score.warnings.length);
  });

  it('sings a chosen verse, part or voice', async () => {
    const file = new Uint8Array(await readFile(FIXTURE));
    const verse2 = parseScore(file, 'song.musicxml', { verse: '2' });
    expect(verse2.notes.slice(0, 6).map((n) => n.lyric)).toEqual(['sun-', 'shine', 'day', '+', 'い', '+']);
    expect(verse2.notes.map((n) => n.lyric)).not.toContain('hel-');

    const piano = parseScore(file, 'song.musicxml', { part: 'piano' });
    expect(piano.notes.map((n) => [n.tick, n.pitch, n.lyric])).toEqual([[0, 48, 'a'], [5760, 48, 'a'], [11520, 49, 'a']]);
    expect(piano.warnings.join('\n')).toContain('no lyrics; every note sings "a"');

    const voice2 = parseScore(file, 'song.musicxml', { voice: '2' });
    expect(voice2.notes.map((n) => [n.tick, n.durationTicks, n.pitch])).toEqual([[11520, 1920, 48]]);

    expect(errorOf(() => parseScore(file, 'song.musicxml', { part: 'Alto' })).message).toContain('no part "Alto" (parts: P1 "Voice", P2 "Piano")');
    expect(errorOf(() => parseScore(file, 'song.musicxml', { verse: '3' })).message).toContain('no verse "3" in the sung part (verses: 1, 2)');
  });

  it('reads a pickup bar, a dotted-quarter metronome, triplets, flats and a slurred melisma', async () => {
    const score = await readScoreFile('tests/fixtures/scores/pickup-6-8.musicxml');
    expect(score.timeSignature).toEqual({ numerator: 6, denominator: 8 });
    // Dotted quarter = 60 is 90 quarters a minute.
    expect(score.tempo).toEqual([{ tick: 0, bpm: 90 }]);
    expect(score.notes.map((n) => [n.tick, n.durationTicks, n.pitch, n.lyric])).toEqual([
      [0, 240, 58, 'The'],
      [240, 720, 63, 'riv-'],
      [960, 240, 65, '+'],
      [1200, 160, 68, 'er'],
      [1360, 160, 69, 'runs'],
      [1520, 160, 71, '+'],
      [1680, 1440, 72, 'on'],
    ]);
    const w = score.warnings.join('\n');
    expect(w).toContain('microtonal note (line 20)');
    expect(w).toContain('1 note (line 26) without a syllable');
    expect(w).toContain('time signature changes in measure 2');
    // The slurred F (line 18) is a melisma by its slur: not reported.
    expect(w).not.toContain('line 18');
  });

  it('reads compressed .mxl through META-INF/container.xml', async () => {
    const xml = new Uint8Array(await readFile(FIXTURE));
    const container = '<?xml version="1.0" encoding="UTF-8"?>\n<container><rootfiles><rootfile full-path="score/song.musicxml" media-type="application/vnd.recordare.musicxml+xml"/></rootfiles></container>';
    const mxl = zipSync({ mimetype: strToU8('application/vnd.recordare.musicxml'), 'META-INF/container.xml': strToU8(container), 'score/song.musicxml': xml });
    const fromZip = parseScore(mxl, 'song.mxl');
    const plain = parseScore(xml, 'song.musicxml');
    expect(fromZip.notes.map((n) => [n.tick, n.durationTicks, n.pitch, n.lyric])).toEqual(plain.notes.map((n) => [n.tick, n.durationTicks, n.pitch, n.lyric]));
    // Errors inside the archive name the inner file.
    const broken = zipSync({ 'META-INF/container.xml': strToU8(container), 'score/song.musicxml': bytes('<score-partwise>\n<part id="P1">\n</score-partwise>') });
    const err = errorOf(() => parseScore(broken, 'song.mxl'));
    expect(err.message).toMatch(/^song\.mxl\/score\/song\.musicxml:3: not well-formed XML/);
    expect(errorOf(() => parseScore(bytes('not a zip'), 'x.mxl')).message).toContain('x.mxl: not a compressed MusicXML (.mxl) file');
    expect(errorOf(() => parseScore(zipSync({ 'readme.txt': strToU8('hi') }), 'x.mxl')).message).toContain('holds no MusicXML score');
  });

  it('names the file and line of broken input', () => {
    const unclosed = '<?xml version="1.0"?>\n<score-partwise>\n  <part id="P1">\n    <measure number="1">\n  </part>\n</score-partwise>';
    const e1 = errorOf(() => parseScore(bytes(unclosed), 'bad.musicxml'));
    expect(e1.file).toBe('bad.musicxml');
    expect(e1.line).toBe(5);
    const e2 = errorOf(() => parseScore(bytes('<?xml version="1.0"?>\n\n<html><body/></html>'), 'page.xml'));
    expect(e2.message).toBe('page.xml:3: not a MusicXML score: the root element is <html>');
    const e3 = errorOf(() => parseScore(bytes('<score-timewise><measure number="1"/></score-timewise>'), 't.musicxml'));
    expect(e3.message).toContain('timewise MusicXML is not supported');
    const e4 = errorOf(() => parseScore(bytes('<score-partwise><part-list/></score-partwise>'), 'e.musicxml'));
    expect(e4.message).toContain('the score has no <part>');
    const e5 = errorOf(() => parseScore(new Uint8Array([0x3c, 0xff, 0xfe, 0x41]), 'bin.musicxml'));
    expect(e5.message).toContain('not UTF-8 or UTF-16');
    // Entities declared in a DOCTYPE are refused, never expanded (no billion laughs); XML's own are decoded.
    const laughs = `<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>\n<score-partwise><part id="P1"><measure number="1"><attributes><divisions>1</divisions></attributes><note><pitch><step>C</step><octave>4</octave></pitch><duration>1</duration><lyric><text>&lol2; &amp; &#x3042;</text></lyric></note></measure></part></score-partwise>`;
    const bomb = errorOf(() => parseScore(bytes(laughs), 'lol.musicxml'));
    expect(bomb.message).toBe('lol.musicxml:3: not well-formed XML: undefined entity.');
    const plain = laughs.replace('&lol2; ', '');
    expect(parseScore(bytes(plain), 'ok.musicxml').notes[0]!.lyric).toBe('& あ');
    // A file that never gives <divisions> is read in quarter notes, and says so.
    const undivided = parseScore(bytes('<score-partwise><part id="P1"><measure number="1">\n<note><pitch><step>A</step><octave>4</octave></pitch><duration>2</duration><lyric><text>la</text></lyric></note></measure></part></score-partwise>'), 'u.musicxml');
    expect(undivided.notes.map((n) => [n.tick, n.durationTicks, n.pitch])).toEqual([[0, 960, 69]]);
    expect(undivided.warnings).toContain('u.musicxml:2: measure 1: a note comes before any <divisions>; durations read as quarter notes');
  });
});
