// The character: body, hair, outfit and face as parts per material, on the skeleton.

import { blend, ellipsoid, one, Part, tube, type Ring } from './geometry.ts';
import { skeleton, tailPoint, TAIL_JOINTS, type BoneDef, type Vec3 } from './skeleton.ts';


export interface MaterialDef {
  name: string;
  color: [number, number, number];
  shade: [number, number, number];
  doubleSided?: boolean;
  outline: number;
}

export const MATERIALS: MaterialDef[] = [
  { name: 'Skin', color: [1.0, 0.86, 0.78], shade: [0.93, 0.66, 0.62], outline: 0.003 },
  // Single-sided: the tails, locks and bangs are closed shapes and the cap's inside, between it
  // and the head, shows from no camera shot (checked: full, close-up, low, high, orbit), while a
  // double-sided material makes software GL rasterize every hidden back face as well.
  { name: 'Hair', color: [0.25, 0.9, 0.88], shade: [0.1, 0.55, 0.65], outline: 0.004 },
  { name: 'Top', color: [0.95, 0.95, 0.98], shade: [0.7, 0.74, 0.85], outline: 0.003 },
  { name: 'Accent', color: [1.0, 0.35, 0.65], shade: [0.7, 0.18, 0.45], outline: 0.003 },
  // The skirt and the sleeve cuffs are open tubes seen from inside too.
  { name: 'AccentOpen', color: [1.0, 0.35, 0.65], shade: [0.7, 0.18, 0.45], outline: 0.003, doubleSided: true },
  { name: 'Boots', color: [0.9, 0.92, 1.0], shade: [0.55, 0.6, 0.8], outline: 0.003 },
  { name: 'Eyes', color: [0.03, 0.3, 0.42], shade: [0.02, 0.18, 0.3], outline: 0 },
  { name: 'Mouth', color: [0.7, 0.2, 0.28], shade: [0.55, 0.12, 0.2], outline: 0 },
];

export const EXPRESSIONS = ['aa', 'ih', 'ou', 'ee', 'oh', 'blink', 'happy'] as const;

export interface Character {
  bones: BoneDef[];
  body: Part[];
  face: Part[];
}

export function buildCharacter(detail: number): Character {
  const bones = skeleton();
  const index = new Map(bones.map((b, i) => [b.name, i]));
  const at = (name: string): Vec3 => bones[index.get(name)!]!.at;
  const seg = (n: number) => Math.max(6, Math.round(n * detail));
  // Small parts (hands, ties, bangs, feet, eyes) are a few dozen pixels across on a stage picture:
  // a coarser grid there saves triangles, which cost more than pixels on software GL.
  const small = (n: number) => Math.max(4, Math.round(n * detail));
  const parts = new Map<string, Part>(MATERIALS.map((m) => [m.name, new Part(m.name)]));
  const p = (m: string) => parts.get(m)!;

  // Head and neck. The crown (the top 50°) is always under the hair cap, so it is left out.
  ellipsoid(p('Skin'), index, { center: [0, 1.465, 0], radii: [0.122, 0.13, 0.118], bone: one('Head'), rings: seg(10), segments: seg(24), minTheta: (50 * Math.PI) / 180 });
  tube(p('Skin'), index, [
    { at: [0, 1.27, 0], radius: [0.034, 0.034], bone: one('Neck') },
    { at: [0, 1.4, -0.01], radius: [0.034, 0.034], bone: one('Head') },
  ], seg(10), true); // both ends inside the torso and the head

  // Hair: a cap that leaves the face open (high at the front, low at the back), side locks, bangs.
  ellipsoid(p('Hair'), index, {
    center: [0, 1.485, -0.008], radii: [0.138, 0.148, 0.136], bone: one('Head'), rings: seg(10), segments: seg(24),
    maxTheta: (phi) => {
      const front = (1 + Math.cos(phi)) / 2; // 1 facing +Z, 0 at the back
      return Math.PI * (0.66 - 0.3 * Math.pow(front, 3));
    },
  });
  for (const s of [1, -1]) {
    ellipsoid(p('Hair'), index, { center: [0.115 * s, 1.39, 0.035], radii: [0.03, 0.11, 0.05], bone: one('Head'), rings: small(6), segments: small(10) });
  }
  for (const x of [-0.07, 0, 0.07]) {
    ellipsoid(p('Hair'), index, { center: [x, 1.545, 0.105], radii: [0.05, 0.045, 0.025], bone: one('Head'), rings: small(5), segments: small(10) });
  }

  // Twin tails (hair, on the tail bones) with hair ties.
  for (const [side, s] of [['Left', 1], ['Right', -1]] as const) {
    const rings: Ring[] = [];
    // Rings closer together where the tail bends out of the head (the first sixth), further apart
    // along the long straight fall.
    const steps = seg(16);
    const bend = Math.max(2, Math.round(steps * 0.3));
    for (let i = 0; i <= steps; i++) {
      const u = i <= bend ? (i / bend) / 6 : 1 / 6 + ((i - bend) / (steps - bend)) * (5 / 6);
      const pos = tailPoint(u, s);
      const f = u * (TAIL_JOINTS - 1);
      const j = Math.min(TAIL_JOINTS - 2, Math.floor(f));
      const t = Math.min(1, f - j);
      const width = u < 0.08 ? 0.035 + u * 0.3 : 0.075 * Math.sin(Math.PI * Math.min(1, 0.25 + u * 0.85)) + 0.012;
      rings.push({ at: pos, radius: [width, width * 0.7], bone: blend(`${side}Tail${j}`, `${side}Tail${j + 1}`, t) });
    }
    tube(p('Hair'), index, rings, small(10), 'start'); // the root is inside the hair tie
    ellipsoid(p('Accent'), index, { center: tailPoint(0.02, s), radii: [0.04, 0.04, 0.04], bone: one(`${side}Tail0`), rings: small(5), segments: small(10) });
  }

  // Torso (top) and skirt.
  tube(p('Top'), index, [
    { at: [0, 0.84, 0], radius: [0.11, 0.085], bone: one('Hips') },
    { at: [0, 0.96, 0], radius: [0.09, 0.07], bone: one('Spine') },
    { at: [0, 1.08, 0.005], radius: [0.11, 0.085], bone: one('Chest') },
    { at: [0, 1.18, 0], radius: [0.12, 0.08], bone: one('UpperChest') },
    { at: [0, 1.255, 0], radius: [0.11, 0.065], bone: one('UpperChest') },
    { at: [0, 1.29, 0], radius: [0.04, 0.04], bone: blend('UpperChest', 'Neck', 0.5) },
  ], seg(16));
  // Tie at the collar.
  ellipsoid(p('Accent'), index, { center: [0, 1.2, 0.08], radii: [0.025, 0.045, 0.015], bone: one('UpperChest'), rings: small(4), segments: small(8) });
  tube(p('AccentOpen'), index, [
    { at: [0, 0.94, 0], radius: [0.1, 0.078], bone: one('Hips') },
    { at: [0, 0.82, 0], radius: [0.16, 0.13], bone: one('Hips') },
    { at: [0, 0.66, 0], radius: [0.24, 0.21], bone: one('Hips') },
  ], seg(24), true);

  // Arms: skin, with a flared detached sleeve over the forearm; hands.
  for (const [side, s] of [['Left', 1], ['Right', -1]] as const) {
    const ua = at(`${side}UpperArm`);
    const la = at(`${side}LowerArm`);
    const hand = at(`${side}Hand`);
    tube(p('Skin'), index, [
      { at: [ua[0] - 0.03 * s, ua[1], 0], radius: [0.04, 0.04], bone: one(`${side}UpperArm`) },
      { at: [(ua[0] + la[0]) / 2, ua[1], 0], radius: [0.036, 0.036], bone: one(`${side}UpperArm`) },
      { at: la, radius: [0.031, 0.031], bone: blend(`${side}UpperArm`, `${side}LowerArm`, 0.5) },
      { at: [(la[0] + hand[0]) / 2, la[1], 0], radius: [0.028, 0.028], bone: one(`${side}LowerArm`) },
      { at: hand, radius: [0.024, 0.024], bone: blend(`${side}LowerArm`, `${side}Hand`, 0.5) },
    ], seg(12), 'start'); // the shoulder end is inside the torso
    tube(p('Top'), index, [
      { at: [la[0] + 0.04 * s, la[1], 0], radius: [0.038, 0.038], bone: one(`${side}LowerArm`) },
      { at: [hand[0] - 0.01 * s, la[1], 0], radius: [0.052, 0.052], bone: blend(`${side}LowerArm`, `${side}Hand`, 0.4) },
    ], seg(14), true);
    tube(p('AccentOpen'), index, [
      { at: [hand[0] - 0.012 * s, la[1], 0], radius: [0.053, 0.053], bone: blend(`${side}LowerArm`, `${side}Hand`, 0.4) },
      { at: [hand[0] - 0.002 * s, la[1], 0], radius: [0.055, 0.055], bone: blend(`${side}LowerArm`, `${side}Hand`, 0.4) },
    ], seg(14), true);
    ellipsoid(p('Skin'), index, { center: [hand[0] + 0.05 * s, hand[1], 0.005], radii: [0.055, 0.022, 0.04], bone: one(`${side}Hand`), rings: small(4), segments: small(8) });

    // Legs: skin thighs, tall boots, feet.
    const ul = at(`${side}UpperLeg`);
    const ll = at(`${side}LowerLeg`);
    const foot = at(`${side}Foot`);
    tube(p('Skin'), index, [
      { at: [ul[0], ul[1] + 0.04, 0], radius: [0.065, 0.065], bone: one(`${side}UpperLeg`) },
      { at: [ul[0], (ul[1] + ll[1]) / 2, 0], radius: [0.055, 0.055], bone: one(`${side}UpperLeg`) },
      { at: ll, radius: [0.043, 0.043], bone: blend(`${side}UpperLeg`, `${side}LowerLeg`, 0.5) },
    ], seg(12), true); // the top under the skirt, the knee inside the boot
    tube(p('Boots'), index, [
      { at: [ll[0], ll[1] + 0.03, 0], radius: [0.056, 0.056], bone: blend(`${side}UpperLeg`, `${side}LowerLeg`, 0.6) },
      { at: [ll[0], ll[1] - 0.05, 0], radius: [0.05, 0.05], bone: one(`${side}LowerLeg`) },
      { at: [ll[0], (ll[1] + foot[1]) / 2, 0], radius: [0.045, 0.045], bone: one(`${side}LowerLeg`) },
      { at: [foot[0], foot[1] + 0.01, 0], radius: [0.042, 0.042], bone: blend(`${side}LowerLeg`, `${side}Foot`, 0.5) },
    ], seg(12), 'end'); // the ankle end is inside the foot
    ellipsoid(p('Boots'), index, { center: [foot[0], 0.04, 0.04], radii: [0.047, 0.04, 0.1], bone: blend(`${side}Foot`, `${side}Toes`, 0.3), rings: small(6), segments: small(10) });
    // Cuff of the boot.
    tube(p('Accent'), index, [
      { at: [ll[0], ll[1] + 0.035, 0], radius: [0.06, 0.06], bone: blend(`${side}UpperLeg`, `${side}LowerLeg`, 0.6) },
      { at: [ll[0], ll[1] + 0.005, 0], radius: [0.06, 0.06], bone: blend(`${side}UpperLeg`, `${side}LowerLeg`, 0.6) },
    ], seg(12), true);
  }

  // Face: eyes on the eye bones (so gaze moves them), mouth on the head. Morph targets per vertex.
  const eyes = new Part('Eyes');
  const mouth = new Part('Mouth');
  for (const name of EXPRESSIONS) {
    eyes.morphs.set(name, []);
    mouth.morphs.set(name, []);
  }
  for (const [side, s] of [['Left', 1], ['Right', -1]] as const) {
    const c: Vec3 = [0.05 * s, 1.455, 0.112];
    const rad: Vec3 = [0.027, 0.036, 0.012];
    // Only the front half: the back half of each eye is buried in the head.
    const ids = ellipsoid(eyes, index, { center: c, radii: rad, bone: one(`${side}Eye`), rings: small(6), segments: small(8), phiRange: [-Math.PI / 2, Math.PI / 2] });
    for (const i of ids) {
      const x = eyes.positions[i * 3]!;
      const y = eyes.positions[i * 3 + 1]!;
      const dx = (x - c[0]) / rad[0];
      const dy = y - c[1];
      for (const name of EXPRESSIONS) {
        let target = y; // unchanged by the mouth shapes
        if (name === 'blink') target = c[1] - 0.012 + dy * 0.08; // a closed lid, slightly low
        else if (name === 'happy') target = c[1] - 0.004 + 0.012 * (1 - dx * dx) + dy * 0.12; // ^ ^
        eyes.morphs.get(name)!.push(0, target - y, 0);
      }
    }
  }
  {
    // The mouth: a slightly domed ellipse; each shape sets its width and height.
    const c: Vec3 = [0, 1.378, 0.112];
    const closed: [number, number] = [0.014, 0.0035];
    const shapes: Record<(typeof EXPRESSIONS)[number], [number, number, number]> = {
      aa: [0.022, 0.03, -0.008],
      ih: [0.026, 0.009, 0],
      ou: [0.01, 0.013, 0],
      ee: [0.024, 0.015, -0.002],
      oh: [0.017, 0.024, -0.006],
      blink: [closed[0], closed[1], 0],
      happy: [0.02, 0.008, 0.001],
    };
    const rings = seg(5);
    const segs = seg(16);
    const centre = mouth.addVertex(c, [0, 0, 1], one('Head'), index);
    for (const name of EXPRESSIONS) mouth.morphs.get(name)!.push(0, shapes[name][2], 0);
    for (let r = 1; r <= rings; r++) {
      for (let s = 0; s < segs; s++) {
        const a = (s / segs) * Math.PI * 2;
        const k = r / rings;
        const dome = 0.004 * (1 - k * k);
        mouth.addVertex([c[0] + Math.cos(a) * closed[0] * k, c[1] + Math.sin(a) * closed[1] * k, c[2] + dome], [Math.cos(a) * k * 0.3, Math.sin(a) * k * 0.3, 1], one('Head'), index);
        for (const name of EXPRESSIONS) {
          const [w, h, dy] = shapes[name];
          const smile = name === 'happy' ? 0.006 * Math.cos(a) * Math.cos(a) : 0;
          mouth.morphs.get(name)!.push(Math.cos(a) * (w - closed[0]) * k, Math.sin(a) * (h - closed[1]) * k + dy + smile * k, 0);
        }
      }
    }
    for (let s = 0; s < segs; s++) mouth.indices.push(centre, 1 + s, 1 + ((s + 1) % segs));
    for (let r = 1; r < rings; r++) {
      for (let s = 0; s < segs; s++) {
        const a = 1 + (r - 1) * segs + s;
        const b = 1 + (r - 1) * segs + ((s + 1) % segs);
        mouth.indices.push(a, a + segs, b, b, a + segs, b + segs);
      }
    }
  }

  const body = MATERIALS.map((m) => parts.get(m.name)!).filter((part) => part.vertexCount > 0);
  return { bones, body, face: [eyes, mouth] };
}
