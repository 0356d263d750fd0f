// Builds a song's vocal track from its score: notes in absolute seconds and the timed phonemes
// that drive lip-sync and the singing synthesizer.

import type { Score } from '../score/model.ts';
import type { VocalTrack, VoiceSettings } from '../timeline.ts';

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
  // Phonemes are produced by the phonemizer (vocal engine issue).
  return { notes, phonemes: [], warnings: [...score.warnings] };
}
