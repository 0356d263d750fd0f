// Five-fingered hands: a palm on the hand bone and a tapered tube per finger through its three
// finger bones, so every VRM finger pose (relaxed, fist, point, peace, a held microphone) shows.

import { blend, ellipsoid, one, type Part, type Ring, tube } from './geometry.ts';
import { FINGERS, KNUCKLE_X, THUMB, type Vec3 } from './skeleton.ts';

export function buildHand(skin: Part, bones: Map<string, number>, side: 'Left' | 'Right', small: (n: number) => number): void {
  const s = side === 'Left' ? 1 : -1;
  const hx = 0.565;
  // The palm: from the wrist to the knuckles, flat.
  ellipsoid(skin, bones, { center: [(hx + 0.035) * s, 1.264, 0.0], radii: [0.04, 0.0155, 0.032], bone: one(`${side}Hand`), rings: 3, segments: small(8) });
  const segs = 4;
  for (const f of FINGERS) {
    const [a, b, c] = f.lengths;
    const y = 1.265 + f.y;
    const bone = (part: string) => `${side}${f.name}${part}`;
    const x = (d: number): number => (KNUCKLE_X + d) * s;
    const r = f.name === 'Little' ? 0.0058 : 0.0068;
    const rings: Ring[] = [
      { at: [x(0), y, f.z], radius: [r, r * 0.85], bone: blend(`${side}Hand`, bone('Proximal'), 0.5) },
      { at: [x(a), y, f.z], radius: [r * 0.92, r * 0.8], bone: blend(bone('Proximal'), bone('Intermediate'), 0.5) },
      { at: [x(a + b), y, f.z], radius: [r * 0.85, r * 0.75], bone: blend(bone('Intermediate'), bone('Distal'), 0.5) },
      { at: [x(a + b + c), y, f.z], radius: [r * 0.55, r * 0.5], bone: one(bone('Distal')) },
    ];
    tube(skin, bones, rings, segs, 'start');
  }
  const t = (i: number): Vec3 => [THUMB[i]![0] * s, THUMB[i]![1], THUMB[i]![2]];
  tube(skin, bones, [
    { at: t(0), radius: [0.0085, 0.0085], bone: blend(`${side}Hand`, `${side}ThumbMetacarpal`, 0.5) },
    { at: t(1), radius: [0.0078, 0.0075], bone: blend(`${side}ThumbMetacarpal`, `${side}ThumbProximal`, 0.5) },
    { at: t(2), radius: [0.0072, 0.0068], bone: blend(`${side}ThumbProximal`, `${side}ThumbDistal`, 0.5) },
    { at: t(3), radius: [0.003, 0.003], bone: one(`${side}ThumbDistal`) },
  ], segs, 'start');
}
