// Lip-sync timings from the same placement as the audio: a note's consonants open where its sample
// starts sounding them (the VC's consonant point in a CVVC bank, the CV sample's start, or the VCV
// sample's consonant before the beat), and the vowel before closes there.

import type { Phoneme } from '../../show-files/src/timeline.ts';
import { isSyllabic } from '../phones.ts';
import type { PlacedSample } from './wavtool.ts';

export function placedPhonemes(phonemes: readonly Phoneme[], placed: readonly PlacedSample[]): Phoneme[] {
  const out = phonemes.map((p) => ({ ...p }));
  const consonantStart = new Map<number, number>();
  placed.forEach((p, k) => {
    if (p.kind === 'vc' || consonantStart.has(p.note) || p.onset.length === 0) return;
    const before = placed[k - 1];
    if (before?.kind === 'vc') consonantStart.set(p.note, before.time);
    else if (p.kind === 'vcv') consonantStart.set(p.note, p.time - Math.max(0, p.preutterance - p.overlap));
    else consonantStart.set(p.note, p.start);
  });
  for (const [note, start] of consonantStart) {
    const vowel = out.find((ph) => ph.note === note && isSyllabic(ph.symbol));
    const onset = vowel ? out.filter((ph) => ph.note === note && ph.time < vowel.time) : [];
    if (onset.length === 0 || start >= vowel!.time) continue;
    const from = onset[0]!.time;
    const to = vowel!.time;
    // The consonants keep their proportions inside the span the sample gives them.
    const scale = (to - start) / (to - from);
    for (const ph of onset) {
      ph.time = start + (ph.time - from) * scale;
      ph.end = start + (ph.end - from) * scale;
    }
    for (const ph of out) {
      if (ph.note === note) continue;
      // The sound before closes where this note's consonant now starts (earlier or later).
      if ((ph.end > start && ph.time < start) || (Math.abs(ph.end - from) < 1e-9 && start > from)) ph.end = start;
    }
  }
  return out.filter((p) => p.end - p.time > 1e-9).sort((a, b) => a.time - b.time);
}
