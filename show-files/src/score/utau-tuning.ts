// UTAU / OpenUtau tuning into the score model. Both tools describe a note's pitch as points in
// milliseconds from the note's start and tenths of a semitone from its written pitch, each with a
// shape for the way to the next point (UST PBS/PBW/PBY/PBM "mode2"; USTX `pitch.data`), and a
// vibrato as percentages of the note (VBR; USTX `vibrato`). They are read as OpenUtau renders
// them: the points are held flat to the note's start and end, and a first point that snaps to
// the previous note begins at that note's pitch when the two notes touch.

import type { TempoMap } from '../tempo.ts';
import type { NoteVibrato, ScoreNote } from './model.ts';
import { drawShapedInto, type CurvePoint, type Ease, type ShapedPoint } from './pitch-curve.ts';
import { addOffsetPiece, PiecePool, scoreCurve } from './curve-pieces.ts';

export interface UtauPitchPoint {
  /** Milliseconds from the note's start. */
  x: number;
  /** Tenths of a semitone from the note's written pitch. */
  y: number;
  shape: Ease;
}

export interface UtauVibrato {
  /** Percent of the note, at its end, that has vibrato. */
  length: number;
  /** Milliseconds per cycle. */
  period: number;
  /** Cents (half the swing). */
  depth: number;
  /** Fade in / out, percent of the vibrato's length. */
  fadeIn: number;
  fadeOut: number;
  /** Phase (percent of a cycle) and centre shift (percent of depth): not in the model. */
  shift: number;
  drift: number;
}

export interface UtauTuning {
  points?: UtauPitchPoint[];
  /** The first point starts at the previous note's pitch when that note ends where this one starts. */
  snapFirst: boolean;
  vibrato?: UtauVibrato;
}

/** UST PBM letters: "" S-curve, s straight, r eases out (decelerating), j eases in (accelerating). */
export function ustShape(letter: string): Ease {
  switch (letter.trim()) {
    case 's':
      return 'linear';
    case 'r':
      return 'sineOut';
    case 'j':
      return 'sineIn';
    default:
      return 'sineInOut';
  }
}

/** USTX point shapes: io, l, i, o (sp, a spline, is drawn as io). */
export function ustxShape(name: unknown): Ease {
  switch (name) {
    case 'l':
      return 'linear';
    case 'i':
      return 'sineIn';
    case 'o':
      return 'sineOut';
    default:
      return 'sineInOut';
  }
}

/** VBR=length,period,depth,in,out,shift,drift (missing fields as UTAU's defaults). */
export function parseVbr(value: string): UtauVibrato | undefined {
  // Number() ignores the white space around a field; an empty field is 0, a missing one the default.
  const f = value.split(',');
  const v: UtauVibrato = { length: field(f, 0, 0), period: field(f, 1, 175), depth: field(f, 2, 25), fadeIn: field(f, 3, 10), fadeOut: field(f, 4, 10), shift: field(f, 5, 0), drift: field(f, 6, 0) };
  return v.length > 0 && v.period > 0 && v.depth > 0 ? v : undefined;
}

function field(fields: readonly string[], i: number, fallback: number): number {
  const n = i < fields.length ? Number(fields[i]) : NaN;
  return Number.isFinite(n) ? n : fallback;
}

/** A UTAU vibrato in the model's terms (seconds), for a note lasting `seconds`. */
export function vibratoToModel(v: UtauVibrato, seconds: number): NoteVibrato {
  const length = Math.min(100, Math.max(0, v.length)) / 100;
  const span = seconds * length;
  const fadeIn = Math.min(100, Math.max(0, v.fadeIn)) / 100;
  const fadeOut = Math.min(100 - fadeIn * 100, Math.max(0, v.fadeOut)) / 100;
  return { depth: v.depth / 100, rate: 1000 / Math.min(500, Math.max(5, v.period)), delay: seconds - span, fadeIn: span * fadeIn, fadeOut: span * fadeOut };
}

/** The vibrato a note gets when the creator tuned vibrato on other notes but not on this one. */
export const NO_VIBRATO: NoteVibrato = { depth: 0, rate: 5.5, delay: 0 };

/** One note's points drawn into `region` as an absolute pitch region (cents = MIDI × 100) over ticks. */
export function drawNotePitchRegion(region: PiecePool, note: ScoreNote, prev: ScoreNote | undefined, tuning: UtauTuning, map: TempoMap): void {
  const points = tuning.points;
  if (!points || points.length < 2) return;
  const start = map.secondsAt(note.tick);
  const end = note.tick + note.durationTicks;
  const base = note.pitch * 100;
  const snapTo = prev && prev.tick + prev.durationTicks === note.tick ? (prev.pitch - note.pitch) * 10 : 0;
  const shaped: ShapedPoint[] = [];
  let ordered = true;
  for (let i = 0; i < points.length; i++) {
    const p = points[i]!;
    const y = i === 0 && tuning.snapFirst ? snapTo : p.y;
    const tick = map.tickAt(start + p.x / 1000);
    if (i > 0 && !(tick >= shaped[i - 1]!.tick)) ordered = false;
    shaped.push({ tick, cents: base + y * 10, shape: p.shape });
  }
  if (!ordered) shaped.sort((a, b) => a.tick - b.tick);
  // Held flat to the note's start and end, as OpenUtau draws them.
  if (shaped[0]!.tick > note.tick) shaped.unshift({ tick: note.tick, cents: shaped[0]!.cents, shape: 'linear' });
  const last = shaped[shaped.length - 1]!;
  if (last.tick < end) shaped.push({ tick: end, cents: last.cents, shape: 'linear' });
  drawShapedInto(region, shaped);
}

/**
 * The score's pitch curve from each note's tuning plus extra offset pieces (a USTX pitd curve),
 * and each note's vibrato. Notes must be the final, sorted list.
 */
export function applyUtauTuning(
  notes: ScoreNote[],
  tuningOf: (note: ScoreNote) => UtauTuning | undefined,
  map: TempoMap,
  extraOffsets: CurvePoint[][],
  warnings: string[],
  file: string,
): CurvePoint[] | undefined {
  // About a dozen points per tuned note (eased segments drawn as straight pieces).
  let extra = 0;
  for (const piece of extraOffsets) extra += piece.length;
  const pieces = new PiecePool(extra + 16 * notes.length);
  for (const extra of extraOffsets) pieces.addPoints(extra);
  const region = new PiecePool(64);
  let vibratos = 0;
  let phased = 0;
  for (let i = 0; i < notes.length; i++) {
    const note = notes[i]!;
    const tuning = tuningOf(note);
    if (!tuning) continue;
    region.clear();
    drawNotePitchRegion(region, note, notes[i - 1], tuning, map);
    addOffsetPiece(pieces, region, 0, region.size, notes);
    if (tuning.vibrato) {
      note.vibrato = vibratoToModel(tuning.vibrato, map.secondsAt(note.tick + note.durationTicks) - map.secondsAt(note.tick));
      vibratos++;
      if (tuning.vibrato.shift !== 0 || tuning.vibrato.drift !== 0) phased++;
    }
  }
  // A file with tuned vibratos sings the others without one (the creator chose none there).
  if (vibratos > 0) for (const note of notes) note.vibrato ??= { ...NO_VIBRATO };
  if (phased > 0) warnings.push(`${file}: vibrato phase (shift) and centre (drift) on ${phased} note${phased === 1 ? '' : 's'} not kept; depth, rate, length and fades are`);
  const curve = scoreCurve(pieces);
  pieces.release();
  region.release();
  return curve;
}
