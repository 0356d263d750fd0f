// SMPTE linear timecode (LTC), encoded from the spec (SMPTE 12M): one 80-bit word per frame, sent
// least significant bit first, biphase mark coded (the level flips at every bit boundary, and a 1
// flips it again mid-bit), ending in the sync word 0011 1111 1111 1101. The word for frame F spans
// exactly the time of frame F. Pure: bits and samples, no I/O.
//
// Bit layout (bit 0 first): 0-3 frame units, 8-9 frame tens, 10 drop frame, 11 colour frame,
// 16-19 seconds units, 24-26 seconds tens, 32-35 minutes units, 40-42 minutes tens, 48-51 hours
// units, 56-57 hours tens, 64-79 sync word; user bits in 4-7, 12-15, ... 60-63 (left 0 here).
// The biphase polarity bit is 27 at 24/30 fps and 59 at 25 fps (where 27 and 43 are the binary
// group flags); it makes the count of zeros even, so every word starts on the same edge.

import { framesPerSecond, frameToTimecode, type MtcRate, type Timecode } from './timecode.ts';

export const LTC_BITS = 80;
/** Bits 64-79 in the order they are sent. */
export const LTC_SYNC = [0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1] as const;

function put(bits: Uint8Array, at: number, width: number, value: number): void {
  for (let i = 0; i < width; i++) bits[at + i] = (value >> i) & 1;
}

/** The 80 bits of one LTC word, in sending order. */
export function ltcWord(tc: Timecode, rate: MtcRate): Uint8Array {
  const bits = new Uint8Array(LTC_BITS);
  put(bits, 0, 4, tc.frames % 10);
  put(bits, 8, 2, Math.floor(tc.frames / 10));
  bits[10] = rate === 29.97 ? 1 : 0;
  put(bits, 16, 4, tc.seconds % 10);
  put(bits, 24, 3, Math.floor(tc.seconds / 10));
  put(bits, 32, 4, tc.minutes % 10);
  put(bits, 40, 3, Math.floor(tc.minutes / 10));
  put(bits, 48, 4, tc.hours % 10);
  put(bits, 56, 2, Math.floor(tc.hours / 10));
  for (let i = 0; i < 16; i++) bits[64 + i] = LTC_SYNC[i]!;
  const polarity = rate === 25 ? 59 : 27;
  let zeros = 0;
  for (const b of bits) if (b === 0) zeros++;
  // bits[polarity] is 0 now: setting it to 1 removes one zero.
  if (zeros % 2 === 1) bits[polarity] = 1;
  return bits;
}

export interface LtcSignal {
  rate: MtcRate;
  /** Frame count (since 00:00:00:00) of the first word. */
  startFrame: number;
  frames: number;
  sampleRate: number;
  /** Peak level, 0-1 (default 0.5, about -6 dBFS). */
  amplitude?: number;
}

/**
 * The LTC audio of `frames` consecutive words. Each sample holds the mean of the ideal square wave
 * over its own interval, so an edge that falls between two samples keeps its exact time (a bit is
 * 20.02 samples at 29.97 fps and 48 kHz) and the edges are one sample long, near the spec's 25 µs.
 */
export function ltcSamples(s: LtcSignal): Float32Array<ArrayBuffer> {
  const fps = framesPerSecond(s.rate);
  const samplesPerBit = s.sampleRate / (fps * LTC_BITS);
  const total = Math.round((s.frames / fps) * s.sampleRate);
  const out = new Float32Array(total);
  const amp = s.amplitude ?? 0.5;
  // Edges as sample positions, in order; the level starts low and flips at each one.
  const edges: number[] = [];
  for (let f = 0; f < s.frames; f++) {
    const word = ltcWord(frameToTimecode(s.startFrame + f, s.rate), s.rate);
    for (let b = 0; b < LTC_BITS; b++) {
      const start = (f * LTC_BITS + b) * samplesPerBit;
      edges.push(start);
      if (word[b]) edges.push(start + samplesPerBit / 2);
    }
  }
  let level = -1;
  let e = 0;
  for (let n = 0; n < total; n++) {
    // Integrate the square wave over [n, n + 1).
    let acc = 0;
    let from = n;
    while (e < edges.length && edges[e]! < n + 1) {
      acc += level * (edges[e]! - from);
      from = edges[e]!;
      level = -level;
      e++;
    }
    acc += level * (n + 1 - from);
    out[n] = amp * acc;
  }
  return out;
}
