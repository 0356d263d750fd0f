// The control desk in real chromium against a real show server (demo show copy, recording
// lighting driver): keyboard transport, PANIC bytes, outputs coming and going, live output
// settings, test-fire, the organiser's upload and setlist builder, persistence across a reload
// and a server restart.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { io as connectIo, type Socket } from 'socket.io-client';
import { EVENTS } from '../../protocol/index.ts';
import { collectLightingEvents, panicMessages } from '../../server/src/lighting/cues.ts';
import type { OutputSettings } from '../../show-files/src/timeline.ts';
import { waitUntil } from '../server/helpers.ts';
import { launchChromium, startDeskServer, type DeskServer } from './helpers.ts';

const hex = (bytes: readonly number[]): string => bytes.map((b) => b.toString(16).padStart(2, '0')).join(' ');

// A cold vite start (first page) and the stage pages under SwiftShader take seconds on two cores.
describe('control desk in chromium', { timeout: 90_000 }, () => {
  let d: DeskServer;
  let browser: Browser;
  const pages: Page[] = [];
  const sockets: Socket[] = [];

  const openDesk = async (query = '&preview=0', hash = ''): Promise<Page> => {
    const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
    pages.push(page);
    page.on('pageerror', (e) => console.error(`desk page error: ${e.message}`));
    await page.goto(`${d.deskUrl}${query}${hash}`);
    await page.waitForSelector('#op-setlist li', { state: 'attached', timeout: 45_000 });
    await page.waitForFunction(() => document.getElementById('connection')?.dataset.state === 'connected');
    return page;
  };

  const outputSocket = (id: string): Socket => {
    const s = connectIo(d.server.url, { auth: { token: d.server.tokens.outputs[id] }, transports: ['websocket'], reconnection: false, forceNew: true });
    sockets.push(s);
    return s;
  };

  beforeAll(async () => {
    d = await startDeskServer();
    browser = await launchChromium();
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await browser?.close();
    await d?.close();
  });

  it('GO by keyboard (Space) starts the show on the server; H holds and resumes', async () => {
    const page = await openDesk();
    expect(d.server.state.mode).toBe('stopped');
    // Where every region sits: it must not move once the show runs.
    const layout = () =>
      page.evaluate(() =>
        ['#op-setlist', '.transport', '.now-next', '.clocks', '#lyric-line', '#timeline-canvas', '.lighting', '#alarms', '.preview-box', '#outputs'].map((sel) => {
          const r = document.querySelector(sel)!.getBoundingClientRect();
          return `${sel} ${r.x},${r.y},${r.width},${r.height}`;
        }),
      );
    const before = await layout();
    await page.keyboard.press('Space');
    await waitUntil(() => d.server.state.mode === 'playing', 5000, 'the server to play');
    expect(d.server.snapshot().entryIndex).toBe(0);
    await page.waitForFunction(() => document.getElementById('mode')?.textContent === 'PLAYING');
    await expect.poll(() => page.textContent('#now-title')).toContain('Sakura Signal');
    await expect.poll(() => page.textContent('#next-title')).toContain('Hello everyone');
    // The clock runs on the desk from the synced server time.
    await page.waitForFunction(() => document.getElementById('show-elapsed')?.textContent !== '00:00', null, { timeout: 5000 });
    // Into the first sung phrase: the lyric line fills, and still nothing has moved.
    expect((await d.server.command({ command: 'seek', entry: 0, time: 13.5 }, 'test')).ok).toBe(true);
    await page.waitForFunction(() => document.querySelector('#lyric-line .sung') !== null, null, { timeout: 5000 });
    expect(await layout()).toEqual(before);

    await page.keyboard.press('h');
    await waitUntil(() => d.server.state.mode === 'held', 5000, 'the server to hold');
    await page.waitForFunction(() => document.getElementById('mode')?.textContent === 'HELD');
    await page.keyboard.press('H');
    await waitUntil(() => d.server.state.mode === 'playing', 5000, 'the server to resume');
    expect((await d.server.command({ command: 'stop' }, 'test')).ok).toBe(true);
    await page.waitForFunction(() => document.getElementById('mode')?.textContent === 'STOPPED');
    // Arrows select, Enter cues the selected entry (while not playing).
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await waitUntil(() => d.server.snapshot().entryIndex === 2, 5000, 'the cursor on entry 3');
    await page.waitForFunction(() => document.querySelector('#op-setlist li.next')?.getAttribute('data-index') === '2');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Enter');
    await waitUntil(() => d.server.snapshot().entryIndex === 0, 5000, 'the cursor back on entry 1');
    await page.close();
  });

  it('PANIC (Esc, no confirm, even from a text field) sends the blackout bytes to the lighting driver', async () => {
    const page = await openDesk();
    await page.keyboard.press('Space');
    await waitUntil(() => d.server.state.mode === 'playing', 5000, 'the server to play');
    const sentBefore = d.recorder.messages.length;
    // Focus a text field in the organiser view: Esc is still PANIC there.
    await page.keyboard.press('Alt+2');
    await page.focus('#lib-search');
    await page.keyboard.press('Escape');
    await waitUntil(() => d.server.state.blackout !== null, 5000, 'the blackout');
    const expected = panicMessages(collectLightingEvents(d.server.timeline), d.server.timeline.lighting).map((m) => hex(m.bytes));
    expect(expected.length).toBeGreaterThan(2);
    const sent = d.recorder.messages.slice(sentBefore).map((m) => hex(m.bytes));
    for (const bytes of expected) expect(sent).toContain(bytes);
    // All Notes Off on channel 1 and MSC ALL_OFF to device 1, exactly.
    expect(sent).toContain('b0 7b 00');
    expect(sent).toContain('f0 7f 01 02 01 08 f7');
    // The desk shows the blackout and the panic messages in its lighting log.
    await page.keyboard.press('Alt+1');
    await page.waitForFunction(() => document.getElementById('mode')?.textContent === 'BLACKOUT');
    await page.waitForSelector('#midi-log li.panic[data-bytes="F0 7F 01 02 01 08 F7"], #midi-log li.panic[data-bytes="f0 7f 01 02 01 08 f7"]');
    // H resumes out of the blackout; the show is then stopped for the next test.
    await waitUntil(() => d.server.state.mode === 'held', 5000, 'the panic fade to end');
    await page.keyboard.press('h');
    await waitUntil(() => d.server.state.blackout === null, 5000, 'the blackout to clear');
    expect((await d.server.command({ command: 'stop' }, 'test')).ok).toBe(true);
    await page.close();
  });

  it('an output page that connects appears connected, shows lost when closed, and the alarm stays until acknowledged', async () => {
    const desk = await openDesk('');
    // The desk embeds the preview output page, which connects as an output itself.
    await desk.waitForFunction(() => (document.getElementById('preview') as HTMLIFrameElement).src.includes('output=desk-preview'));
    await desk.waitForSelector('#outputs li[data-output="desk-preview"][data-connected="true"]', { timeout: 45_000 });
    await desk.waitForSelector('#outputs li[data-output="main-projector"][data-connected="false"]');

    const stage = await browser.newPage({ viewport: { width: 640, height: 360 } });
    pages.push(stage);
    await stage.goto(`${d.server.url}/stage/?output=main-projector&token=${d.server.tokens.outputs['main-projector']}`);
    await desk.waitForSelector('#outputs li[data-output="main-projector"][data-connected="true"]', { timeout: 45_000 });
    expect(await desk.textContent('#outputs li[data-output="main-projector"] .out-state')).toBe('connected');
    // Its health (fps, clock) reaches the desk.
    await desk.waitForFunction(() => /fps +\d/.test(document.querySelector('#outputs li[data-output="main-projector"] .out-health')?.textContent ?? ''), null, { timeout: 30_000 });

    await stage.close();
    await desk.waitForSelector('#outputs li[data-output="main-projector"][data-connected="false"]', { timeout: 15_000 });
    expect(await desk.textContent('#outputs li[data-output="main-projector"] .out-state')).toBe('LOST');
    const alarm = desk.locator('#alarms li[data-key="output:main-projector"]');
    await alarm.waitFor();
    expect(await alarm.textContent()).toContain('output "main-projector" lost');
    // It stays (a reload of the desk still shows it) until acknowledged.
    await desk.reload();
    await desk.locator('#alarms li[data-key="output:main-projector"]').waitFor();
    await desk.waitForSelector('#connection[data-state="connected"]');
    // Keyboard only: focus the ACK button, Enter presses it (Enter is not "cue" on a button).
    await desk.locator('#alarms li[data-key="output:main-projector"] button').focus();
    await desk.keyboard.press('Enter');
    await desk.locator('#alarms li[data-key="output:main-projector"]').waitFor({ state: 'detached' });
    expect(d.server.alarmList().some((a) => a.key === 'output:main-projector')).toBe(false);
    await desk.close();
  }, 150_000);

  it('live output settings (mirror, gain, keystone drag) reach that output at once', async () => {
    const output = outputSocket('hologram');
    const received: OutputSettings[] = [];
    output.on(EVENTS.outputSettings, (s: OutputSettings) => received.push(s));
    await new Promise<void>((resolve) => output.once(EVENTS.hello, () => resolve()));
    const desk = await openDesk();
    const item = desk.locator('#outputs li[data-output="hologram"]');
    await item.locator('summary').click();
    await item.getByLabel('mirror hologram horizontally').check();
    await waitUntil(() => received.some((s) => s.mirror.horizontal), 5000, 'the mirror setting on the output');
    expect(d.server.outputsView().find((o) => o.id === 'hologram')!.settings.mirror.horizontal).toBe(true);

    await item.getByLabel('gain of hologram').fill('2');
    await waitUntil(() => received.some((s) => s.gain === 2), 5000, 'the gain on the output');

    // Drag the top-left corner of the keystone preview right and down.
    const box = (await item.locator('canvas.keystone').boundingBox())!;
    const at = (u: number, v: number) => ({ x: box.x + box.width * (0.1 + 0.8 * u), y: box.y + box.height * (0.1 + 0.8 * v) });
    const from = at(0, 0);
    const to = at(0.2, 0.1);
    await desk.mouse.move(from.x, from.y);
    await desk.mouse.down();
    await desk.mouse.move((from.x + to.x) / 2, (from.y + to.y) / 2, { steps: 4 });
    await desk.mouse.move(to.x, to.y, { steps: 4 });
    await desk.mouse.up();
    // Settings stream out during the drag; wait for the drag's end position to be the latest the output has.
    const last = await waitUntil(() => {
      const latest = received.at(-1);
      return latest && Math.abs(latest.keystone.topLeft.x - 0.2) < 0.05 ? latest : undefined;
    }, 5000, 'the keystone drag\'s end position on the output');
    expect(last.keystone.topLeft.x).toBeCloseTo(0.2, 1);
    expect(last.keystone.topLeft.y).toBeCloseTo(0.1, 1);
    // The other corners did not move; the earlier settings were kept.
    expect(last.keystone.bottomRight).toEqual({ x: 1, y: 1 });
    expect(last.mirror.horizontal).toBe(true);
    expect(last.gain).toBe(2);

    // Keyboard only: focus the picture, 3 picks the bottom-right corner, Shift+Left twice moves it 0.1 left.
    await item.locator('canvas.keystone').focus();
    await desk.keyboard.press('3');
    await desk.keyboard.press('Shift+ArrowLeft');
    await desk.keyboard.press('Shift+ArrowLeft');
    const moved = await waitUntil(() => received.findLast((s) => Math.abs(s.keystone.bottomRight.x - 0.9) < 1e-9), 5000, 'the keyboard keystone move');
    expect(moved.keystone.bottomRight.y).toBe(1);
    expect(moved.keystone.topLeft.x).toBeCloseTo(0.2, 1);
    // The arrows stayed on the picture: the setlist selection did not move.
    expect(await desk.locator('#op-setlist li.selected').getAttribute('data-index')).toBe('0');
    await desk.close();
  });

  it('test-fires a lighting cue: its bytes go to the driver and into the desk\'s log', async () => {
    const desk = await openDesk();
    await desk.waitForSelector('#cue-list li button');
    const song = d.server.timeline.songs[0]!;
    const cue = song.tracks.lighting.find((c) => c.kind === 'msc')!;
    const before = d.recorder.messages.length;
    await desk.click(`#cue-list button[data-song="0"][data-cue="${cue.cue}"]`);
    await waitUntil(() => d.recorder.messages.length > before, 5000, 'the test-fired cue');
    expect(d.recorder.messages.slice(before).map((m) => hex(m.bytes))).toEqual([hex(cue.bytes)]);
    await expect.poll(() => desk.textContent('#command-result')).toContain(`test-fired "${cue.label}"`);
    await desk.close();
  });

  it('a broken score upload shows its error at the score field with its line; a good one joins the library', async () => {
    const desk = await openDesk('&preview=0', '#organiser');
    await desk.waitForSelector('#library-rows tr[data-song="neon-lullaby"]');
    await desk.setInputFiles('#up-score', { name: 'broken.ust', mimeType: 'application/octet-stream', buffer: Buffer.from('[#SETTING]\nTempo=fast\n[#0000]\nLength=480\nLyric=a\nNoteNum=60\n') });
    await desk.fill('input[name=title]', 'Broken Song');
    await desk.fill('input[name=composer]', 'A Fan');
    await desk.fill('input[name=license]', 'CC BY 4.0');
    await desk.click('#up-submit');
    await desk.waitForSelector('.field-error[data-for="score"]:not(:empty)');
    expect(await desk.textContent('.field-error[data-for="score"]')).toBe('broken.ust:2 [#SETTING] Tempo must be a positive number, got "fast"');
    expect(await desk.textContent('#upload-status')).toContain('not added');
    expect(await desk.locator('#library-rows tr').count()).toBe(3);

    // Missing licence: the error sits on the licence field.
    const score = readFileSync(join(import.meta.dirname, '../fixtures/scores/kane-utf8.ust'));
    await desk.setInputFiles('#up-score', { name: 'kane.ust', mimeType: 'application/octet-stream', buffer: score });
    await desk.fill('input[name=title]', 'Kane Fan Song');
    await desk.fill('input[name=license]', '');
    await desk.click('#up-submit');
    await desk.waitForSelector('.field-error[data-for="license"]:not(:empty)');
    expect(await desk.getAttribute('input[name=license]', 'aria-invalid')).toBe('true');
    expect(await desk.textContent('.field-error[data-for="score"]')).toBe('');

    await desk.fill('input[name=license]', 'CC BY 4.0');
    await desk.fill('input[name=tags]', 'japanese, fan');
    await desk.click('#up-submit');
    await desk.waitForSelector('#library-rows tr[data-song="kane-fan-song"]');
    expect(await desk.textContent('#upload-status')).toContain('joined the library');
    // Search and filters find it.
    await desk.selectOption('#lib-tag', 'fan');
    expect(await desk.locator('#library-rows tr').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.song))).toEqual(['kane-fan-song']);
    await desk.selectOption('#lib-tag', '');
    await desk.fill('#lib-search', 'june');
    expect(await desk.locator('#library-rows tr').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.song))).toEqual(['neon-lullaby']);
    await desk.fill('#lib-search', '');
    await desk.selectOption('#lib-creator', 'A Fan');
    expect(await desk.locator('#library-rows tr').count()).toBe(1);
    await desk.close();
  });

  it('plays a library song\'s synthesized vocal', async () => {
    const desk = await openDesk('&preview=0', '#organiser');
    await desk.click('#library-rows tr[data-song="neon-lullaby"] [data-listen]');
    await desk.waitForFunction(() => (document.getElementById('listen-audio') as HTMLAudioElement).dataset.song === 'neon-lullaby', null, { timeout: 20_000 });
    // The browser decoded the WAV: its length is the vocal's (the song is 76.8 s long).
    const duration = await desk.evaluate(async () => {
      const a = document.getElementById('listen-audio') as HTMLAudioElement;
      if (Number.isNaN(a.duration) || a.readyState < 1) await new Promise((r) => a.addEventListener('loadedmetadata', r, { once: true }));
      return a.duration;
    });
    expect(duration).toBeGreaterThan(60);
    expect(duration).toBeLessThan(80);
    await desk.close();
  });

  it('reordering the setlist by drag persists across a reload and a server restart', async () => {
    const desk = await openDesk('&preview=0', '#organiser');
    await desk.waitForSelector('#builder li');
    const order = () => desk.locator('#builder li').evaluateAll((ls) => ls.map((l) => (l as HTMLElement).dataset.entry));
    expect(await order()).toEqual(['sakura-signal', 'mc:Hello everyone! Thank you for the songs', 'neon-lullaby', 'hello-hologram']);
    // Drag "Neon Lullaby" to the top.
    await desk.locator('#builder li').nth(2).dragTo(desk.locator('#builder li').nth(0));
    expect(await order()).toEqual(['neon-lullaby', 'sakura-signal', 'mc:Hello everyone! Thank you for the songs', 'hello-hologram']);
    // It crossfaded in from the song before; first in the show it cannot: marked invalid.
    const first = desk.locator('#builder li').nth(0);
    expect(await first.getAttribute('aria-invalid')).toBe('true');
    expect(await first.locator('.entry-problems').textContent()).toContain('first entry cannot crossfade');
    // Keyboard-only: Alt+Down moves the focused entry.
    await desk.locator('#builder li').nth(1).focus();
    await desk.keyboard.press('Alt+ArrowDown');
    expect(await order()).toEqual(['neon-lullaby', 'mc:Hello everyone! Thank you for the songs', 'sakura-signal', 'hello-hologram']);
    await desk.keyboard.press('Alt+ArrowUp');
    await first.getByLabel('transition into entry 1').selectOption('cut');
    expect(await desk.locator('#builder li').nth(0).getAttribute('aria-invalid')).toBe('false');
    // An interval after the MC, 10 minutes, then moved before the encore.
    await desk.click('#add-interval');
    await desk.locator('#builder li').nth(4).focus();
    await desk.keyboard.press('Alt+ArrowUp');
    expect(await desk.locator('#builder li').nth(3).getAttribute('data-entry')).toBe('interval:Interval');
    // 76.8 + 78.75 + 30 - 2 (crossfade into the MC) + 600 + 67.2 = 850.75 s
    expect(await desk.textContent('#total-time')).toBe('14:10');
    await desk.click('#save-setlist');
    await desk.waitForSelector('#save-status.ok');

    const expected = ['neon-lullaby', 'sakura-signal', 'mc:Hello everyone! Thank you for the songs', 'interval:Interval', 'hello-hologram'];
    const onDisk = JSON.parse(readFileSync(join(d.showDir, 'show.json'), 'utf8')).setlist as { type: string; song?: string }[];
    expect(onDisk.map((e) => e.song ?? e.type)).toEqual(['neon-lullaby', 'sakura-signal', 'mc', 'interval', 'hello-hologram']);
    expect(d.server.timeline.entries.map((e) => e.title)).toEqual(['Neon Lullaby', '桜シグナル (Sakura Signal)', 'Hello everyone! Thank you for the songs', 'Interval', 'Hello, Hologram']);

    await desk.reload();
    await desk.waitForSelector('#builder li');
    expect(await order()).toEqual(expected);

    // Restart the server on the same show folder (new port): the desk shows the same setlist.
    const showDir = d.showDir;
    await desk.close();
    await d.close();
    d = await startDeskServer(showDir);
    const again = await openDesk('&preview=0', '#organiser');
    await again.waitForSelector('#builder li');
    expect(await again.locator('#builder li').evaluateAll((ls) => ls.map((l) => (l as HTMLElement).dataset.entry))).toEqual(expected);
    expect(await again.locator('#op-setlist li').count()).toBe(5);
    await again.close();
  });
});
