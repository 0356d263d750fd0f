// The stage's virtual fixtures follow DMX cues in real chromium: a show whose song carries DMX cues
// on the stage patch (universe 1, fixture k at 4k+1: dimmer, red, green, blue), played by a real
// show server; the page's drawn light levels follow the fades and a seek back. A screenshot of the
// lit rig goes to dist/test-screenshots/stage/.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { settle, stageTimeline, startStageRig, stateOf, waitForShowTime, type StageRig } from './harness.ts';

const OUT = join(import.meta.dirname, '../../dist/test-screenshots/stage');

describe('stage fixtures follow DMX', { timeout: 120_000 }, () => {
  let rig: StageRig;
  let page: Page;
  beforeAll(async () => {
    const timeline = stageTimeline();
    timeline.songs[0]!.tracks.dmx = [
      // Fixture 2: red, dimmer fading up from 1 s to 3 s. Fixture 5: full green at once. Universe 2 lights nothing.
      { time: 1, universe: 1, channels: [{ channel: 10, from: null, to: 255 }], fade: 0, label: 'red', cue: 0 },
      { time: 1, universe: 1, channels: [{ channel: 9, from: 0, to: 255 }], fade: 2, label: 'fade up', cue: 1 },
      { time: 1, universe: 1, channels: [{ channel: 21, from: null, to: 255 }, { channel: 23, from: null, to: 255 }], fade: 0, label: 'green', cue: 2 },
      { time: 1, universe: 2, channels: [{ channel: 1, from: null, to: 255 }], fade: 0, label: 'elsewhere', cue: 3 },
    ];
    rig = await startStageRig(timeline);
    page = await rig.open('proj');
  });
  afterAll(async () => {
    await rig?.close();
  });

  it('lights fixtures 2 and 5 as cued, half way through the fade at 2 s, dark again before the cues', async () => {
    await rig.seek(0.5);
    await waitForShowTime(page, 0.5);
    expect((await stateOf(page)).lights).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);

    await rig.seek(2);
    await settle(page, (s) => Math.abs(s.showTime - 2) < 1e-6);
    const lit = (await stateOf(page)).lights;
    expect(lit[2]).toBeCloseTo(128 / 255, 2);
    expect(lit[5]).toBe(1);
    expect(lit.filter((_, k) => k !== 2 && k !== 5)).toEqual([0, 0, 0, 0, 0, 0]);
    mkdirSync(OUT, { recursive: true });
    writeFileSync(join(OUT, 'dmx-fixtures.png'), await page.screenshot({ type: 'png' }));

    await rig.seek(4);
    await settle(page, (s) => Math.abs(s.showTime - 4) < 1e-6);
    expect((await stateOf(page)).lights[2]).toBe(1);
    // A seek back before the cues: the fixtures go dark again.
    await rig.seek(0.5);
    await settle(page, (s) => Math.abs(s.showTime - 0.5) < 1e-6);
    expect((await stateOf(page)).lights).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
  });
});
