// The desk's timecode chase panel in real chromium: a show server chasing MTC (fed through the
// MIDI input path by a sender written from the spec) shows the source, the rate, the timecode and
// the lock state, and the alarm list says so when the timecode goes away.

import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { waitUntil } from '../server/helpers.ts';
import { FPS, MtcSender } from '../venue/mtc-sender.ts';
import { copyDemo, launchChromium, startDeskServer, type DeskServer } from './helpers.ts';

const SHOTS = join(import.meta.dirname, '../../dist/test-screenshots/desk');

describe('desk: timecode chase panel', { timeout: 120_000 }, () => {
  let d: DeskServer;
  let browser: Browser;
  let sender: MtcSender | null = null;

  beforeAll(async () => {
    d = await startDeskServer(copyDemo(), { venue: { chase: { source: 'mtc', offsetSeconds: 3600, freewheelSeconds: 0.5, midiInputName: 'grandMA3' } } });
    browser = await launchChromium();
  });
  afterAll(async () => {
    sender?.stop();
    await browser?.close();
    await d?.close();
  });

  it('shows source, rate, timecode and lock, and alarms when the timecode goes away', async () => {
    const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
    await page.goto(`${d.deskUrl}&preview=0`);
    await page.waitForFunction(() => document.getElementById('connection')?.dataset.state === 'connected', undefined, { timeout: 60_000 });
    // Pushed once a second: the panel appears, waiting.
    await page.waitForFunction(() => !document.getElementById('chase')!.hidden, undefined, { timeout: 10_000 });
    expect(await page.textContent('#chase-state')).toBe('WAITING');
    expect(await page.textContent('#chase-source')).toContain('MTC on MIDI input "grandMA3"');

    const server = d.server;
    sender = new MtcSender((bytes) => void server.midiInput(bytes), 3600 * FPS);
    await page.waitForFunction(() => document.getElementById('chase')!.dataset.state === 'locked', undefined, { timeout: 30_000 });
    await page.waitForFunction(() => /^01:00:0\d:\d\d$/.test(document.getElementById('chase-timecode')!.textContent ?? ''), undefined, { timeout: 10_000 });
    expect(await page.textContent('#chase-rate')).toBe('25 fps');
    expect(await page.textContent('#chase-state')).toBe('LOCKED');
    expect(await page.textContent('#mode')).toMatch(/PLAYING/i);
    await page.screenshot({ path: join(SHOTS, 'chase-locked.png') });

    sender.stop();
    sender = null;
    await page.waitForFunction(() => document.getElementById('chase')!.dataset.state === 'lost', undefined, { timeout: 30_000 });
    await page.waitForSelector('#alarms li[data-key="chase"]', { timeout: 10_000 });
    expect(await page.textContent('#alarms li[data-key="chase"]')).toMatch(/MTC timecode lost at 01:00:0\d:\d\d: the show is held/);
    await waitUntil(() => d.server.snapshot().mode === 'held', 5000, 'the show held');
    await page.screenshot({ path: join(SHOTS, 'chase-lost.png') });
  });
});
