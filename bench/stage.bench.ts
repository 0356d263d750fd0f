// Stage benchmarks:
//  1. CPU cost per frame of the stage update in Node with the default avatar: the performer
//     (lip-sync, blink, gaze, dance on the beat, a VRMA cue blended in) plus putting it on the VRM
//     and vrm.update (spring bones, expressions, look-at). Aim: < 1 ms per frame.
//  2. Frames per second of the stage page in headless chromium (SwiftShader WebGL, 1280x720,
//     antialias off) against the real show server, next to an empty three.js scene with the same
//     renderer settings measured in the same run. Aim: the stage within 80 % of the empty scene.

import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import type { Page } from 'playwright-core';
import type { BenchSection } from './run.ts';
import { loadVrmFile } from '../stage/src/avatar/load-node.ts';
import { Performer, createFrame } from '../stage/src/perform/performer.ts';
import { VrmDriver } from '../stage/src/render/vrm-driver.ts';
import { clipFromVrmAnimation, parseVrma } from '../stage/src/render/clips.ts';
import { startStageRig, stageTimeline, stateOf } from '../tests/stage/harness.ts';

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};

async function cpuPerFrame(): Promise<{ total: number[]; perform: number[]; apply: number[] }> {
  const vrm = await loadVrmFile('assets/avatars/holo.vrm');
  const driver = new VrmDriver(vrm);
  const tl = stageTimeline({ motion: [{ time: 20, end: 40, clip: 'motions/cheer.vrma', blend: 1, cue: 0 }] });
  const performer = new Performer(tl);
  const bytes = readFileSync('assets/avatars/motions/cheer.vrma');
  performer.clips.set('motions/cheer.vrma', clipFromVrmAnimation(await parseVrma(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)), driver.hipsHeight));
  const frame = createFrame();
  const total: number[] = [];
  const perform: number[] = [];
  const apply: number[] = [];
  // 40 s of show at 60 fps: singing, dancing, the cue fading in and playing.
  for (let i = 0; i < 2400; i++) {
    const t = i / 60;
    const a = performance.now();
    performer.evaluate(t, frame);
    const b = performance.now();
    driver.apply(frame, 1 / 60);
    const c = performance.now();
    if (i >= 120) {
      perform.push(b - a);
      apply.push(c - b);
      total.push(c - a);
    }
  }
  return { total, perform, apply };
}

async function measureFps(page: Page, seconds: number): Promise<number> {
  const start = await stateOf(page);
  const t0 = Date.now();
  await page.waitForTimeout(seconds * 1000);
  const end = await stateOf(page);
  return ((end.frames - start.frames) * 1000) / (Date.now() - t0);
}

const ROUNDS = 5;

interface BrowserFps {
  empty: number[];
  stage: number[];
  warped: number[];
  noOutline: number[];
  mtoon: number[];
  /** The stage with another avatar (HOLOSTAGE_BENCH_AVATAR), e.g. an earlier singer, in the same rounds. */
  other: number[];
  render: { calls: number; triangles: number } | null;
  load: number[];
}

async function browserFps(): Promise<BrowserFps> {
  const size = { width: 1280, height: 720 };
  // HOLOSTAGE_BENCH_AVATAR=file.vrm adds a variant with that avatar, measured in the same rounds
  // (to compare two singers under the same machine load; HOLOSTAGE_BENCH_AVATAR_LABEL names it).
  const otherAvatar = process.env.HOLOSTAGE_BENCH_AVATAR;
  // Pages through vite (loopback only): the empty baseline scene is a bench-only module.
  const rig = await startStageRig(stageTimeline({ size }), [], otherAvatar ? [['other.vrm', readFileSync(otherAvatar)]] : [], 'dev');
  const other: number[] = [];
  const empty: number[] = [];
  const stage: number[] = [];
  const warped: number[] = [];
  const noOutline: number[] = [];
  const mtoon: number[] = [];
  const load: number[] = [loadavg()[0]!];
  let render: BrowserFps['render'] = null;
  /** The projector page with extra query flags, settled for a second, then measured. */
  const variantFps = async (query: string): Promise<number> => {
    const page = await rig.open('proj', query, size);
    await page.waitForTimeout(1000);
    const fps = await measureFps(page, 4);
    await page.close();
    return fps;
  };
  try {
    await rig.seek(0.5, true);
    // Alternate the pages so all see the same machine load.
    for (let round = 0; round < ROUNDS; round++) {
      const base = await rig.browser.newPage({ viewport: size });
      await base.goto(`${rig.server.url}/`);
      await base.setContent('<html><body style="margin:0;background:#000"><script type="module" src="/stage/src/bench-empty.ts"></script></body></html>');
      await base.waitForFunction(() => !!(window as unknown as { __holostage?: unknown }).__holostage);
      await base.waitForTimeout(1000);
      empty.push(await measureFps(base, 4));
      await base.close();

      const page = await rig.open('proj', '', size);
      await page.waitForTimeout(1000);
      stage.push(await measureFps(page, 4));
      render ??= ((await stateOf(page)) as unknown as { render: { calls: number; triangles: number } }).render;
      // The same with a keystone (drawn onto the corners through the camera's projection).
      await rig.setSettings('proj', { keystone: { topLeft: { x: 0.02, y: 0.02 }, topRight: { x: 0.98, y: 0 }, bottomRight: { x: 1, y: 1 }, bottomLeft: { x: 0, y: 0.97 } } });
      await page.waitForTimeout(1000);
      warped.push(await measureFps(page, 4));
      await rig.setSettings('proj', stageTimeline({ size }).outputs[0]!.settings);
      await page.close();

      noOutline.push(await variantFps('&outline=0'));
      // For comparison: every avatar material drawn by three-vrm's MToon (no lite toon shaders).
      mtoon.push(await variantFps('&toon=mtoon'));
      if (otherAvatar) other.push(await variantFps('&avatar=/show/other.vrm'));
    }
  } finally {
    await rig.close();
  }
  load.push(loadavg()[0]!);
  return { empty, stage, warped, noOutline, mtoon, other, render, load };
}

export async function bench(): Promise<BenchSection> {
  const cpu = await cpuPerFrame();
  const fps = await browserFps();
  const us = (ms: number) => `${(ms * 1000).toFixed(0)} µs`;
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const empty = mean(fps.empty);
  const stage = mean(fps.stage);
  const warped = mean(fps.warped);
  const noOutline = mean(fps.noOutline);
  const mtoon = mean(fps.mtoon);
  const rounds = (xs: number[]) => xs.map((f) => f.toFixed(1)).join(', ');
  return {
    title: 'Stage: per-frame update and render rate',
    rows: [
      { name: 'update per frame (performer + VRM), median', value: us(quantile(cpu.total, 0.5)), note: `p99 ${us(quantile(cpu.total, 0.99))}; aim < 1 ms` },
      { name: '… performer.evaluate (lip-sync, motion, camera, lights)', value: us(quantile(cpu.perform, 0.5)), note: `p99 ${us(quantile(cpu.perform, 0.99))}` },
      { name: '… VrmDriver.apply incl. vrm.update (springs, expressions)', value: us(quantile(cpu.apply, 0.5)), note: `p99 ${us(quantile(cpu.apply, 0.99))}` },
      { name: 'empty three.js scene, chromium 1280x720', value: `${empty.toFixed(1)} fps`, note: `rounds: ${rounds(fps.empty)}` },
      { name: 'stage page (singer dancing, projector profile)', value: `${stage.toFixed(1)} fps`, note: `**${((stage / empty) * 100).toFixed(0)} % of the empty scene** (aim 80 %); rounds: ${rounds(fps.stage)}${fps.render ? `; ${fps.render.calls} draw calls, ${fps.render.triangles} triangles a frame` : ''}` },
      { name: 'stage page with a keystone', value: `${warped.toFixed(1)} fps`, note: `${((warped / empty) * 100).toFixed(0)} % of the empty scene; rounds: ${rounds(fps.warped)}` },
      { name: 'stage page without toon outlines (`&outline=0`)', value: `${noOutline.toFixed(1)} fps`, note: `${((noOutline / empty) * 100).toFixed(0)} % of the empty scene; rounds: ${rounds(fps.noOutline)}` },
      { name: 'stage page with three-vrm\'s MToon for every material (`&toon=mtoon`)', value: `${mtoon.toFixed(1)} fps`, note: `${((mtoon / empty) * 100).toFixed(0)} % of the empty scene; rounds: ${rounds(fps.mtoon)}` },
      ...(fps.other.length
        ? [{ name: `stage page with ${process.env.HOLOSTAGE_BENCH_AVATAR_LABEL ?? process.env.HOLOSTAGE_BENCH_AVATAR} (\`&avatar=\`, same rounds)`, value: `${mean(fps.other).toFixed(1)} fps`, note: `${((mean(fps.other) / empty) * 100).toFixed(0)} % of the empty scene; the default singer runs at ${((stage / mean(fps.other)) * 100).toFixed(0)} % of its rate; rounds: ${rounds(fps.other)}` }]
        : []),
      { name: 'machine load average (1 min) before / after', value: `${fps.load[0]!.toFixed(1)} / ${fps.load[1]!.toFixed(1)}`, note: '2 cores, shared with other work: every page above sees it' },
    ],
    notes:
      'CPU: 2,280 frames of a playing song in Node (after 120 warm-up frames), `performance.now()` around each step. ' +
      'Browser: headless Debian chromium with SwiftShader (no GPU), the real show server serving the page through vite; ' +
      `${ROUNDS} alternating rounds of 4 s each for the empty scene and each stage variant (fresh page each time), so all see the same machine load. ` +
      'The empty scene is capped by the display rate (60 Hz) while the stage is bound by software rasterization; docs/stage.md explains where the time goes.',
  };
}

if (process.argv[1]?.endsWith('stage.bench.ts')) {
  const s = await bench();
  for (const r of s.rows) console.log(`${r.name}: ${r.value}${r.note ? `  (${r.note})` : ''}`);
  process.exit(0);
}
