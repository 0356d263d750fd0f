// LTC out: `holostage ltc` writes a WAV whose samples, read by a decoder written here from SMPTE
// 12M (not the project's), carry every frame's timecode in order, at the right time, with the
// sync word, the drop-frame flag and an even count of zeros per word. The project's own streaming
// decoder (what the LTC chase uses) reads the same audio in odd-sized chunks, through noise and a
// level change, and drops impossible words without a crash.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main.ts';
import { LtcDecoder } from '../../server/src/venue/ltc-decode.ts';
import { ltcSamples } from '../../server/src/venue/ltc.ts';
import { LtcStream } from '../../server/src/venue/ltc-input.ts';
import type { TimecodeReading } from '../../server/src/venue/mtc-in.ts';
import { tempDir } from '../server/helpers.ts';
import { readWords } from './ltc-reader.ts';

// ---------------------------------------------------------------- the test's own reader, from the spec

/** Mono samples of a 16-bit PCM WAV, read from its RIFF chunks. */
function readPcm16(bytes: Buffer): { sampleRate: number; samples: Int16Array } {
  expect(bytes.toString('ascii', 0, 4)).toBe('RIFF');
  expect(bytes.toString('ascii', 8, 12)).toBe('WAVE');
  let at = 12;
  let sampleRate = 0;
  while (at + 8 <= bytes.length) {
    const id = bytes.toString('ascii', at, at + 4);
    const size = bytes.readUInt32LE(at + 4);
    if (id === 'fmt ') {
      expect(bytes.readUInt16LE(at + 8)).toBe(1); // PCM
      expect(bytes.readUInt16LE(at + 10)).toBe(1); // mono
      sampleRate = bytes.readUInt32LE(at + 12);
      expect(bytes.readUInt16LE(at + 22)).toBe(16);
    }
    if (id === 'data') {
      const samples = new Int16Array(size / 2);
      for (let i = 0; i < samples.length; i++) samples[i] = bytes.readInt16LE(at + 8 + i * 2);
      return { sampleRate, samples };
    }
    at += 8 + size + (size % 2);
  }
  throw new Error('no data chunk');
}

/** Labels from a start, counted by hand: HH:MM:SS:FF at a nominal rate, drop frame skipping ;00 and ;01 except every tenth minute. */
function labels(start: [number, number, number, number], count: number, nominal: number, drop: boolean): string[] {
  let [h, m, s, f] = start;
  const out: string[] = [];
  const two = (n: number): string => String(n).padStart(2, '0');
  for (let i = 0; i < count; i++) {
    out.push(`${two(h)}:${two(m)}:${two(s)}:${two(f)}`);
    f++;
    if (f === nominal) [f, s] = [0, s + 1];
    if (s === 60) [s, m] = [0, m + 1];
    if (m === 60) [m, h] = [0, h + 1];
    if (drop && s === 0 && f === 0 && m % 10 !== 0) f = 2;
  }
  return out;
}

async function ltcCli(args: string[]): Promise<{ code: number; file: string }> {
  const file = join(tempDir('holostage-ltc-'), 'ltc.wav');
  const code = await main(['ltc', ...args, '-o', file]);
  return { code, file };
}

describe('holostage ltc', () => {
  it.each([
    { fps: '24', nominal: 24, real: 24, start: '01:00:00:00', drop: false },
    { fps: '25', nominal: 25, real: 25, start: '01:00:00:00', drop: false },
    { fps: '29.97', nominal: 30, real: 30000 / 1001, start: '00:08:59;20', drop: true },
    { fps: '30', nominal: 30, real: 30, start: '10:59:59:00', drop: false },
  ])('writes a WAV whose words read back in order at $fps fps', async ({ fps, nominal, real, start, drop }) => {
    const { code, file } = await ltcCli(['--fps', fps, '--start', start, '--duration', '3']);
    expect(code).toBe(0);
    const { sampleRate, samples } = readPcm16(readFileSync(file));
    expect(sampleRate).toBe(48000);
    const frames = Math.ceil(3 * real);
    expect(Math.abs(samples.length - (frames / real) * sampleRate)).toBeLessThanOrEqual(1);
    const spb = sampleRate / (80 * real);
    const words = readWords(samples, spb);
    // The last word's final edge (the next word's start) is not in the file: all but it read.
    expect(words.length).toBeGreaterThanOrEqual(frames - 1);
    const startParts = start.split(/[:;]/).map(Number) as [number, number, number, number];
    expect(words.map((w) => w.label)).toEqual(labels(startParts, words.length, nominal, drop));
    for (const [i, w] of words.entries()) {
      expect(w.drop).toBe(drop);
      expect(w.zeros % 2, `word ${w.label}: odd count of zeros (polarity bit)`).toBe(0);
      // Word i spans frame i exactly: its first edge within a sample of i frame lengths.
      expect(Math.abs(w.start - (i * sampleRate) / real)).toBeLessThanOrEqual(1.5);
    }
    // Drop frame: minute 9 has no ;00 and ;01, minute 10 has.
    if (drop) {
      expect(words.map((w) => w.label)).toContain('00:09:00:02');
      expect(words.map((w) => w.label)).not.toContain('00:09:00:00');
    }
  });

  it('takes the rate, start and length from a show', async () => {
    const { copyDemoShow } = await import('../server/helpers.ts');
    const { writeFileSync } = await import('node:fs');
    const show = copyDemoShow();
    const json = JSON.parse(readFileSync(join(show, 'show.json'), 'utf8'));
    writeFileSync(join(show, 'show.json'), JSON.stringify({ ...json, timecode: { fps: 30, start: '02:00:00:00' } }));
    const { code, file } = await ltcCli(['--show', show, '--duration', '2', '--preroll', '1']);
    expect(code).toBe(0);
    const { sampleRate, samples } = readPcm16(readFileSync(file));
    const words = readWords(samples, sampleRate / 2400);
    expect(words[0]!.label).toBe('01:59:59:00');
    expect(words.map((w) => w.label)).toContain('02:00:01:28'); // the last word's closing edge is the file's end
  });

  it('refuses bad flags with a clear message', async () => {
    expect((await ltcCli(['--fsp', '25', '--duration', '1'])).code).toBe(2);
    expect((await ltcCli(['--fps', '23', '--duration', '1'])).code).toBe(2);
    expect((await ltcCli(['--start', '24:00:00:00', '--duration', '1'])).code).toBe(2);
    expect((await ltcCli(['--fps', '25'])).code).toBe(2);
  });
});

describe('the streaming LTC decoder (the chase reads audio with it)', () => {
  it('reads every word in odd-sized chunks, through noise and a level change, at each rate', () => {
    for (const rate of [24, 25, 29.97, 30] as const) {
      const sampleRate = 44100;
      const startFrame = 3600 * (rate === 29.97 ? 30 : rate) - 100;
      const clean = ltcSamples({ rate, startFrame, frames: 200, sampleRate, amplitude: 0.6 });
      // Deterministic noise, and the level halved after a second (a fader moved).
      let seed = 7;
      const noisy = clean.map((x, i) => {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        return x * (i > sampleRate ? 0.3 : 1) + ((seed / 2 ** 31) - 0.5) * 0.04;
      });
      const decoder = new LtcDecoder(sampleRate);
      const words = [];
      for (let at = 0, n = 1; at < noisy.length; at += n, n = (n * 7 + 13) % 3001) words.push(...decoder.push(noisy.subarray(at, at + n)));
      expect(words.length, `${rate} fps`).toBeGreaterThan(190);
      expect(decoder.counts.rejected).toBe(0);
      const fps = rate === 29.97 ? 30000 / 1001 : rate;
      for (const w of words) {
        expect(w.rate).toBe(rate);
        // The word ends where the next begins: its timecode + 1 frame is the time there.
        const expected = (startFrame + w.endSample / (sampleRate / fps)) / fps;
        expect(Math.abs(w.seconds - expected) * 1000, `${rate} fps at sample ${w.endSample}`).toBeLessThan(0.1);
      }
    }
  });

  it('drops words with impossible times, and noise and silence read as nothing', () => {
    const sampleRate = 48000;
    // A valid 25 fps signal, then words whose frame-units nibble says 12 (not a digit), rendered here.
    const good = ltcSamples({ rate: 25, startFrame: 0, frames: 10, sampleRate });
    const bad = new Float32Array(good.length);
    const spb = sampleRate / 2000;
    let level = 1;
    let n = 0;
    for (let f = 0; f < 10; f++) {
      const bits = Array.from({ length: 80 }, () => 0);
      [0, 0, 1, 1].forEach((b, i) => (bits[i] = b)); // frame units 12
      '0011111111111101'.split('').forEach((b, i) => (bits[64 + i] = Number(b)));
      for (const b of bits) {
        const start = n;
        level = -level;
        for (; n < start + spb; n++) {
          if (b && n >= start + spb / 2 && n - 1 < start + spb / 2) level = -level;
          bad[n] = 0.5 * level;
        }
      }
    }
    const decoder = new LtcDecoder(sampleRate);
    const words = [...decoder.push(good), ...decoder.push(bad)];
    expect(words.every((w) => w.timecode.frames < 25)).toBe(true);
    expect(decoder.counts.rejected).toBeGreaterThanOrEqual(8);
    let seed = 1;
    const noise = Float32Array.from({ length: sampleRate * 5 }, () => ((seed = (seed * 16807) % 2147483647), seed / 2147483647 - 0.5));
    const quiet = new LtcDecoder(sampleRate);
    expect(quiet.push(noise)).toEqual([]);
    expect(quiet.push(new Float32Array(sampleRate))).toEqual([]);
    expect(quiet.push(Float32Array.from({ length: 1000 }, () => NaN))).toEqual([]);
    // A burst of infinite samples, then LTC: read again once the level is learnt.
    expect(quiet.push(Float32Array.from({ length: 100 }, (_, i) => (i % 2 ? Infinity : -Infinity)))).toEqual([]);
    expect(quiet.push(ltcSamples({ rate: 25, startFrame: 0, frames: 50, sampleRate })).length).toBeGreaterThan(40);
  });

  it('times each word by the audio, following a sound card whose clock runs slow', () => {
    // The card runs 0.1 % slow (47 952 samples a real second) and hands over 10 ms chunks 0-20 ms late.
    const nominal = 48000;
    const actual = nominal * 0.999;
    const audio = ltcSamples({ rate: 25, startFrame: 0, frames: 25 * 60, sampleRate: nominal });
    const readings: TimecodeReading[] = [];
    const stream = new LtcStream(nominal, { reading: (r) => readings.push(r) });
    let seed = 11;
    for (let at = 0; at < audio.length; at += 480) {
      const chunk = audio.subarray(at, at + 480);
      seed = (seed * 16807) % 2147483647;
      const captured = ((at + chunk.length) / actual) * 1000;
      stream.feed(chunk, 1_000_000 + captured + (seed / 2147483647) * 20);
    }
    expect(readings.length).toBeGreaterThan(25 * 59);
    // Server time of a word's end, as heard, vs when the card really captured that sample.
    const late = readings.filter((r) => r.seconds > 20).map((r) => Math.abs(r.at - (1_000_000 + (r.seconds * nominal * 1000) / actual)));
    // Without following the card's clock the error would grow to 60 ms by the end.
    expect(Math.max(...late)).toBeLessThan(15);
  });
});
