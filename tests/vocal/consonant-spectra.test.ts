// The voice bench's consonant comparison (bench/voice/consonant-spectra.ts) measures what it says:
// a tone lands in its mel band at any sample rate, Festival's segment file reads as phones with
// start and end, and a recording compared with itself differs by nothing while a consonant made
// 6 dB louder differs by about 6 dB in level (less the part the file's mean moves) and not in shape.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareGroups, festivalSegments, melFrames, phoneSpectra, poolSpectra } from '../../bench/voice/consonant-spectra.ts';
import { encodeWav } from '../../vocal/wav.ts';

const tone = (hz: number, rate: number, seconds: number, amp = 0.3) => Float64Array.from({ length: Math.round(rate * seconds) }, (_, i) => amp * Math.sin((2 * Math.PI * hz * i) / rate));
const loudestBand = (frames: Float64Array[]) => {
  const f = frames[Math.floor(frames.length / 2)]!;
  return f.indexOf(Math.max(...f));
};

describe('consonant spectra on a recognizer\'s mel scale', () => {
  it('puts a tone in the same band at 16 kHz and at 44.1 kHz, higher tones in higher bands', () => {
    const at16 = loudestBand(melFrames(tone(1000, 16000, 0.3), 16000));
    expect(loudestBand(melFrames(tone(1000, 44100, 0.3), 44100))).toBe(at16);
    expect(loudestBand(melFrames(tone(3000, 16000, 0.3), 16000))).toBeGreaterThan(at16 + 5);
    expect(loudestBand(melFrames(tone(300, 16000, 0.3), 16000))).toBeLessThan(at16 - 5);
    // 10 ms frames.
    expect(melFrames(tone(1000, 16000, 1), 16000).length).toBeGreaterThan(95);
  });

  it('reads Festival\'s segment file: each line is a phone\'s end time', () => {
    expect(festivalSegments('#\n0.0000 100 pau\n0.0800 100 w\n0.2725 100 iy\n')).toEqual([
      { symbol: 'pau', start: 0, end: 0 },
      { symbol: 'w', start: 0, end: 0.08 },
      { symbol: 'iy', start: 0.08, end: 0.2725 },
    ]);
  });

  it('finds no difference between a recording and itself, and a consonant 6 dB louder as +6 dB of level with the same shape', () => {
    const rate = 16000;
    const dir = mkdtempSync(join(tmpdir(), 'holostage-spectra-'));
    // "Vowels" (a 600 Hz tone over a faint hiss) with an "/s/" of louder hiss between them; seeded noise.
    const build = (sGain: number) => {
      let seed = 12345;
      const noise = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32 - 0.5);
      const x = new Float32Array(rate * 2);
      for (let i = 0; i < x.length; i++) {
        const t = i / rate;
        const hiss = noise();
        x[i] = t > 0.9 && t < 1.1 ? sGain * 0.1 * hiss : 0.3 * Math.sin(2 * Math.PI * 600 * t) + 0.003 * hiss;
      }
      return x;
    };
    const plain = join(dir, 'plain.wav');
    const louder = join(dir, 'louder.wav');
    writeFileSync(plain, encodeWav([build(1)], rate));
    writeFileSync(louder, encodeWav([build(2)], rate));
    const phones = [{ symbol: 'aa', start: 0, end: 0.9 }, { symbol: 's', start: 0.9, end: 1.1 }, { symbol: 'aa', start: 1.1, end: 2 }];
    const self = compareGroups(phoneSpectra(plain, phones), phoneSpectra(plain, phones)).find((g) => g.group === 'sibilants')!;
    expect(self.count).toBe(1);
    expect(self.level).toBeCloseTo(0, 6);
    expect(self.shape).toBeCloseTo(0, 6);
    const loud = compareGroups(phoneSpectra(louder, phones), phoneSpectra(plain, phones)).find((g) => g.group === 'sibilants')!;
    expect(loud.level).toBeGreaterThan(5);
    expect(loud.level).toBeLessThan(7);
    expect(loud.shape).toBeLessThan(1);
    // Pooling two files weights each symbol by its occurrences: plain with louder sits halfway.
    const pooled = compareGroups(poolSpectra([phoneSpectra(plain, phones), phoneSpectra(louder, phones)]), phoneSpectra(plain, phones)).find((g) => g.group === 'sibilants')!;
    expect(pooled.count).toBe(2);
    expect(pooled.level).toBeCloseTo(loud.level / 2, 6);
    // Groups with no consonant in both recordings say so (no count, no number).
    expect(compareGroups(phoneSpectra(plain, phones), phoneSpectra(plain, phones)).find((g) => g.group === 'nasals')!.count).toBe(0);
  });
});
