// English with an ARPAsing bank: the song's phones (from the built-in voice's phonemizer, so the
// timing is the same) sung pair by pair. Each pair sample lands its preutterance on the start of
// its second phone and sings until the next pair takes over; a phrase ends with "x -" (the
// release), which sounds for up to RELEASE_MAX after the last phone. A missing pair falls back
// to "- y" (the phone as a phrase would start it); failing that, the sample before holds on. The
// pairs missing are collected for the song's one warning.

import type { Phoneme, VocalNote } from '../../show-files/src/timeline.ts';
import { arpasingPhones, phoneDiphones } from './arpasing.ts';
import type { VoiceBank } from './bank.ts';
import { lookupAlias, type AliasChoice, type Placement } from './placement.ts';

const RELEASE_MAX = 0.25;

export function chooseEnglishSamples(notes: readonly VocalNote[], phonemes: readonly Phoneme[], bank: VoiceBank): AliasChoice {
  const missing = new Set<string>();
  const placements: Placement[] = [];
  const phraseEnds: number[] = [];
  const pairs = phoneDiphones(arpasingPhones(phonemes));
  for (const pair of pairs) {
    const pitch = notes[pair.note]?.pitch ?? 60;
    let entry = lookupAlias(bank, pair.alias, pitch);
    if (!entry) {
      missing.add(pair.alias);
      const [first, second] = pair.alias.split(' ') as [string, string];
      if (first !== '-' && second !== '-') entry = lookupAlias(bank, `- ${second}`, pitch);
    }
    if (!entry) continue;
    let end = Infinity;
    if (pair.alias.endsWith(' -')) {
      // The release: the recorded tail after the preutterance, never into the next phrase's start.
      const tail = Math.max(0, (entry.cutoff < 0 ? -entry.cutoff : entry.preutterance + 100) - entry.preutterance) / 1000;
      end = pair.time + Math.min(RELEASE_MAX, tail, pair.nextPhrase !== undefined ? 0.4 * (pair.nextPhrase - pair.time) : Infinity);
    }
    placements.push({ note: pair.note, kind: 'pair', entry, time: pair.time, end, pitch, onset: [], vowel: '' });
    phraseEnds.push(pair.phraseEnd);
  }
  // Each pair sings until the next one's beat (a skipped pair's time goes to the pair before),
  // never past its phrase.
  placements.forEach((p, k) => {
    if (p.end === Infinity) p.end = Math.max(p.time + 0.01, Math.min(placements[k + 1]?.time ?? Infinity, phraseEnds[k]!));
  });
  const unsung = pairs.length && !placements.length ? [`voicebank "${bank.displayName}" has none of the English phone pairs this song needs`] : [];
  return { placements, missing: [...missing], unsung, phoneTimed: true };
}
