// A pose of the humanoid as plain numbers: one local rotation (quaternion x,y,z,w) per normalized
// humanoid bone plus a hips offset. Normalized bones (three-vrm) are world-aligned in the T-pose
// for every VRM version, so the same numbers pose any avatar. Pure math, no three.js, and the
// per-frame functions write into preallocated arrays.

const FINGER_PARTS = ['ThumbMetacarpal', 'ThumbProximal', 'ThumbDistal', 'IndexProximal', 'IndexIntermediate', 'IndexDistal', 'MiddleProximal', 'MiddleIntermediate', 'MiddleDistal', 'RingProximal', 'RingIntermediate', 'RingDistal', 'LittleProximal', 'LittleIntermediate', 'LittleDistal'] as const;
type FingerBone<S extends string> = `${S}${(typeof FINGER_PARTS)[number]}`;
function fingerBones<S extends 'left' | 'right'>(side: S): FingerBone<S>[] {
  return FINGER_PARTS.map((p) => `${side}${p}` as FingerBone<S>);
}

/** Humanoid bones a pose holds: the body, then the fingers (VRM 1.0 names; three per finger). */
export const POSE_BONES = [
  'hips', 'spine', 'chest', 'upperChest', 'neck', 'head',
  'leftShoulder', 'leftUpperArm', 'leftLowerArm', 'leftHand',
  'rightShoulder', 'rightUpperArm', 'rightLowerArm', 'rightHand',
  'leftUpperLeg', 'leftLowerLeg', 'leftFoot',
  'rightUpperLeg', 'rightLowerLeg', 'rightFoot',
  ...fingerBones('left'),
  ...fingerBones('right'),
] as const;
export type PoseBone = (typeof POSE_BONES)[number];
export { FINGER_PARTS };
export const BONE_INDEX: Record<PoseBone, number> = Object.fromEntries(POSE_BONES.map((b, i) => [b, i])) as Record<PoseBone, number>;

export class Pose {
  /** 4 numbers per bone in POSE_BONES order. */
  readonly rotations = new Float64Array(POSE_BONES.length * 4);
  /** Hips translation from the rest position, metres. */
  readonly hips = new Float64Array(3);

  constructor() {
    this.reset();
  }

  reset(): this {
    this.rotations.fill(0);
    for (let i = 3; i < this.rotations.length; i += 4) this.rotations[i] = 1;
    this.hips.fill(0);
    return this;
  }

  copy(other: Pose): this {
    this.rotations.set(other.rotations);
    this.hips.set(other.hips);
    return this;
  }

  /** Sets a bone's rotation from Euler angles (radians, applied X then Y then Z, like three's 'XYZ'). */
  setEuler(bone: PoseBone, x: number, y: number, z: number): this {
    eulerToQuat(x, y, z, this.rotations, BONE_INDEX[bone] * 4);
    return this;
  }

  quat(bone: PoseBone): [number, number, number, number] {
    const o = BONE_INDEX[bone] * 4;
    const r = this.rotations;
    return [r[o]!, r[o + 1]!, r[o + 2]!, r[o + 3]!];
  }

  /** this = blend of this toward `other` by weight w (0 keeps this, 1 gives other). */
  blendToward(other: Pose, w: number): this {
    if (w <= 0) return this;
    if (w >= 1) return this.copy(other);
    const a = this.rotations;
    const b = other.rotations;
    for (let o = 0; o < a.length; o += 4) nlerpInto(a, o, b, o, w);
    for (let i = 0; i < 3; i++) this.hips[i] = this.hips[i]! + (other.hips[i]! - this.hips[i]!) * w;
    return this;
  }
}

/** Quaternion of intrinsic XYZ Euler angles (same convention as three.js Euler 'XYZ'). */
export function eulerToQuat(x: number, y: number, z: number, out: Float64Array | number[], o = 0): void {
  const c1 = Math.cos(x / 2), c2 = Math.cos(y / 2), c3 = Math.cos(z / 2);
  const s1 = Math.sin(x / 2), s2 = Math.sin(y / 2), s3 = Math.sin(z / 2);
  out[o] = s1 * c2 * c3 + c1 * s2 * s3;
  out[o + 1] = c1 * s2 * c3 - s1 * c2 * s3;
  out[o + 2] = c1 * c2 * s3 + s1 * s2 * c3;
  out[o + 3] = c1 * c2 * c3 - s1 * s2 * s3;
}

/** a[ao..] = normalized lerp from a toward b by w, taking the short way round. */
export function nlerpInto(a: Float64Array, ao: number, b: Float64Array | number[], bo: number, w: number): void {
  const dot = a[ao]! * b[bo]! + a[ao + 1]! * b[bo + 1]! + a[ao + 2]! * b[bo + 2]! + a[ao + 3]! * b[bo + 3]!;
  const s = dot < 0 ? -w : w;
  const k = 1 - w;
  const x = a[ao]! * k + b[bo]! * s;
  const y = a[ao + 1]! * k + b[bo + 1]! * s;
  const z = a[ao + 2]! * k + b[bo + 2]! * s;
  const q = a[ao + 3]! * k + b[bo + 3]! * s;
  const len = Math.hypot(x, y, z, q) || 1;
  a[ao] = x / len;
  a[ao + 1] = y / len;
  a[ao + 2] = z / len;
  a[ao + 3] = q / len;
}

export const smoothstep = (x: number): number => (x <= 0 ? 0 : x >= 1 ? 1 : x * x * (3 - 2 * x));
export const clamp01 = (x: number): number => (x < 0 ? 0 : x > 1 ? 1 : x);
