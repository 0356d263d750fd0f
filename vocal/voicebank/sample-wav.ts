// Voicebank samples: UTAU expects 16-bit, 44.1 kHz, mono PCM. Other PCM depths (8, 24, 32-bit,
// 32-bit float), stereo and other sample rates are converted (and said so); compressed formats are
// refused with the file's name.

import { VoiceBankError } from './errors.ts';

export const BANK_SAMPLE_RATE = 44100;

export interface BankSample {
  samples: Float32Array;
  /** Always BANK_SAMPLE_RATE after conversion. */
  sampleRate: number;
  /** What was converted, for `voice inspect` (empty for a standard file). */
  conversions: string[];
}

function readFrames(view: DataView, body: number, frames: number, channels: number, format: number, bits: number): Float32Array {
  const out = new Float32Array(frames);
  const bytes = bits / 8;
  for (let i = 0; i < frames; i++) {
    let sum = 0;
    for (let c = 0; c < channels; c++) {
      const at = body + (i * channels + c) * bytes;
      if (format === 3) sum += bits === 64 ? view.getFloat64(at, true) : view.getFloat32(at, true);
      else if (bits === 16) sum += view.getInt16(at, true) / 32768;
      else if (bits === 8) sum += (view.getUint8(at) - 128) / 128;
      else if (bits === 24) sum += ((view.getUint8(at) | (view.getUint8(at + 1) << 8) | (view.getInt8(at + 2) << 16)) / 8388608);
      else sum += view.getInt32(at, true) / 2147483648;
    }
    out[i] = sum / channels;
  }
  return out;
}

/** Linear interpolation, after a moving average when downsampling by 1.5x or more (enough for speech). */
export function convertRate(x: Float32Array, from: number, to: number): Float32Array {
  let src = x;
  const taps = Math.round(from / to);
  if (taps > 1) {
    src = new Float32Array(x.length);
    let acc = 0;
    for (let i = 0; i < x.length; i++) {
      acc += x[i]!;
      if (i >= taps) acc -= x[i - taps]!;
      src[i] = acc / Math.min(i + 1, taps);
    }
  }
  const n = Math.floor((src.length * to) / from);
  const out = new Float32Array(n);
  const step = from / to;
  for (let i = 0; i < n; i++) {
    const p = i * step;
    const k = Math.floor(p);
    const f = p - k;
    out[i] = src[k]! * (1 - f) + (src[k + 1] ?? src[k]!) * f;
  }
  return out;
}

export function decodeBankWav(bytes: Uint8Array, file: string): BankSample {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (o: number) => String.fromCharCode(...bytes.subarray(o, o + 4));
  if (bytes.length < 12 || tag(0) !== 'RIFF' || tag(8) !== 'WAVE') throw new VoiceBankError(file, 'not a WAV file (no RIFF/WAVE header)');
  let offset = 12;
  let fmt: { format: number; channels: number; rate: number; bits: number } | undefined;
  while (offset + 8 <= bytes.length) {
    const id = tag(offset);
    const size = view.getUint32(offset + 4, true);
    const body = offset + 8;
    if (id === 'fmt ') {
      let format = view.getUint16(body, true);
      // WAVE_FORMAT_EXTENSIBLE: the real format is the first two bytes of the sub-format GUID.
      if (format === 0xfffe && size >= 26) format = view.getUint16(body + 24, true);
      fmt = { format, channels: view.getUint16(body + 2, true), rate: view.getUint32(body + 4, true), bits: view.getUint16(body + 14, true) };
      if (fmt.format !== 1 && fmt.format !== 3) throw new VoiceBankError(file, `compressed WAV (format tag ${fmt.format}); save it as 16-bit PCM`);
      if (fmt.format === 1 && ![8, 16, 24, 32].includes(fmt.bits)) throw new VoiceBankError(file, `${fmt.bits}-bit PCM is not supported; save it as 16-bit PCM`);
      if (fmt.format === 3 && ![32, 64].includes(fmt.bits)) throw new VoiceBankError(file, `${fmt.bits}-bit float is not supported; save it as 16-bit PCM`);
      if (fmt.channels < 1 || fmt.rate < 8000) throw new VoiceBankError(file, `unusable format: ${fmt.channels} channels at ${fmt.rate} Hz`);
    } else if (id === 'data') {
      if (!fmt) throw new VoiceBankError(file, 'WAV data before its "fmt " chunk');
      const frameBytes = (fmt.bits / 8) * fmt.channels;
      const frames = Math.floor(Math.min(size, bytes.length - body) / frameBytes);
      let samples = readFrames(view, body, frames, fmt.channels, fmt.format, fmt.bits);
      const conversions: string[] = [];
      if (fmt.format !== 1 || fmt.bits !== 16) conversions.push(`${fmt.bits}-bit ${fmt.format === 3 ? 'float' : 'PCM'} read as 16-bit`);
      if (fmt.channels !== 1) conversions.push(`${fmt.channels} channels mixed to mono`);
      if (fmt.rate !== BANK_SAMPLE_RATE) {
        conversions.push(`${fmt.rate} Hz resampled to ${BANK_SAMPLE_RATE} Hz`);
        samples = convertRate(samples, fmt.rate, BANK_SAMPLE_RATE);
      }
      return { samples, sampleRate: BANK_SAMPLE_RATE, conversions };
    }
    offset = body + size + (size % 2);
  }
  throw new VoiceBankError(file, fmt ? 'WAV file has no data chunk' : 'WAV file has no "fmt " chunk');
}
