// The singer's skeleton (VRM 1.0 orientation: she faces +Z, her left hand is at +X, metres, T-pose).

export type Vec3 = [number, number, number];



export interface BoneDef {
  name: string;
  parent: string | null;
  /** World position in the rest (T-)pose. */
  at: Vec3;
  /** VRM humanoid bone name, if this is a humanoid bone. */
  humanoid?: string;
}

export const TAIL_JOINTS = 7;

export function skeleton(): BoneDef[] {
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
    b.push(...fingerBones(side, s));
    // Twin tail: from the side of the head, out and back, then long and down to below the hips.
    for (let i = 0; i < TAIL_JOINTS; i++) {
      const at = tailPoint(i / (TAIL_JOINTS - 1), s);
      b.push({ name: `${side}Tail${i}`, parent: i === 0 ? 'Head' : `${side}Tail${i - 1}`, at });
    }
  }
  // Skirt: six chains round the hips (spring bones), each a root and a hem joint; the tie: two.
  for (let k = 0; k < SKIRT_CHAINS; k++) {
    const a = (k / SKIRT_CHAINS) * Math.PI * 2; // 0 = front (+Z)
    const ring = (r: number, y: number): Vec3 => [Math.sin(a) * r, y, Math.cos(a) * r * 0.87];
    b.push({ name: `Skirt${k}_0`, parent: 'Hips', at: ring(0.15, 0.82) });
    b.push({ name: `Skirt${k}_1`, parent: `Skirt${k}_0`, at: ring(0.2, 0.73) });
    b.push({ name: `Skirt${k}_2`, parent: `Skirt${k}_1`, at: ring(0.245, 0.64) });
  }
  b.push({ name: 'Tie0', parent: 'UpperChest', at: [0, 1.205, 0.088] });
  b.push({ name: 'Tie1', parent: 'Tie0', at: [0, 1.15, 0.098] });
  b.push({ name: 'Tie2', parent: 'Tie1', at: [0, 1.09, 0.1] });
  return b;
}

export const SKIRT_CHAINS = 6;

/** Finger segment lengths (proximal, intermediate, distal) and where each finger leaves the palm. */
export const FINGERS: { name: string; z: number; y: number; lengths: [number, number, number] }[] = [
  { name: 'Index', z: 0.021, y: 0, lengths: [0.027, 0.019, 0.017] },
  { name: 'Middle', z: 0.007, y: 0, lengths: [0.03, 0.021, 0.018] },
  { name: 'Ring', z: -0.007, y: -0.001, lengths: [0.028, 0.019, 0.017] },
  { name: 'Little', z: -0.02, y: -0.002, lengths: [0.022, 0.015, 0.014] },
];
export const KNUCKLE_X = 0.635;
/** The thumb's joints (metacarpal, proximal, distal) and tip, for the left hand. */
export const THUMB: Vec3[] = [[0.578, 1.258, 0.02], [0.598, 1.252, 0.04], [0.615, 1.249, 0.053], [0.63, 1.247, 0.063]];

/** Five fingers on the VRM 1.0 finger bones (three per finger; the thumb's first is its metacarpal). */
function fingerBones(side: 'Left' | 'Right', s: number): BoneDef[] {
  const l = side.toLowerCase();
  const out: BoneDef[] = [];
  const parts = ['Metacarpal', 'Proximal', 'Distal'];
  THUMB.slice(0, 3).forEach((p, i) => {
    out.push({ name: `${side}Thumb${parts[i]}`, parent: i === 0 ? `${side}Hand` : `${side}Thumb${parts[i - 1]}`, at: [p[0] * s, p[1], p[2]], humanoid: `${l}Thumb${parts[i]}` });
  });
  for (const f of FINGERS) {
    let x = KNUCKLE_X;
    ['Proximal', 'Intermediate', 'Distal'].forEach((part, i) => {
      out.push({ name: `${side}${f.name}${part}`, parent: i === 0 ? `${side}Hand` : `${side}${f.name}${['Proximal', 'Intermediate'][i - 1]}`, at: [x * s, 1.265 + f.y, f.z], humanoid: `${l}${f.name}${part}` });
      x += f.lengths[i]!;
    });
  }
  return out;
}

/** A point along a twin tail, u in 0..1 from the root at the head to the tip. */
export function tailPoint(u: number, side: number): Vec3 {
  if (u <= 1 / 6) {
    const k = u * 6;
    return [side * (0.15 + 0.1 * k), 1.58 - 0.07 * k, -0.05 - 0.05 * k];
  }
  const k = (u - 1 / 6) / (5 / 6);
  return [side * (0.25 + 0.05 * Math.sin(k * Math.PI * 0.8)), 1.51 - 0.92 * k, -0.1 - 0.03 * k];
}
