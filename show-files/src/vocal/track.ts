// Builds a song's vocal track from its score: notes in absolute seconds and the timed phonemes
// that drive lip-sync and the singing synthesizer.

import type { Score } from '../score/model.ts';
import type { VocalTrack, VoiceSettings } from '../timeline.ts';
import { phonemizeNotes } from './phonemize.ts';

/**
 * @param toSeconds maps a tick of the score (at the score's resolution) to absolute show seconds.
 */
export function buildVocalTrack(score: Score, toSeconds: (tick: number) => number, voice: VoiceSettings): VocalTrack {
  const notes = score.notes.map((n) => ({
    time: toSeconds(n.tick),
    end: toSeconds(n.tick + n.durationTicks),
    pitch: n.pitch + voice.transpose,
    lyric: n.lyric,
  }));
  const { phonemes, warnings } = phonemizeNotes(notes, voice, { songStart: toSeconds(0) });
  return { notes, phonemes, warnings: [...score.warnings, ...warnings] };
}

/** The voice's defaults, for shows (a song's `voice` block overrides each) and for scores sung on their own. */
export const DEFAULT_VOICE: VoiceSettings = {
  transpose: 0,
  gainDb: 0,
  vibrato: { depth: 0.3, rate: 5.5, delay: 0.3 },
  portamento: 0.06,
  formantShift: 0,
  preutterance: 0.1,
};
