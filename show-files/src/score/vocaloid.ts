// Vocaloid tuning shared by .vsqx (Vocaloid 3/4) and .vpr (Vocaloid 5/6): part controllers are
// events that hold their value until the next one. Pitch bend PIT (-8192..8191) times the bend
// range PBS (semitones, default 2) is an offset added to Vocaloid's own glides between notes, so
// where a file has pitch bends the curve gets a stand-in for those glides too. DYN (0..127,
// default 64) is loudness. Vocaloid's vibrato depth and rate are 0..127 values on a scale Yamaha
// does not publish; they are mapped approximately (documented in docs/vocal.md).

import type { TempoMap } from '../tempo.ts';
import type { NoteVibrato, ScoreNote } from './model.ts';
import { ease, type CurvePoint } from './pitch-curve.ts';
import { addOffsetPiece, PiecePool, scoreCurve } from './curve-pieces.ts';
import { NO_VIBRATO } from './utau-tuning.ts';

export interface ControlEvent {
  /** Absolute score tick. */
  tick: number;
  value: number;
}

export interface VocaloidPart {
  start: number;
  end: number;
  pit: ControlEvent[];
  pbs: ControlEvent[];
  dyn: ControlEvent[];
}

/** A note's vibrato as Vocaloid stores it: the last `ticks` of the note, 0..127 depth and rate. */
export interface VocaloidVibrato {
  ticks: number;
  depth: number;
  rate: number;
}

/** Seconds of the stand-in glide between touching notes of different pitch (centred on the beat). */
const GLIDE_SECONDS = 0.06;
const GLIDE_STEPS = 8;

/** Value held at a tick by step events (sorted), or a default before the first. */
function heldAt(events: readonly ControlEvent[], tick: number, fallback: number): number {
  let lo = 0;
  let hi = events.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (events[mid]!.tick <= tick) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found < 0 ? fallback : events[found]!.value;
}

function sorted(events: ControlEvent[]): ControlEvent[] {
  return events.filter((e) => Number.isFinite(e.tick) && Number.isFinite(e.value)).sort((a, b) => a.tick - b.tick);
}

/** A part's pitch bend as a step curve of cents over the part, added to `into` (nothing when it never bends). */
function addBendPiece(into: PiecePool, part: VocaloidPart): boolean {
  const pit = sorted(part.pit);
  const pbs = sorted(part.pbs);
  if (!pit.some((e) => e.value !== 0)) return false;
  const ticks = [part.start];
  for (const e of pit) ticks.push(e.tick);
  for (const e of pbs) ticks.push(e.tick);
  ticks.sort((a, b) => a - b);
  // Each distinct tick inside the part, in order; both lists are walked with the ticks (no search).
  let k = 0;
  let pitAt = 0;
  let pbsAt = 0;
  let added = 0;
  while (k < ticks.length) {
    const t = ticks[k]!;
    while (k < ticks.length && ticks[k] === t) k++;
    if (!(t >= part.start && t < part.end)) continue;
    while (pitAt < pit.length && pit[pitAt]!.tick <= t) pitAt++;
    while (pbsAt < pbs.length && pbs[pbsAt]!.tick <= t) pbsAt++;
    const raw = pitAt > 0 ? pit[pitAt - 1]!.value : 0;
    const range = Math.min(24, Math.max(0, pbsAt > 0 ? pbs[pbsAt - 1]!.value : 2));
    const cents = (raw < 0 ? raw / 8192 : raw / 8191) * range * 100;
    let until = part.end;
    for (let n = k; n < ticks.length; n++) {
      const u = ticks[n]!;
      if (u >= part.start && u < part.end) {
        until = u;
        break;
      }
    }
    into.push(t, cents);
    into.push(until, cents);
    added++;
  }
  into.close();
  return added > 0;
}

/** Glides like Vocaloid's own between touching notes, as pieces of offsets from the written notes. */
function addStandInGlides(into: PiecePool, notes: readonly ScoreNote[], map: TempoMap): void {
  const glide = new PiecePool(GLIDE_STEPS + 1);
  for (let i = 1; i < notes.length; i++) {
    const prev = notes[i - 1]!;
    const note = notes[i]!;
    if (prev.tick + prev.durationTicks !== note.tick || prev.pitch === note.pitch) continue;
    // Drawn in time, not ticks, so the glide stays centred on the beat across a tempo change.
    const at = map.secondsAt(note.tick);
    glide.clear();
    for (let s = 0; s <= GLIDE_STEPS; s++) {
      const tick = Math.min(note.tick + note.durationTicks, Math.max(prev.tick, map.tickAt(at + GLIDE_SECONDS * (s / GLIDE_STEPS - 0.5))));
      glide.push(tick, (prev.pitch + (note.pitch - prev.pitch) * ease('sineInOut', s / GLIDE_STEPS)) * 100);
    }
    addOffsetPiece(into, glide, 0, glide.size, notes);
  }
  glide.release();
}

/** The score's pitch curve from the parts' pitch bends; undefined when nothing bends. */
export function vocaloidPitchCurve(parts: readonly VocaloidPart[], notes: readonly ScoreNote[], map: TempoMap): CurvePoint[] | undefined {
  // Two points per bend event, a glide's points per note.
  let events = 0;
  for (const part of parts) events += part.pit.length + part.pbs.length + 1;
  const pieces = new PiecePool(2 * events + (GLIDE_STEPS + 3) * notes.length);
  let bends = 0;
  for (const part of parts) if (addBendPiece(pieces, part)) bends++;
  if (bends === 0 || notes.length === 0) return undefined;
  addStandInGlides(pieces, notes, map);
  const curve = scoreCurve(pieces);
  pieces.release();
  return curve;
}

/** DYN 64 is the normal level; 0 is 24 dB down, 127 is 12 dB up. */
function dynToGain(v: number): number {
  const db = v < 64 ? ((v - 64) / 64) * 24 : ((v - 64) / 63) * 12;
  return Math.pow(10, db / 20);
}

/** Each note's mean loudness under its part's DYN events (only when the file has any). */
export function applyVocaloidDynamics(parts: readonly VocaloidPart[], notes: ScoreNote[]): void {
  const withDyn = parts.filter((p) => p.dyn.length > 0).map((p) => ({ ...p, dyn: sorted(p.dyn) }));
  if (withDyn.length === 0) return;
  for (const note of notes) {
    const part = withDyn.find((p) => note.tick >= p.start && note.tick < p.end);
    if (!part) continue;
    const samples = 8;
    let sum = 0;
    for (let i = 0; i < samples; i++) sum += dynToGain(Math.min(127, Math.max(0, heldAt(part.dyn, note.tick + ((i + 0.5) * note.durationTicks) / samples, 64))));
    note.dynamics = sum / samples;
  }
}

/** Vocaloid vibrato in the model's terms (approximate depth and rate; see the file comment). */
export function vocaloidVibrato(v: VocaloidVibrato, note: ScoreNote, map: TempoMap): NoteVibrato | undefined {
  if (!(v.ticks > 0)) return undefined;
  const end = note.tick + note.durationTicks;
  const start = Math.max(note.tick, end - v.ticks);
  return {
    depth: (Math.min(127, Math.max(0, v.depth)) / 127) * 0.8,
    rate: 3 + (Math.min(127, Math.max(0, v.rate)) / 127) * 6,
    delay: map.secondsAt(start) - map.secondsAt(note.tick),
  };
}

/** Vibratos onto the final notes; when any note has one, the others sing none. */
export function applyVocaloidVibratos(notes: ScoreNote[], vibratoOf: (n: ScoreNote) => VocaloidVibrato | undefined, map: TempoMap): number {
  let count = 0;
  for (const note of notes) {
    const v = vibratoOf(note);
    const model = v ? vocaloidVibrato(v, note, map) : undefined;
    if (model) {
      note.vibrato = model;
      count++;
    }
  }
  if (count > 0) for (const note of notes) note.vibrato ??= { ...NO_VIBRATO };
  return count;
}

/** Mean of a 0..127 parameter's points (the default when there are none). */
export function meanValue(values: number[], fallback: number): number {
  const ok = values.filter((v) => Number.isFinite(v));
  return ok.length > 0 ? ok.reduce((a, b) => a + b, 0) / ok.length : fallback;
}
