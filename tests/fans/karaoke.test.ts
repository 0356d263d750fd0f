// Karaoke lines from phoneme timings (pure): syllables start with their first phoneme, melismas
// extend the syllable they continue, rests break lines, and the highlight follows show time.
import { describe, expect, it } from 'vitest';
import { karaokeAt, lineAround, lyricLines, LEAD_IN } from '../../client/lyrics.ts';
import { cleanLyric } from '../../vocal/lyrics.ts';
import type { Timeline } from '../../show-files/src/timeline.ts';
import { stageTimeline } from '../stage/harness.ts';

function song(notes: { time: number; end: number; lyric: string }[], phonemes: { time: number; end: number; note: number }[] = []): Pick<Timeline, 'songs'> {
  const base = stageTimeline().songs[0]!;
  return {
    songs: [{
      ...base,
      tracks: {
        ...base.tracks,
        vocal: { notes: notes.map((n) => ({ ...n, pitch: 60 })), phonemes: phonemes.map((p) => ({ ...p, symbol: 'x' })), warnings: [] },
      },
    }],
  };
}

describe('lyricLines', () => {
  it('times syllables by their phonemes (the consonant leads the note) and breaks lines at rests', () => {
    const lines = lyricLines(stageTimeline());
    // "ka" 1.0-2.2 | a 1.4 s rest breaks the line | "mi" 3.6-4.4, a 0.6 s rest keeps it | "a" 5.0-5.8
    expect(lines.map((l) => l.syllables.map((s) => s.text).join(''))).toEqual(['ka', 'mia']);
    expect(lines[0]!.syllables[0]).toMatchObject({ start: 1.0, end: 2.2 });
    const lead = lyricLines(song([{ time: 1, end: 2, lyric: 'sa' }], [{ time: 0.93, end: 1, note: 0 }, { time: 1, end: 1.9, note: 0 }]));
    expect(lead[0]!.syllables[0]).toMatchObject({ start: 0.93, end: 2 });
  });

  it('folds melismas into the syllable they extend and spaces English words, not kana', () => {
    const lines = lyricLines(song([
      { time: 0, end: 0.5, lyric: 'city' }, { time: 0.5, end: 1, lyric: '+' }, { time: 1, end: 1.5, lyric: 'fa-' }, { time: 1.5, end: 2, lyric: 'ding' },
      { time: 4, end: 4.4, lyric: 'よ' }, { time: 4.4, end: 4.8, lyric: 'る' },
    ]));
    expect(lines).toHaveLength(2);
    expect(lines[0]!.syllables.map((s) => [s.text, s.start, s.end, s.space])).toEqual([['city', 0, 1, true], ['fa', 1, 1.5, false], ['ding', 1.5, 2, true]]);
    expect(lines[1]!.syllables.map((s) => [s.text, s.space])).toEqual([['よ', false], ['る', false]]);
  });
});

describe('karaokeAt', () => {
  const lines = lyricLines(song([
    { time: 10, end: 10.5, lyric: 'ha' }, { time: 10.5, end: 11, lyric: 'ro' }, { time: 11, end: 12, lyric: 'o' },
    { time: 14, end: 15, lyric: 'ne' },
  ]));

  it('shows a line ahead, highlights syllable by syllable, and moves on', () => {
    expect(karaokeAt(lines, 0)).toMatchObject({ line: -1, next: 0 });
    expect(karaokeAt(lines, 10 - LEAD_IN + 0.1)).toMatchObject({ line: 0, sung: 0, active: -1 });
    const mid = karaokeAt(lines, 10.25);
    expect(mid).toMatchObject({ line: 0, sung: 1, active: 0, next: 1 });
    expect(mid.progress).toBeCloseTo(0.5);
    expect(karaokeAt(lines, 10.75)).toMatchObject({ line: 0, sung: 2, active: 1 });
    expect(karaokeAt(lines, 11.9)).toMatchObject({ line: 0, sung: 3, active: 2 });
    // Between lines: the last one stays until the next is due (its lead-in started at 12).
    expect(karaokeAt(lines, 12.2)).toMatchObject({ line: 1, sung: 0, active: -1 });
    expect(karaokeAt(lines, 14.5)).toMatchObject({ line: 1, sung: 1, active: 0, next: -1 });
    expect(karaokeAt(lines, 30)).toMatchObject({ line: -1 });
  });
});

describe('one lyric line for the viewer and the desk', () => {
  it('folds exactly the notes the vocal engine sings as a held vowel, and draws no rest', () => {
    // The two pages used to disagree: "+~", "〜", "…" and "_" lit a syllable of their own on the
    // viewer, "ー" and "~" did on the desk. The rule is now the engine's cleanLyric.
    const marks = ['+', '-', '~', 'ー', '〜', '+~', '+*', '+-', '…', '_'];
    for (const mark of marks) {
      expect(cleanLyric(mark).continuation).toBe(true);
      const [line] = lyricLines(song([{ time: 0, end: 1, lyric: 'la' }, { time: 1, end: 2, lyric: mark }, { time: 2, end: 3, lyric: 'lu' }]));
      expect(line!.syllables.map((s) => [s.text, s.end]), mark).toEqual([['la', 2], ['lu', 3]]);
    }
    const rests = lyricLines(song([{ time: 0, end: 1, lyric: 'か' }, { time: 1, end: 1.2, lyric: 'R' }, { time: 1.2, end: 2, lyric: 'な' }]));
    expect(rests.flatMap((l) => l.syllables.map((s) => s.text))).toEqual(['か', 'な']);
    // A voicebank's suffix and VCV prefix are not shown: the sung text is.
    const clean = lyricLines(song([{ time: 0, end: 1, lyric: 'a か_C4' }, { time: 1, end: 2, lyric: 'なR' }]));
    expect(clean[0]!.syllables.map((s) => s.text)).toEqual(['か', 'な']);
  });

  it('gives the desk the phrase being sung with its lit syllable, or the next phrase in a rest', () => {
    const lines = lyricLines(song([
      { time: 0, end: 0.5, lyric: 'sa' }, { time: 0.5, end: 1, lyric: 'ku' }, { time: 1, end: 1.5, lyric: '-' }, { time: 1.5, end: 2, lyric: 'ra' },
      { time: 8, end: 8.5, lyric: 'yo' }, { time: 8.5, end: 9, lyric: 'ru' },
    ]));
    const text = (t: number) => {
      const a = lineAround(lines, t);
      return { words: a.line?.syllables.map((s) => s.text) ?? [], lit: a.active };
    };
    expect(text(0.7)).toEqual({ words: ['sa', 'ku', 'ra'], lit: 1 });
    // The held "-" keeps "ku" lit.
    expect(text(1.2)).toEqual({ words: ['sa', 'ku', 'ra'], lit: 1 });
    // Deep in the rest (past the linger, before the lead-in) the next phrase waits, nothing lit.
    expect(text(4.5)).toEqual({ words: ['yo', 'ru'], lit: -1 });
    expect(text(8.6)).toEqual({ words: ['yo', 'ru'], lit: 1 });
    expect(lineAround([], 3)).toEqual({ line: null, active: -1 });
  });
});
