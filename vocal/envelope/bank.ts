// The envelope voice's diphone bank: for every pair of neighbouring phones of a female speaking
// voice, the spectral envelopes from the middle of the first phone to the middle of the second,
// one frame every 10 ms (reflection coefficients and level; scripts/voice/build-envelope-bank.ts
// measures them). Stored as 16-bit numbers in base64 (bank-data.ts) and decoded on first use, in
// Node and in a browser alike.

import { BANK_DATA, BANK_NAMES } from './bank-data.ts';

/** Sample rate the envelopes were measured at, and the one the envelope voice renders at inside. */
export const BANK_RATE = 22050;
/** Seconds between frames. */
export const BANK_HOP = 0.01;
/** Reflection coefficients a frame. */
export const BANK_ORDER = 22;
/** Numbers a frame: the coefficients, then the natural log of the level. */
export const FRAME_SIZE = BANK_ORDER + 1;

export interface EnvelopeUnit {
  /** Frames (FRAME_SIZE numbers each) from the first phone's middle to the second's. */
  frames: Float64Array[];
  /** Index of the frame at the boundary between the two phones. */
  edge: number;
}

const K_SCALE = 32767;
const GAIN_SCALE = 1000;

export function encodeBank(units: Map<string, EnvelopeUnit>): { names: string; data: Uint8Array } {
  const size = [...units.values()].reduce((n, u) => n + 2 + u.frames.length * FRAME_SIZE * 2, 0);
  const data = new Uint8Array(size);
  const view = new DataView(data.buffer);
  let at = 0;
  for (const unit of units.values()) {
    if (unit.frames.length > 255) throw new Error('a unit longer than 255 frames');
    data[at++] = unit.frames.length;
    data[at++] = unit.edge;
    for (const f of unit.frames) {
      for (let j = 0; j < BANK_ORDER; j++, at += 2) view.setInt16(at, Math.round(Math.max(-1, Math.min(1, f[j]!)) * K_SCALE), true);
      view.setInt16(at, Math.round(Math.max(-32, Math.min(32, f[BANK_ORDER]!)) * GAIN_SCALE), true);
      at += 2;
    }
  }
  return { names: [...units.keys()].join(' '), data };
}

function fromBase64(text: string): Uint8Array {
  if (typeof Buffer !== 'undefined') return new Uint8Array(Buffer.from(text, 'base64'));
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/**
 * A bank read from its bytes. Units are decoded when first asked for: a song needs a few hundred
 * of the bank's thousand and more, and a fresh process sings once.
 */
export class EnvelopeBank {
  private readonly offsets = new Map<string, number>();
  private readonly decoded = new Map<string, EnvelopeUnit>();
  private readonly view: DataView;

  constructor(
    names: string,
    private readonly data: Uint8Array,
  ) {
    this.view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    let at = 0;
    for (const name of names ? names.split(' ') : []) {
      this.offsets.set(name, at);
      at += 2 + data[at]! * FRAME_SIZE * 2;
    }
    if (at !== data.length) throw new Error('envelope bank: data and names disagree');
  }

  get size(): number {
    return this.offsets.size;
  }

  has(name: string): boolean {
    return this.offsets.has(name);
  }

  /** Unit names, "a-b", in the bank's order. */
  names(): IterableIterator<string> {
    return this.offsets.keys();
  }

  get(name: string): EnvelopeUnit | undefined {
    let unit = this.decoded.get(name);
    if (unit) return unit;
    let at = this.offsets.get(name);
    if (at === undefined) return undefined;
    const n = this.data[at++]!;
    const edge = this.data[at++]!;
    const frames: Float64Array[] = [];
    for (let i = 0; i < n; i++) {
      const f = new Float64Array(FRAME_SIZE);
      for (let j = 0; j < BANK_ORDER; j++, at += 2) f[j] = this.view.getInt16(at, true) / K_SCALE;
      f[BANK_ORDER] = this.view.getInt16(at, true) / GAIN_SCALE;
      at += 2;
      frames.push(f);
    }
    unit = { frames, edge };
    this.decoded.set(name, unit);
    return unit;
  }

  *[Symbol.iterator](): IterableIterator<[string, EnvelopeUnit]> {
    for (const name of this.offsets.keys()) yield [name, this.get(name)!];
  }
}

let bank: EnvelopeBank | undefined;

/** The bundled bank. */
export function envelopeBank(): EnvelopeBank {
  bank ??= new EnvelopeBank(BANK_NAMES, fromBase64(BANK_DATA));
  return bank;
}
