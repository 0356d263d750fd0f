// A song's vocal track when a voicebank sings it: the same notes, the phonemes re-timed from the
// samples' placement (only oto.ini timing is needed, no audio; an English pair bank places its
// samples on the phonemes' own times), and the bank's alias warnings.

import type { VocalTrack } from '../../show-files/src/timeline.ts';
import { chooseSamples } from './aliases.ts';
import type { VoiceBank } from './bank.ts';
import { placedPhonemes } from './phonemes.ts';
import { placeSamples } from './wavtool.ts';

export function bankVocalTrack(track: VocalTrack, bank: VoiceBank): VocalTrack {
  const choice = chooseSamples(track.notes, bank, track.phonemes);
  const warnings = [...track.warnings, ...choice.unsung];
  if (choice.missing.length) warnings.push(`voicebank "${bank.displayName}" lacks ${choice.missing.length} alias(es), sung with fallbacks: ${choice.missing.join(', ')}`);
  // An English pair bank is placed on the phones themselves: their timing already is the placement's.
  const phonemes = choice.phoneTimed ? track.phonemes : placedPhonemes(track.phonemes, placeSamples(choice.placements));
  return { ...track, phonemes, warnings };
}
