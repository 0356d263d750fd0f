// Puts a PerformFrame onto a loaded VRM: expressions, normalized bone rotations, hips offset and
// eye gaze, then advances the VRM (spring bones, constraints) by the show-time step. Runs in the
// browser and in Node (the benchmark). No allocation per frame.

import * as THREE from 'three';
import type { VRM } from '@pixiv/three-vrm';
import { POSE_BONES } from '../perform/pose.ts';
import type { PerformFrame } from '../perform/performer.ts';
import type { LegRig } from '../motion/vmd-retarget.ts';

const SIDES: [string, string][] = [['leftUpperArm', 'rightUpperArm'], ['leftUpperLeg', 'rightUpperLeg'], ['leftHand', 'rightHand'], ['leftFoot', 'rightFoot'], ['leftEye', 'rightEye']];

/**
 * True when the model faces −Z in its own space (its left side at −X). VRM 0.x models normally
 * do and 1.0 models face +Z, but files re-exported by some tools (three.js-based ones, for one)
 * are 0.x facing +Z, so this looks at where the humanoid's left and right bones are and only
 * falls back to the version when there are none.
 */
export function facesMinusZ(vrm: VRM): boolean {
  vrm.scene.updateMatrixWorld(true);
  const local = (name: string) => {
    const node = vrm.humanoid.getRawBoneNode(name as Parameters<VRM['humanoid']['getRawBoneNode']>[0]);
    return node ? vrm.scene.worldToLocal(node.getWorldPosition(new THREE.Vector3())) : null;
  };
  for (const [l, r] of SIDES) {
    const a = local(l);
    const b = local(r);
    if (a && b && Math.abs(a.x - b.x) > 1e-4) return a.x < b.x;
  }
  return vrm.meta.metaVersion === '0';
}

export class VrmDriver {
  private readonly nodes: (THREE.Object3D | null)[];
  private readonly hipsRest = new THREE.Vector3();
  private readonly hipsNode: THREE.Object3D | null;
  /** Models facing -Z (most VRM 0.x): the pose (authored facing +Z) is turned half round about Y. */
  private readonly flip: boolean;
  /** Hips above the floor and hips above the ankles in the rest pose, metres (to scale motions). */
  readonly hipsHeight: number;
  readonly legLength: number;
  /** The legs at rest in the pose frame (facing +Z), for motions that solve leg IK (.vmd). */
  readonly legRig: LegRig;

  constructor(readonly vrm: VRM) {
    this.flip = facesMinusZ(vrm);
    this.nodes = POSE_BONES.map((b) => vrm.humanoid.getNormalizedBoneNode(b));
    this.hipsNode = vrm.humanoid.getNormalizedBoneNode('hips');
    if (this.hipsNode) this.hipsRest.copy(this.hipsNode.position);
    vrm.scene.updateMatrixWorld(true);
    const hips = vrm.humanoid.getRawBoneNode('hips')?.getWorldPosition(new THREE.Vector3());
    const foot = vrm.humanoid.getRawBoneNode('leftFoot')?.getWorldPosition(new THREE.Vector3());
    this.hipsHeight = hips ? hips.y : 0.85;
    this.legLength = hips && foot ? hips.y - foot.y : this.hipsHeight * 0.9;
    const rest = (bone: string): [number, number, number] => {
      const p = vrm.humanoid.getRawBoneNode(bone as Parameters<VRM['humanoid']['getRawBoneNode']>[0])?.getWorldPosition(new THREE.Vector3());
      if (!p) return [0, 0, 0];
      return this.flip ? [-p.x, p.y, -p.z] : [p.x, p.y, p.z];
    };
    const leg = (side: 'left' | 'right') => ({ upper: rest(`${side}UpperLeg`), lower: rest(`${side}LowerLeg`), foot: rest(`${side}Foot`) });
    this.legRig = { hips: rest('hips'), left: leg('left'), right: leg('right') };
    if (vrm.lookAt) vrm.lookAt.autoUpdate = true;
  }

  /** Applies the frame; `dt` is the show-time step (0 while paused: springs hold still). */
  apply(frame: PerformFrame, dt: number): void {
    const vrm = this.vrm;
    const em = vrm.expressionManager;
    if (em) {
      em.setValue('aa', frame.mouth.aa);
      em.setValue('ih', frame.mouth.ih);
      em.setValue('ou', frame.mouth.ou);
      em.setValue('ee', frame.mouth.ee);
      em.setValue('oh', frame.mouth.oh);
      em.setValue('blink', frame.blink);
      em.setValue('happy', frame.happy);
      em.setValue('angry', frame.angry);
      em.setValue('sad', frame.sad);
      em.setValue('relaxed', frame.relaxed);
      em.setValue('surprised', frame.surprised);
    }
    const r = frame.pose.rotations;
    const s = this.flip ? -1 : 1;
    for (let i = 0; i < this.nodes.length; i++) {
      const n = this.nodes[i];
      if (!n) continue;
      const o = i * 4;
      n.quaternion.set(r[o]! * s, r[o + 1]!, r[o + 2]! * s, r[o + 3]!);
    }
    if (this.hipsNode) {
      const h = frame.pose.hips;
      this.hipsNode.position.set(this.hipsRest.x + h[0]! * s, this.hipsRest.y + h[1]!, this.hipsRest.z + h[2]! * s);
    }
    if (vrm.lookAt) {
      vrm.lookAt.target = undefined;
      vrm.lookAt.yaw = frame.gaze.yaw;
      vrm.lookAt.pitch = frame.gaze.pitch;
    }
    if (dt > 0) vrm.update(dt);
    else {
      // Paused: pose and face still follow (seek while paused) but physics does not move.
      vrm.humanoid.update();
      vrm.lookAt?.update(0);
      vrm.expressionManager?.update();
    }
  }
}
