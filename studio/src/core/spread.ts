// "Lyrics for the phrase": one line of text spread over the selected notes, the way singers write
// lyrics into a piano roll. Japanese goes mora by mora (small kana stay with the kana before them;
// っ, ん and ー are morae of their own); romaji and English go word by word, an English word taking
// one note per syllable with `+` continuations after it (the engine sings one syllable per note).
// `+` in the text is a continuation note; `hel-lo` is split where the creator put the hyphen.

import { englishSyllables } from '../../../vocal/english.ts';
import { hasKana, isStrictRomaji } from '../../../vocal/japanese.ts';

export interface Spread {
  /** One lyric per note, in order (notes beyond the text keep singing the last syllable: `+`). */
  lyrics: string[];
  language: 'ja' | 'en';
  /** Syllables that found no note. */
  leftOver: string[];
  /** Notes the text did not reach (filled with `+`). */
  unfilled: number;
}

const SMALL_KANA = /^[ぁぃぅぇぉゃゅょゎゕゖァィゥェォャュョヮヵヶ]$/u;
const CONTINUATION = /^[+~\-ー]$/;

/** Splits kana text into morae: きゃ is one, っ/ん/ー are one each; `+` and spaces separate. */
export function kanaMorae(text: string): string[] {
  const out: string[] = [];
  for (const token of text.split(/\s+/).filter(Boolean)) {
    if (token === '+') {
      out.push('+');
      continue;
    }
    for (const ch of token) {
      if (SMALL_KANA.test(ch) && out.length > 0 && out[out.length - 1] !== '+') out[out.length - 1] += ch;
      else out.push(ch);
    }
  }
  return out;
}

/** English (or romaji) words to per-note lyrics: "beautiful" -> beautiful + +, "hel-lo" -> hel- lo. */
export function englishNotes(text: string): string[] {
  const out: string[] = [];
  for (const token of text.split(/\s+/).filter(Boolean)) {
    if (CONTINUATION.test(token)) {
      out.push('+');
      continue;
    }
    if (token.includes('-') && !token.startsWith('-')) {
      const pieces = token.split('-').filter(Boolean);
      pieces.forEach((piece, i) => out.push(i < pieces.length - 1 ? `${piece}-` : piece));
      continue;
    }
    out.push(token);
    if (isStrictRomaji(token)) continue;
    const { syllables } = englishSyllables(token);
    for (let i = 1; i < syllables.length; i++) out.push('+');
  }
  return out;
}

export function spreadLyrics(text: string, noteCount: number): Spread {
  const language = hasKana(text) ? 'ja' : 'en';
  const words = text.split(/\s+/).filter(Boolean);
  const romaji = language === 'en' && words.length > 0 && words.every((w) => w === '+' || isStrictRomaji(w));
  let pieces = language === 'ja' ? kanaMorae(text) : romaji ? words : englishNotes(text);
  // A word whose extra syllables run past the last note is sung whole on the notes that are left.
  if (pieces.length > noteCount) {
    const trailing = pieces.slice(noteCount);
    if (trailing.every((p) => p === '+')) pieces = pieces.slice(0, noteCount);
  }
  const lyrics = pieces.slice(0, noteCount);
  const leftOver = pieces.slice(noteCount);
  const unfilled = Math.max(0, noteCount - lyrics.length);
  for (let i = 0; i < unfilled; i++) lyrics.push('+');
  return { lyrics, language: romaji ? 'ja' : language, leftOver, unfilled };
}
