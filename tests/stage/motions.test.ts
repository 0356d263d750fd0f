// The procedural motions auto-direction uses: step, clap and the two gestures layered over a dance.

import { describe, expect, it } from 'vitest';
import { BUILTIN_MOTIONS, PARTIAL_MOTIONS } from '../../stage/src/perform/motions.ts';
import { Pose, POSE_BONES, BONE_INDEX } from '../../stage/src/perform/pose.ts';

const at = (name: string, beat: number, local = beat / 2, base?: Pose) => {
  const p = base ? new Pose().copy(base) : new Pose();
  BUILTIN_MOTIONS[name]!({ t: beat / 2, beat, local }, p);
  return p;
};
const angleBetween = (a: Pose, b: Pose, bone: (typeof POSE_BONES)[number]) => {
  const o = BONE_INDEX[bone] * 4;
  const dot = Math.abs(a.rotations[o]! * b.rotations[o]! + a.rotations[o + 1]! * b.rotations[o + 1]! + a.rotations[o + 2]! * b.rotations[o + 2]! + a.rotations[o + 3]! * b.rotations[o + 3]!);
  return 2 * Math.acos(Math.min(1, dot));
};

describe('motions for auto-direction', () => {
  it('every built-in writes unit quaternions', () => {
    for (const name of Object.keys(BUILTIN_MOTIONS)) {
      for (const beat of [0, 0.25, 0.5, 1.75, 7.3]) {
        const p = at(name, beat, 1, at('dance', beat));
        for (let o = 0; o < p.rotations.length; o += 4) expect(Math.hypot(p.rotations[o]!, p.rotations[o + 1]!, p.rotations[o + 2]!, p.rotations[o + 3]!), `${name} @${beat}`).toBeCloseTo(1, 9);
      }
    }
  });

  it('step puts the weight over alternate sides on alternate beats', () => {
    expect(at('step', 0.5).hips[0]).toBeGreaterThan(0.03);
    expect(at('step', 1.5).hips[0]).toBeLessThan(-0.03);
  });

  it('clap brings the hands together on the beat and apart between beats', () => {
    const onBeat = at('clap', 4);
    const between = at('clap', 4.5);
    expect(onBeat.quat('rightUpperArm')[1]).toBeGreaterThan(between.quat('rightUpperArm')[1] + 0.1);
  });

  it('gestures move the arms over the dance underneath and leave the legs and hips to it', () => {
    for (const g of PARTIAL_MOTIONS) {
      const dance = at('dance', 2.25);
      const layered = at(g, 2.25, 1, dance);
      expect(angleBetween(layered, dance, 'rightUpperArm'), g).toBeGreaterThan(0.5);
      for (const bone of ['hips', 'leftUpperLeg', 'rightLowerLeg', 'leftFoot'] as const) expect(angleBetween(layered, dance, bone), `${g} ${bone}`).toBeLessThan(1e-9);
      expect([...layered.hips]).toEqual([...dance.hips]);
      // At its very start nothing has moved yet beyond the arms easing in.
      expect(angleBetween(at(g, 2.25, 0, dance), dance, 'hips')).toBeLessThan(1e-9);
    }
  });
});
