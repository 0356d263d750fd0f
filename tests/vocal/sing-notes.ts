// Notes sung on their own for acoustic tests: phonemized from the song's start, rendered whole,
// with `at(t)` giving a show time's sample index in the render.
import { phonemizeNotes } from '../../vocal/phonemize.ts';
import { renderVocalSync } from '../../vocal/render.ts';
import type { VocalNote, VoiceSettings } from '../../show-files/src/timeline.ts';

export function singNotes(notes: VocalNote[], voice: VoiceSettings) {
  const { phonemes, warnings } = phonemizeNotes(notes, voice, { songStart: 0 });
  const track = { notes, phonemes, warnings };
  const out = renderVocalSync(track, voice);
  const at = (t: number) => Math.round((t - out.start) * out.sampleRate);
  return { track, out, at };
}
