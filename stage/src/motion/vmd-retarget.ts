// MMD motion on a VRM: the standard MMD bone names mapped to the humanoid, MMD's left-handed
// coordinates turned into the pose frame (z mirrored: the model faced -Z, now +Z), the A-pose of
// MMD arms (arms 35° down at rest) turned into the VRM T-pose, leg IK solved for the avatar's own
// legs, and the facial morphs あ い う え お まばたき 笑い read as the stage's expressions.
//
// Hierarchy: MMD hangs 上半身 (upper body) and 下半身 (lower body) both on センター, VRM hangs the
// spine on the hips, so hips = センター·下半身 and spine = 下半身⁻¹·上半身. Positions: センター,
// グルーブ and 全ての親 move the hips; 足ＩＫ keys move each foot's target from where the avatar's
// ankle rests. MMD units become metres through the avatar's leg length (an MMD model's leg,
// hip joint to ankle, is taken as 8.8 units).

import { BONE_INDEX, type Pose, type PoseBone } from '../perform/pose.ts';
import { bezierAt, VMD_FPS, type VmdBoneKey, type VmdMotion } from '../../../show-files/src/motion/vmd.ts';
import { mul, conj, quatFromBasis, rotate, slerp, type Quat, type Vec3 } from './quat.ts';

export const MMD_LEG_LENGTH = 8.8;
export const MMD_ARM_ANGLE = (35 * Math.PI) / 180;

/** MMD bone name → humanoid bone, for the bones that map one to one (arms, hands, head, fingers). */
export const MMD_BONES: Record<string, PoseBone> = {
  首: 'neck', 頭: 'head', 上半身2: 'chest',
  左肩: 'leftShoulder', 左腕: 'leftUpperArm', 左ひじ: 'leftLowerArm', 左手首: 'leftHand',
  右肩: 'rightShoulder', 右腕: 'rightUpperArm', 右ひじ: 'rightLowerArm', 右手首: 'rightHand',
  左足: 'leftUpperLeg', 左ひざ: 'leftLowerLeg', 左足首: 'leftFoot',
  右足: 'rightUpperLeg', 右ひざ: 'rightLowerLeg', 右足首: 'rightFoot',
};
const FINGERS: [string, string][] = [['親指', 'Thumb'], ['人指', 'Index'], ['中指', 'Middle'], ['薬指', 'Ring'], ['小指', 'Little']];
for (const [side, en] of [['左', 'left'], ['右', 'right']] as const) {
  for (const [jp, finger] of FINGERS) {
    const parts = finger === 'Thumb' ? [['０', 'Metacarpal'], ['１', 'Proximal'], ['２', 'Distal']] : [['１', 'Proximal'], ['２', 'Intermediate'], ['３', 'Distal']];
    for (const [digit, part] of parts) MMD_BONES[`${side}${jp}${digit}`] = `${en}${finger}${part}` as PoseBone;
  }
}

/** MMD morph name → stage expression. */
export const MMD_MORPHS: Record<string, 'aa' | 'ih' | 'ou' | 'ee' | 'oh' | 'blink' | 'happy'> = {
  あ: 'aa', い: 'ih', う: 'ou', え: 'ee', お: 'oh', まばたき: 'blink', 笑い: 'happy',
};

/** The avatar's legs at rest, in the pose frame (metres, facing +Z). */
export interface LegRig {
  hips: Vec3;
  left: { upper: Vec3; lower: Vec3; foot: Vec3 };
  right: { upper: Vec3; lower: Vec3; foot: Vec3 };
}

export type FaceWeights = { aa: number; ih: number; ou: number; ee: number; oh: number; blink: number; happy: number };

const zAxis = (angle: number): Quat => [0, 0, Math.sin(angle / 2), Math.cos(angle / 2)];
/** The rest-pose offset of a bone: MMD arms, hands and fingers hang 35° below the T-pose. */
function armOffset(bone: PoseBone): Quat | null {
  if (/^left(UpperArm|LowerArm|Hand|Thumb|Index|Middle|Ring|Little)/.test(bone)) return zAxis(-MMD_ARM_ANGLE);
  if (/^right(UpperArm|LowerArm|Hand|Thumb|Index|Middle|Ring|Little)/.test(bone)) return zAxis(MMD_ARM_ANGLE);
  return null;
}

/** MMD (left-handed, facing -Z) ↔ pose frame (facing +Z): z mirrored. Its own inverse. */
export const mirrorQuat = (q: Quat): Quat => [-q[0], -q[1], q[2], q[3]];
export const mirrorVec = (v: Vec3): Vec3 => [v[0], v[1], -v[2]];

/** A humanoid bone's local rotation from the MMD bone's (mirrored) rotation. */
export function toHumanoid(bone: PoseBone, mmd: Quat): Quat {
  const q = mirrorQuat(mmd);
  const a = armOffset(bone);
  if (!a) return q;
  // The upper arm takes the offset on its right (turn to the A-pose, then move); everything
  // below it sees the motion in the offset frame: A⁻¹·R·A.
  return /UpperArm$/.test(bone) ? mul(q, a) : mul(mul(conj(a), q), a);
}

/** The inverse of toHumanoid: the MMD rotation that gives `q` on this humanoid bone. */
export function toMmd(bone: PoseBone, q: Quat): Quat {
  const a = armOffset(bone);
  const r = !a ? q : /UpperArm$/.test(bone) ? mul(q, conj(a)) : mul(mul(a, q), conj(a));
  return mirrorQuat(r);
}

interface Sampled { position: Vec3; rotation: Quat }

/** A bone's pose at `frame` (fractional) from its keys, through each key's Bézier curves. */
export function sampleKeys(keys: readonly VmdBoneKey[], frame: number): Sampled {
  if (keys.length === 0) return { position: [0, 0, 0], rotation: [0, 0, 0, 1] };
  if (frame <= keys[0]!.frame) return { position: [...keys[0]!.position], rotation: [...keys[0]!.rotation] };
  const last = keys[keys.length - 1]!;
  if (frame >= last.frame) return { position: [...last.position], rotation: [...last.rotation] };
  let lo = 0;
  let hi = keys.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (keys[mid]!.frame <= frame) lo = mid;
    else hi = mid;
  }
  const a = keys[lo]!;
  const b = keys[hi]!;
  const x = (frame - a.frame) / (b.frame - a.frame);
  const position: Vec3 = [0, 1, 2].map((c) => a.position[c]! + (b.position[c]! - a.position[c]!) * bezierAt(b.curves[c]!, x)) as Vec3;
  return { position, rotation: slerp(a.rotation, b.rotation, bezierAt(b.curves[3]!, x)) };
}

/**
 * Two-bone leg IK: world rotations of thigh and shin that put the ankle on `target`, the knee
 * bending towards `forward` (the hips' front), the legs' twist following the hips.
 */
export function solveLeg(root: Vec3, target: Vec3, rest: { upper: Vec3; lower: Vec3; foot: Vec3 }, forward: Vec3 = [0, 0, 1]): { thigh: Quat; shin: Quat } {
  const len = (v: Vec3) => Math.hypot(v[0], v[1], v[2]);
  const sub = (p: Vec3, q: Vec3): Vec3 => [p[0] - q[0], p[1] - q[1], p[2] - q[2]];
  const norm = (v: Vec3): Vec3 => { const l = len(v) || 1; return [v[0] / l, v[1] / l, v[2] / l]; };
  const a = len(sub(rest.lower, rest.upper));
  const b = len(sub(rest.foot, rest.lower));
  const toTarget = sub(target, root);
  const d = Math.min(a + b - 1e-6, Math.max(Math.abs(a - b) + 1e-6, len(toTarget)));
  const f = norm(toTarget);
  // The knee bends in the plane through the hip, the ankle and the hips' front.
  const hint = forward;
  const dot = hint[0] * f[0] + hint[1] * f[1] + hint[2] * f[2];
  const k = norm([hint[0] - f[0] * dot, hint[1] - f[1] * dot, hint[2] - f[2] * dot]);
  const alpha = Math.acos(Math.min(1, Math.max(-1, (a * a + d * d - b * b) / (2 * a * d))));
  const u: Vec3 = [f[0] * Math.cos(alpha) + k[0] * Math.sin(alpha), f[1] * Math.cos(alpha) + k[1] * Math.sin(alpha), f[2] * Math.cos(alpha) + k[2] * Math.sin(alpha)];
  const knee: Vec3 = [root[0] + u[0] * a, root[1] + u[1] * a, root[2] + u[2] * a];
  const v = norm(sub([root[0] + f[0] * d, root[1] + f[1] * d, root[2] + f[2] * d], knee));
  const restThigh = norm(sub(rest.lower, rest.upper));
  const restShin = norm(sub(rest.foot, rest.lower));
  // At rest the legs face +Z; now they face the hips' front.
  const now = (dir: Vec3) => quatFromBasis(dir, hint);
  const atRest = (dir: Vec3) => quatFromBasis(dir, [0, 0, 1]);
  return { thigh: mul(now(u), conj(atRest(restThigh))), shin: mul(now(v), conj(atRest(restShin))) };
}

const BODY = ['センター', 'グルーブ', '全ての親', '下半身', '上半身'];

/** A VMD motion as a ClipSource for the performer, fitted to one avatar's legs. */
export class VmdClip {
  readonly duration: number;
  private readonly scale: number;
  private readonly mapped: { offset: number; bone: PoseBone; keys: VmdBoneKey[] }[] = [];

  constructor(private readonly motion: VmdMotion, private readonly rig: LegRig) {
    let last = 0;
    for (const keys of motion.bones.values()) last = Math.max(last, keys[keys.length - 1]!.frame);
    for (const keys of motion.morphs.values()) last = Math.max(last, keys[keys.length - 1]!.frame);
    this.duration = last / VMD_FPS;
    const leg = Math.hypot(rig.left.upper[0] - rig.left.foot[0], rig.left.upper[1] - rig.left.foot[1], rig.left.upper[2] - rig.left.foot[2]);
    this.scale = leg / MMD_LEG_LENGTH;
    for (const [name, keys] of motion.bones) {
      const bone = MMD_BONES[name];
      if (bone) this.mapped.push({ offset: BONE_INDEX[bone] * 4, bone, keys });
    }
  }

  private key(name: string, frame: number): Sampled | null {
    const keys = this.motion.bones.get(name);
    return keys ? sampleKeys(keys, frame) : null;
  }

  sample(local: number, out: Pose): void {
    const frame = (this.duration > 0 ? ((local % this.duration) + this.duration) % this.duration : 0) * VMD_FPS;
    for (const m of this.mapped) {
      const q = toHumanoid(m.bone, sampleKeys(m.keys, frame).rotation);
      out.rotations.set(q, m.offset);
    }
    const [center, groove, root, lower, upper] = BODY.map((n) => this.key(n, frame));
    const c: Quat = center ? center.rotation : [0, 0, 0, 1];
    const l: Quat = lower ? lower.rotation : [0, 0, 0, 1];
    const hips = mirrorQuat(mul(c, l));
    out.rotations.set(hips, BONE_INDEX.hips * 4);
    if (upper || lower) out.rotations.set(mirrorQuat(mul(conj(l), upper ? upper.rotation : [0, 0, 0, 1])), BONE_INDEX.spine * 4);
    const move: Vec3 = [0, 0, 0];
    for (const k of [center, groove, root]) if (k) for (let i = 0; i < 3; i++) move[i] += k.position[i]!;
    const shift = mirrorVec(move);
    for (let i = 0; i < 3; i++) out.hips[i] = shift[i]! * this.scale;
    // Leg IK where the motion has foot targets.
    for (const [side, jp] of [['left', '左'], ['right', '右']] as const) {
      const ik = this.key(`${jp}足ＩＫ`, frame);
      if (!ik) continue;
      const rest = this.rig[side];
      const hipsAt: Vec3 = [this.rig.hips[0] + out.hips[0]!, this.rig.hips[1] + out.hips[1]!, this.rig.hips[2] + out.hips[2]!];
      const offset = rotate(hips, [rest.upper[0] - this.rig.hips[0], rest.upper[1] - this.rig.hips[1], rest.upper[2] - this.rig.hips[2]]);
      const root: Vec3 = [hipsAt[0] + offset[0], hipsAt[1] + offset[1], hipsAt[2] + offset[2]];
      const p = mirrorVec(ik.position);
      const target: Vec3 = [rest.foot[0] + p[0] * this.scale, rest.foot[1] + p[1] * this.scale, rest.foot[2] + p[2] * this.scale];
      const { thigh, shin } = solveLeg(root, target, rest, rotate(hips, [0, 0, 1]));
      out.rotations.set(mul(conj(hips), thigh), BONE_INDEX[`${side}UpperLeg`] * 4);
      out.rotations.set(mul(conj(thigh), shin), BONE_INDEX[`${side}LowerLeg`] * 4);
      // The IK bone's turn is the foot's turn in the world.
      out.rotations.set(mul(conj(shin), mirrorQuat(ik.rotation)), BONE_INDEX[`${side}Foot`] * 4);
    }
  }

  /** The motion's facial morphs at `local` seconds, as the stage's expressions (0 where absent). */
  face(local: number, out: FaceWeights): FaceWeights {
    const frame = (this.duration > 0 ? ((local % this.duration) + this.duration) % this.duration : 0) * VMD_FPS;
    out.aa = out.ih = out.ou = out.ee = out.oh = out.blink = out.happy = 0;
    for (const [name, keys] of this.motion.morphs) {
      const e = MMD_MORPHS[name];
      if (!e || keys.length === 0) continue;
      let i = 0;
      while (i + 1 < keys.length && keys[i + 1]!.frame <= frame) i++;
      const a = keys[i]!;
      const b = keys[i + 1];
      const w = !b || frame <= a.frame ? a.weight : a.weight + (b.weight - a.weight) * ((frame - a.frame) / (b.frame - a.frame));
      out[e] = Math.max(out[e], Math.min(1, Math.max(0, w)));
    }
    return out;
  }
}
