// `node bin/run-ts.js scripts/stage-gallery.ts`: pictures of the default singer for docs/stage/,
// rendered by the real stage page (chromium, SwiftShader) from a real show server:
//   singer.png       — full figure on the stage, and her face close up singing "a"
//   expressions.png  — neutral, aa, happy, angry, sad, relaxed, surprised, blink
//   hands.png        — the hand poses: relaxed, open, fist, point, peace, mic

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { CameraEvent, ExpressionEvent, MotionEvent } from '../show-files/src/timeline.ts';
import { blinkAt } from '../stage/src/perform/face.ts';
import { HAND_POSE_NAMES } from '../stage/src/perform/hands.ts';
import { startStageRig, stageTimeline, waitForShowTime } from '../tests/stage/harness.ts';

const OUT = join(import.meta.dirname, '..', 'docs', 'stage');
const MOODS = ['happy', 'angry', 'sad', 'relaxed', 'surprised'] as const;

/** Show times: 1.3 s sings "a"; 3 s rests; moods from 10 s, two seconds each; the wave from 30 s. */
function timeline() {
  const tl = stageTimeline();
  const song = tl.songs[0]!;
  const face = { position: [0, 1.42, 0.75] as [number, number, number], target: [0, 1.42, 0] as [number, number, number], fov: 22 };
  song.tracks.camera = [
    { time: 0, end: 8, shot: 'custom', ...face, move: 0, cue: 0 },
    { time: 8, end: 30, shot: 'custom', ...face, move: 0, cue: 1 },
    { time: 30, end: 40, shot: 'custom', position: [-0.78, 1.68, 0.2], target: [-0.27, 1.66, 0], fov: 22, move: 0, cue: 2 },
    { time: 40, end: 60, shot: 'full', move: 0, cue: 3 },
  ] satisfies CameraEvent[];
  song.tracks.motion = [
    { time: 0, end: 30, clip: 'idle', blend: 0, cue: 0 },
    { time: 30, end: 40, clip: 'wave', blend: 0, cue: 1 },
  ] satisfies MotionEvent[];
  song.tracks.expressions = MOODS.map((expression, i): ExpressionEvent => ({ time: 10 + 2 * i, end: 12 + 2 * i, expression, weight: 1, cue: i }));
  return tl;
}

const openEyes = (t: number) => {
  let x = t;
  while (blinkAt(x) > 0 || blinkAt(x - 0.3) > 0 || blinkAt(x + 0.3) > 0) x += 0.05;
  return Math.round(x * 100) / 100;
};
/** A time in the first blink at or after t, with the lids (nearly) down. */
const blinking = (t: number) => {
  let x = t;
  while (blinkAt(x) < 0.9) x += 0.005;
  return Math.round(x * 100) / 100;
};

async function grid(page: Page, shots: [string, Buffer][], columns: number, width: number): Promise<Buffer> {
  const height = Math.round((width * 9) / 16);
  const cells = shots.map(([label, png]) => `<figure><img src="data:image/png;base64,${png.toString('base64')}" width="${width}" height="${height}"><figcaption>${label}</figcaption></figure>`).join('');
  await page.setViewportSize({ width: columns * (width + 8) + 8, height: Math.ceil(shots.length / columns) * (height + 30) + 8 });
  await page.setContent(`<style>body{margin:4px;background:#111;display:grid;grid-template-columns:repeat(${columns},${width + 8}px);font:13px sans-serif;color:#ddd}figure{margin:0;padding:4px}img{display:block}figcaption{text-align:center;padding-top:3px}</style>${cells}`);
  return page.screenshot({ type: 'png' });
}

export async function takeGallery(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const rig = await startStageRig(timeline());
  try {
    const shot = async (t: number, extra = ''): Promise<Buffer> => {
      await rig.seek(t);
      const page = await rig.open('proj', extra, { width: 640, height: 360 });
      await waitForShowTime(page, t);
      const png = await page.screenshot({ type: 'png' });
      await page.close();
      return png;
    };
    const composer = await rig.browser.newPage();
    const singer = await grid(composer, [['on stage', await shot(openEyes(42))], ['close up, singing "a"', await shot(openEyes(1.3))]], 2, 480);
    writeFileSync(join(OUT, 'singer.png'), singer);
    const faces: [string, Buffer][] = [['neutral', await shot(openEyes(3))], ['aa', await shot(openEyes(1.3))]];
    for (const [i, mood] of MOODS.entries()) faces.push([mood, await shot(openEyes(11 + 2 * i))]);
    faces.push(['blink', await shot(blinking(0))]);
    writeFileSync(join(OUT, 'expressions.png'), await grid(composer, faces, 4, 240));
    const hands: [string, Buffer][] = [];
    for (const pose of HAND_POSE_NAMES) hands.push([pose, await shot(30.3, `&hands=${pose}`)]);
    writeFileSync(join(OUT, 'hands.png'), await grid(composer, hands, 3, 240));
    await composer.close();
  } finally {
    await rig.close();
  }
}

if (process.argv[1]?.endsWith('stage-gallery.ts')) {
  await takeGallery();
  process.stdout.write(`wrote docs/stage/singer.png, expressions.png, hands.png\n`);
}
