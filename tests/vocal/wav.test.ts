import { describe, expect, it } from 'vitest';
import { decodeWav, encodeWav, encodeWavWithPeak } from '../../vocal/wav.ts';

/** The 16-bit sample of x as the writer first did it: clipped, then Math.round. */
function reference(x: number): number {
  const c = Math.max(-1, Math.min(1, x));
  const v = c < 0 ? Math.round(c * 32768) : Math.round(c * 32767);
  return Number.isNaN(v) ? 0 : v + 0; // an Int16Array holds no -0
}

function pcm(samples: number[]): number[] {
  const bytes = encodeWav([Float32Array.from(samples)], 8000);
  return Array.from(new Int16Array(bytes.buffer, 44, samples.length));
}

describe('16-bit WAV samples', () => {
  it('clip at full scale and round half up, as Math.round would', () => {
    const edges = [-2, -1, -0.999999, 1, 1.5, 0, -0, 0.5 / 32767, 1.5 / 32767, -0.5 / 32768, -1.5 / 32768, 2.5 / 32767, NaN];
    expect(pcm(edges)).toEqual(edges.map((x) => reference(Math.fround(x))));
    expect(pcm([-2, 2])).toEqual([-32768, 32767]);
  });

  it('match the rounded reference on a million random samples', () => {
    let seed = 12345;
    const xs = Array.from({ length: 1 << 20 }, () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed / 2 ** 32) * 2.4 - 1.2;
    });
    const got = pcm(xs);
    let differ = 0;
    for (let i = 0; i < xs.length; i++) if (got[i] !== reference(Math.fround(xs[i]!))) differ++;
    expect(differ).toBe(0);
  });

  it('read back within half a step', () => {
    const xs = [0.25, -0.75, 0.123456];
    const back = decodeWav(encodeWav([Float32Array.from(xs)], 8000)).channels[0]!;
    xs.forEach((x, i) => expect(Math.abs(back[i]! - x)).toBeLessThan(1 / 32768));
  });

  it('report the peak they met, before clipping, in both bit depths', () => {
    const xs = Float32Array.from([0.1, -0.7, 0.3, -1.5, 0.2]);
    for (const depth of [16, 32] as const) {
      const { bytes, peak } = encodeWavWithPeak([xs], 8000, depth);
      expect(peak).toBeCloseTo(1.5, 6);
      expect(bytes).toEqual(encodeWav([xs], 8000, depth));
    }
    const f = decodeWav(encodeWav([xs], 8000, 32)).channels[0]!;
    expect(Array.from(f)).toEqual(Array.from(xs).map((x) => Math.fround(Math.max(-1, Math.min(1, x)))));
    expect(encodeWavWithPeak([new Float32Array(4)], 8000).peak).toBe(0);
  });
});
