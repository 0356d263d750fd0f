// A score sung on its own (CLI, benchmarks): the song starts at 0 s, seconds from the score's tempo map.

import type { Score } from '../show-files/src/score/model.ts';
import { TempoMap } from '../show-files/src/tempo.ts';
import type { VocalTrack, VoiceSettings } from '../show-files/src/timeline.ts';
import { buildVocalTrack, DEFAULT_VOICE } from './track.ts';

export interface StandaloneVocal {
  tempo: TempoMap;
  track: VocalTrack;
  /** End of the last note (or phoneme), seconds. */
  durationSeconds: number;
}

export function standaloneVocal(score: Score, voice: VoiceSettings = DEFAULT_VOICE): StandaloneVocal {
  const tempo = new TempoMap(score.tempo, score.resolution, score.timeSignature);
  const track = buildVocalTrack(score, (tick) => tempo.secondsAt(tick), voice);
  const lastNote = track.notes.reduce((m, n) => Math.max(m, n.end), 0);
  const lastPhoneme = track.phonemes.reduce((m, p) => Math.max(m, p.end), 0);
  return { tempo, track, durationSeconds: Math.max(lastNote, lastPhoneme) };
}
