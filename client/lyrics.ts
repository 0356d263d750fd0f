// The lyric line, one definition for the fans' karaoke and the operator's desk: syllables (one
// per sung note; a melisma note folded into the syllable it extends, by the vocal engine's own
// rule in cleanLyric, so what is lit is what is sung) timed by their phonemes (the consonant leads
// the note), cut into lines at rests. Pure: the pages draw what these say, the tests run in Node.

import type { Timeline } from '../show-files/src/timeline.ts';
import { cleanLyric, isRestLyric } from '../vocal/lyrics.ts';

export interface Syllable {
  text: string;
  /** Show time the syllable starts sounding (its first phoneme) and stops (its last). */
  start: number;
  end: number;
  /** A space after it when drawn (between English words). */
  space: boolean;
}

export interface LyricLine {
  song: number;
  start: number;
  end: number;
  syllables: Syllable[];
}

/** A rest longer than this starts a new line. */
export const LINE_BREAK_GAP = 0.6;
export const MAX_SYLLABLES_PER_LINE = 14;

function isLatin(text: string): boolean {
  return /^[\x20-\x7e]+$/.test(text);
}

/** Every sung line of the show, in time order. */
export function lyricLines(timeline: Pick<Timeline, 'songs'>): LyricLine[] {
  const lines: LyricLine[] = [];
  timeline.songs.forEach((song, songIndex) => {
    const { notes, phonemes } = song.tracks.vocal;
    const span = notes.map((n) => ({ start: n.time, end: n.end }));
    for (const p of phonemes) {
      const s = span[p.note];
      if (!s) continue;
      if (p.time < s.start) s.start = p.time;
      if (p.end > s.end) s.end = p.end;
    }
    let line: LyricLine | null = null;
    let last: Syllable | null = null;
    notes.forEach((note, i) => {
      const lyric = note.lyric.trim();
      if (!lyric || isRestLyric(lyric)) return;
      const { start, end } = span[i]!;
      const clean = cleanLyric(lyric);
      if (clean.continuation && last) {
        last.end = Math.max(last.end, end);
        line!.end = Math.max(line!.end, end);
        return;
      }
      if (!line || start - line.end > LINE_BREAK_GAP || line.syllables.length >= MAX_SYLLABLES_PER_LINE) {
        if (line) lines.push(line);
        line = { song: songIndex, start, end, syllables: [] };
      }
      // English hyphenation ("fa-" "ding"): the hyphen joins, it is not drawn.
      // A continuation with nothing before it in the song is drawn as written.
      const sung = clean.continuation ? lyric : clean.text;
      const joined = sung.endsWith('-') && sung.length > 1;
      const text = joined ? sung.slice(0, -1) : sung;
      last = { text, start, end, space: isLatin(text) && !joined };
      line.syllables.push(last);
      line.end = Math.max(line.end, end);
    });
    if (line) lines.push(line);
  });
  return lines.sort((a, b) => a.start - b.start);
}

export interface KaraokeState {
  /** The line to show (-1: none near). */
  line: number;
  /** Syllables of that line sung or being sung (0..n), i.e. the index of the first not yet started. */
  sung: number;
  /** The syllable being sung now (-1 between syllables). */
  active: number;
  /** How far through the active syllable, 0..1. */
  progress: number;
  /** The line after it, to show below. */
  next: number;
}

/** Show a line this long before its first syllable. */
export const LEAD_IN = 2;
/** Keep a finished line up this long (unless the next one is due). */
export const LINGER = 1;

/** Binary search: the last line starting at or before t + LEAD_IN. */
function lineAt(lines: readonly LyricLine[], t: number): number {
  let lo = 0;
  let hi = lines.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (lines[mid]!.start - LEAD_IN <= t) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

export function karaokeAt(lines: readonly LyricLine[], t: number): KaraokeState {
  let i = lineAt(lines, t);
  // The next line's lead-in has begun but this one is still being sung: stay on this one.
  while (i > 0 && t < lines[i]!.start && t <= lines[i - 1]!.end + 0.05) i--;
  if (i >= 0 && t > lines[i]!.end + LINGER && (i + 1 >= lines.length || t < lines[i + 1]!.start - LEAD_IN)) i = -1;
  if (i < 0) {
    const upcoming = lines.findIndex((l) => l.start - LEAD_IN > t);
    return { line: -1, sung: 0, active: -1, progress: 0, next: upcoming };
  }
  const syllables = lines[i]!.syllables;
  let sung = 0;
  while (sung < syllables.length && syllables[sung]!.start <= t) sung++;
  const current = syllables[sung - 1];
  const active = current && t < current.end ? sung - 1 : -1;
  const progress = current ? Math.min(1, Math.max(0, (t - current.start) / Math.max(1e-3, current.end - current.start))) : 0;
  return { line: i, sung, active, progress, next: i + 1 < lines.length ? i + 1 : -1 };
}

/** The line to show at t and the syllable lit in it: the line being sung, or the next one in a rest. */
export function lineAround(lines: readonly LyricLine[], t: number): { line: LyricLine | null; active: number } {
  const k = karaokeAt(lines, t);
  if (k.line >= 0) return { line: lines[k.line]!, active: k.active };
  return { line: k.next >= 0 ? lines[k.next]! : null, active: -1 };
}
