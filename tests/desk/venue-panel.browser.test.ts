// The desk's venue protocols panel in real chromium: a show server with OSC, Art-Net and sACN on,
// a test Art-Net node and an OSC client on 127.0.0.1. The panel lists each protocol with its
// peers; when the node stops answering polls and the OSC subscriber goes quiet, their rows turn to
// ALARM and the alarms list says why. Screenshots go to dist/test-screenshots/desk/.

import { createSocket, type Socket } from 'node:dgram';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { waitUntil } from '../server/helpers.ts';
import { TestNode } from '../venue/artnet-node.ts';
import { OscTestClient, oscPacket } from '../venue/osc-client.ts';
import { copyDemo, launchChromium, startDeskServer, type DeskServer } from './helpers.ts';

const OUT = join(import.meta.dirname, '../../dist/test-screenshots/desk');

describe('desk venue panel in chromium', { timeout: 120_000 }, () => {
  let d: DeskServer | null = null;
  let browser: Browser | null = null;
  const closers: (() => void)[] = [];
  afterAll(async () => {
    for (const c of closers) c();
    await browser?.close();
    await d?.close();
  });

  it('shows each protocol with its peers, and turns a row to ALARM when its peer goes away', async () => {
    const node = await TestNode.open(0);
    closers.push(() => node.socket.close());
    const sacnReceiver: Socket = createSocket('udp4');
    await new Promise<void>((r) => sacnReceiver.bind(0, '127.0.0.1', () => r()));
    closers.push(() => sacnReceiver.close());
    const cueListener: Socket = createSocket('udp4');
    await new Promise<void>((r) => cueListener.bind(0, '127.0.0.1', () => r()));
    closers.push(() => cueListener.close());

    // The demo show with a DMX cue and an OSC cue at the start of its first song.
    const showDir = copyDemo();
    const songFile = join(showDir, 'songs', 'sakura-signal.json');
    const song = JSON.parse(readFileSync(songFile, 'utf8'));
    song.cues.lighting.push({ at: 0, type: 'dmx', universe: 1, channels: { '1': 255, '6': 200 }, fade: 1 });
    song.cues.lighting.push({ at: 0, type: 'osc', host: '127.0.0.1', port: cueListener.address().port, address: '/cue/1/start', label: 'QLab: intro' });
    writeFileSync(songFile, JSON.stringify(song, null, 2));

    d = await startDeskServer(showDir, {
      host: '127.0.0.1',
      venue: {
        osc: { port: 0, subscriptionMs: 2000 },
        artnet: { broadcast: '127.0.0.1', nodePort: node.port, bindHost: '127.0.0.1', bindPort: 0, pollMs: 300 },
        sacn: { unicast: ['127.0.0.1'], port: sacnReceiver.address().port, sync: 9 },
      },
    });
    const server = d.server;
    const osc = await OscTestClient.open(server.venue!.status().osc!.port!);
    closers.push(() => osc.close());
    expect((await osc.ask('/updates', [1])).status).toBe('ok');
    // A live Companion: /thump keeps the subscription (2 s here) until the test lets it go quiet.
    const keepAlive = setInterval(() => osc.sendRaw(oscPacket('/thump')), 300);
    closers.push(() => clearInterval(keepAlive));
    await server.command({ command: 'go' }, 'test');
    await waitUntil(() => node.dmx.length > 0, 10_000, 'DMX to the node');

    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
    page.on('pageerror', (e) => console.error(`desk page error: ${e.message}`));
    await page.goto(`${d.deskUrl}&preview=0`);
    await page.waitForSelector('#venue li[data-protocol="artnet"][data-state="ok"]', { timeout: 60_000 });
    await page.waitForSelector('#venue li[data-protocol="osc-cues"][data-state="ok"]', { timeout: 10_000 });
    const rows = async (): Promise<Record<string, { state: string; text: string }>> =>
      page.evaluate(() => Object.fromEntries([...document.querySelectorAll<HTMLElement>('#venue > li')].map((li) => [li.dataset.protocol!, { state: li.dataset.state!, text: li.innerText }])));
    const before = await rows();
    expect(Object.keys(before)).toEqual(['osc', 'osc-cues', 'sacn', 'artnet']);
    expect(before.artnet!.text).toMatch(/127\.0\.0\.1 \(TESTNODE\)\s+universes 1/);
    expect(before.osc!.text).toMatch(/udp 127\.0\.0\.1:\d+ read-only, subscribed/);
    expect(before['osc-cues']!.text).toMatch(/QLab: intro → 127\.0\.0\.1:\d+/);
    expect(before.sacn!.text).toMatch(/unicast to 127\.0\.0\.1, priority 100, sync on universe 9/);
    mkdirSync(OUT, { recursive: true });
    writeFileSync(join(OUT, 'venue-panel-ok.png'), await page.screenshot({ type: 'png' }));

    // The node stops answering polls; the OSC subscriber says nothing more.
    node.answering = false;
    clearInterval(keepAlive);
    await page.waitForSelector('#venue li[data-protocol="artnet"][data-state="alarm"]', { timeout: 20_000 });
    await page.waitForSelector('#venue li[data-protocol="osc"][data-state="alarm"]', { timeout: 20_000 });
    const after = await rows();
    expect(after.artnet!.text).toMatch(/GONE: stopped answering polls/);
    expect(after.osc!.text).toMatch(/went quiet/);
    expect(await page.locator('#venue li[data-protocol="artnet"] .venue-peers li.gone').count()).toBe(1);
    const alarms = await page.locator('#alarms').innerText();
    expect(alarms).toMatch(/Art-Net node TESTNODE \(127\.0\.0\.1\) stopped answering polls/);
    expect(alarms).toMatch(/OSC peer udp 127\.0\.0\.1:\d+ went quiet/);
    expect(await page.locator('#venue-summary').innerText()).toBe('ALARM');
    writeFileSync(join(OUT, 'venue-panel-alarm.png'), await page.screenshot({ type: 'png' }));

    // The node is back: its row returns to OK.
    node.answering = true;
    await page.waitForSelector('#venue li[data-protocol="artnet"][data-state="ok"]', { timeout: 20_000 });
  });
});
