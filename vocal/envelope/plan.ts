// The envelope voice's planner: a vocal track's timed phonemes become a track of spectral
// envelopes, one frame every 10 ms, by joining diphone units from the bank (bank.ts). Each phone
// takes the second half of the unit that enters it and the first half of the unit that leaves
// it, at their natural speed where the phone is long enough (a sung vowel holds between them) and
// squeezed where it is not. A diphthong holds its first quality and glides at the end of the note,
// when its second vowel is due. Pure numbers, like the rest of a SynthPlan.

import type { Phoneme } from '../../show-files/src/timeline.ts';
import { BANK_HOP, BANK_ORDER, BANK_RATE, FRAME_SIZE, envelopeBank, type EnvelopeBank, type EnvelopeUnit } from './bank.ts';

/** The envelope voice's part of a plan: what dsp/envelope-synth.ts renders. */
export interface EnvelopeTrack {
  /** Sample rate the synth renders at inside (and resamples from): the bank's, scaled by the formant shift. */
  rate: number;
  /** Seconds between frames; frame 0 is at the plan's start. */
  hop: number;
  order: number;
  /** ENVELOPE_STRIDE numbers a frame: reflection coefficients, log level, voicing 0..1. */
  frames: Float32Array;
  /** The breath's amplitude against the pulses' (dsp/envelope-synth.ts, BREATH when absent). */
  breath?: number;
}

export const ENVELOPE_STRIDE = FRAME_SIZE + 1;
/** Log level of a frame with nothing to say (a rest): far under any phone. */
export const SILENT_LEVEL = -30;

/** Our phone symbols in the bank's names (Festival's ARPAbet), where they differ. */
const BANK_NAME: Record<string, string> = { a: 'aa', e: 'eh', i: 'iy', o: 'ow', h: 'hh', j: 'jh' };
/** Two vowels on one note that are one English diphthong. */
const DIPHTHONGS: Record<string, string> = { 'a ih': 'ay', 'e ih': 'ey', 'o uh': 'ow', 'a uh': 'aw', 'o ih': 'oy' };
/** How much of a phone is voiced: pulses, noise, or a mix (voiced fricatives). */
const VOICELESS = new Set(['p', 't', 'k', 'f', 'th', 's', 'sh', 'ch', 'hh', 'pau']);
const MIXED = new Set(['v', 'dh', 'z', 'zh', 'jh']);
export const voicingOf = (phone: string): number => (VOICELESS.has(phone) ? 0 : MIXED.has(phone) ? 0.6 : 1);

interface Phone {
  name: string;
  start: number;
  end: number;
  /** The score's vocal track note it belongs to (a rest: none). */
  note?: number;
  /** A diphthong's glide: when its second vowel begins. */
  glide?: number;
}

/** The bank's name for each phoneme, diphthongs joined; undefined when a phoneme has none. */
export function bankPhones(phonemes: readonly Phoneme[], bank: EnvelopeBank = envelopeBank()): Phone[] | undefined {
  const known = knownPhones(bank);
  const out: Phone[] = [];
  for (let i = 0; i < phonemes.length; i++) {
    const p = phonemes[i]!;
    const next = phonemes[i + 1];
    const prev = out[out.length - 1];
    if (prev && p.time - prev.end > 1e-4) out.push({ name: 'pau', start: prev.end, end: p.time });
    const diphthong = next && next.note === p.note && Math.abs(next.time - p.end) < 1e-6 ? DIPHTHONGS[`${p.symbol} ${next.symbol}`] : undefined;
    if (diphthong) {
      out.push({ name: diphthong, start: p.time, end: next!.end, glide: next!.time, note: p.note });
      i++;
      continue;
    }
    const name = BANK_NAME[p.symbol] ?? p.symbol;
    if (!known.has(name)) return undefined;
    out.push({ name, start: p.time, end: p.end, note: p.note });
  }
  return out;
}

const knownCache = new WeakMap<EnvelopeBank, Set<string>>();
function knownPhones(bank: EnvelopeBank): Set<string> {
  let set = knownCache.get(bank);
  if (!set) {
    set = new Set([...bank.names()].flatMap((k) => k.split('-')));
    knownCache.set(bank, set);
  }
  return set;
}

/**
 * Phones close enough to stand in for each other in a pair the bank lacks: the schwa (ax, which
 * the voice never asks for itself: it sings it as /ʌ/) for /ʌ/, a vowel for its neighbour, a
 * fricative for its voiced or voiceless twin. The pair's transition then stays a natural one.
 */
const STAND_INS: Record<string, string[]> = {
  ah: ['ax'], aa: ['ao'], ao: ['aa'], ih: ['iy'], iy: ['ih'], uh: ['uw'], uw: ['uh'], eh: ['ae'], ae: ['eh'], er: ['r'],
  s: ['z'], z: ['s'], f: ['v'], v: ['f'], th: ['dh'], dh: ['th'], sh: ['zh'], zh: ['sh'], ch: ['jh'], jh: ['ch'],
  p: ['b'], b: ['p'], t: ['d'], d: ['t'], k: ['g'], g: ['k'], m: ['n'], n: ['m'], ng: ['n'], w: ['uw'], y: ['iy'],
};

/**
 * The unit from a to b; where the bank lacks the pair, the pair with a stand-in for one side (or
 * both), and failing that a's half of some unit leaving a joined to b's half of some unit entering b.
 */
function unit(bank: EnvelopeBank, a: string, b: string): EnvelopeUnit {
  const hit = bank.get(`${a}-${b}`);
  if (hit) return hit;
  const as = STAND_INS[a] ?? [];
  const bs = STAND_INS[b] ?? [];
  for (const [x, y] of [...bs.map((y) => [a, y]), ...as.map((x) => [x, b]), ...as.flatMap((x) => bs.map((y) => [x, y]))]) {
    const near = bank.get(`${x}-${y}`);
    if (near) return near;
  }
  let from: EnvelopeUnit | undefined;
  let into: EnvelopeUnit | undefined;
  for (const key of bank.names()) {
    const [x, y] = key.split('-');
    if (!from && x === a) from = bank.get(key);
    if (!into && y === b) into = bank.get(key);
    if (from && into) break;
  }
  if (!from || !into) throw new Error(`envelope bank has no unit for ${a} or ${b}`);
  return { frames: [...from.frames.slice(0, from.edge + 1), ...into.frames.slice(into.edge + 1)], edge: from.edge };
}

interface Key {
  time: number;
  frame: Float64Array;
  voicing: number;
}

/** Key frames of one phone: its entering and leaving half-units placed in its time span. */
function phoneKeys(phone: Phone, entering: EnvelopeUnit, leaving: EnvelopeUnit, voicing: number): Key[] {
  const left = entering.frames.slice(entering.edge);
  const right = leaving.frames.slice(0, leaving.edge + 1);
  const nl = left.length - 1;
  const nr = right.length - 1;
  const span = (phone.end - phone.start) / BANK_HOP;
  const keys: Key[] = [];
  const at = (time: number, frame: Float64Array) => keys.push({ time, frame, voicing });
  if (phone.glide === undefined) {
    const scale = Math.min(1, span / Math.max(1, nl + nr));
    left.forEach((f, i) => at(phone.start + i * scale * BANK_HOP, f));
    right.forEach((f, i) => at(phone.end - (nr - i) * scale * BANK_HOP, f));
    return keys;
  }
  // A diphthong: the entering half's first part gives the first quality, held until the glide;
  // then the rest of the way to the phone's middle and the leaving half, over the glide's time.
  const hold = Math.floor(nl / 2);
  const head = left.slice(0, hold + 1);
  const tail = [...left.slice(hold), ...right];
  const glideSpan = (phone.end - phone.glide) / BANK_HOP;
  const headScale = Math.min(1, (phone.glide - phone.start) / BANK_HOP / Math.max(1, hold));
  head.forEach((f, i) => at(phone.start + i * headScale * BANK_HOP, f));
  const tailScale = Math.min(1, glideSpan / Math.max(1, tail.length - 1));
  tail.forEach((f, i) => at(phone.end - (tail.length - 1 - i) * tailScale * BANK_HOP, f));
  return keys;
}

export interface EnvelopeOptions {
  /** Scales each note (1 = the speaker's own level): the score's dynamics. */
  loudness?: (note: number) => number;
  /** Semitones the resonances move (the voice's formantShift): positive is brighter, younger. */
  formantShift?: number;
  bank?: EnvelopeBank;
}

/** Internal rates are whole multiples of this, so the resampler's phases stay few. */
const RATE_STEP = 50;

/**
 * The envelope track of a vocal track over [start, end) seconds; undefined when the bank can't
 * sing it. A formant shift runs the synth at a scaled rate: every resonance of the envelopes moves
 * by the same ratio, while pitch and timing, set in seconds and hertz, stay.
 */
export function planEnvelope(phonemes: readonly Phoneme[], start: number, end: number, options: EnvelopeOptions = {}): EnvelopeTrack | undefined {
  const { loudness = () => 1, formantShift = 0, bank = envelopeBank() } = options;
  const phones = bankPhones(phonemes, bank);
  if (!phones || phones.length === 0) return undefined;
  const seq: Phone[] = [{ name: 'pau', start, end: phones[0]!.start }, ...phones, { name: 'pau', start: phones[phones.length - 1]!.end, end }];
  const count = Math.max(1, Math.ceil((end - start) / BANK_HOP) + 1);
  const frames = new Float32Array(count * ENVELOPE_STRIDE);
  for (let f = 0; f < count; f++) frames[f * ENVELOPE_STRIDE + BANK_ORDER] = SILENT_LEVEL;
  for (let i = 0; i < seq.length; i++) {
    const phone = seq[i]!;
    if (phone.end - phone.start <= 0) continue;
    const prev = seq[i - 1]?.name ?? 'pau';
    const next = seq[i + 1]?.name ?? 'pau';
    if (phone.name === 'pau') {
      // A rest: the sound dies away after the phone before it and gathers before the next, each at
      // natural speed within its half of the rest; the rest between stays silent.
      const half = (phone.end - phone.start) / 2;
      if (i > 0) {
        const u = unit(bank, prev, 'pau');
        const tail = u.frames.slice(u.edge).filter((_, k) => k * BANK_HOP <= half);
        const stop = phone.start + (tail.length - 1) * BANK_HOP;
        fill(frames, tail.map((frame, k) => ({ time: phone.start + k * BANK_HOP, frame, voicing: 0 })), phone.start, stop + 1e-6, start);
      }
      if (i + 1 < seq.length) {
        const u = unit(bank, 'pau', next);
        const lead = u.frames.slice(0, u.edge + 1).filter((_, k, all) => (all.length - 1 - k) * BANK_HOP <= half);
        const from = phone.end - (lead.length - 1) * BANK_HOP;
        fill(frames, lead.map((frame, k) => ({ time: from + k * BANK_HOP, frame, voicing: 0 })), from, phone.end, start);
      }
      continue;
    }
    const keys = phoneKeys(phone, unit(bank, prev, phone.name), unit(bank, phone.name, next), voicingOf(phone.name));
    fill(frames, keys, phone.start, phone.end, start, Math.log(Math.max(1e-3, loudness(phone.note!))));
  }
  const rate = Math.round((BANK_RATE * Math.pow(2, formantShift / 12)) / RATE_STEP) * RATE_STEP;
  return { rate, hop: BANK_HOP, order: BANK_ORDER, frames };
}

/** Writes the frames whose times fall in [from, to): each linearly between the keys around it. */
function fill(frames: Float32Array, keys: Key[], from: number, to: number, start: number, levelOffset = 0): void {
  if (keys.length === 0) return;
  keys.sort((a, b) => a.time - b.time);
  const count = frames.length / ENVELOPE_STRIDE;
  let k = 0;
  for (let f = Math.max(0, Math.ceil((from - start) / BANK_HOP - 1e-9)); f < count; f++) {
    const t = start + f * BANK_HOP;
    if (t >= to - 1e-9) break;
    while (k + 1 < keys.length && keys[k + 1]!.time <= t) k++;
    const a = keys[k]!;
    const b = keys[Math.min(k + 1, keys.length - 1)]!;
    const w = b.time > a.time ? Math.min(1, Math.max(0, (t - a.time) / (b.time - a.time))) : 0;
    const base = f * ENVELOPE_STRIDE;
    for (let j = 0; j < FRAME_SIZE; j++) frames[base + j] = a.frame[j]! + w * (b.frame[j]! - a.frame[j]!);
    frames[base + BANK_ORDER] += levelOffset;
    frames[base + FRAME_SIZE] = a.voicing + w * (b.voicing - a.voicing);
  }
}
