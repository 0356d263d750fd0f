// The other way: humanoid poses (one per frame at 30 fps) written as an MMD motion, with the legs
// as foot IK targets, and stage expressions as MMD morphs. The project's own encoder, so a VMD can
// be made from any motion it has (and the importer tested against a known motion).

import { POSE_BONES, BONE_INDEX, type Pose, type PoseBone } from '../perform/pose.ts';
import { LINEAR, type VmdBoneKey, type VmdMotion } from '../../../show-files/src/motion/vmd.ts';
import { MMD_BONES, MMD_LEG_LENGTH, MMD_MORPHS, mirrorQuat, mirrorVec, toMmd, type FaceWeights, type LegRig } from './vmd-retarget.ts';
import { mul, rotate, type Quat, type Vec3 } from './quat.ts';

const quatOf = (pose: Pose, bone: PoseBone): Quat => {
  const o = BONE_INDEX[bone] * 4;
  const r = pose.rotations;
  return [r[o]!, r[o + 1]!, r[o + 2]!, r[o + 3]!];
};

/** Where a leg's ankle is and how the foot is turned in the world, for a pose on the rig. */
export function footOf(pose: Pose, rig: LegRig, side: 'left' | 'right'): { at: Vec3; rotation: Quat } {
  const leg = rig[side];
  const add = (a: Vec3, b: Vec3): Vec3 => [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
  const sub = (a: Vec3, b: Vec3): Vec3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
  const hips = quatOf(pose, 'hips');
  const hipsAt = add(rig.hips, [pose.hips[0]!, pose.hips[1]!, pose.hips[2]!]);
  const root = add(hipsAt, rotate(hips, sub(leg.upper, rig.hips)));
  const thigh = mul(hips, quatOf(pose, `${side}UpperLeg`));
  const knee = add(root, rotate(thigh, sub(leg.lower, leg.upper)));
  const shin = mul(thigh, quatOf(pose, `${side}LowerLeg`));
  return { at: add(knee, rotate(shin, sub(leg.foot, leg.lower))), rotation: mul(shin, quatOf(pose, `${side}Foot`)) };
}

export interface VmdWriteOptions {
  modelName?: string;
  /** Expressions per frame (same length as the poses), written as あ い う え お まばたき 笑い. */
  faces?: FaceWeights[];
}

/** Poses at 30 fps → a VMD motion: body and arm bones by rotation, hips by センター, legs by 足ＩＫ. */
export function posesToVmd(poses: readonly Pose[], rig: LegRig, opts: VmdWriteOptions = {}): VmdMotion {
  const bones = new Map<string, VmdBoneKey[]>();
  const key = (name: string, frame: number, position: Vec3, rotation: Quat) => {
    const list = bones.get(name) ?? [];
    list.push({ frame, position, rotation, curves: [LINEAR, LINEAR, LINEAR, LINEAR] });
    bones.set(name, list);
  };
  const leg = Math.hypot(rig.left.upper[0] - rig.left.foot[0], rig.left.upper[1] - rig.left.foot[1], rig.left.upper[2] - rig.left.foot[2]);
  const scale = leg / MMD_LEG_LENGTH;
  const legBones = new Set(['左足', '左ひざ', '左足首', '右足', '右ひざ', '右足首']);
  poses.forEach((pose, frame) => {
    for (const [name, bone] of Object.entries(MMD_BONES)) {
      if (legBones.has(name) || !(POSE_BONES as readonly string[]).includes(bone)) continue;
      key(name, frame, [0, 0, 0], toMmd(bone, quatOf(pose, bone)));
    }
    const lower = mirrorQuat(quatOf(pose, 'hips'));
    key('センター', frame, mirrorVec([pose.hips[0]! / scale, pose.hips[1]! / scale, pose.hips[2]! / scale]), [0, 0, 0, 1]);
    key('下半身', frame, [0, 0, 0], lower);
    key('上半身', frame, [0, 0, 0], mul(lower, mirrorQuat(quatOf(pose, 'spine'))));
    for (const [side, jp] of [['left', '左'], ['right', '右']] as const) {
      const foot = footOf(pose, rig, side);
      const rest = rig[side].foot;
      key(`${jp}足ＩＫ`, frame, mirrorVec([(foot.at[0] - rest[0]) / scale, (foot.at[1] - rest[1]) / scale, (foot.at[2] - rest[2]) / scale]), mirrorQuat(foot.rotation));
    }
  });
  const morphs = new Map<string, { frame: number; weight: number }[]>();
  if (opts.faces) {
    for (const [name, e] of Object.entries(MMD_MORPHS)) morphs.set(name, opts.faces.map((f, frame) => ({ frame, weight: f[e] })));
  }
  return { modelName: opts.modelName ?? 'holostage', bones, morphs };
}
