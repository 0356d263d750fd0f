// Builds a song's vocal track from its score: notes in absolute seconds and the timed phonemes
// that drive lip-sync and the singing synthesizer.

import type { Score } from '../show-files/src/score/model.ts';
import type { VocalNote, VocalTrack, VoiceSettings } from '../show-files/src/timeline.ts';
import { phonemizeNotes } from './phonemize.ts';

/**
 * @param toSeconds maps a tick of the score (at the score's resolution) to absolute show seconds.
 */
export function buildVocalTrack(score: Score, toSeconds: (tick: number) => number, voice: VoiceSettings): VocalTrack {
  const notes = score.notes.map((n) => {
    const note: VocalNote = { time: toSeconds(n.tick), end: toSeconds(n.tick + n.durationTicks), pitch: n.pitch + voice.transpose, lyric: n.lyric };
    // The creator's tuning travels with the note; the synthesizer follows it where present.
    if (n.dynamics !== undefined) note.dynamics = n.dynamics;
    if (n.vibrato) note.vibrato = { ...n.vibrato };
    if (n.phonemes) note.phonemes = [...n.phonemes];
    return note;
  });
  const { phonemes, warnings } = phonemizeNotes(notes, voice, { songStart: toSeconds(0) });
  const track: VocalTrack = { notes, phonemes, warnings: [...score.warnings, ...warnings] };
  if (score.pitchCurve && score.pitchCurve.length > 0) track.pitchCurve = score.pitchCurve.map((p) => ({ time: toSeconds(p.tick), cents: p.cents }));
  return track;
}

/** The voice's defaults, for shows (a song's `voice` block overrides each) and for scores sung on their own. */
export const DEFAULT_VOICE: VoiceSettings = {
  transpose: 0,
  gainDb: 0,
  vibrato: { depth: 0.3, rate: 5.5, delay: 0.3 },
  portamento: 0.06,
  formantShift: 0,
  preutterance: 0.13,
};
