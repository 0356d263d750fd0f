// Auto-direction from a score: analyse the song (analyze.ts), then direct it (direct.ts).

import type { Score } from '../score/model.ts';
import { TICKS_PER_QUARTER, type TempoMap } from '../tempo.ts';
import { analyzeSong, type MusicAnalysis } from './analyze.ts';
import { directSong, type Direction } from './direct.ts';

export { analyzeSong, directSong };
export type { MusicAnalysis, Direction };

/** Analyses and directs a song from its score and tempo map (song seconds throughout). */
export function directScore(score: Score, tempo: TempoMap, duration: number, tags: readonly string[]): { analysis: MusicAnalysis; direction: Direction } {
  const scale = TICKS_PER_QUARTER / score.resolution;
  const notes = score.notes.map((n) => ({ tick: n.tick * scale, endTick: (n.tick + n.durationTicks) * scale, pitch: n.pitch, lyric: n.lyric }));
  const ticksPerBeat = (TICKS_PER_QUARTER * 4) / tempo.timeSignature.denominator;
  const clock = { secondsAt: (tick: number) => tempo.secondsAt(tick) };
  const endTick = tempo.tickAt(duration);
  const bpmView = { bpmAt: (tick: number) => bpmAtTick(tempo, tick) };
  const analysis = analyzeSong(notes, ticksPerBeat, tempo.timeSignature.numerator, endTick, bpmView);
  return { analysis, direction: directSong(analysis, clock, duration, tags) };
}

function bpmAtTick(tempo: TempoMap, tick: number): number {
  let bpm = tempo.points[0]!.bpm;
  for (const p of tempo.points) if (p.tick <= tick) bpm = p.bpm;
  return bpm;
}
