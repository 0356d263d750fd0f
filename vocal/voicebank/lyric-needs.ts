// `voice inspect --lyrics FILE`: which aliases a lyric needs that the bank lacks. The lyric is sung
// on made-up notes (one per word, or per hyphenated piece: "ev-er-y"; a line break is a rest),
// through the same alias choice as a song, so the answer is what the song would warn about.

import type { VocalNote } from '../../show-files/src/timeline.ts';
import { phonemizeNotes } from '../phonemize.ts';
import { DEFAULT_VOICE } from '../track.ts';
import { chooseSamples } from './aliases.ts';
import { arpasingPhones, phoneDiphones } from './arpasing.ts';
import type { VoiceBank } from './bank.ts';

export interface LyricNeeds {
  /** Distinct aliases the lyric asks for (phone pairs for an English bank). */
  needed: number;
  /** Those the bank lacks (sung with a fallback), and lyrics it cannot sing at all. */
  missing: string[];
  unsung: string[];
}

/** Notes for a lyric text: 0.4 s per word or hyphenated piece, a 1 s rest at each line break. */
export function lyricNotes(text: string): VocalNote[] {
  const notes: VocalNote[] = [];
  let t = 0.5;
  for (const line of text.split(/\r?\n/)) {
    const words = line.trim().split(/\s+/).filter(Boolean);
    if (words.length === 0) continue;
    for (const word of words) {
      const pieces = word.split('-').filter(Boolean);
      pieces.forEach((p, k) => {
        notes.push({ time: t, end: t + 0.4, pitch: 65, lyric: k < pieces.length - 1 ? `${p}-` : p });
        t += 0.4;
      });
    }
    t += 1;
  }
  return notes;
}

/** The English phone pairs ("- s", "s ih", "ih ng", ...) a lyric is sung with, in order of first use. */
export function lyricPairs(text: string): string[] {
  const { phonemes } = phonemizeNotes(lyricNotes(text), DEFAULT_VOICE, { language: 'en' });
  return [...new Set(phoneDiphones(arpasingPhones(phonemes)).map((d) => d.alias))];
}

export function lyricNeeds(bank: VoiceBank, text: string): LyricNeeds {
  const notes = lyricNotes(text);
  const { phonemes } = phonemizeNotes(notes, DEFAULT_VOICE);
  const choice = chooseSamples(notes, bank, phonemes);
  const needed = choice.phoneTimed
    ? new Set(phoneDiphones(arpasingPhones(phonemes)).map((d) => d.alias))
    : new Set([...choice.placements.map((p) => p.entry.alias), ...choice.missing]);
  return { needed: needed.size, missing: choice.missing, unsung: choice.unsung };
}
