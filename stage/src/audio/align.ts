// Keeping song audio on the show clock: pure decisions, so they are tested without Web Audio.
// Every frame the player says where the audio is and where the show clock wants it. Small drift
// (more than a few ms) is pulled back by playing a little faster or slower, which is inaudible;
// a big jump (a seek, a stall) restarts the sources at the right offset.

/** Drift below this is left alone (s). */
export const DRIFT_DEADBAND_S = 0.004;
/** Drift above this restarts the sources (s). */
export const RESTART_S = 0.1;
/** Largest speed change used to pull drift back (±2 %: a 50 ms drift closes in about 5 s). */
export const MAX_RATE_NUDGE = 0.02;

export interface AudioPosition {
  /** Index of the song the source plays, -1 when silent. */
  song: number;
  /** Offset into the song's audio the source is at now, seconds. */
  offset: number;
}

export type AudioAction =
  | { kind: 'none' }
  | { kind: 'stop' }
  | { kind: 'start'; song: number; offset: number }
  | { kind: 'rate'; rate: number };

/**
 * @param wanted where the audio should be now ({song: -1} for silence: paused, between songs, no audio)
 * @param actual where the playing source is now ({song: -1} when none plays)
 * @param rate the playback rate the source runs at now
 */
export function audioAction(wanted: AudioPosition, actual: AudioPosition, rate = 1): AudioAction {
  if (wanted.song < 0) return actual.song < 0 ? { kind: 'none' } : { kind: 'stop' };
  if (actual.song !== wanted.song) return { kind: 'start', song: wanted.song, offset: wanted.offset };
  const drift = actual.offset - wanted.offset;
  if (Math.abs(drift) > RESTART_S) return { kind: 'start', song: wanted.song, offset: wanted.offset };
  // Ahead: slow down; behind: speed up; proportional, so it settles without overshoot.
  const target = Math.abs(drift) <= DRIFT_DEADBAND_S ? 1 : 1 - Math.max(-MAX_RATE_NUDGE, Math.min(MAX_RATE_NUDGE, drift * 0.4));
  return Math.abs(target - rate) > 1e-4 ? { kind: 'rate', rate: target } : { kind: 'none' };
}
