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

export type Mirror = OutputSettings['mirror'];

/**
 * The keystone to render with when the finished picture is then mirrored as a whole (a CSS flip of
 * the canvas, or the output pass). The output must be the picture mirrored first and then warped
 * onto the corners: out(p) = picture(mirror(H⁻¹(p))). Rendering with H' = mirror ∘ H ∘ mirror and
 * flipping afterwards gives exactly that, and H' pins the mirrored corners.
 */
export function mirroredKeystone(k: Keystone, mirror: Mirror): Keystone {
  let { topLeft, topRight, bottomRight, bottomLeft } = k;
  if (mirror.horizontal) {
    const m = (p: { x: number; y: number }) => ({ x: 1 - p.x, y: p.y });
    [topLeft, topRight, bottomRight, bottomLeft] = [m(topRight), m(topLeft), m(bottomLeft), m(bottomRight)];
  }
  if (mirror.vertical) {
    const m = (p: { x: number; y: number }) => ({ x: p.x, y: 1 - p.y });
    [topLeft, topRight, bottomRight, bottomLeft] = [m(bottomLeft), m(bottomRight), m(topRight), m(topLeft)];
  }
  return { topLeft, topRight, bottomRight, bottomLeft };
}

export function isIdentityKeystone(k: Keystone): boolean {
  return k.topLeft.x === 0 && k.topLeft.y === 0 && k.topRight.x === 1 && k.topRight.y === 0 &&
    k.bottomRight.x === 1 && k.bottomRight.y === 1 && k.bottomLeft.x === 0 && k.bottomLeft.y === 1;
}

/**
 * The keystone as a clip-space matrix (row-major 4x4), to put in front of the camera's projection:
 * the scene is then drawn straight onto the corners, at the output's own resolution, with no
 * second pass. With G the homography in normalized device coordinates (x right, y up, −1..1),
 * (x, y, w) → G (x, y, w) and z → s·z, where s is the smallest w-scale over the picture, so depth
 * keeps its order along every pixel and stays inside the clip range.
 */
export function keystoneClipMatrix(k: Keystone): number[] {
  const h = squareToQuad(k);
  // Normalized 0..1 y-down → NDC: A = [[2,0,-1],[0,-2,1],[0,0,1]]; G = A · H · A⁻¹.
  const A: Mat3 = [2, 0, -1, 0, -2, 1, 0, 0, 1];
  const Ai: Mat3 = [0.5, 0, 0.5, 0, -0.5, 0.5, 0, 0, 1];
  let g = mul3(mul3(A, h), Ai);
  const f = (x: number, y: number) => g[6] * x + g[7] * y + g[8];
  if (f(0, 0) < 0) g = g.map((v) => -v) as Mat3;
  const s = Math.min(f(-1, -1), f(1, -1), f(1, 1), f(-1, 1));
  return [
    g[0], g[1], 0, g[2],
    g[3], g[4], 0, g[5],
    0, 0, s, 0,
    g[6], g[7], 0, g[8],
  ];
}

function mul3(a: Mat3, b: Mat3): Mat3 {
  const r = new Array<number>(9).fill(0);
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) for (let t = 0; t < 3; t++) r[i * 3 + j]! += a[i * 3 + t]! * b[t * 3 + j]!;
  return r as Mat3;
}

/**
 * Triangles (NDC x, y pairs) that cover everything outside the keystone quad: for each edge, the
 * half-plane beyond it, as a large quad. Drawn black over the picture after the scene.
 */
export function outsideKeystone(k: Keystone): Float32Array {
  const pts = [k.topLeft, k.topRight, k.bottomRight, k.bottomLeft].map((p) => [2 * p.x - 1, 1 - 2 * p.y] as [number, number]);
  const cx = pts.reduce((a, p) => a + p[0], 0) / 4;
  const cy = pts.reduce((a, p) => a + p[1], 0) / 4;
  const far = 16;
  const out: number[] = [];
  for (let i = 0; i < 4; i++) {
    const a = pts[i]!, b = pts[(i + 1) % 4]!;
    let dx = b[0] - a[0], dy = b[1] - a[1];
    const len = Math.hypot(dx, dy);
    dx /= len; dy /= len;
    // Outward normal: the perpendicular pointing away from the quad's centre.
    let nx = dy, ny = -dx;
    if (nx * (a[0] - cx) + ny * (a[1] - cy) < 0) { nx = -nx; ny = -ny; }
    const p0: [number, number] = [a[0] - dx * far, a[1] - dy * far];
    const p1: [number, number] = [b[0] + dx * far, b[1] + dy * far];
    const p2: [number, number] = [p1[0] + nx * far, p1[1] + ny * far];
    const p3: [number, number] = [p0[0] + nx * far, p0[1] + ny * far];
    out.push(...p0, ...p1, ...p2, ...p0, ...p2, ...p3);
  }
  return new Float32Array(out);
}
