// The fan viewer in real chromium against the real show server: joins late at the right moment,
// karaoke highlights the syllable being sung, a click starts the sound, penlight waves reach the
// server and come back as the crowd's glow, and a dropped connection resumes where the show is.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startStageRig, stageTimeline, sineWav, type StageRig } from '../stage/harness.ts';
import { decodePng } from '../stage/png.ts';
import { CROWD_EVENTS, PENLIGHT_COLOURS, type CrowdFrame } from '../../protocol/index.ts';
import { waitUntil } from '../server/helpers.ts';

interface LiveState {
  ready: boolean;
  connected: boolean;
  connects: number;
  showTime: number;
  playing: boolean;
  clockSamples: number;
  lyric: { line: number; text: string; sung: number; active: number; activeText: string | null; progress: number };
  crowd: CrowdFrame | null;
  glow: { r: number; g: number; b: number; intensity: number } | null;
  colour: string;
  cheers: { sent: number; accepted: number; refused: number };
  audio: { context: string; loaded: number; total: number; restarts: number; buttonShown: boolean };
  size: { width: number; height: number };
}

const live = (page: Page): Promise<LiveState> => page.evaluate(() => (window as unknown as { __holostageLive: { state(): LiveState } }).__holostageLive.state());

describe('the fan viewer /live in chromium', { timeout: 120_000 }, () => {
  let rig: StageRig;
  let page: Page;
  const deskCrowd: CrowdFrame[] = [];

  beforeAll(async () => {
    const timeline = stageTimeline();
    timeline.songs[0]!.backingAudio = { file: 'audio/backing.wav', gainDb: -6 };
    rig = await startStageRig(timeline, [], [['audio/backing.wav', sineWav(30)]]);
    rig.operator.on(CROWD_EVENTS.crowd, (f: CrowdFrame) => deskCrowd.push(f));
    // The show is already on when the fan arrives: held in the middle of "ka" (1.0-2.2 s).
    await rig.seek(1.5);
    page = await rig.browser.newPage({ viewport: { width: 800, height: 450 } });
    page.on('pageerror', (e) => console.error('[live] page error:', e.message));
    await page.goto(`${rig.server.url}/live/?token=${rig.server.tokens.viewer}&avatar=none`);
    await page.waitForFunction(() => (window as unknown as { __holostageLive?: { state(): { ready: boolean; clockSamples: number } } }).__holostageLive?.state().ready === true, undefined, { timeout: 60_000 });
  }, 120_000);

  afterAll(async () => {
    await rig?.close();
  });

  /** The fan keeps waving (space, about 4 a second) until `check` holds. */
  async function wavingUntil(check: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      await page.keyboard.press(' ');
      if (await check()) return;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await page.waitForTimeout(250);
    }
  }

  it('a late joiner lands at the show\'s moment, with the syllable being sung highlighted', async () => {
    const s = await live(page);
    expect(s.connected).toBe(true);
    expect(s.showTime).toBe(1.5);
    expect(s.size).toEqual({ width: 800, height: 450 });
    expect(s.lyric).toMatchObject({ text: 'ka', active: 0, activeText: 'ka', sung: 1 });
    expect(s.lyric.progress).toBeCloseTo((1.5 - 1.0) / (2.2 - 1.0), 3);
    const dom = await page.$$eval('#line-now .syl', (els) => els.map((e) => [e.textContent?.trim(), e.className, (e as HTMLElement).style.getPropertyValue('--p')]));
    expect(dom).toEqual([['ka', 'syl active', '42%']]);
    // The next sung line is shown below.
    expect((await page.textContent('#line-next'))?.replace(/\s+/g, '')).toBe('mia');

    await rig.seek(4.0);
    await page.waitForFunction(() => (window as unknown as { __holostageLive: { state(): { showTime: number } } }).__holostageLive.state().showTime === 4);
    await page.waitForTimeout(100);
    const dom2 = await page.$$eval('#line-now .syl', (els) => els.map((e) => [e.textContent?.trim(), e.className]));
    expect(dom2).toEqual([['mi', 'syl active'], ['a', 'syl']]);
    // Playing on: "mi" is done and "a" is being sung at 5.4 s.
    await rig.seek(5.3, true);
    await page.waitForFunction(() => (window as unknown as { __holostageLive: { state(): { lyric: { activeText: string | null; sung: number } } } }).__holostageLive.state().lyric.sung === 2, undefined, { timeout: 5000 });
    const dom3 = await page.$$eval('#line-now .syl', (els) => els.map((e) => e.className));
    expect(dom3[0]).toBe('syl sung');
    expect(dom3[1]).toMatch(/syl (active|sung)/);
    await rig.seek(1.5);
  });

  // The sound files include each song's vocal, rendered by the server on first request: slow on a busy CPU.
  it('sound starts on a click, and the player follows the show clock', { timeout: 90_000 }, async () => {
    const before = await live(page);
    expect(before.audio.context).toBe('none');
    expect(before.audio.buttonShown).toBe(true);
    await page.click('#sound');
    await page.waitForFunction(() => {
      const a = (window as unknown as { __holostageLive: { state(): LiveState } }).__holostageLive.state().audio;
      return a.context === 'running' && a.total >= 1 && a.loaded === a.total;
    }, undefined, { timeout: 60_000 }).catch(async (err) => {
      throw new Error(`${(err as Error).message}; audio state: ${JSON.stringify((await live(page)).audio)}`);
    });
    expect((await live(page)).audio.buttonShown).toBe(false);
    await rig.seek(2, true);
    await page.waitForFunction(() => (window as unknown as { __holostageLive: { state(): LiveState } }).__holostageLive.state().audio.restarts >= 1, undefined, { timeout: 10_000 });
    await rig.seek(1.5);
  });

  it('penlight: pick a colour, wave by key, click and tap; the crowd comes back as glow and the desk counts it', async () => {
    await waitUntil(() => deskCrowd.at(-1)?.viewers === 1, 10_000, 'the desk to count the viewer');
    const accepted = rig.server.fans.accepted;
    await page.keyboard.press('2'); // second colour of the palette: red
    expect((await live(page)).colour).toBe('red');
    await page.click('.swatch[data-colour="pink"]');
    expect((await live(page)).colour).toBe('pink');
    await page.keyboard.press(' ');
    await page.waitForTimeout(200);
    await page.keyboard.press('w');
    await page.waitForTimeout(200);
    await page.click('#wave');
    await page.waitForTimeout(200);
    await page.mouse.click(400, 150); // a tap on the stage
    await waitUntil(async () => (await live(page)).cheers.accepted === 4, 5000, 'four waves accepted');
    expect(rig.server.fans.accepted - accepted).toBe(4);
    await waitUntil(() => deskCrowd.reduce((n, f) => n + f.waves, 0) >= 4, 5000, 'the desk to see the waves');
    const s = await waitUntil(async () => {
      const st = await live(page);
      return st.crowd && st.crowd.holding === 1 && st.glow && st.glow.intensity > 0.2 ? st : null;
    }, 5000, 'the crowd glow on the page');
    expect(s.crowd!.colours[0]!.colour).toBe('pink');
    // The bottom of the picture glows pink; the top does not.
    const png = decodePng(await page.screenshot({ type: 'png', clip: { x: 0, y: 0, width: 800, height: 450 } }));
    const at = (x: number, y: number) => {
      const i = (y * png.width + x) * 4;
      return [png.data[i]!, png.data[i + 1]!, png.data[i + 2]!];
    };
    // Sample the band near the bottom edge, away from the lyric and penlight bars (which sit centred).
    const bottom = at(30, 430);
    const top = at(30, 60);
    const pink = PENLIGHT_COLOURS.pink; // #ff4fa3: red > blue > green
    expect(pink).toBe('#ff4fa3');
    expect(bottom[0]! - top[0]!).toBeGreaterThan(25);
    expect(bottom[0]!).toBeGreaterThan(bottom[1]!);
    expect(bottom[2]!).toBeGreaterThan(bottom[1]!);

    // The venue's stage output shows the same glow (it gets the crowd frames too).
    const stage = await rig.open('proj', '&avatar=none');
    await wavingUntil(async () => stage.evaluate(() => {
      const st = (window as unknown as { __holostage: { state(): { crowdGlow: number; crowd: { holding: number } | null } } }).__holostage.state();
      return st.crowd?.holding === 1 && st.crowdGlow > 0.1;
    }), 'the glow on the stage output');
    await stage.close();
  });

  it('the control desk shows the viewer count and the cheer level', async () => {
    const desk = await rig.browser.newPage({ viewport: { width: 1280, height: 800 } });
    await desk.goto(`${rig.server.url}/desk/?token=${rig.server.tokens.operator}`);
    await desk.waitForFunction(() => document.getElementById('audience-viewers')?.textContent === '1', undefined, { timeout: 60_000 });
    await wavingUntil(() => desk.evaluate(() => parseInt(document.getElementById('audience-cheer')?.textContent ?? '0', 10) > 20), 'the desk\'s cheer level');
    expect(await desk.textContent('#audience-detail')).toMatch(/1 penlights up/);
    // A second fan arrives: the count follows.
    const second = await rig.browser.newPage({ viewport: { width: 320, height: 240 } });
    await second.goto(`${rig.server.url}/live/?token=${rig.server.tokens.viewer}&avatar=none`);
    await desk.waitForFunction(() => document.getElementById('audience-viewers')?.textContent === '2', undefined, { timeout: 30_000 });
    await second.close();
    await desk.waitForFunction(() => document.getElementById('audience-viewers')?.textContent === '1', undefined, { timeout: 10_000 });
    await desk.close();
  });

  it('a dropped connection comes back at the show\'s current moment', async () => {
    const before = await live(page);
    // The server drops every viewer; meanwhile the operator moves the show on.
    rig.server.io.in('viewer').disconnectSockets(true);
    await page.waitForFunction(() => !(window as unknown as { __holostageLive: { state(): LiveState } }).__holostageLive.state().connected, undefined, { timeout: 5000 });
    await rig.seek(3.9);
    await page.waitForFunction((n) => {
      const s = (window as unknown as { __holostageLive: { state(): LiveState } }).__holostageLive.state();
      return s.connected && s.connects > n && s.showTime === 3.9;
    }, before.connects, { timeout: 15_000 });
    expect((await live(page)).lyric.activeText).toBe('mi');
    // It keeps its penlight and can wave again on the new connection.
    const accepted = rig.server.fans.accepted;
    await page.keyboard.press(' ');
    await waitUntil(() => rig.server.fans.accepted === accepted + 1, 5000, 'a wave after the reconnect');
  });
});
