// Keeping song audio on the show clock: pure decisions, so they are tested without Web Audio.
// The player asks every frame where the audio should be (song offset) and where it is; if it is
// off by more than the tolerance it restarts the source at the right offset.

export const DRIFT_TOLERANCE_S = 0.015;

export interface AudioPosition {
  /** Index of the song the source plays, -1 when silent. */
  song: number;
  /** Offset into the song's audio the source is at now, seconds. */
  offset: number;
}

export type AudioAction =
  | { kind: 'none' }
  | { kind: 'stop' }
  | { kind: 'start'; song: number; offset: number };

/**
 * @param wanted where the audio should be now ({song: -1} for silence: paused, between songs, no audio)
 * @param actual where the playing source is now ({song: -1} when none plays)
 */
export function audioAction(wanted: AudioPosition, actual: AudioPosition, tolerance = DRIFT_TOLERANCE_S): AudioAction {
  if (wanted.song < 0) return actual.song < 0 ? { kind: 'none' } : { kind: 'stop' };
  if (actual.song !== wanted.song || Math.abs(actual.offset - wanted.offset) > tolerance) {
    return { kind: 'start', song: wanted.song, offset: wanted.offset };
  }
  return { kind: 'none' };
}
