// Hair: a cap that leaves the face open, side locks, layered bangs, and twin tails of three strands
// each on one spring-bone chain (the strands sway together and fan out towards the tips).

import { blend, ellipsoid, one, type Part, type Ring, tube } from './geometry.ts';
import { tailPoint, TAIL_JOINTS, type Vec3 } from './skeleton.ts';

export function buildHair(hair: Part, accent: Part, bones: Map<string, number>, seg: (n: number) => number, small: (n: number) => number): void {
  ellipsoid(hair, bones, {
    center: [0, 1.485, -0.008], radii: [0.138, 0.148, 0.136], bone: one('Head'), rings: seg(8), segments: seg(20),
    maxTheta: (phi) => {
      const front = (1 + Math.cos(phi)) / 2; // 1 facing +Z, 0 at the back
      return Math.PI * (0.66 - 0.3 * Math.pow(front, 3));
    },
  });
  // Side locks framing the face, long and narrowing.
  for (const s of [1, -1]) {
    tube(hair, bones, [
      { at: [0.112 * s, 1.5, 0.05], radius: [0.026, 0.04], bone: one('Head') },
      { at: [0.118 * s, 1.42, 0.055], radius: [0.024, 0.036], bone: one('Head') },
      { at: [0.112 * s, 1.33, 0.05], radius: [0.018, 0.026], bone: one('Head') },
      { at: [0.1 * s, 1.27, 0.045], radius: [0.004, 0.006], bone: one('Head') },
    ], small(8), 'start');
  }
  // Bangs: five locks of different lengths, pointed at the tips, ending just above the brows.
  const bangs: [number, number, number][] = [[-0.085, 1.512, 0.03], [-0.045, 1.524, 0.035], [0, 1.518, 0.036], [0.045, 1.526, 0.035], [0.085, 1.512, 0.03]];
  for (const [x, tipY, w] of bangs) {
    const z = 0.112 - 0.25 * x * x;
    tube(hair, bones, [
      { at: [x * 0.9, 1.6, z - 0.01], radius: [w, 0.02], bone: one('Head') },
      { at: [x, 1.55, z + 0.008], radius: [w * 0.85, 0.016], bone: one('Head') },
      { at: [x * 1.05, tipY, z + 0.01], radius: [0.003, 0.004], bone: one('Head') },
    ], small(6), 'start');
  }
  // Twin tails, three strands each, with hair ties.
  const strands: { dx: number; dz: number; width: number; length: number }[] = [
    { dx: 0, dz: 0, width: 1, length: 1 },
    { dx: 0.025, dz: 0.03, width: 0.55, length: 0.62 },
    { dx: -0.01, dz: -0.035, width: 0.6, length: 0.75 },
  ];
  for (const [side, s] of [['Left', 1], ['Right', -1]] as const) {
    for (const st of strands) {
      const rings: Ring[] = [];
      // Rings closer together where the tail bends out of the head, further apart along the fall.
      const steps = seg(st.width === 1 ? 11 : 6);
      const bend = Math.max(2, Math.round(steps * 0.3));
      for (let i = 0; i <= steps; i++) {
        const v = i <= bend ? (i / bend) / 6 : 1 / 6 + ((i - bend) / (steps - bend)) * (5 / 6);
        const u = v * st.length;
        const base = tailPoint(u, s);
        const spread = Math.max(0, (u - 0.1) / 0.9);
        const pos: Vec3 = [base[0] + st.dx * s * spread, base[1], base[2] + st.dz * spread];
        const f = u * (TAIL_JOINTS - 1);
        const j = Math.min(TAIL_JOINTS - 2, Math.floor(f));
        const t = Math.min(1, f - j);
        const taper = v > 0.85 ? Math.max(0.08, (1 - v) / 0.15) : 1;
        const width = (u < 0.08 ? 0.035 + u * 0.3 : 0.075 * Math.sin(Math.PI * Math.min(1, 0.25 + u * 0.85)) + 0.012) * st.width * taper;
        rings.push({ at: pos, radius: [width, width * 0.7], bone: blend(`${side}Tail${j}`, `${side}Tail${j + 1}`, t) });
      }
      tube(hair, bones, rings, small(st.width === 1 ? 8 : 4), 'start'); // the root is inside the hair tie
    }
    ellipsoid(accent, bones, { center: tailPoint(0.02, s), radii: [0.042, 0.042, 0.042], bone: one(`${side}Tail0`), rings: small(4), segments: small(8) });
  }
}
