// One frame of the show on a stage (the outputs and the fans' viewer alike): evaluate the timeline
// at the show time, pose the avatar, update the scene.

import type { Performer, PerformFrame } from '../perform/performer.ts';
import type { VrmDriver } from './vrm-driver.ts';
import type { StageScene } from './stage-scene.ts';

/** Returns `showTime`, to pass back as `previous` on the next frame (NaN on the first). */
export function performFrame(showTime: number, previous: number, performer: Performer, frame: PerformFrame, driver: VrmDriver | null, scene: StageScene, shapeMouth?: (mouth: PerformFrame['mouth']) => void): number {
  performer.evaluate(showTime, frame);
  shapeMouth?.(frame.mouth); // a studio preview on a preview output sings over the show
  let dt = Number.isNaN(previous) ? 0 : showTime - previous;
  if (dt < 0 || dt > 0.25) {
    // A seek: settle the hair where it is rather than let it whip across the stage.
    driver?.vrm.springBoneManager?.reset();
    dt = 0;
  }
  driver?.apply(frame, Math.min(dt, 1 / 20));
  scene.update(frame);
  return showTime;
}
