// Note names <-> MIDI numbers. Scientific pitch notation with C4 = 60 (the convention of UTAU,
// OpenUtau and most DAWs).

const STEP_SEMITONES: Record<string, number> = { C: 0, D: 2, E: 4, F: 5, G: 7, A: 9, B: 11 };
const SHARP_NAMES = ['C', 'C#', 'D', 'D#', 'E', 'F', 'F#', 'G', 'G#', 'A', 'A#', 'B'];

/** "C#4", "Eb3", "a-1", "C♯5" -> MIDI number, or undefined when the text is not a pitch name. */
export function pitchFromName(name: string): number | undefined {
  const m = /^([A-Ga-g])([#♯b♭]*)(-?\d+)$/.exec(name.trim());
  if (!m) return undefined;
  let semis = STEP_SEMITONES[m[1]!.toUpperCase()]!;
  for (const ch of m[2]!) semis += ch === '#' || ch === '♯' ? 1 : -1;
  const midi = (Number(m[3]) + 1) * 12 + semis;
  return midi >= 0 && midi <= 127 ? midi : undefined;
}

/** 61 -> "C#4". */
export function pitchName(midi: number): string {
  const rounded = Math.round(midi);
  return `${SHARP_NAMES[((rounded % 12) + 12) % 12]}${Math.floor(rounded / 12) - 1}`;
}

/** Frequency in Hz of a (possibly fractional) MIDI pitch, A4 = 440 Hz. */
export function pitchToHz(midi: number): number {
  return 440 * Math.pow(2, (midi - 69) / 12);
}
