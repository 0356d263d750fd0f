// Outfit details: a pleated skirt on six spring-bone chains, a tie on its own chain, a collar, and
// a headset microphone.

import { blend, ellipsoid, one, type Influence, type Part, tube } from './geometry.ts';
import { SKIRT_CHAINS } from './skeleton.ts';

/** The skirt: a pleated cone from the waist to the hem; each vertex follows the two nearest chains. */
export function buildSkirt(part: Part, bones: Map<string, number>, segs: number): void {
  const rings: [number, number, number][] = [[0.94, 0.1, 0], [0.82, 0.155, 1], [0.73, 0.2, 2], [0.64, 0.245, 3]]; // y, radius, joint
  const first = part.vertexCount;
  for (const [y, r, joint] of rings) {
    for (let s = 0; s <= segs; s++) {
      const a = (s / segs) * Math.PI * 2;
      const pleat = joint === 0 ? 1 : 1 + 0.06 * Math.abs(Math.cos((a * 12) / 2)) * (joint / 3);
      const x = Math.sin(a) * r * pleat;
      const z = Math.cos(a) * r * 0.87 * pleat;
      const f = (a / (Math.PI * 2)) * SKIRT_CHAINS;
      const k0 = Math.floor(f) % SKIRT_CHAINS;
      const k1 = (k0 + 1) % SKIRT_CHAINS;
      const t = f - Math.floor(f);
      const inf: Influence[] = joint === 0 ? one('Hips') : [{ bone: `Skirt${k0}_${joint - 1}`, weight: 1 - t }, { bone: `Skirt${k1}_${joint - 1}`, weight: t }];
      part.addVertex([x, y, z], [Math.sin(a), 0.45, Math.cos(a)], inf.filter((w) => w.weight > 1e-6), bones);
    }
  }
  for (let i = 0; i < rings.length - 1; i++) {
    for (let s = 0; s < segs; s++) {
      const a = first + i * (segs + 1) + s;
      const b = a + segs + 1;
      part.indices.push(a, b, a + 1, a + 1, b, b + 1);
    }
  }
}

export function buildTieAndCollar(accent: Part, accentOpen: Part, bones: Map<string, number>, small: (n: number) => number): void {
  // The knot, and the blade hanging on the tie chain, wider at the bottom.
  ellipsoid(accent, bones, { center: [0, 1.21, 0.088], radii: [0.02, 0.018, 0.014], bone: one('Tie0'), rings: small(4), segments: small(8) });
  tube(accent, bones, [
    { at: [0, 1.2, 0.09], radius: [0.014, 0.006], bone: one('Tie0') },
    { at: [0, 1.15, 0.099], radius: [0.022, 0.006], bone: blend('Tie0', 'Tie1', 0.5) },
    { at: [0, 1.1, 0.101], radius: [0.028, 0.006], bone: one('Tie1') },
    { at: [0, 1.085, 0.1], radius: [0.004, 0.004], bone: one('Tie1') },
  ], small(6), 'start');
  // Collar: a short cone round the base of the neck.
  tube(accentOpen, bones, [
    { at: [0, 1.285, -0.004], radius: [0.048, 0.045], bone: blend('UpperChest', 'Neck', 0.5) },
    { at: [0, 1.25, 0.0], radius: [0.1, 0.072], bone: one('UpperChest') },
  ], small(16), true);
}

/** A headset: an ear piece on the left and a thin boom to a microphone by the mouth. */
export function buildHeadset(gear: Part, line: Part, bones: Map<string, number>, small: (n: number) => number): void {
  const head = one('Head');
  ellipsoid(gear, bones, { center: [0.128, 1.445, 0.0], radii: [0.016, 0.03, 0.03], bone: head, rings: small(4), segments: small(8) });
  tube(gear, bones, [
    { at: [0.135, 1.43, 0.02], radius: [0.0035, 0.0035], bone: head },
    { at: [0.125, 1.4, 0.07], radius: [0.003, 0.003], bone: head },
    { at: [0.085, 1.375, 0.11], radius: [0.003, 0.003], bone: head },
    { at: [0.05, 1.37, 0.122], radius: [0.003, 0.003], bone: head },
  ], 4, true);
  ellipsoid(line, bones, { center: [0.042, 1.37, 0.124], radii: [0.009, 0.007, 0.007], bone: head, rings: 4, segments: 6 });
}
