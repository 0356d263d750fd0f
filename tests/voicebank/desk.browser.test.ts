// The desk's song library in real chromium shows who sings each song: the built-in voice, or a
// UTAU voicebank with its author and its terms of use (readme.txt) beside the credits; a song
// whose bank folder is missing is marked invalid with the error naming it; listening plays the
// bank's rendering. A real show server on a copy of the demo show, with a bank recorded at test time.

import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { makeTestVoiceBank } from '../../scripts/voicebank/make.ts';
import { copyDemo, launchChromium, startDeskServer, type DeskServer } from '../desk/helpers.ts';

const SHOTS = join(import.meta.dirname, '..', '..', 'out', 'screenshots'); // ignored by git: look at it

function setVoice(showDir: string, song: string, bank: string): void {
  const file = join(showDir, 'songs', `${song}.json`);
  const data = JSON.parse(readFileSync(file, 'utf8'));
  data.voice = { ...(data.voice ?? {}), bank };
  writeFileSync(file, JSON.stringify(data, null, 2));
}

describe('the desk library with voicebanks', { timeout: 90_000 }, () => {
  let d: DeskServer;
  let browser: Browser;

  beforeAll(async () => {
    const showDir = copyDemo();
    makeTestVoiceBank(join(showDir, 'voices', 'test-bank'));
    setVoice(showDir, 'sakura-signal', '../voices/test-bank');
    setVoice(showDir, 'hello-hologram', '../voices/not-there');
    d = await startDeskServer(showDir);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await d?.close();
  });

  it('shows each song\'s voice and a bank\'s terms beside the credits, and plays the bank\'s vocal', async () => {
    const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
    page.on('pageerror', (e) => console.error(`desk page error: ${e.message}`));
    await page.goto(`${d.deskUrl}&preview=0#organiser`);
    await page.waitForSelector('#library-rows tr[data-song="sakura-signal"]', { timeout: 45_000 });
    const headers = await page.locator('table.library th').allTextContents();
    expect(headers.indexOf('Voice')).toBe(headers.indexOf('Creators') + 1);

    const bankCell = page.locator('#library-rows tr[data-song="sakura-signal"] td.voice');
    expect(await bankCell.locator('.voice-name').textContent()).toBe('holostage test voice by holostage (recorded from the built-in synthesizer)');
    expect(await bankCell.textContent()).toContain('UTAU voicebank · voices/test-bank');
    // The terms are folded until the organiser opens them.
    const terms = bankCell.locator('details.terms pre');
    expect(await terms.isVisible()).toBe(false);
    await bankCell.locator('details.terms summary').click();
    await page.waitForFunction(() => document.querySelector('tr[data-song="sakura-signal"] details.terms')?.hasAttribute('open'));
    expect(await terms.textContent()).toBe('holostage test voice\n利用規約: 自由に使用できます (free to use in any show).');
    expect(await terms.isVisible()).toBe(true);

    expect(await page.locator('#library-rows tr[data-song="neon-lullaby"] td.voice').textContent()).toBe('built-in voice');
    const missing = page.locator('#library-rows tr[data-song="hello-hologram"]');
    expect(await missing.getAttribute('class')).toBe('invalid');
    expect(await missing.locator('td.voice .errors').textContent()).toBe('voices/not-there: voicebank folder not found');
    expect(await missing.locator('td').first().textContent()).toContain('voices/not-there');
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: join(SHOTS, 'desk-library-voicebank.png') });
    // The search finds songs by their voice too.
    await page.fill('#lib-search', 'test voice');
    await page.waitForFunction(() => document.querySelectorAll('#library-rows tr').length === 1);
    expect(await page.locator('#library-rows tr').getAttribute('data-song')).toBe('sakura-signal');
    await page.fill('#lib-search', '');
    await page.waitForFunction(() => document.querySelectorAll('#library-rows tr').length === 3);

    await page.click('#library-rows tr[data-song="sakura-signal"] [data-listen]');
    await page.waitForFunction(() => (document.getElementById('listen-audio') as HTMLAudioElement).dataset.song === 'sakura-signal', null, { timeout: 30_000 });
    expect(await page.textContent('#listen-status')).toContain('sung by holostage test voice');
    const duration = await page.evaluate(async () => {
      const a = document.getElementById('listen-audio') as HTMLAudioElement;
      if (Number.isNaN(a.duration) || a.readyState < 1) await new Promise((r) => a.addEventListener('loadedmetadata', r, { once: true }));
      return a.duration;
    });
    expect(duration).toBeGreaterThan(10);
    await page.close();
  });
});
