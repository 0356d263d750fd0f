// Camera cues: named shots, or custom position/target/fov, with an eased move from wherever the
// previous shot was when the cue fired. Pure: the same show time always gives the same camera.

import type { CameraEvent } from '../../../show-files/src/timeline.ts';
import { lastAtOrBefore } from '../../../show-files/src/timeline.ts';
import { smoothstep } from './pose.ts';

export interface CameraPose {
  position: [number, number, number];
  target: [number, number, number];
  fov: number;
}

type Shot = CameraPose;

/** Named shots, framed for the default singer (about 1.6 m tall, at the origin, facing +Z). */
export const SHOTS: Record<string, Shot> = {
  wide: { position: [0, 1.35, 4.6], target: [0, 1.0, 0], fov: 38 },
  full: { position: [0, 1.0, 3.2], target: [0, 0.86, 0], fov: 34 },
  medium: { position: [0, 1.32, 1.7], target: [0, 1.18, 0], fov: 30 },
  closeup: { position: [0, 1.45, 0.85], target: [0, 1.42, 0], fov: 28 },
  low: { position: [0, 0.45, 2.4], target: [0, 1.1, 0], fov: 40 },
  high: { position: [0, 2.7, 2.8], target: [0, 0.85, 0], fov: 34 },
  orbit: { position: [0, 1.25, 3.2], target: [0, 0.95, 0], fov: 34 },
};

export const DEFAULT_SHOT = 'full';

function shotAt(e: CameraEvent | undefined, t: number, out: CameraPose): CameraPose {
  const base = SHOTS[e?.shot ?? DEFAULT_SHOT] ?? SHOTS[DEFAULT_SHOT]!;
  out.position[0] = base.position[0];
  out.position[1] = base.position[1];
  out.position[2] = base.position[2];
  out.target[0] = base.target[0];
  out.target[1] = base.target[1];
  out.target[2] = base.target[2];
  out.fov = base.fov;
  if (!e) return out;
  if (e.position) for (let i = 0; i < 3; i++) out.position[i] = e.position[i]!;
  if (e.target) for (let i = 0; i < 3; i++) out.target[i] = e.target[i]!;
  if (e.fov !== undefined) out.fov = e.fov;
  if (e.shot === 'orbit') {
    // Circle the singer at 0.25 rad/s around the target, starting in front of her.
    const dx = out.position[0] - out.target[0];
    const dz = out.position[2] - out.target[2];
    const r = Math.hypot(dx, dz);
    const a = Math.atan2(dx, dz) + 0.25 * (t - e.time);
    out.position[0] = out.target[0] + r * Math.sin(a);
    out.position[2] = out.target[2] + r * Math.cos(a);
  }
  return out;
}

const scratch: CameraPose = { position: [0, 0, 0], target: [0, 0, 0], fov: 0 };

/** The camera at show time t from a song's camera track (the default shot before the first cue). */
export function cameraAt(events: readonly CameraEvent[], t: number, out: CameraPose, depth = 0): CameraPose {
  const i = lastAtOrBefore(events, t);
  const e = i >= 0 ? events[i] : undefined;
  shotAt(e, t, out);
  const move = e?.move ?? 0;
  if (!e || move <= 0 || t >= e.time + move || depth > 0) return out;
  // Moving into this shot: ease from where the previous shot was at the cue time.
  const from = cameraAt(events.slice(0, i), e.time, scratch, depth + 1);
  const k = smoothstep((t - e.time) / move);
  for (let j = 0; j < 3; j++) {
    out.position[j] = from.position[j]! + (out.position[j]! - from.position[j]!) * k;
    out.target[j] = from.target[j]! + (out.target[j]! - from.target[j]!) * k;
  }
  out.fov = from.fov + (out.fov - from.fov) * k;
  return out;
}
