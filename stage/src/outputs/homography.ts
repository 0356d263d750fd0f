// Corner-pin keystone maths: the projective map (homography) that sends the unit square onto the
// four corners the operator dragged, and its inverse, which the output shader uses to find, for
// each output pixel, where in the rendered picture it comes from. Coordinates are normalized
// 0..1 with y down (0,0 = top-left of the output), as OutputSettings.keystone stores them.

import type { OutputSettings } from '../../../show-files/src/timeline.ts';

export type Keystone = OutputSettings['keystone'];
/** Row-major 3x3. */
export type Mat3 = [number, number, number, number, number, number, number, number, number];

export const IDENTITY_KEYSTONE: Keystone = { topLeft: { x: 0, y: 0 }, topRight: { x: 1, y: 0 }, bottomRight: { x: 1, y: 1 }, bottomLeft: { x: 0, y: 1 } };

/** Homography taking (u,v) in the unit square to the quad: (0,0)->topLeft, (1,0)->topRight, (1,1)->bottomRight, (0,1)->bottomLeft. */
export function squareToQuad(k: Keystone): Mat3 {
  const { x: x0, y: y0 } = k.topLeft;
  const { x: x1, y: y1 } = k.topRight;
  const { x: x2, y: y2 } = k.bottomRight;
  const { x: x3, y: y3 } = k.bottomLeft;
  const dx3 = x0 - x1 + x2 - x3;
  const dy3 = y0 - y1 + y2 - y3;
  if (Math.abs(dx3) < 1e-12 && Math.abs(dy3) < 1e-12) {
    return [x1 - x0, x3 - x0, x0, y1 - y0, y3 - y0, y0, 0, 0, 1];
  }
  const dx1 = x1 - x2, dx2 = x3 - x2, dy1 = y1 - y2, dy2 = y3 - y2;
  const det = dx1 * dy2 - dx2 * dy1;
  const g = (dx3 * dy2 - dx2 * dy3) / det;
  const h = (dx1 * dy3 - dx3 * dy1) / det;
  return [x1 - x0 + g * x1, x3 - x0 + h * x3, x0, y1 - y0 + g * y1, y3 - y0 + h * y3, y0, g, h, 1];
}

export function invert3(m: Mat3): Mat3 {
  const [a, b, c, d, e, f, g, h, i] = m;
  const A = e * i - f * h, B = -(d * i - f * g), C = d * h - e * g;
  const det = a * A + b * B + c * C;
  if (Math.abs(det) < 1e-15) throw new Error('keystone corners are degenerate (three in a line)');
  const k = 1 / det;
  return [A * k, -(b * i - c * h) * k, (b * f - c * e) * k, B * k, (a * i - c * g) * k, -(a * f - c * d) * k, C * k, -(a * h - b * g) * k, (a * e - b * d) * k];
}

export function project(m: Mat3, x: number, y: number): [number, number] {
  const w = m[6] * x + m[7] * y + m[8];
  return [(m[0] * x + m[1] * y + m[2]) / w, (m[3] * x + m[4] * y + m[5]) / w];
}

/** Checks that the corners make a convex quad in clockwise screen order (else the warp folds over). */
export function keystoneProblem(k: Keystone): string | null {
  const pts = [k.topLeft, k.topRight, k.bottomRight, k.bottomLeft];
  let sign = 0;
  for (let i = 0; i < 4; i++) {
    const a = pts[i]!, b = pts[(i + 1) % 4]!, c = pts[(i + 2) % 4]!;
    const cross = (b.x - a.x) * (c.y - b.y) - (b.y - a.y) * (c.x - b.x);
    if (Math.abs(cross) < 1e-9) return 'three keystone corners lie on one line';
    const s = Math.sign(cross);
    if (sign === 0) sign = s;
    else if (s !== sign) return 'keystone corners must form a convex shape (topLeft, topRight, bottomRight, bottomLeft in order)';
  }
  return null;
}
