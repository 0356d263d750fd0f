// Hand poses on the default singer's finger bones, measured on the loaded VRM in Node: where the
// fingertips end up relative to the palm for each pose, for both VRM versions.

import { describe, expect, it } from 'vitest';
import * as THREE from 'three';
import type { VRM } from '@pixiv/three-vrm';
import { loadVrmFile } from '../../stage/src/avatar/load-node.ts';
import { createFrame } from '../../stage/src/perform/performer.ts';
import { HAND_POSE_NAMES, setHand, type HandPoseName } from '../../stage/src/perform/hands.ts';
import { VrmDriver } from '../../stage/src/render/vrm-driver.ts';

type Tip = 'Thumb' | 'Index' | 'Middle' | 'Ring' | 'Little';

/** Distance from each finger's last bone to the hand bone, metres, with the hand in `pose`. */
function reach(vrm: VRM, driver: VrmDriver, side: 'left' | 'right', pose: HandPoseName): Record<Tip, number> & { spread: number } {
  const frame = createFrame();
  frame.pose.reset();
  setHand(frame.pose, side, pose);
  driver.apply(frame, 0);
  vrm.scene.updateMatrixWorld(true);
  const at = (bone: string) => vrm.humanoid.getRawBoneNode(bone as Parameters<VRM['humanoid']['getRawBoneNode']>[0])!.getWorldPosition(new THREE.Vector3());
  const hand = at(`${side}Hand`);
  const out = { spread: at(`${side}IndexDistal`).distanceTo(at(`${side}MiddleDistal`)) } as Record<Tip, number> & { spread: number };
  for (const f of ['Index', 'Middle', 'Ring', 'Little'] as const) out[f] = at(`${side}${f}Distal`).distanceTo(hand);
  out.Thumb = at(`${side}ThumbDistal`).distanceTo(hand);
  return out;
}

describe('hand poses on the finger bones', () => {
  for (const file of ['assets/avatars/holo.vrm', 'assets/avatars/holo-vrm0.vrm']) {
    it(`curl, point and spread the right fingers (${file})`, async () => {
      const vrm = await loadVrmFile(file);
      const driver = new VrmDriver(vrm);
      for (const side of ['left', 'right'] as const) {
        const open = reach(vrm, driver, side, 'open');
        const fist = reach(vrm, driver, side, 'fist');
        const point = reach(vrm, driver, side, 'point');
        const peace = reach(vrm, driver, side, 'peace');
        const mic = reach(vrm, driver, side, 'mic');
        for (const f of ['Index', 'Middle', 'Ring', 'Little'] as const) expect(fist[f], `${side} ${f} closes in a fist`).toBeLessThan(open[f] - 0.02);
        expect(fist.Thumb).toBeLessThan(open.Thumb);
        // Point: the index stays out, the others close.
        expect(point.Index).toBeCloseTo(open.Index, 2);
        expect(point.Middle).toBeCloseTo(fist.Middle, 3);
        // Peace: index and middle out and apart.
        expect(peace.Index).toBeCloseTo(open.Index, 2);
        expect(peace.Middle).toBeCloseTo(open.Middle, 2);
        expect(peace.Ring).toBeLessThan(open.Ring - 0.02);
        expect(peace.spread).toBeGreaterThan(open.spread + 0.006);
        // Holding a microphone: every finger half closed round it.
        for (const f of ['Index', 'Middle', 'Ring', 'Little'] as const) {
          expect(mic[f]).toBeLessThan(open[f] - 0.005);
          expect(mic[f]).toBeGreaterThan(fist[f] + 0.003);
        }
      }
      expect(HAND_POSE_NAMES).toEqual(['relaxed', 'open', 'fist', 'point', 'peace', 'mic']);
    });
  }
});
