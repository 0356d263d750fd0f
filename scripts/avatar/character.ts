// The character: body, hair, outfit and face as parts per material, on the skeleton.

import { blend, ellipsoid, one, Part, tube } from './geometry.ts';
import { buildHair } from './hair.ts';
import { buildHand } from './hands.ts';
import { buildHeadset, buildSkirt, buildTieAndCollar } from './outfit.ts';
import { buildFace, EXPRESSIONS, FACE_MATERIALS } from './face.ts';
import { skeleton, type BoneDef, type Vec3 } from './skeleton.ts';


export interface MaterialDef {
  name: string;
  color: [number, number, number];
  shade: [number, number, number];
  doubleSided?: boolean;
  outline: number;
}

export const MATERIALS: MaterialDef[] = [
  { name: 'Skin', color: [1.0, 0.86, 0.78], shade: [0.93, 0.66, 0.62], outline: 0.003 },
  // Hands without the outline hull: on fingers a few millimetres thick it would double the
  // triangles where it barely shows (the stage's frame budget).
  { name: 'Hands', color: [1.0, 0.86, 0.78], shade: [0.93, 0.66, 0.62], outline: 0 },
  // Single-sided: the tails, locks and bangs are closed shapes and the cap's inside, between it
  // and the head, shows from no camera shot (checked: full, close-up, low, high, orbit), while a
  // double-sided material makes software GL rasterize every hidden back face as well.
  { name: 'Hair', color: [0.25, 0.9, 0.88], shade: [0.1, 0.55, 0.65], outline: 0.004 },
  { name: 'Top', color: [0.95, 0.95, 0.98], shade: [0.7, 0.74, 0.85], outline: 0.003 },
  { name: 'Accent', color: [1.0, 0.35, 0.65], shade: [0.7, 0.18, 0.45], outline: 0.003 },
  // The skirt and the sleeve cuffs are open tubes seen from inside too.
  { name: 'AccentOpen', color: [1.0, 0.35, 0.65], shade: [0.7, 0.18, 0.45], outline: 0.003, doubleSided: true },
  { name: 'Boots', color: [0.9, 0.92, 1.0], shade: [0.55, 0.6, 0.8], outline: 0.003 },
  ...FACE_MATERIALS.map(([name, color, shade]) => ({ name, color, shade, outline: 0 })),
];

export { EXPRESSIONS };

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
  ellipsoid(p('Skin'), index, { center: [0, 1.465, 0], radii: [0.122, 0.13, 0.118], bone: one('Head'), rings: seg(10), segments: seg(20), minTheta: (50 * Math.PI) / 180 });
  tube(p('Skin'), index, [
    { at: [0, 1.27, 0], radius: [0.034, 0.034], bone: one('Neck') },
    { at: [0, 1.4, -0.01], radius: [0.034, 0.034], bone: one('Head') },
  ], seg(10), true); // both ends inside the torso and the head
  // Cheeks and chin: the lower face comes forward to a soft point under the mouth.
  ellipsoid(p('Skin'), index, { center: [0, 1.405, 0.02], radii: [0.098, 0.086, 0.1], bone: one('Head'), rings: seg(6), segments: seg(12), minTheta: (40 * Math.PI) / 180, phiRange: [-Math.PI * 0.6, Math.PI * 0.6] });

  buildHair(p('Hair'), p('Accent'), index, seg, small);

  // Torso (top) and skirt.
  tube(p('Top'), index, [
    { at: [0, 0.84, 0], radius: [0.11, 0.085], bone: one('Hips') },
    { at: [0, 0.96, 0], radius: [0.09, 0.07], bone: one('Spine') },
    { at: [0, 1.08, 0.005], radius: [0.11, 0.085], bone: one('Chest') },
    { at: [0, 1.18, 0], radius: [0.12, 0.08], bone: one('UpperChest') },
    { at: [0, 1.255, 0], radius: [0.11, 0.065], bone: one('UpperChest') },
    { at: [0, 1.29, 0], radius: [0.04, 0.04], bone: blend('UpperChest', 'Neck', 0.5) },
  ], seg(16));
  buildTieAndCollar(p('Accent'), p('AccentOpen'), index, small);
  buildSkirt(p('AccentOpen'), index, seg(24));
  buildHeadset(p('Boots'), p('Accent'), index, small);

  // Arms: skin, with a flared detached sleeve over the forearm; hands.
  for (const [side, s] of [['Left', 1], ['Right', -1]] as const) {
    const ua = at(`${side}UpperArm`);
    const la = at(`${side}LowerArm`);
    const hand = at(`${side}Hand`);
    tube(p('Skin'), index, [
      { at: [ua[0] - 0.03 * s, ua[1], 0], radius: [0.043, 0.042], bone: one(`${side}UpperArm`) },
      { at: [(ua[0] + la[0]) / 2, ua[1], 0], radius: [0.038, 0.037], bone: one(`${side}UpperArm`) },
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
    buildHand(p('Hands'), index, side, small);

    // Legs: skin thighs, tall boots, feet.
    const ul = at(`${side}UpperLeg`);
    const ll = at(`${side}LowerLeg`);
    const foot = at(`${side}Foot`);
    tube(p('Skin'), index, [
      { at: [ul[0], ul[1] + 0.04, 0], radius: [0.074, 0.07], bone: one(`${side}UpperLeg`) },
      { at: [ul[0], (ul[1] + ll[1]) / 2, 0], radius: [0.061, 0.058], bone: one(`${side}UpperLeg`) },
      { at: ll, radius: [0.047, 0.046], bone: blend(`${side}UpperLeg`, `${side}LowerLeg`, 0.5) },
    ], seg(12), true); // the top under the skirt, the knee inside the boot
    tube(p('Boots'), index, [
      { at: [ll[0], ll[1] + 0.03, 0], radius: [0.056, 0.056], bone: blend(`${side}UpperLeg`, `${side}LowerLeg`, 0.6) },
      { at: [ll[0], ll[1] - 0.05, 0], radius: [0.05, 0.05], bone: one(`${side}LowerLeg`) },
      { at: [ll[0], (ll[1] + foot[1]) / 2, 0], radius: [0.045, 0.045], bone: one(`${side}LowerLeg`) },
      { at: [foot[0], foot[1] + 0.01, 0], radius: [0.042, 0.042], bone: blend(`${side}LowerLeg`, `${side}Foot`, 0.5) },
    ], seg(12), 'end'); // the ankle end is inside the foot
    ellipsoid(p('Boots'), index, { center: [foot[0], 0.036, 0.045], radii: [0.046, 0.036, 0.105], bone: blend(`${side}Foot`, `${side}Toes`, 0.3), rings: small(5), segments: small(8) });
    // Cuff of the boot.
    tube(p('Accent'), index, [
      { at: [ll[0], ll[1] + 0.035, 0], radius: [0.06, 0.06], bone: blend(`${side}UpperLeg`, `${side}LowerLeg`, 0.6) },
      { at: [ll[0], ll[1] + 0.005, 0], radius: [0.06, 0.06], bone: blend(`${side}UpperLeg`, `${side}LowerLeg`, 0.6) },
    ], seg(12), true);
  }

  const body = MATERIALS.map((m) => parts.get(m.name)!).filter((part) => part.vertexCount > 0);
  return { bones, body, face: buildFace(index, small) };
}
