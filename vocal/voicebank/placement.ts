// What alias choice hands the wavtool: which oto entry sings which part of which note, and when;
// shared by the Japanese (CV, VCV, CVVC) and the English (ARPAsing pair) choosers.

import type { VoiceBank } from './bank.ts';
import type { OtoEntry } from './oto.ts';
import { affixesAt } from './prefix-map.ts';

export interface Placement {
  /** Index of the sung note in the track. */
  note: number;
  kind: 'cv' | 'vcv' | 'vc' | 'alias' | 'pair';
  entry: OtoEntry;
  /** Show time the entry's preutterance lands on (the note's beat, or a mora's share of it). */
  time: number;
  /** Show time this placement's own part of the note ends (the next placement takes over there). */
  end: number;
  /** Pitch of the note, for the prefix map. */
  pitch: number;
  /** The consonant(s) of the mora, for lip-sync timing, and its vowel ('n' for ん). */
  onset: string[];
  vowel: string;
}

export interface AliasChoice {
  placements: Placement[];
  /** Aliases wanted and missing (sung with a fallback), each once. */
  missing: string[];
  /** Notes that could not be sung at all, with why. */
  unsung: string[];
  /** True when the placements follow the phonemizer's phones exactly (an English pair bank): lip-sync keeps them. */
  phoneTimed?: boolean;
}

/** The entry for an alias at a pitch: prefix.map's prefix and suffix first, then the bare alias. */
export function lookupAlias(bank: VoiceBank, alias: string, pitch: number): OtoEntry | undefined {
  const { prefix, suffix } = affixesAt(bank.prefixMap, pitch);
  return (prefix || suffix ? bank.entry(prefix + alias + suffix) : undefined) ?? bank.entry(alias);
}
