// The default singer's face close up in the real stage page (chromium, SwiftShader): the layered
// eyes must read as eyes (white, blue iris, dark pupil, bright highlights inside the iris) and the
// mouth must show its inside (dark, teeth, tongue) when "aa" is 1, and not when it is closed.
// Screenshots go to $TMPDIR/holostage-face/ to be looked at.

import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startStageRig, stageTimeline, stateOf, waitForShowTime, type StageRig } from './harness.ts';
import { decodePng, type Rgba } from './png.ts';
import { blinkAt } from '../../stage/src/perform/face.ts';
import { encodeVmd } from '../../show-files/src/motion/vmd.ts';

const OUT = join(tmpdir(), 'holostage-face');
let rig: StageRig;
let page: Page;

const timeline = stageTimeline();
const song = timeline.songs[0]!;
song.tracks.camera = [{ time: 0, end: 60, shot: 'custom', position: [0, 1.42, 0.75], target: [0, 1.42, 0], fov: 22, move: 0, cue: 0 }];
song.tracks.motion = [{ time: 0, end: 40, clip: 'idle', blend: 0, cue: 0 }, { time: 40, end: 50, clip: 'motions/arms-up.vmd', blend: 0, cue: 1 }];
const MOODS = ['happy', 'angry', 'sad', 'relaxed', 'surprised'] as const;
song.tracks.expressions = MOODS.map((expression, i) => ({ time: 10 + 2 * i, end: 12 + 2 * i, expression, weight: 1, cue: i }));

type Face = { leftEye: [number, number]; rightEye: [number, number]; head: [number, number]; leftHand: [number, number]; rightHand: [number, number] };

/** A time near `t` with the eyes open (the blink schedule is a function of show time). */
function openEyes(t: number): number {
  let x = t;
  while (blinkAt(x) > 0 || blinkAt(x - 0.3) > 0 || blinkAt(x + 0.3) > 0) x += 0.05;
  return Math.round(x * 100) / 100;
}

async function shoot(t: number, name: string): Promise<{ img: Rgba; face: Face }> {
  await rig.seek(t);
  await waitForShowTime(page, t);
  const png = await page.screenshot({ type: 'png' });
  mkdirSync(OUT, { recursive: true });
  writeFileSync(join(OUT, `${name}.png`), png);
  const state = (await stateOf(page)) as unknown as { face: Face };
  return { img: decodePng(png), face: state.face };
}

interface Box { x0: number; y0: number; x1: number; y1: number }
function count(img: Rgba, box: Box, test: (r: number, g: number, b: number) => boolean): { n: number; box: Box } {
  let n = 0;
  const found: Box = { x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity };
  for (let y = Math.max(0, Math.floor(box.y0)); y < Math.min(img.height, box.y1); y++) {
    for (let x = Math.max(0, Math.floor(box.x0)); x < Math.min(img.width, box.x1); x++) {
      const o = (y * img.width + x) * 4;
      if (!test(img.data[o]!, img.data[o + 1]!, img.data[o + 2]!)) continue;
      n++;
      found.x0 = Math.min(found.x0, x); found.x1 = Math.max(found.x1, x + 1);
      found.y0 = Math.min(found.y0, y); found.y1 = Math.max(found.y1, y + 1);
    }
  }
  return { n, box: found };
}

const iris = (r: number, g: number, b: number) => b - r > 60 && b - g > 20;
// White under the stage light: bright and grey (the projector profile's lights top out near 175).
const bright = (r: number, g: number, b: number) => Math.min(r, g, b) > 160 && Math.max(r, g, b) - Math.min(r, g, b) < 14;
const dark = (r: number, g: number, b: number) => Math.max(r, g, b) < 140;
const mouthInside = (r: number, g: number, b: number) => r < 145 && r - g > 45 && r - b > 30;
const tongue = (r: number, g: number, b: number) => r > 150 && r - g > 35 && r - b > 25 && g > 90;

/** An MMD motion written by the project's encoder: both arms straight up, from the A-pose. */
function armsUpVmd(): Buffer {
  const up = (side: number): [number, number, number, number] => {
    // MMD arms rest 35° below the T-pose; up is 125° further about Z (+ for her left arm at +X).
    const a = (side * 125 * Math.PI) / 180 / 2;
    return [0, 0, Math.sin(a), Math.cos(a)];
  };
  const key = (rotation: [number, number, number, number]) => [{ frame: 0, position: [0, 0, 0] as [number, number, number], rotation, curves: [] }, { frame: 30, position: [0, 0, 0] as [number, number, number], rotation, curves: [] }];
  return Buffer.from(encodeVmd({ modelName: 'test', bones: new Map([['左腕', key(up(1))], ['右腕', key(up(-1))]]), morphs: new Map() }));
}

beforeAll(async () => {
  rig = await startStageRig(timeline, [], [['motions/arms-up.vmd', armsUpVmd()]]);
  await rig.seek(1.3);
  page = await rig.open('proj', '', { width: 640, height: 360 });
  await waitForShowTime(page, 1.3);
}, 90_000);

afterAll(async () => {
  await rig?.close();
});

/** Pixels per metre at the face, from the distance between the eye bones (9.6 cm on the singer). */
const scale = (f: Face) => Math.hypot(f.leftEye[0] - f.rightEye[0], f.leftEye[1] - f.rightEye[1]) / 0.096;

describe('the singer close up', () => {
  it('has eyes with a white, a blue iris, a dark pupil and highlights inside the iris', { timeout: 60_000 }, async () => {
    const { img, face } = await shoot(openEyes(3.0), 'neutral');
    const k = scale(face);
    expect(k).toBeGreaterThan(1200); // the face fills the picture
    for (const eye of [face.leftEye, face.rightEye]) {
      const win = { x0: eye[0] - 0.04 * k, x1: eye[0] + 0.04 * k, y0: eye[1] - 0.045 * k, y1: eye[1] + 0.045 * k };
      const i = count(img, win, iris);
      expect(i.n, 'iris pixels').toBeGreaterThan(0.0006 * k * k);
      const highlights = count(img, i.box, bright);
      expect(highlights.n, 'highlights inside the iris').toBeGreaterThan(0.00003 * k * k);
      const pupil = count(img, { x0: i.box.x0 + (i.box.x1 - i.box.x0) * 0.25, x1: i.box.x1 - (i.box.x1 - i.box.x0) * 0.25, y0: i.box.y0, y1: i.box.y1 }, dark);
      expect(pupil.n, 'pupil').toBeGreaterThan(0.00004 * k * k);
      // The white shows on both sides of the iris.
      const left = count(img, { x0: win.x0, x1: i.box.x0, y0: i.box.y0, y1: i.box.y1 }, bright);
      const right = count(img, { x0: i.box.x1, x1: win.x1, y0: i.box.y0, y1: i.box.y1 }, bright);
      expect(left.n, 'eye white beside the iris').toBeGreaterThan(0.00002 * k * k);
      expect(right.n, 'eye white beside the iris').toBeGreaterThan(0.00002 * k * k);
    }
  });

  it('opens the mouth on "aa" to show its inside, teeth and tongue, and closes it in the rest', { timeout: 60_000 }, async () => {
    const open = await shoot(openEyes(1.3), 'aa');
    const state = await stateOf(page);
    expect(state.weights.aa).toBeGreaterThan(0.9);
    const closed = await shoot(openEyes(3.0), 'closed');
    const inMouth = (f: Face) => {
      const k = scale(f);
      const cx = (f.leftEye[0] + f.rightEye[0]) / 2;
      const cy = (f.leftEye[1] + f.rightEye[1]) / 2 + 0.082 * k;
      return { x0: cx - 0.03 * k, x1: cx + 0.03 * k, y0: cy - 0.035 * k, y1: cy + 0.035 * k };
    };
    const k = scale(open.face);
    const inside = count(open.img, inMouth(open.face), mouthInside);
    const teeth = count(open.img, inMouth(open.face), bright);
    const tongueShown = count(open.img, inMouth(open.face), tongue);
    expect(inside.n, 'dark inside of the open mouth').toBeGreaterThan(0.0003 * k * k);
    expect(teeth.n, 'teeth').toBeGreaterThan(0.00005 * k * k);
    expect(tongueShown.n, 'tongue').toBeGreaterThan(0.00005 * k * k);
    // Teeth above the dark inside, tongue below it.
    expect((teeth.box.y0 + teeth.box.y1) / 2).toBeLessThan((tongueShown.box.y0 + tongueShown.box.y1) / 2);
    const shut = count(closed.img, inMouth(closed.face), mouthInside);
    expect(shut.n).toBeLessThan(inside.n / 4);
    expect(count(closed.img, inMouth(closed.face), bright).n).toBeLessThan(teeth.n / 4);
  });

  it('moves the face with the expressions: eyes close for happy, brows and lids change for the rest', { timeout: 90_000 }, async () => {
    const neutral = await shoot(openEyes(3.0), 'neutral');
    const irisOf = (s: { img: Rgba; face: Face }) => {
      const k = scale(s.face);
      return [s.face.leftEye, s.face.rightEye].reduce((n, e) => n + count(s.img, { x0: e[0] - 0.04 * k, x1: e[0] + 0.04 * k, y0: e[1] - 0.045 * k, y1: e[1] + 0.045 * k }, iris).n, 0);
    };
    const base = irisOf(neutral);
    const shots: Record<string, number> = {};
    for (const [i, mood] of MOODS.entries()) {
      const shot = await shoot(openEyes(11 + 2 * i), mood);
      shots[mood] = irisOf(shot);
      // Every expression changes the picture of the face.
      let changed = 0;
      for (let o = 0; o < shot.img.data.length; o += 4) if (Math.abs(shot.img.data[o]! - neutral.img.data[o]!) > 40) changed++;
      expect(changed, mood).toBeGreaterThan(200);
    }
    expect(shots.happy!, 'happy: ^ ^ eyes hide the iris').toBeLessThan(base * 0.3);
    expect(shots.relaxed!, 'relaxed: half-closed lids').toBeLessThan(base * 0.95);
    expect(shots.surprised!, 'surprised: wide eyes').toBeGreaterThan(base * 1.02);
  });
});

describe('an MMD motion on the stage page', () => {
  it('loads the .vmd a motion cue names and raises her arms with it', { timeout: 60_000 }, async () => {
    const before = await shoot(38, 'before-vmd');
    expect(before.face.leftHand[1]).toBeGreaterThan(before.face.head[1]); // hands below the head
    const during = await shoot(42, 'vmd');
    expect((await stateOf(page)).motion).toBe('motions/arms-up.vmd');
    expect(during.face.leftHand[1]).toBeLessThan(during.face.head[1]);
    expect(during.face.rightHand[1]).toBeLessThan(during.face.head[1]);
  });
});
