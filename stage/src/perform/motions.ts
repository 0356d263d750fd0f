// Built-in procedural motions (the names a show can cue without a file: idle, dance, sway, wave,
// bow, jump, point, step, clap, and the gestures reach and open). Each is a pure function of time
// and the musical beat that writes a whole pose (a gesture: some bones), so it can be blended with
// any other pose or clip. Angles are in the normalized humanoid
// frame: the avatar faces +Z, her left arm points +X in the T-pose.

import { Pose } from './pose.ts';
import { setHand } from './hands.ts';

export interface MotionContext {
  /** Show seconds. */
  t: number;
  /** Beats since the song's first tick (fractional), from its tempo map; seconds/0.5 outside songs. */
  beat: number;
  /** Seconds into this motion cue (0 for the base layer). */
  local: number;
}

export type ProceduralMotion = (ctx: MotionContext, out: Pose) => void;

const TAU = Math.PI * 2;

/** Arms relaxed by her sides, a slight bend at the elbows, breathing. */
function rest(ctx: MotionContext, out: Pose, breath = 1): void {
  out.reset();
  const b = Math.sin((ctx.t * TAU) / 3.6) * breath;
  out.setEuler('spine', 0.01 * b, 0, 0);
  out.setEuler('chest', 0.015 * b, 0, 0);
  out.setEuler('leftUpperArm', 0, 0, -1.22 - 0.02 * b);
  out.setEuler('rightUpperArm', 0, 0, 1.22 + 0.02 * b);
  out.setEuler('leftLowerArm', 0, -0.35, 0);
  out.setEuler('rightLowerArm', 0, 0.35, 0);
  out.setEuler('leftHand', 0, 0, -0.1);
  out.setEuler('rightHand', 0, 0, 0.1);
  setHand(out, 'left', 'relaxed');
  setHand(out, 'right', 'relaxed');
}

export const idle: ProceduralMotion = (ctx, out) => {
  rest(ctx, out);
  const slow = ctx.t * 0.5;
  out.setEuler('hips', 0, 0.04 * Math.sin(slow * 0.7), 0.015 * Math.sin(slow));
  out.setEuler('head', 0.03 * Math.sin(slow * 1.3), 0.06 * Math.sin(slow * 0.9), -0.02 * Math.sin(slow));
};

/** On-the-beat dance: a bounce every beat, a sway over two, arms pumping, head nodding. */
export const dance: ProceduralMotion = (ctx, out) => {
  rest(ctx, out, 0.5);
  const beatPhase = ctx.beat - Math.floor(ctx.beat);
  const bounce = (1 - Math.cos(beatPhase * TAU)) / 2; // 0 on the beat, 1 between beats
  const down = 1 - bounce; // deepest on the beat
  const sway = Math.sin(ctx.beat * Math.PI); // one side per beat
  out.hips[1] = -0.03 * down;
  out.hips[0] = 0.025 * sway;
  out.setEuler('hips', 0, 0.08 * sway, -0.06 * sway);
  out.setEuler('spine', 0.03 * down, -0.04 * sway, 0.05 * sway);
  out.setEuler('chest', 0, 0, 0.03 * sway);
  out.setEuler('head', 0.08 * down - 0.02, 0.05 * sway, -0.06 * sway);
  out.setEuler('leftUpperArm', 0.2 * down, -0.25, -1.05 + 0.25 * Math.max(0, sway));
  out.setEuler('rightUpperArm', 0.2 * down, 0.25, 1.05 + 0.25 * Math.max(0, -sway));
  out.setEuler('leftLowerArm', 0, -0.9 - 0.3 * down, 0);
  out.setEuler('rightLowerArm', 0, 0.9 + 0.3 * down, 0);
  out.setEuler('leftUpperLeg', -0.12 * down, 0, 0.02);
  out.setEuler('rightUpperLeg', -0.12 * down, 0, -0.02);
  out.setEuler('leftLowerLeg', 0.24 * down, 0, 0);
  out.setEuler('rightLowerLeg', 0.24 * down, 0, 0);
  out.setEuler('leftFoot', -0.12 * down, 0, 0);
  out.setEuler('rightFoot', -0.12 * down, 0, 0);
  setHand(out, 'left', 'fist', 0.5);
  setHand(out, 'right', 'fist', 0.5);
};

/** A slow side-to-side sway over two beats, arms open: ballads. */
export const sway: ProceduralMotion = (ctx, out) => {
  rest(ctx, out);
  const s = Math.sin((ctx.beat * Math.PI) / 2);
  out.hips[0] = 0.04 * s;
  out.setEuler('hips', 0, 0, -0.07 * s);
  out.setEuler('spine', 0, 0, 0.05 * s);
  out.setEuler('chest', 0, 0, 0.03 * s);
  out.setEuler('head', 0, 0.05 * s, 0.05 * s);
  out.setEuler('leftUpperArm', 0, -0.3, -0.85 + 0.1 * s);
  out.setEuler('rightUpperArm', 0, 0.3, 0.85 + 0.1 * s);
};

/** Waving the right hand above the shoulder. */
export const wave: ProceduralMotion = (ctx, out) => {
  idle(ctx, out);
  const w = Math.sin(ctx.local * TAU * 1.6);
  out.setEuler('rightUpperArm', 0, 0.3, -0.45);
  out.setEuler('rightLowerArm', 0, 0, -1.3 + 0.45 * w);
  out.setEuler('rightHand', 0, 0, 0.15 * w);
  out.setEuler('head', 0, -0.12, 0.06);
  setHand(out, 'right', 'open');
};

/** A bow: down over 0.8 s, held, back up. */
export const bow: ProceduralMotion = (ctx, out) => {
  rest(ctx, out, 0.3);
  const k = ctx.local < 0.8 ? ctx.local / 0.8 : ctx.local < 2 ? 1 : Math.max(0, 1 - (ctx.local - 2) / 0.8);
  const e = k * k * (3 - 2 * k);
  out.setEuler('spine', 0.45 * e, 0, 0);
  out.setEuler('chest', 0.25 * e, 0, 0);
  out.setEuler('head', 0.2 * e, 0, 0);
  out.setEuler('leftUpperArm', 0.3 * e, 0, -1.3);
  out.setEuler('rightUpperArm', 0.3 * e, 0, 1.3);
};

/** A jump on every second beat, knees bending before take-off. */
export const jump: ProceduralMotion = (ctx, out) => {
  rest(ctx, out, 0.2);
  const p = (ctx.beat / 2) - Math.floor(ctx.beat / 2);
  const air = p < 0.5 ? Math.sin(p * 2 * Math.PI) : 0; // airborne in the first half
  const crouch = p >= 0.5 ? Math.sin((p - 0.5) * 2 * Math.PI) : 0;
  out.hips[1] = 0.16 * air - 0.07 * crouch;
  out.setEuler('leftUpperLeg', -0.35 * crouch - 0.15 * air, 0, 0);
  out.setEuler('rightUpperLeg', -0.35 * crouch - 0.15 * air, 0, 0);
  out.setEuler('leftLowerLeg', 0.7 * crouch + 0.3 * air, 0, 0);
  out.setEuler('rightLowerLeg', 0.7 * crouch + 0.3 * air, 0, 0);
  out.setEuler('leftUpperArm', 0, 0, -1.2 + 1.6 * air);
  out.setEuler('rightUpperArm', 0, 0, 1.2 - 1.6 * air);
  setHand(out, 'left', 'open', air);
  setHand(out, 'right', 'open', air);
};

/** Pointing forward and up to the audience with the right hand. */
export const point: ProceduralMotion = (ctx, out) => {
  idle(ctx, out);
  out.setEuler('rightUpperArm', 0, 1.25, -0.35);
  out.setEuler('rightLowerArm', 0, 0.1, 0);
  out.setEuler('spine', 0, -0.1, 0);
  out.setEuler('head', -0.05, -0.1, 0);
  setHand(out, 'right', 'point');
};

/** Side steps: a step out on every beat, alternating sides, arms swinging against the legs. */
export const step: ProceduralMotion = (ctx, out) => {
  rest(ctx, out, 0.4);
  const side = Math.floor(ctx.beat) % 2 === 0 ? 1 : -1;
  const p = ctx.beat - Math.floor(ctx.beat);
  const shift = Math.sin(Math.min(1, p * 2) * Math.PI / 2); // weight moves over in the first half beat
  const x = side * (2 * shift - 1) * 0.05; // from the other side across to this one
  const down = (1 + Math.cos(p * Math.PI * 2)) / 2;
  out.hips[0] = x;
  out.hips[1] = -0.025 * down;
  out.setEuler('hips', 0, 0.1 * side * shift, -0.5 * x);
  out.setEuler('spine', 0.02, -0.06 * side * shift, 0.6 * x);
  out.setEuler('head', 0.05 * down, 0.06 * side, -0.8 * x);
  out.setEuler('leftUpperLeg', 0, 0, 0.12 + 1.2 * Math.min(0, x));
  out.setEuler('rightUpperLeg', 0, 0, -0.12 + 1.2 * Math.max(0, x));
  out.setEuler('leftLowerLeg', 0.15 * down, 0, 0);
  out.setEuler('rightLowerLeg', 0.15 * down, 0, 0);
  out.setEuler('leftUpperArm', 0.35 * side, -0.2, -1.1);
  out.setEuler('rightUpperArm', -0.35 * side, 0.2, 1.1);
  out.setEuler('leftLowerArm', 0, -0.7, 0);
  out.setEuler('rightLowerArm', 0, 0.7, 0);
};

/** Clapping in front of the chest on every beat, bouncing, the head nodding along. */
export const clap: ProceduralMotion = (ctx, out) => {
  rest(ctx, out, 0.4);
  const p = ctx.beat - Math.floor(ctx.beat);
  const open = Math.sin(p * Math.PI); // hands together on the beat, apart between
  const down = 1 - open;
  out.hips[1] = -0.02 * down;
  out.setEuler('spine', 0.03 * down, 0, 0);
  out.setEuler('head', 0.1 * down - 0.03, 0, 0);
  out.setEuler('leftUpperArm', 0, -1.05 + 0.35 * open, -0.75);
  out.setEuler('rightUpperArm', 0, 1.05 - 0.35 * open, 0.75);
  out.setEuler('leftLowerArm', 0, -0.9 + 0.3 * open, 0);
  out.setEuler('rightLowerArm', 0, 0.9 - 0.3 * open, 0);
  out.setEuler('leftUpperLeg', -0.08 * down, 0, 0.03);
  out.setEuler('rightUpperLeg', -0.08 * down, 0, -0.03);
  out.setEuler('leftLowerLeg', 0.16 * down, 0, 0);
  out.setEuler('rightLowerLeg', 0.16 * down, 0, 0);
  setHand(out, 'left', 'open');
  setHand(out, 'right', 'open');
};

/** How far into a gesture: eases up over 0.4 s and stays. */
const gestureIn = (local: number) => {
  const k = Math.min(1, Math.max(0, local / 0.4));
  return k * k * (3 - 2 * k);
};

/** Gesture on a held note: the right hand reaches out and up to the audience. Arms only (see PARTIAL_MOTIONS). */
export const reach: ProceduralMotion = (ctx, out) => {
  const k = gestureIn(ctx.local);
  out.setEuler('rightShoulder', 0, 0, -0.1 * k);
  out.setEuler('rightUpperArm', 0, 0.95 * k, 1.22 * (1 - k) - 0.35 * k);
  out.setEuler('rightLowerArm', 0, 0.35 * (1 - k) + 0.1 * k, 0);
  out.setEuler('rightHand', 0, 0, 0.1 - 0.25 * k);
  out.setEuler('head', -0.08 * k, -0.06 * k, 0);
  setHand(out, 'right', 'open', k);
};

/** Gesture on a held note: both arms open wide, chest up. Arms and chest only. */
export const open: ProceduralMotion = (ctx, out) => {
  const k = gestureIn(ctx.local);
  const breathe = 0.03 * Math.sin(ctx.t * 2);
  out.setEuler('chest', -0.08 * k, 0, 0);
  out.setEuler('head', -0.1 * k, 0, 0);
  out.setEuler('leftUpperArm', 0, -0.55 * k, -1.22 * (1 - k) - (0.25 + breathe) * k);
  out.setEuler('rightUpperArm', 0, 0.55 * k, 1.22 * (1 - k) + (0.25 + breathe) * k);
  out.setEuler('leftLowerArm', 0, -0.35 * (1 - k) - 0.1 * k, 0);
  out.setEuler('rightLowerArm', 0, 0.35 * (1 - k) + 0.1 * k, 0);
  setHand(out, 'left', 'open', k);
  setHand(out, 'right', 'open', k);
};

export const BUILTIN_MOTIONS: Record<string, ProceduralMotion> = { idle, dance, sway, wave, bow, jump, point, step, clap, reach, open };

/** Gestures that move only some bones: they are layered over the pose underneath, not over a rest pose. */
export const PARTIAL_MOTIONS: ReadonlySet<string> = new Set(['reach', 'open']);
