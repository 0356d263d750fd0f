// Hand poses on the VRM finger bones: relaxed, open, fist, point, peace, and holding a microphone.
// Each pose is how far each finger curls (0 straight .. 1 closed) and how far index and middle
// spread; the curl becomes rotations of the three bones of every finger in the normalized humanoid
// frame (T-pose: the left hand's fingers point +X with the palm down, the right's point -X).

import { eulerToQuat, nlerpInto, BONE_INDEX, type Pose, type PoseBone } from './pose.ts';

export interface HandPose {
  /** Curl of thumb, index, middle, ring, little. */
  curl: [number, number, number, number, number];
  /** Radians index and middle fan apart (peace sign), the rest follow a little. */
  spread: number;
}

export const HAND_POSES = {
  relaxed: { curl: [0.2, 0.22, 0.3, 0.38, 0.46], spread: 0.04 },
  open: { curl: [0, 0.02, 0.02, 0.03, 0.05], spread: 0.1 },
  fist: { curl: [0.85, 1, 1, 1, 1], spread: 0 },
  point: { curl: [0.8, 0, 1, 1, 1], spread: 0 },
  peace: { curl: [0.85, 0, 0, 1, 1], spread: 0.22 },
  mic: { curl: [0.55, 0.62, 0.68, 0.74, 0.8], spread: 0 },
} satisfies Record<string, HandPose>;
export type HandPoseName = keyof typeof HAND_POSES;
export const HAND_POSE_NAMES = Object.keys(HAND_POSES) as HandPoseName[];

const FINGERS = ['Index', 'Middle', 'Ring', 'Little'] as const;
/** Radians per unit curl for the proximal, intermediate and distal bones. */
const CURL = [1.45, 1.6, 1.05];
const q = [0, 0, 0, 1];

function put(out: Pose, bone: PoseBone, x: number, y: number, z: number, w: number): void {
  const o = BONE_INDEX[bone] * 4;
  if (w >= 1) return void eulerToQuat(x, y, z, out.rotations, o);
  eulerToQuat(x, y, z, q);
  nlerpInto(out.rotations, o, q, 0, w);
}

/** Poses one hand's fingers; `w` < 1 blends from what the pose holds now. */
export function setHand(out: Pose, side: 'left' | 'right', name: HandPoseName, w = 1): void {
  if (w <= 0) return;
  const pose: HandPose = HAND_POSES[name];
  const s = side === 'left' ? 1 : -1;
  FINGERS.forEach((f, i) => {
    const c = pose.curl[i + 1]!;
    const fan = i === 0 ? pose.spread : i === 1 ? -pose.spread * 0.4 : -pose.spread * (0.6 + 0.4 * (i - 2));
    put(out, `${side}${f}Proximal` as PoseBone, 0, -fan * s, -CURL[0]! * c * s, w);
    put(out, `${side}${f}Intermediate` as PoseBone, 0, 0, -CURL[1]! * c * s, w);
    put(out, `${side}${f}Distal` as PoseBone, 0, 0, -CURL[2]! * c * s, w);
  });
  const t = pose.curl[0];
  put(out, `${side}ThumbMetacarpal` as PoseBone, 0, 0.55 * t * s, -0.25 * t * s, w);
  put(out, `${side}ThumbProximal` as PoseBone, 0, 0.3 * t * s, -0.5 * t * s, w);
  put(out, `${side}ThumbDistal` as PoseBone, 0, 0, -0.7 * t * s, w);
}
