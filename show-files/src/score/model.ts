// One score model for every importer (.ust, .ustx, .mid, the project's JSON). Positions are in
// ticks at the score's own resolution; seconds come from the tempo map, once.

import type { TempoPoint, TimeSignature } from '../tempo.ts';

export type ScoreFormat = 'ust' | 'ustx' | 'mid' | 'json';

export interface ScoreNote {
  /** Start in ticks from the beginning of the score. */
  tick: number;
  durationTicks: number;
  /** MIDI note number (60 = C4). */
  pitch: number;
  /** Lyric as written by the fan: kana, romaji, an English word or syllable, `+`/`-` continuations. */
  lyric: string;
  /** Where the note came from, for error messages: a line number in text formats, an index otherwise. */
  source?: { line?: number; index?: number; part?: number };
}

export interface Score {
  format: ScoreFormat;
  /** Ticks per quarter note. */
  resolution: number;
  tempo: TempoPoint[];
  timeSignature: TimeSignature;
  notes: ScoreNote[];
  /** Non-fatal findings (unknown lyric, overlapping notes trimmed, ...). */
  warnings: string[];
}

/** A score that cannot be read: names the file and, where known, the line or note. */
export class ScoreError extends Error {
  constructor(
    readonly file: string,
    readonly detail: string,
    readonly line?: number,
  ) {
    super(`${file}${line !== undefined ? `:${line}` : ''}: ${detail}`);
    this.name = 'ScoreError';
  }
}
