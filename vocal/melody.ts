// The sung pitch: how a singer moves between the written notes. Pure functions of the notes.
// - Legato steps glide over the portamento time, centred just before the beat, with a small
//   preparation against the direction of a wide leap and an overshoot past the new note that
//   settles within about 80 ms.
// - A note after a rest is approached from a little below (a scoop); a phrase's last note falls
//   away at its release.
// - Vibrato rises naturally on every note long enough to carry it: it waits, then grows to its
//   full depth; a creator's tuned vibrato (from the score) replaces it.
// - A tuned pitch curve from the score (UTAU/OpenUtau/Vocaloid pitch data) replaces the automatic
//   glides wherever it is present.

import type { VocalNote, VoiceSettings } from '../show-files/src/timeline.ts';
import { addPoint, emptyCurve, type Curve } from './dsp/curve.ts';

/** A note with the creator's tuning (dynamics, vibrato) where the score had it. */
export type TunedNote = VocalNote;

export interface PitchPlan {
  pitch: Curve;
  vibratoDepth: Curve;
  vibratoRate: Curve;
}

/** Notes closer than this are sung legato (one breath, a glide between them). */
export const LEGATO_GAP = 0.08;
const SAMPLE = 0.005;
const SCOOP = 0.45;
const SCOOP_TIME = 0.07;
const FALL = 0.6;
const FALL_TIME = 0.07;
const OVERSHOOT_SHARE = 0.12;
/**
 * How long an overshoot takes to settle. 120 ms kept short notes off their pitch through most of
 * their middle (Praat, voice bench: a median of 9.9 cents within notes; 80 ms: 3.5).
 */
const OVERSHOOT_TIME = 0.08;

function smoothstep(x: number): number {
  const u = Math.min(1, Math.max(0, x));
  return u * u * (3 - 2 * u);
}

/** A bump 0 -> 1 -> 0 over [0, 1]. */
function bump(x: number): number {
  return x <= 0 || x >= 1 ? 0 : Math.sin(Math.PI * x);
}

/** The automatic melody at time t inside note i (or in the gap after it). */
function autoPitch(notes: readonly VocalNote[], i: number, t: number, portamento: number): number {
  const note = notes[i]!;
  let p = note.pitch;
  const prev = notes[i - 1];
  const next = notes[i + 1];
  const len = note.end - note.time;
  if (prev && note.time - prev.end < LEGATO_GAP) {
    const d = note.pitch - prev.pitch;
    const width = Math.min(portamento * (1 + Math.abs(d) / 12), 0.4 * Math.min(len, prev.end - prev.time));
    const from = note.time - 0.6 * width;
    const to = from + width;
    if (t < to) p = prev.pitch + d * smoothstep((t - from) / width);
    const over = Math.max(-0.7, Math.min(0.7, d * OVERSHOOT_SHARE));
    if (t >= to) p += over * bump((t - to) / OVERSHOOT_TIME);
  } else {
    p -= SCOOP * (1 - smoothstep((t - note.time) / SCOOP_TIME));
  }
  if (next && next.time - note.end < LEGATO_GAP) {
    const d = next.pitch - note.pitch;
    const width = Math.min(portamento * (1 + Math.abs(d) / 12), 0.4 * Math.min(len, next.end - next.time));
    const from = next.time - 0.6 * width;
    // Preparation: a slight move away from a wide leap just before it.
    if (Math.abs(d) >= 3) p -= 0.06 * d * bump((t - (from - 0.08)) / 0.08);
    if (t >= from) p = note.pitch + d * smoothstep((t - from) / width);
  } else {
    p -= FALL * smoothstep((t - (note.end - FALL_TIME)) / FALL_TIME);
  }
  return p;
}

/** Index of the note sounding (or last sounded) at t; -1 before the first. */
function noteIndexAt(notes: readonly VocalNote[], t: number, hint: number): number {
  let i = Math.max(0, hint);
  while (i + 1 < notes.length && notes[i + 1]!.time - 0.6 * LEGATO_GAP <= t) i++;
  return notes.length && t >= notes[0]!.time - 0.5 ? i : -1;
}

/** Tuned pitch offset (cents) from a score's pitch curve, or undefined outside it. */
function tunedCents(curve: readonly { time: number; cents: number }[], t: number, hint: { i: number }): number | undefined {
  const n = curve.length;
  if (n < 2 || t < curve[0]!.time || t > curve[n - 1]!.time) return undefined;
  let i = hint.i;
  if (curve[i]!.time > t) i = 0;
  while (i + 1 < n - 1 && curve[i + 1]!.time <= t) i++;
  hint.i = i;
  const a = curve[i]!;
  const b = curve[i + 1]!;
  return b.time > a.time ? a.cents + ((b.cents - a.cents) * (t - a.time)) / (b.time - a.time) : a.cents;
}

export function planPitch(notes: readonly TunedNote[], voice: VoiceSettings, from: number, to: number, tuned?: readonly { time: number; cents: number }[]): PitchPlan {
  const pitch = emptyCurve();
  const vibratoDepth = emptyCurve();
  const vibratoRate = emptyCurve();
  if (notes.length === 0) {
    addPoint(pitch, from, 60);
    return { pitch, vibratoDepth, vibratoRate };
  }
  // Pitch: sampled every SAMPLE seconds (glides, scoops and overshoots are smooth shapes).
  let hint = 0;
  const curveHint = { i: 0 };
  for (let t = from; t <= to + SAMPLE; t += SAMPLE) {
    const i = noteIndexAt(notes, t, hint);
    hint = Math.max(0, i);
    const note = notes[Math.max(0, i)]!;
    const cents = tuned ? tunedCents(tuned, t, curveHint) : undefined;
    addPoint(pitch, t, cents !== undefined ? note.pitch + cents / 100 : autoPitch(notes, Math.max(0, i), t, voice.portamento));
  }
  // Vibrato: depth 0 between notes, rising inside long ones.
  const base = voice.vibrato;
  addPoint(vibratoDepth, from, 0);
  addPoint(vibratoRate, from, base.rate);
  for (const note of notes) {
    const len = note.end - note.time;
    const v = note.vibrato;
    let depth: number;
    let start: number;
    let rise: number;
    let fadeOut: number;
    if (v) {
      depth = v.depth;
      start = note.time + v.delay;
      rise = v.fadeIn ?? 0.1;
      fadeOut = v.fadeOut ?? 0.05;
      addPoint(vibratoRate, note.time, v.rate);
      addPoint(vibratoRate, note.end, v.rate);
    } else {
      if (len < 0.3 || base.depth <= 0) continue;
      start = note.time + Math.min(base.delay, 0.4 * len);
      rise = Math.min(0.35, 0.4 * len);
      fadeOut = 0.06;
      // Longer notes carry a deeper vibrato, as singers let it bloom.
      depth = base.depth * (0.65 + 0.35 * Math.min(1, len / 1.5));
      addPoint(vibratoRate, note.time, base.rate * 0.94);
      addPoint(vibratoRate, note.end, base.rate * 1.04);
    }
    if (start + rise >= note.end - fadeOut) continue;
    addPoint(vibratoDepth, start, 0);
    addPoint(vibratoDepth, start + rise, depth);
    addPoint(vibratoDepth, note.end - fadeOut, depth);
    addPoint(vibratoDepth, note.end, 0);
  }
  return { pitch, vibratoDepth, vibratoRate };
}
