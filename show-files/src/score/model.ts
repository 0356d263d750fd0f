// One score model for every importer (.ust, .ustx, .mid, MusicXML, .vsqx, .vpr, the project's
// JSON). Positions are in ticks at the score's own resolution; seconds come from the tempo map, once.

import type { TempoPoint, TimeSignature } from '../tempo.ts';

export type ScoreFormat = 'ust' | 'ustx' | 'mid' | 'json' | 'musicxml' | 'vsqx' | 'vpr';

export interface NoteVibrato {
  /** Depth: half the peak-to-peak swing, in semitones. */
  depth: number;
  /** Rate in Hz. */
  rate: number;
  /** Seconds from the note's start before vibrato begins (UST VBR length% converts to this). */
  delay: number;
  /** Seconds over which the depth rises from 0 (fade in) and falls back at the end (fade out). */
  fadeIn?: number;
  fadeOut?: number;
}

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
  /** Loudness relative to normal (1 = the voice's normal level): UST Intensity/100, USTX vol × dyn, Vocaloid DYN.
   *  (UTAU/OpenUtau/Vocaloid "velocity" is the consonant's speed, not loudness, and is not mapped.) */
  dynamics?: number;
  /** Vibrato as tuned by the creator; replaces the voice's automatic vibrato on this note.
   *  Depth 0: the file tunes vibrato elsewhere and gives this note none. */
  vibrato?: NoteVibrato;
  /** Phonemes set by hand in the source tool (Vocaloid's locked or protected phonemes), in the
   *  vocal engine's symbols: sung instead of the lyric's own pronunciation. */
  phonemes?: string[];
}

export interface Score {
  format: ScoreFormat;
  /** Ticks per quarter note. */
  resolution: number;
  tempo: TempoPoint[];
  timeSignature: TimeSignature;
  notes: ScoreNote[];
  /** Tuned pitch as an offset from the written notes, in cents, at absolute score ticks (linear between points).
   *  Where present (between its first and last point) it replaces the engine's automatic glides between notes.
   *  UST PBS/PBW/PBY/PBM mode2 portamento, USTX pitd curves, Vocaloid PIT/PBS are all converted to this.
   *  The written note at a tick is the note sounding there; between notes, the next note (see pitch-curve.ts).
   *  Two points at one tick make a step (the written pitch changes there while the sung pitch glides). */
  pitchCurve?: { tick: number; cents: number }[];
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

/** Choices for files that hold more than one vocal line (MusicXML parts, voices and verses). */
export interface ScoreImportOptions {
  /** Part id ("P1") or part name ("Soprano"); default: the first part with lyrics. */
  part?: string;
  /** Voice number within the part; default: the voice with the most lyrics. */
  voice?: string;
  /** Verse (lyric number) to sing; default: verse n on the n-th pass through a repeat, else the first verse. */
  verse?: string;
}
