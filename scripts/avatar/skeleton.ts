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
    // Twin tail: from the side of the head, out and back, then long and down to below the hips.
    for (let i = 0; i < TAIL_JOINTS; i++) {
      const at = tailPoint(i / (TAIL_JOINTS - 1), s);
      b.push({ name: `${side}Tail${i}`, parent: i === 0 ? 'Head' : `${side}Tail${i - 1}`, at });
    }
  }
  return b;
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
