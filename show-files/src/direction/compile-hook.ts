// Where auto-direction meets the compiler: the automatic cues go into the parts of the motion and
// camera tracks that no written cue covers. Written cues always win: an automatic cue survives only
// before a track's first written cue, or (motion) after its last written cue has ended, where the
// automatic motion playing at that moment picks up. Times here are absolute show seconds.

import type { LoadedSong } from '../load.ts';
import type { CameraEvent, ExpressionEvent, MotionEvent } from '../timeline.ts';
import { moodOf } from './direct.ts';
import { directScore } from './index.ts';

/** A motion event before its end is settled: `duration` as written (or chosen), seconds. */
export type DraftMotion = MotionEvent & { duration?: number };

const round = (t: number): number => Math.round(t * 1e6) / 1e6;
const EPS = 1e-6;
/** Written motion ending less than this before the song does covers the rest (no automatic tail). */
export const MIN_GAP = 2;

/** Each motion ends at its own duration or where the next one starts, whichever is first. */
export function settleMotionEnds(events: DraftMotion[], songEnd: number): DraftMotion[] {
  return events.map((e, k, all) => ({ ...e, end: round(Math.min(songEnd, e.duration !== undefined ? e.time + e.duration : (all[k + 1]?.time ?? songEnd), all[k + 1]?.time ?? songEnd)) }));
}

/**
 * Written motion (ends settled) plus the automatic motion before the first written cue and after
 * the last one ends. Pauses between written cues are the author's (the base dance plays there).
 */
export function fillMotion(written: DraftMotion[], auto: DraftMotion[], songEnd: number): DraftMotion[] {
  if (written.length === 0) return auto;
  if (auto.length === 0) return written;
  const from = written[0]!.time;
  let to = Math.max(...written.map((e) => e.end));
  if (songEnd - to < MIN_GAP) to = songEnd;
  const kept = auto.filter((e) => e.time < from - EPS || e.time >= to - EPS);
  if (to < songEnd && !kept.some((e) => Math.abs(e.time - to) < EPS)) {
    // The automatic motion playing when the written part ends picks up from there.
    let playing: DraftMotion | undefined;
    for (const e of auto) if (e.time <= to + EPS && (e.duration === undefined || e.time + e.duration > to + EPS)) playing = e;
    if (playing) kept.push({ ...playing, time: to, ...(playing.duration !== undefined ? { duration: round(playing.time + playing.duration - to) } : {}) });
  }
  return [...written, ...kept].sort((a, b) => a.time - b.time || (a.auto ? 1 : 0) - (b.auto ? 1 : 0));
}

/** Written camera cues direct from their first cue on; the automatic ones fill the time before. */
export function fillCamera(written: CameraEvent[], auto: CameraEvent[]): CameraEvent[] {
  if (written.length === 0) return auto;
  const first = written[0]!.time;
  return [...auto.filter((e) => e.time < first - EPS), ...written];
}

export interface AutoTracks {
  motion: DraftMotion[];
  camera: CameraEvent[];
  expressions: ExpressionEvent[];
}

/** The automatic cues a song needs: none when its written cues already direct it all and no tag sets a mood. */
export function autoDirect(song: LoadedSong, start: number, writtenMotion: readonly DraftMotion[], writtenCamera: readonly CameraEvent[]): AutoTracks {
  const end = start + song.duration;
  const motionDone = writtenMotion.length > 0 && writtenMotion[0]!.time <= start + EPS && Math.max(...writtenMotion.map((e) => e.end)) >= end - MIN_GAP;
  const cameraDone = writtenCamera.length > 0 && writtenCamera[0]!.time <= start + EPS;
  const tags = song.data.tags ?? [];
  if (motionDone && cameraDone && !moodOf(tags)) return { motion: [], camera: [], expressions: [] };
  const { direction } = directScore(song.score, song.tempo, song.duration, tags);
  return {
    motion: motionDone ? [] : direction.motion.map((m) => ({ time: round(start + m.time), end: 0, clip: m.clip, blend: m.blend, cue: -1, auto: m.reason, ...(m.duration !== undefined ? { duration: m.duration } : {}) })),
    camera: cameraDone ? [] : direction.camera.map((c) => ({ time: round(start + c.time), end: 0, shot: c.shot, move: c.move, cue: -1, auto: c.reason })),
    expressions: direction.expressions.map((x, cue) => ({ time: round(start + x.time), end: round(start + x.end), expression: x.expression, weight: x.weight, cue, auto: x.reason })),
  };
}
