// prefix.map: which prefix and suffix an alias gets at each pitch, so a bank recorded at several
// pitches sings each note from the nearest recording. UTAU writes one line per note name, from
// B7 down to C1: `C4<TAB>prefix<TAB>suffix`.

import { VoiceBankError } from './errors.ts';
import { bankTextLines } from './text.ts';

export interface PrefixMap {
  /** MIDI note number -> prefix and suffix. */
  byPitch: Map<number, { prefix: string; suffix: string }>;
}

const NOTE_NAMES: Record<string, number> = { C: 0, 'C#': 1, D: 2, 'D#': 3, E: 4, F: 5, 'F#': 6, G: 7, 'G#': 8, A: 9, 'A#': 10, B: 11 };

/** `C4` = 60, as UTAU names notes. */
export function noteNumber(name: string): number | undefined {
  const m = /^([A-G]#?)(-?\d)$/.exec(name.trim());
  if (!m) return undefined;
  return NOTE_NAMES[m[1]!]! + 12 * (Number(m[2]) + 1);
}

export function parsePrefixMap(bytes: Uint8Array, source = 'prefix.map'): PrefixMap {
  const byPitch = new Map<number, { prefix: string; suffix: string }>();
  bankTextLines(bytes).lines.forEach((raw, index) => {
    if (raw.trim() === '') return;
    const [name = '', prefix = '', suffix = ''] = raw.split('\t');
    const pitch = noteNumber(name);
    if (pitch === undefined) throw new VoiceBankError(source, `"${name.trim()}" is not a note name (expected C1 .. B7, tab, prefix, tab, suffix)`, index + 1);
    byPitch.set(pitch, { prefix, suffix });
  });
  return { byPitch };
}

/** The prefix and suffix for a note (rounded to the nearest semitone); none when the map has no line for it. */
export function affixesAt(map: PrefixMap | undefined, pitch: number): { prefix: string; suffix: string } {
  return map?.byPitch.get(Math.round(pitch)) ?? { prefix: '', suffix: '' };
}
