// Motion files as ClipSources for the performer: VRM Animation (.vrma, @pixiv/three-vrm-animation),
// BVH (three's BVHLoader) and MMD motions (.vmd, ../motion/). Both are sampled into the normalized humanoid pose (world-aligned
// T-pose, facing +Z), so they blend with the procedural motions. No DOM: runs in Node too.

import * as THREE from 'three';
import { GLTFLoader } from 'three/examples/jsm/loaders/GLTFLoader.js';
import { BVHLoader } from 'three/examples/jsm/loaders/BVHLoader.js';
import { VRMAnimationLoaderPlugin, type VRMAnimation } from '@pixiv/three-vrm-animation';
import { POSE_BONES, BONE_INDEX, type Pose, type PoseBone } from '../perform/pose.ts';
import type { ClipSource } from '../perform/performer.ts';
import { parseVmd } from '../../../show-files/src/motion/vmd.ts';
import { VmdClip, type LegRig } from '../motion/vmd-retarget.ts';

interface BoneTrack { offset: number; interpolant: THREE.Interpolant }

class TrackClip implements ClipSource {
  constructor(
    readonly duration: number,
    private readonly rotations: BoneTrack[],
    private readonly hips: THREE.Interpolant | null,
    /** Rest hips position of the motion, in its own units. */
    private readonly restHips: THREE.Vector3,
    /** Motion units to the avatar's metres. */
    private readonly scale: number,
  ) {}

  sample(local: number, out: Pose): void {
    const t = this.duration > 0 ? ((local % this.duration) + this.duration) % this.duration : 0;
    for (const r of this.rotations) {
      const q = r.interpolant.evaluate(t) as unknown as ArrayLike<number>;
      out.rotations[r.offset] = q[0]!;
      out.rotations[r.offset + 1] = q[1]!;
      out.rotations[r.offset + 2] = q[2]!;
      out.rotations[r.offset + 3] = q[3]!;
    }
    if (this.hips) {
      const p = this.hips.evaluate(t) as unknown as ArrayLike<number>;
      out.hips[0] = (p[0]! - this.restHips.x) * this.scale;
      out.hips[1] = (p[1]! - this.restHips.y) * this.scale;
      out.hips[2] = (p[2]! - this.restHips.z) * this.scale;
    }
  }
}

function interpolant(track: THREE.KeyframeTrack): THREE.Interpolant {
  // createInterpolant exists on every track (it picks linear / slerp / discrete) but is not in the typings.
  return (track as unknown as { createInterpolant(): THREE.Interpolant }).createInterpolant();
}

/** A loaded VRMA as a clip; `avatarHipsHeight` scales its hips motion to the avatar. */
export function clipFromVrmAnimation(anim: VRMAnimation, avatarHipsHeight: number): ClipSource {
  const rotations: BoneTrack[] = [];
  for (const [bone, track] of anim.humanoidTracks.rotation) {
    if ((POSE_BONES as readonly string[]).includes(bone)) rotations.push({ offset: BONE_INDEX[bone as PoseBone] * 4, interpolant: interpolant(track) });
  }
  const hipsTrack = anim.humanoidTracks.translation.get('hips');
  const rest = anim.restHipsPosition.clone();
  const scale = rest.y > 1e-3 ? avatarHipsHeight / rest.y : 1;
  return new TrackClip(anim.duration, rotations, hipsTrack ? interpolant(hipsTrack) : null, rest, scale);
}

export async function parseVrma(bytes: ArrayBuffer): Promise<VRMAnimation> {
  const g = globalThis as { self?: unknown };
  if (g.self === undefined) g.self = globalThis;
  const loader = new GLTFLoader();
  loader.register((parser) => new VRMAnimationLoaderPlugin(parser));
  const gltf = await loader.parseAsync(bytes, '');
  const anims = gltf.userData.vrmAnimations as VRMAnimation[] | undefined;
  if (!anims?.length) throw new Error('not a VRM Animation: no VRMC_vrm_animation extension');
  return anims[0]!;
}

/** BVH joint names of common rigs (CMU, Mixamo, Poser/DAZ, Blender-ish) to humanoid bones. */
const BVH_NAMES: Record<string, PoseBone> = {
  hips: 'hips', hip: 'hips', pelvis: 'hips', root: 'hips',
  abdomen: 'spine', spine: 'spine', chest: 'chest', spine1: 'chest', spine2: 'upperChest', chest2: 'upperChest', upperchest: 'upperChest',
  neck: 'neck', neck1: 'neck', head: 'head',
  leftshoulder: 'leftShoulder', leftcollar: 'leftShoulder', lcollar: 'leftShoulder',
  leftarm: 'leftUpperArm', leftuparm: 'leftUpperArm', leftupperarm: 'leftUpperArm', lshldr: 'leftUpperArm',
  leftforearm: 'leftLowerArm', leftlowarm: 'leftLowerArm', leftlowerarm: 'leftLowerArm', lforearm: 'leftLowerArm',
  lefthand: 'leftHand', lhand: 'leftHand',
  rightshoulder: 'rightShoulder', rightcollar: 'rightShoulder', rcollar: 'rightShoulder',
  rightarm: 'rightUpperArm', rightuparm: 'rightUpperArm', rightupperarm: 'rightUpperArm', rshldr: 'rightUpperArm',
  rightforearm: 'rightLowerArm', rightlowarm: 'rightLowerArm', rightlowerarm: 'rightLowerArm', rforearm: 'rightLowerArm',
  righthand: 'rightHand', rhand: 'rightHand',
  leftupleg: 'leftUpperLeg', lefthip: 'leftUpperLeg', leftupperleg: 'leftUpperLeg', lthigh: 'leftUpperLeg',
  leftleg: 'leftLowerLeg', leftknee: 'leftLowerLeg', leftlowerleg: 'leftLowerLeg', lshin: 'leftLowerLeg',
  leftfoot: 'leftFoot', leftankle: 'leftFoot', lfoot: 'leftFoot',
  rightupleg: 'rightUpperLeg', righthip: 'rightUpperLeg', rightupperleg: 'rightUpperLeg', rthigh: 'rightUpperLeg',
  rightleg: 'rightLowerLeg', rightknee: 'rightLowerLeg', rightlowerleg: 'rightLowerLeg', rshin: 'rightLowerLeg',
  rightfoot: 'rightFoot', rightankle: 'rightFoot', rfoot: 'rightFoot',
};

/** Humanoid bone for a BVH joint name, or null. `cmu` shifts the spine names (LowerBack, Spine, Spine1). */
export function bvhBoneName(name: string, cmu: boolean): PoseBone | null {
  const key = name.replace(/^.*:/, '').replace(/[\s_.-]/g, '').toLowerCase();
  if (cmu) {
    if (key === 'lowerback') return 'spine';
    if (key === 'spine') return 'chest';
    if (key === 'spine1') return 'upperChest';
  }
  return BVH_NAMES[key] ?? null;
}

/**
 * A BVH motion as a clip. BVH rotations are local to a rest pose with every joint unrotated; for a
 * T-pose BVH facing +Z that is the normalized humanoid's frame, so the rotations apply directly.
 * Hips motion is scaled by leg length (hips to ankle), the one size every BVH skeleton tells.
 */
export function clipFromBvh(text: string, avatarLegLength: number): ClipSource {
  const { skeleton, clip } = new BVHLoader().parse(text);
  const names = new Set(skeleton.bones.map((b) => b.name.replace(/^.*:/, '').toLowerCase()));
  const cmu = names.has('lowerback');
  const rotations: BoneTrack[] = [];
  let hips: THREE.Interpolant | null = null;
  const root = skeleton.bones[0]!;
  for (const track of clip.tracks) {
    const dot = track.name.lastIndexOf('.');
    const joint = track.name.slice(0, dot);
    const prop = track.name.slice(dot + 1);
    const bone = bvhBoneName(joint, cmu);
    if (!bone) continue;
    if (prop === 'quaternion') rotations.push({ offset: BONE_INDEX[bone] * 4, interpolant: interpolant(track) });
    else if (prop === 'position' && bone === 'hips') hips = interpolant(track);
  }
  // Leg length in the rest pose: how far the lowest real joint (not an end site) hangs below the root.
  let lowest = 0;
  const walk = (b: THREE.Object3D, y: number) => {
    if (b.name !== 'ENDSITE') lowest = Math.min(lowest, y);
    for (const c of b.children) walk(c, y + c.position.y);
  };
  walk(root, 0);
  const restHeight = -lowest > 1e-6 ? -lowest : 1;
  // Root positions are absolute in BVH: measure the hips motion from where the clip starts.
  const start = new THREE.Vector3();
  if (hips) start.fromArray(hips.evaluate(0) as unknown as number[]);
  return new TrackClip(clip.duration, rotations, hips, start, avatarLegLength / restHeight);
}

/** Any motion file the stage plays, by its extension (.vrma, .bvh, .vmd), fitted to the avatar. */
export async function clipFromFile(name: string, bytes: ArrayBuffer, avatar: { legLength: number; hipsHeight: number; legRig: LegRig }): Promise<ClipSource> {
  if (/\.bvh$/i.test(name)) return clipFromBvh(new TextDecoder().decode(bytes), avatar.legLength);
  if (/\.vmd$/i.test(name)) return new VmdClip(parseVmd(bytes, name), avatar.legRig);
  return clipFromVrmAnimation(await parseVrma(bytes), avatar.hipsHeight);
}

/** Turns the loaded clip files into clips for this avatar; a file that fails is logged and skipped. */
export async function clipsFromFiles(files: ReadonlyMap<string, ArrayBuffer>, avatar: { legLength: number; hipsHeight: number; legRig: LegRig }, into: Map<string, ClipSource>): Promise<void> {
  for (const [name, bytes] of files) {
    try {
      into.set(name, await clipFromFile(name, bytes, avatar));
    } catch (err) {
      console.error(`holostage: motion ${name} unusable:`, err);
    }
  }
}
