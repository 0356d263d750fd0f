// The voice bench's own test songs: the line spans it cuts each render into (lineSpans) hold
// exactly their line's notes and cut only in rests, clear of this voice's early consonants.

import { describe, expect, it } from 'vitest';
import { RES, TEST_SONGS, lineSpans, lyricsText, scoreJson, songNotes } from '../../bench/voice/songs.ts';
import { parseScore } from '../../show-files/src/score/index.ts';
import { standaloneVocal } from '../../vocal/standalone.ts';

describe('test songs cut into lines', () => {
  for (const song of TEST_SONGS) {
    it(`${song.id}: one span per line, back to back, each holding its own notes and cut in a rest`, () => {
      const spans = lineSpans(song);
      const seconds = 60 / song.bpm / RES;
      const notes = songNotes(song).map((n) => ({ start: n.tick * seconds, end: (n.tick + n.length) * seconds }));
      expect(spans.map((s) => s.text).join('\n') + '\n').toBe(lyricsText(song));
      expect(spans[0]!.start).toBe(0);
      for (let k = 1; k < spans.length; k++) expect(spans[k]!.start).toBeCloseTo(spans[k - 1]!.end, 9);
      let held = 0;
      spans.forEach((span) => {
        const inside = notes.filter((n) => n.start >= span.start && n.end <= span.end);
        // Every syllable of the line is a note inside its span; no note crosses a cut.
        expect(inside.length).toBe(span.text.split(/\s+/).length + (song.lines[spans.indexOf(span)]!.match(/-/g)?.length ?? 0));
        held += inside.length;
        for (const n of notes) expect(n.start < span.end && n.end > span.end && n.start > span.start).toBe(false);
        // A quarter of a beat or more of rest on each side of the line's notes (room for consonants sung early).
        expect(inside[0]!.start - span.start >= 0.25 * RES * seconds || span.start === 0).toBe(true);
        expect(span.end - inside[inside.length - 1]!.end).toBeGreaterThanOrEqual(0.25 * RES * seconds);
      });
      expect(held).toBe(notes.length);
      // This voice's phonemes (consonants sung before the beat included) stay 0.1 s clear of every cut.
      const { track } = standaloneVocal(parseScore(Buffer.from(scoreJson(song)), `${song.id}.json`));
      for (const p of track.phonemes) {
        const span = spans.find((x) => p.time >= x.start && p.time < x.end)!;
        if (span.start > 0) expect(p.time - span.start).toBeGreaterThan(0.1);
        expect(span.end - p.end).toBeGreaterThan(0.1);
      }
    });
  }
});
