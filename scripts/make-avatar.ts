// Generates the project's own default singer, "Holo": a stylized toon girl with long twin tails,
// written as glTF binary with VRM extensions by this script (no third-party model data).
//
//   node bin/run-ts.js scripts/make-avatar.ts            -> assets/avatars/holo.vrm (VRM 1.0)
//                                                          + assets/avatars/holo-vrm0.vrm (VRM 0.x, lighter)
//
// The character is built from simple solids (ellipsoids and tubes of rings) in a T-pose, each vertex
// skinned to one or two bones. The face (eyes + mouth) is a separate mesh whose morph targets give
// the expressions aa ih ou ee oh blink happy. The twin tails are bone chains driven by spring bones.
// Output is deterministic: the same script always writes the same bytes.

import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

type Vec3 = [number, number, number];

// ---------------------------------------------------------------------------------------------
// Skeleton (VRM 1.0 orientation: the avatar faces +Z, her left hand is at +X, metres, T-pose).

interface BoneDef {
  name: string;
  parent: string | null;
  /** World position in the rest (T-)pose. */
  at: Vec3;
  /** VRM humanoid bone name, if this is a humanoid bone. */
  humanoid?: string;
}

const TAIL_JOINTS = 7;

function skeleton(): BoneDef[] {
  const b: BoneDef[] = [
    { name: 'Hips', parent: null, at: [0, 0.86, 0], humanoid: 'hips' },
    { name: 'Spine', parent: 'Hips', at: [0, 0.96, 0], humanoid: 'spine' },
    { name: 'Chest', parent: 'Spine', at: [0, 1.07, 0], humanoid: 'chest' },
    { name: 'UpperChest', parent: 'Chest', at: [0, 1.17, 0], humanoid: 'upperChest' },
    { name: 'Neck', parent: 'UpperChest', at: [0, 1.29, 0], humanoid: 'neck' },
    { name: 'Head', parent: 'Neck', at: [0, 1.37, 0], humanoid: 'head' },
  ];
  for (const [side, s] of [['Left', 1], ['Right', -1]] as const) {
    const l = side.toLowerCase();
    b.push(
      { name: `${side}Eye`, parent: 'Head', at: [0.048 * s, 1.455, 0.07], humanoid: `${l}Eye` },
      { name: `${side}Shoulder`, parent: 'UpperChest', at: [0.03 * s, 1.255, 0], humanoid: `${l}Shoulder` },
      { name: `${side}UpperArm`, parent: `${side}Shoulder`, at: [0.11 * s, 1.265, 0], humanoid: `${l}UpperArm` },
      { name: `${side}LowerArm`, parent: `${side}UpperArm`, at: [0.345 * s, 1.265, 0], humanoid: `${l}LowerArm` },
      { name: `${side}Hand`, parent: `${side}LowerArm`, at: [0.565 * s, 1.265, 0], humanoid: `${l}Hand` },
      { name: `${side}UpperLeg`, parent: 'Hips', at: [0.085 * s, 0.81, 0], humanoid: `${l}UpperLeg` },
      { name: `${side}LowerLeg`, parent: `${side}UpperLeg`, at: [0.085 * s, 0.45, 0], humanoid: `${l}LowerLeg` },
      { name: `${side}Foot`, parent: `${side}LowerLeg`, at: [0.085 * s, 0.085, 0], humanoid: `${l}Foot` },
      { name: `${side}Toes`, parent: `${side}Foot`, at: [0.085 * s, 0.025, 0.1], humanoid: `${l}Toes` },
    );
    // Twin tail: from the side of the head, out and back, then long and down to below the hips.
    for (let i = 0; i < TAIL_JOINTS; i++) {
      const at = tailPoint(i / (TAIL_JOINTS - 1), s);
      b.push({ name: `${side}Tail${i}`, parent: i === 0 ? 'Head' : `${side}Tail${i - 1}`, at });
    }
  }
  return b;
}

/** A point along a twin tail, u in 0..1 from the root at the head to the tip. */
function tailPoint(u: number, side: number): Vec3 {
  if (u <= 1 / 6) {
    const k = u * 6;
    return [side * (0.15 + 0.1 * k), 1.58 - 0.07 * k, -0.05 - 0.05 * k];
  }
  const k = (u - 1 / 6) / (5 / 6);
  return [side * (0.25 + 0.05 * Math.sin(k * Math.PI * 0.8)), 1.51 - 0.92 * k, -0.1 - 0.03 * k];
}

// ---------------------------------------------------------------------------------------------
// Geometry: vertices with up to two bone influences.

interface Influence { bone: string; weight: number }

class Part {
  positions: number[] = [];
  normals: number[] = [];
  joints: number[] = [];
  weights: number[] = [];
  indices: number[] = [];
  /** Morph target deltas by expression name (positions only), filled for face parts. */
  morphs = new Map<string, number[]>();

  constructor(readonly material: string) {}

  get vertexCount(): number {
    return this.positions.length / 3;
  }

  addVertex(p: Vec3, n: Vec3, inf: Influence[], boneIndex: Map<string, number>): number {
    this.positions.push(...p);
    const len = Math.hypot(...n) || 1;
    this.normals.push(n[0] / len, n[1] / len, n[2] / len);
    const js = [0, 0, 0, 0];
    const ws = [0, 0, 0, 0];
    const total = inf.reduce((a, f) => a + f.weight, 0);
    inf.slice(0, 4).forEach((f, i) => {
      const j = boneIndex.get(f.bone);
      if (j === undefined) throw new Error(`unknown bone ${f.bone}`);
      js[i] = j;
      ws[i] = f.weight / total;
    });
    this.joints.push(...js);
    this.weights.push(...ws);
    return this.vertexCount - 1;
  }

  /** Appends another part's geometry (same material). */
  merge(other: Part): void {
    const base = this.vertexCount;
    this.positions.push(...other.positions);
    this.normals.push(...other.normals);
    this.joints.push(...other.joints);
    this.weights.push(...other.weights);
    for (const i of other.indices) this.indices.push(i + base);
  }
}

interface EllipsoidOpts {
  center: Vec3;
  radii: Vec3;
  bone: Influence[];
  rings?: number;
  segments?: number;
  /** Largest polar angle (from +Y) drawn at azimuth phi (phi = 0 faces +Z): makes caps such as hair. */
  maxTheta?: (phi: number) => number;
  /** Smallest polar angle drawn: leaves out a top that something else always covers. */
  minTheta?: number;
  /** Azimuths drawn (default all round): leaves out a back half buried in something else. */
  phiRange?: [number, number];
}

function ellipsoid(part: Part, bones: Map<string, number>, o: EllipsoidOpts): number[] {
  const rings = o.rings ?? 12;
  const segs = o.segments ?? 20;
  const first = part.vertexCount;
  const [cx, cy, cz] = o.center;
  const [rx, ry, rz] = o.radii;
  for (let r = 0; r <= rings; r++) {
    for (let s = 0; s <= segs; s++) {
      const [phiFrom, phiTo] = o.phiRange ?? [0, Math.PI * 2];
      const phi = phiFrom + (s / segs) * (phiTo - phiFrom);
      const limit = o.maxTheta ? o.maxTheta(phi) : Math.PI;
      const from = o.minTheta ?? 0;
      const theta = from + (r / rings) * (limit - from);
      const x = Math.sin(theta) * Math.sin(phi);
      const y = Math.cos(theta);
      const z = Math.sin(theta) * Math.cos(phi);
      part.addVertex([cx + rx * x, cy + ry * y, cz + rz * z], [x / rx, y / ry, z / rz], o.bone, bones);
    }
  }
  for (let r = 0; r < rings; r++) {
    for (let s = 0; s < segs; s++) {
      const a = first + r * (segs + 1) + s;
      const b = a + segs + 1;
      part.indices.push(a, b, a + 1, a + 1, b, b + 1);
    }
  }
  return Array.from({ length: part.vertexCount - first }, (_, i) => first + i);
}

interface Ring { at: Vec3; radius: [number, number]; bone: Influence[] }

/**
 * A tube through rings (a limb, the torso, a skirt, a tail), closed with caps unless `open`: true
 * leaves both ends open, 'start' or 'end' one (an end buried in another part needs no cap).
 */
function tube(part: Part, bones: Map<string, number>, rings: Ring[], segs = 14, open: boolean | 'start' | 'end' = false): void {
  const first = part.vertexCount;
  for (let i = 0; i < rings.length; i++) {
    const ring = rings[i]!;
    const prev = rings[Math.max(0, i - 1)]!.at;
    const next = rings[Math.min(rings.length - 1, i + 1)]!.at;
    const d = normalize(sub(next, prev));
    // A stable frame: reference +Z for vertical-ish tubes, +Y for horizontal ones.
    const ref: Vec3 = Math.abs(d[1]) > 0.7 ? [0, 0, 1] : [0, 1, 0];
    const u = normalize(cross(d, ref));
    const v = cross(u, d);
    for (let s = 0; s <= segs; s++) {
      const a = (s / segs) * Math.PI * 2;
      const cu = Math.cos(a) * ring.radius[0];
      const cv = Math.sin(a) * ring.radius[1];
      const p: Vec3 = [ring.at[0] + u[0] * cu + v[0] * cv, ring.at[1] + u[1] * cu + v[1] * cv, ring.at[2] + u[2] * cu + v[2] * cv];
      const n: Vec3 = [
        u[0] * Math.cos(a) / ring.radius[0] + v[0] * Math.sin(a) / ring.radius[1],
        u[1] * Math.cos(a) / ring.radius[0] + v[1] * Math.sin(a) / ring.radius[1],
        u[2] * Math.cos(a) / ring.radius[0] + v[2] * Math.sin(a) / ring.radius[1],
      ];
      part.addVertex(p, n, ring.bone, bones);
    }
  }
  for (let i = 0; i < rings.length - 1; i++) {
    for (let s = 0; s < segs; s++) {
      const a = first + i * (segs + 1) + s;
      const b = a + segs + 1;
      // Counter-clockwise seen from outside, so the faces point out (toon outlines draw the back faces).
      part.indices.push(a, b, a + 1, a + 1, b, b + 1);
    }
  }
  if (open === true) return;
  for (const [end, sign] of [[0, -1], [rings.length - 1, 1]] as const) {
    if ((open === 'start' && end === 0) || (open === 'end' && end !== 0)) continue;
    const ring = rings[end]!;
    const other = rings[end === 0 ? 1 : rings.length - 2]!;
    const axis = normalize(sub(ring.at, other.at));
    const centre = part.addVertex(ring.at, axis, ring.bone, bones);
    const base = first + end * (segs + 1);
    for (let s = 0; s < segs; s++) {
      if (sign < 0) part.indices.push(centre, base + s, base + s + 1);
      else part.indices.push(centre, base + s + 1, base + s);
    }
  }
}

const sub = (a: Vec3, b: Vec3): Vec3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
const cross = (a: Vec3, b: Vec3): Vec3 => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
const normalize = (a: Vec3): Vec3 => {
  const l = Math.hypot(a[0], a[1], a[2]) || 1;
  return [a[0] / l, a[1] / l, a[2] / l];
};
const one = (bone: string): Influence[] => [{ bone, weight: 1 }];
const blend = (a: string, b: string, t: number): Influence[] => [{ bone: a, weight: 1 - t }, { bone: b, weight: t }];

// ---------------------------------------------------------------------------------------------
// The character.

interface MaterialDef {
  name: string;
  color: [number, number, number];
  shade: [number, number, number];
  doubleSided?: boolean;
  outline: number;
}

const MATERIALS: MaterialDef[] = [
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

interface Character {
  bones: BoneDef[];
  body: Part[];
  face: Part[];
}

function buildCharacter(detail: number): Character {
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

// ---------------------------------------------------------------------------------------------
// glTF binary writer.

class GlbBuilder {
  private chunks: Buffer[] = [];
  private length = 0;
  readonly bufferViews: object[] = [];
  readonly accessors: object[] = [];

  private addView(bytes: Buffer, target?: number): number {
    const pad = (4 - (this.length % 4)) % 4;
    if (pad) {
      this.chunks.push(Buffer.alloc(pad));
      this.length += pad;
    }
    this.bufferViews.push({ buffer: 0, byteOffset: this.length, byteLength: bytes.length, ...(target ? { target } : {}) });
    this.chunks.push(bytes);
    this.length += bytes.length;
    return this.bufferViews.length - 1;
  }

  floats(data: number[], type: 'SCALAR' | 'VEC3' | 'VEC4' | 'MAT4', opts: { minMax?: boolean; target?: number } = {}): number {
    const arr = new Float32Array(data);
    const view = this.addView(Buffer.from(arr.buffer), opts.target);
    const width = { SCALAR: 1, VEC3: 3, VEC4: 4, MAT4: 16 }[type];
    const acc: Record<string, unknown> = { bufferView: view, componentType: 5126, count: data.length / width, type };
    if (opts.minMax) {
      const min = Array(width).fill(Infinity);
      const max = Array(width).fill(-Infinity);
      for (let i = 0; i < arr.length; i++) {
        min[i % width] = Math.min(min[i % width], arr[i]!);
        max[i % width] = Math.max(max[i % width], arr[i]!);
      }
      acc.min = min;
      acc.max = max;
    }
    this.accessors.push(acc);
    return this.accessors.length - 1;
  }

  bytes4(data: number[]): number {
    const view = this.addView(Buffer.from(Uint8Array.from(data)), 34962);
    this.accessors.push({ bufferView: view, componentType: 5121, count: data.length / 4, type: 'VEC4' });
    return this.accessors.length - 1;
  }

  indices(data: number[]): number {
    const big = data.some((i) => i > 65535);
    const arr = big ? new Uint32Array(data) : new Uint16Array(data);
    const view = this.addView(Buffer.from(arr.buffer, arr.byteOffset, arr.byteLength), 34963);
    this.accessors.push({ bufferView: view, componentType: big ? 5125 : 5123, count: data.length, type: 'SCALAR' });
    return this.accessors.length - 1;
  }

  finish(json: Record<string, unknown>): Buffer {
    const bin = Buffer.concat(this.chunks);
    const binPadded = Buffer.concat([bin, Buffer.alloc((4 - (bin.length % 4)) % 4)]);
    const full = { ...json, buffers: [{ byteLength: binPadded.length }], bufferViews: this.bufferViews, accessors: this.accessors };
    let text = Buffer.from(JSON.stringify(full), 'utf8');
    text = Buffer.concat([text, Buffer.alloc((4 - (text.length % 4)) % 4, 0x20)]);
    const header = Buffer.alloc(12);
    header.writeUInt32LE(0x46546c67, 0); // "glTF"
    header.writeUInt32LE(2, 4);
    header.writeUInt32LE(12 + 8 + text.length + 8 + binPadded.length, 8);
    const jsonHeader = Buffer.alloc(8);
    jsonHeader.writeUInt32LE(text.length, 0);
    jsonHeader.writeUInt32LE(0x4e4f534a, 4); // "JSON"
    const binHeader = Buffer.alloc(8);
    binHeader.writeUInt32LE(binPadded.length, 0);
    binHeader.writeUInt32LE(0x004e4942, 4); // "BIN\0"
    return Buffer.concat([header, jsonHeader, text, binHeader, binPadded]);
  }
}

export interface AvatarOptions {
  /** 'vrm1' = VRM 1.0 (faces +Z); 'vrm0' = VRM 0.x (faces -Z, the older convention). */
  version: 'vrm1' | 'vrm0';
  /** Tessellation multiplier: 1 for the default avatar, lower for small test files. */
  detail: number;
  name?: string;
  /**
   * VRM 0.x only: face -Z as 0.x models normally do (the default). false writes a 0.x file facing
   * +Z, as some tools re-export them (for tests).
   */
  faceMinusZ?: boolean;
}

const LICENSE_URL = 'https://vrm.dev/licenses/1.0/';
const CC0 = 'https://creativecommons.org/publicdomain/zero/1.0/';

/** Builds the avatar and returns the .vrm (glTF binary) bytes. */
export function makeAvatar(opts: AvatarOptions): Buffer {
  const ch = buildCharacter(opts.detail);
  const v0 = opts.version === 'vrm0';
  // VRM 0.x models face -Z: turn the whole character half a turn about Y.
  const turned = v0 && opts.faceMinusZ !== false;
  const turn = (p: number[]): number[] => (turned ? p.map((x, i) => (i % 3 === 1 ? x : -x)) : p);
  const name = opts.name ?? 'Holo';
  const glb = new GlbBuilder();

  // Nodes: 0 = Armature root, then the bones, then the two mesh nodes.
  const boneIndex = new Map(ch.bones.map((b, i) => [b.name, i]));
  const nodes: Record<string, unknown>[] = [{ name: 'Armature', children: [] as number[] }];
  const nodeOf = (bone: string) => 1 + boneIndex.get(bone)!;
  for (const b of ch.bones) {
    const parentAt: Vec3 = b.parent ? ch.bones[boneIndex.get(b.parent)!]!.at : [0, 0, 0];
    const local = turn(sub(b.at, parentAt));
    nodes.push({ name: b.name, translation: local, children: [] as number[] });
  }
  for (const b of ch.bones) {
    const parent = b.parent ? nodes[nodeOf(b.parent)]! : nodes[0]!;
    (parent.children as number[]).push(nodeOf(b.name));
  }
  for (const n of nodes) if ((n.children as number[]).length === 0) delete n.children;

  const inverseBind: number[] = [];
  for (const b of ch.bones) {
    const w = turn(b.at);
    inverseBind.push(1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, -w[0]!, -w[1]!, -w[2]!, 1);
  }
  const skin = { name: 'Skin', joints: ch.bones.map((b) => nodeOf(b.name)), inverseBindMatrices: glb.floats(inverseBind, 'MAT4'), skeleton: nodeOf('Hips') };

  const materialIndex = new Map(MATERIALS.map((m, i) => [m.name, i]));
  const primitive = (part: Part, morphs: boolean) => {
    const prim: Record<string, unknown> = {
      attributes: {
        POSITION: glb.floats(turn(part.positions), 'VEC3', { minMax: true, target: 34962 }),
        NORMAL: glb.floats(turn(part.normals), 'VEC3', { target: 34962 }),
        JOINTS_0: glb.bytes4(part.joints),
        WEIGHTS_0: glb.floats(part.weights, 'VEC4', { target: 34962 }),
      },
      indices: glb.indices(part.indices),
      material: materialIndex.get(part.material),
      mode: 4,
    };
    if (morphs) prim.targets = EXPRESSIONS.map((e) => ({ POSITION: glb.floats(turn(part.morphs.get(e)!), 'VEC3', { minMax: true, target: 34962 }) }));
    return prim;
  };
  const meshes = [
    { name: 'Body', primitives: ch.body.map((p) => primitive(p, false)) },
    { name: 'Face', primitives: ch.face.map((p) => primitive(p, true)), weights: EXPRESSIONS.map(() => 0), extras: { targetNames: [...EXPRESSIONS] } },
  ];
  const bodyNode = nodes.length;
  nodes.push({ name: 'Body', mesh: 0, skin: 0 });
  const faceNode = nodes.length;
  nodes.push({ name: 'Face', mesh: 1, skin: 0 });

  const materials = MATERIALS.map((m) => {
    const mat: Record<string, unknown> = {
      name: m.name,
      pbrMetallicRoughness: { baseColorFactor: [...m.color, 1], metallicFactor: 0, roughnessFactor: 1 },
      doubleSided: m.doubleSided ?? false,
    };
    if (!v0) {
      mat.extensions = {
        VRMC_materials_mtoon: {
          specVersion: '1.0',
          transparentWithZWrite: false,
          renderQueueOffsetNumber: 0,
          shadeColorFactor: m.shade,
          shadingShiftFactor: -0.05,
          shadingToonyFactor: 0.92,
          giEqualizationFactor: 0.9,
          matcapFactor: [0, 0, 0],
          parametricRimColorFactor: [0.25, 0.25, 0.3],
          parametricRimFresnelPowerFactor: 4,
          parametricRimLiftFactor: 0.05,
          outlineWidthMode: m.outline > 0 ? 'worldCoordinates' : 'none',
          outlineWidthFactor: m.outline,
          outlineColorFactor: [m.shade[0] * 0.35, m.shade[1] * 0.35, m.shade[2] * 0.35],
          outlineLightingMixFactor: 1,
        },
      };
    }
    return mat;
  });

  const json: Record<string, unknown> = {
    asset: { version: '2.0', generator: 'holostage scripts/make-avatar.ts' },
    scene: 0,
    scenes: [{ name: 'Scene', nodes: [0, bodyNode, faceNode] }],
    nodes,
    meshes,
    skins: [skin],
    materials,
  };

  const springChains = (['Left', 'Right'] as const).map((side) => Array.from({ length: TAIL_JOINTS }, (_, i) => nodeOf(`${side}Tail${i}`)));
  const humanoidBones = ch.bones.filter((b) => b.humanoid);

  if (!v0) {
    const binds = (e: string) => [{ node: faceNode, index: EXPRESSIONS.indexOf(e as (typeof EXPRESSIONS)[number]), weight: 1 }];
    const preset: Record<string, unknown> = {};
    for (const e of EXPRESSIONS) {
      preset[e] = {
        morphTargetBinds: binds(e),
        isBinary: e === 'blink',
        overrideBlink: e === 'happy' ? 'block' : 'none',
        overrideLookAt: e === 'blink' || e === 'happy' ? 'block' : 'none',
        overrideMouth: e === 'happy' ? 'blend' : 'none',
      };
    }
    json.extensionsUsed = ['VRMC_vrm', 'VRMC_springBone', 'VRMC_materials_mtoon'];
    json.extensions = {
      VRMC_vrm: {
        specVersion: '1.0',
        meta: {
          name,
          version: '1.0',
          authors: ['holostage contributors'],
          copyrightInformation: 'Made by scripts/make-avatar.ts in the holostage project; dedicated to the public domain (CC0 1.0).',
          references: ['https://creativecommons.org/publicdomain/zero/1.0/'],
          licenseUrl: LICENSE_URL,
          avatarPermission: 'everyone',
          allowExcessivelyViolentUsage: false,
          allowExcessivelySexualUsage: false,
          commercialUsage: 'corporation',
          allowPoliticalOrReligiousUsage: false,
          allowAntisocialOrHateUsage: false,
          creditNotation: 'unnecessary',
          allowRedistribution: true,
          modification: 'allowModificationRedistribution',
          otherLicenseUrl: CC0,
        },
        humanoid: { humanBones: Object.fromEntries(humanoidBones.map((b) => [b.humanoid!, { node: nodeOf(b.name) }])) },
        firstPerson: { meshAnnotations: [{ node: bodyNode, type: 'auto' }, { node: faceNode, type: 'thirdPersonOnly' }] },
        lookAt: {
          type: 'bone',
          offsetFromHeadBone: [0, 0.085, 0.08],
          rangeMapHorizontalInner: { inputMaxValue: 90, outputScale: 12 },
          rangeMapHorizontalOuter: { inputMaxValue: 90, outputScale: 12 },
          rangeMapVerticalDown: { inputMaxValue: 90, outputScale: 8 },
          rangeMapVerticalUp: { inputMaxValue: 90, outputScale: 8 },
        },
        expressions: { preset },
      },
      VRMC_springBone: {
        specVersion: '1.0',
        colliders: [
          { node: nodeOf('Head'), shape: { sphere: { offset: [0, 0.1, -0.01], radius: 0.13 } } },
          { node: nodeOf('UpperChest'), shape: { capsule: { offset: [0.06, 0, -0.01], radius: 0.09, tail: [-0.06, 0, -0.01] } } },
          { node: nodeOf('Hips'), shape: { capsule: { offset: [0.08, -0.08, 0], radius: 0.16, tail: [-0.08, -0.08, 0] } } },
          { node: nodeOf('LeftUpperArm'), shape: { capsule: { offset: [0, 0, 0], radius: 0.045, tail: [0.23, 0, 0] } } },
          { node: nodeOf('RightUpperArm'), shape: { capsule: { offset: [0, 0, 0], radius: 0.045, tail: [-0.23, 0, 0] } } },
        ],
        colliderGroups: [
          { name: 'Body', colliders: [0, 1, 2] },
          { name: 'Arms', colliders: [3, 4] },
        ],
        springs: springChains.map((chain, k) => ({
          name: k === 0 ? 'LeftTail' : 'RightTail',
          joints: chain.map((node, i) => ({
            node,
            hitRadius: i === 0 ? 0.03 : 0.05,
            stiffness: i < 2 ? 2.2 : 0.9,
            gravityPower: 0.35,
            gravityDir: [0, -1, 0],
            dragForce: 0.35,
          })),
          colliderGroups: [0, 1],
          center: nodeOf('Hips'),
        })),
      },
    };
  } else {
    const v0Preset: Record<string, string> = { aa: 'a', ih: 'i', ou: 'u', ee: 'e', oh: 'o', blink: 'blink', happy: 'joy' };
    json.extensionsUsed = ['VRM'];
    json.extensions = {
      VRM: {
        exporterVersion: 'holostage-make-avatar',
        specVersion: '0.0',
        meta: {
          title: name,
          version: '1.0',
          author: 'holostage contributors',
          contactInformation: '',
          reference: '',
          allowedUserName: 'Everyone',
          violentUssageName: 'Disallow',
          sexualUssageName: 'Disallow',
          commercialUssageName: 'Allow',
          otherPermissionUrl: '',
          licenseName: 'CC0',
          otherLicenseUrl: CC0,
        },
        humanoid: {
          humanBones: humanoidBones.map((b) => ({ bone: b.humanoid, node: nodeOf(b.name), useDefaultValues: true })),
          armStretch: 0.05, legStretch: 0.05, upperArmTwist: 0.5, lowerArmTwist: 0.5, upperLegTwist: 0.5, lowerLegTwist: 0.5,
          feetSpacing: 0, hasTranslationDoF: false,
        },
        firstPerson: { firstPersonBone: nodeOf('Head'), firstPersonBoneOffset: { x: 0, y: 0.06, z: 0 }, meshAnnotations: [{ mesh: 1, firstPersonFlag: 'ThirdPersonOnly' }],
          lookAtTypeName: 'Bone',
          lookAtHorizontalInner: { curve: [0, 0, 0, 1, 1, 1, 1, 0], xRange: 90, yRange: 12 },
          lookAtHorizontalOuter: { curve: [0, 0, 0, 1, 1, 1, 1, 0], xRange: 90, yRange: 12 },
          lookAtVerticalDown: { curve: [0, 0, 0, 1, 1, 1, 1, 0], xRange: 90, yRange: 8 },
          lookAtVerticalUp: { curve: [0, 0, 0, 1, 1, 1, 1, 0], xRange: 90, yRange: 8 },
        },
        blendShapeMaster: {
          blendShapeGroups: EXPRESSIONS.map((e, i) => ({ name: v0Preset[e], presetName: v0Preset[e], binds: [{ mesh: 1, index: i, weight: 100 }], materialValues: [], isBinary: false })),
        },
        secondaryAnimation: {
          boneGroups: springChains.map((chain) => ({
            comment: 'twin tail', stiffiness: 1.2, gravityPower: 0.35, gravityDir: { x: 0, y: -1, z: 0 }, dragForce: 0.35,
            center: -1, hitRadius: 0.05, bones: [chain[0]], colliderGroups: [0],
          })),
          colliderGroups: [{ node: nodeOf('Head'), colliders: [{ offset: { x: 0, y: 0.1, z: 0 }, radius: 0.13 }] }],
        },
        materialProperties: [],
      },
    };
  }
  return glb.finish(json);
}


// ---------------------------------------------------------------------------------------------
// Sample motions for shows and tests: a "cheer" as VRM Animation (.vrma) and a "sidestep" as BVH.
// Both loop over two seconds at 120 BPM (four beats).

/** Rotations (XYZ Euler, radians) of the cheer at time t: both arms up, waving, bouncing. */
function cheerPose(t: number): Record<string, Vec3> {
  const w = Math.sin(t * Math.PI * 2);
  const b = Math.sin(t * Math.PI * 4);
  return {
    hips: [0, 0, 0.05 * w],
    spine: [-0.05, 0, -0.04 * w],
    head: [-0.1 + 0.05 * b, 0.1 * w, 0],
    leftUpperArm: [0, 0, 1.0 + 0.25 * w],
    rightUpperArm: [0, 0, -1.0 + 0.25 * w],
    leftLowerArm: [0, 0, 0.5 + 0.2 * b],
    rightLowerArm: [0, 0, -0.5 - 0.2 * b],
    leftUpperLeg: [-0.1 * (1 + b) / 2, 0, 0],
    rightUpperLeg: [-0.1 * (1 + b) / 2, 0, 0],
    leftLowerLeg: [0.2 * (1 + b) / 2, 0, 0],
    rightLowerLeg: [0.2 * (1 + b) / 2, 0, 0],
  };
}

function quatOfEuler([x, y, z]: Vec3): [number, number, number, number] {
  const c1 = Math.cos(x / 2), c2 = Math.cos(y / 2), c3 = Math.cos(z / 2);
  const s1 = Math.sin(x / 2), s2 = Math.sin(y / 2), s3 = Math.sin(z / 2);
  return [s1 * c2 * c3 + c1 * s2 * s3, c1 * s2 * c3 - s1 * c2 * s3, c1 * c2 * s3 + s1 * s2 * c3, c1 * c2 * c3 - s1 * s2 * s3];
}

export function makeCheerVrma(): Buffer {
  const bones = skeleton().filter((b) => b.humanoid && !b.humanoid.endsWith('Eye'));
  const index = new Map(bones.map((b, i) => [b.name, i]));
  const glb = new GlbBuilder();
  const nodes: Record<string, unknown>[] = bones.map((b) => {
    const parentAt: Vec3 = b.parent ? bones[index.get(b.parent)!]!.at : [0, 0, 0];
    return { name: b.name, translation: sub(b.at, parentAt) };
  });
  bones.forEach((b, i) => {
    if (!b.parent) return;
    const parent = nodes[index.get(b.parent)!]!;
    ((parent.children ??= []) as number[]).push(i);
  });
  const fps = 30;
  const frames = 61;
  const times = Array.from({ length: frames }, (_, i) => i / fps);
  const input = glb.floats(times, 'SCALAR', { minMax: true });
  const samplers: object[] = [];
  const channels: object[] = [];
  const animated = Object.keys(cheerPose(0));
  for (const name of animated) {
    const node = bones.findIndex((b) => b.humanoid === name);
    const values = times.flatMap((t) => quatOfEuler(cheerPose(t)[name]!));
    samplers.push({ input, output: glb.floats(values, 'VEC4'), interpolation: 'LINEAR' });
    channels.push({ sampler: samplers.length - 1, target: { node, path: 'rotation' } });
  }
  const hipsValues = times.flatMap((t) => [0, 0.86 + 0.03 * Math.sin(t * Math.PI * 4), 0]);
  samplers.push({ input, output: glb.floats(hipsValues, 'VEC3'), interpolation: 'LINEAR' });
  channels.push({ sampler: samplers.length - 1, target: { node: 0, path: 'translation' } });
  return glb.finish({
    asset: { version: '2.0', generator: 'holostage scripts/make-avatar.ts' },
    scene: 0,
    scenes: [{ nodes: [0] }],
    nodes,
    animations: [{ name: 'cheer', samplers, channels }],
    extensionsUsed: ['VRMC_vrm_animation'],
    extensions: {
      VRMC_vrm_animation: {
        specVersion: '1.0',
        humanoid: { humanBones: Object.fromEntries(bones.map((b, i) => [b.humanoid!, { node: i }])) },
      },
    },
  });
}

/** A BVH (centimetres, degrees, ZXY channels) of a side-step with swinging arms, in the T-pose rig above. */
export function makeSidestepBvh(): string {
  const names: Record<string, string> = {
    Hips: 'Hips', Spine: 'Spine', Chest: 'Chest', Neck: 'Neck', Head: 'Head',
    LeftShoulder: 'LeftShoulder', LeftUpperArm: 'LeftArm', LeftLowerArm: 'LeftForeArm', LeftHand: 'LeftHand',
    RightShoulder: 'RightShoulder', RightUpperArm: 'RightArm', RightLowerArm: 'RightForeArm', RightHand: 'RightHand',
    LeftUpperLeg: 'LeftUpLeg', LeftLowerLeg: 'LeftLeg', LeftFoot: 'LeftFoot',
    RightUpperLeg: 'RightUpLeg', RightLowerLeg: 'RightLeg', RightFoot: 'RightFoot',
  };
  const all = skeleton();
  const byName = new Map(all.map((b) => [b.name, b]));
  const parentOf = (b: BoneDef): BoneDef | undefined => {
    let p = b.parent ? byName.get(b.parent) : undefined;
    while (p && !names[p.name]) p = p.parent ? byName.get(p.parent) : undefined;
    return p;
  };
  const used = all.filter((b) => names[b.name]);
  const order: BoneDef[] = [];
  const lines: string[] = ['HIERARCHY'];
  const cm = (v: number) => (v * 100).toFixed(3);
  const emit = (b: BoneDef, depth: number) => {
    const pad = '  '.repeat(depth);
    const p = parentOf(b);
    const off: Vec3 = p ? sub(b.at, p.at) : [0, 0, 0]; // the root moves by its position channels
    order.push(b);
    lines.push(`${pad}${p ? 'JOINT' : 'ROOT'} ${names[b.name]}`, `${pad}{`, `${pad}  OFFSET ${cm(off[0])} ${cm(off[1])} ${cm(off[2])}`);
    lines.push(`${pad}  CHANNELS ${p ? 3 : 6} ${p ? '' : 'Xposition Yposition Zposition '}Zrotation Xrotation Yrotation`);
    const kids = used.filter((c) => parentOf(c) === b);
    for (const c of kids) emit(c, depth + 1);
    if (!kids.length) lines.push(`${pad}  End Site`, `${pad}  {`, `${pad}    OFFSET 0.000 5.000 0.000`, `${pad}  }`);
    lines.push(`${pad}}`);
  };
  emit(used[0]!, 0);
  const fps = 30;
  const frames = 60;
  lines.push('MOTION', `Frames: ${frames}`, `Frame Time: ${(1 / fps).toFixed(6)}`);
  const deg = (r: number) => ((r * 180) / Math.PI).toFixed(3);
  for (let f = 0; f < frames; f++) {
    const t = f / fps;
    const s = Math.sin(t * Math.PI); // one step to each side per 2 s
    const bob = Math.abs(Math.sin(t * Math.PI * 2));
    const rot: Record<string, Vec3> = {
      Hips: [0, 0.15 * s, 0.04 * s],
      Spine: [0, -0.1 * s, -0.03 * s],
      LeftUpperArm: [0, -0.4 * s, -1.1],
      RightUpperArm: [0, -0.4 * s, 1.1],
      LeftLowerArm: [0, -0.6, 0],
      RightLowerArm: [0, 0.6, 0],
      LeftUpperLeg: [-0.2 * Math.max(0, s), 0, 0.08 * s],
      RightUpperLeg: [-0.2 * Math.max(0, -s), 0, 0.08 * s],
      LeftLowerLeg: [0.4 * Math.max(0, s), 0, 0],
      RightLowerLeg: [0.4 * Math.max(0, -s), 0, 0],
    };
    const row: string[] = [];
    for (const b of order) {
      if (!parentOf(b)) row.push(cm(0.15 * s), cm(b.at[1] - 0.03 * bob), cm(b.at[2]));
      const [x, y, z] = rot[b.name] ?? [0, 0, 0];
      row.push(deg(z), deg(x), deg(y));
    }
    lines.push(row.join(' '));
  }
  return `${lines.join('\n')}\n`;
}

const isMain = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const outDir = resolve(root, 'assets/avatars');
  mkdirSync(outDir, { recursive: true });
  const files: [string, AvatarOptions][] = [
    ['holo.vrm', { version: 'vrm1', detail: 1 }],
    ['holo-vrm0.vrm', { version: 'vrm0', detail: 0.5, name: 'Holo (VRM 0.x)' }],
  ];
  for (const [file, opts] of files) {
    const bytes = makeAvatar(opts);
    writeFileSync(resolve(outDir, file), bytes);
    process.stdout.write(`wrote assets/avatars/${file} (${(bytes.length / 1024).toFixed(0)} KiB, ${opts.version})\n`);
  }
  mkdirSync(resolve(outDir, 'motions'), { recursive: true });
  writeFileSync(resolve(outDir, 'motions/cheer.vrma'), makeCheerVrma());
  writeFileSync(resolve(outDir, 'motions/sidestep.bvh'), makeSidestepBvh());
  process.stdout.write('wrote assets/avatars/motions/cheer.vrma and motions/sidestep.bvh\n');
}
