import { describe, expect, it } from 'vitest';
import { addPoint, curveAt, CurveReader, emptyCurve } from '../../vocal/dsp/curve.ts';

function randomCurve(points: number, seed: number) {
  const c = emptyCurve();
  let t = -0.5;
  for (let i = 0; i < points; i++) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    t += (seed % 1000) / 4000;
    addPoint(c, t, (seed % 2000) / 7 - 100);
  }
  return c;
}

describe('curve reader', () => {
  it('reads forward-moving times exactly as the binary search does, before, between, on and past the points', () => {
    for (const points of [1, 2, 3, 17, 200]) {
      const c = randomCurve(points, points * 7919);
      const reader = new CurveReader(c);
      const end = c.times[c.times.length - 1]! + 1;
      for (let t = -1; t < end; t += 0.00073) expect(reader.at(t)).toBe(curveAt(c, t));
      // Exactly on every breakpoint, and held past the last one.
      const onPoints = new CurveReader(c);
      for (const t of c.times) expect(onPoints.at(t)).toBe(curveAt(c, t));
      expect(onPoints.at(end + 10)).toBe(c.values[c.values.length - 1]);
    }
  });

  it('starts over when time goes back, and reads an empty curve as 0', () => {
    const c = randomCurve(50, 42);
    const reader = new CurveReader(c);
    const last = c.times[c.times.length - 1]!;
    expect(reader.at(last + 1)).toBe(curveAt(c, last + 1));
    for (const t of [c.times[10]! + 0.001, c.times[3]!, -2, c.times[40]! - 0.0001]) expect(reader.at(t)).toBe(curveAt(c, t));
    reader.seek(c.times[5]!);
    expect(reader.at(c.times[6]!)).toBe(curveAt(c, c.times[6]!));
    expect(new CurveReader(emptyCurve()).at(3)).toBe(0);
  });
});
