// `node bin/run-ts.js scripts/desk-screenshots.ts`: screenshots of the control desk for docs/desk/,
// taken from a real show server on a copy of the demo show, so they show what the desk does today.
//   operator.png   — the show playing: setlist now/next, clocks, lyric line, timeline lanes, lighting, outputs, preview
//   alarms.png     — an output lost and the alarm waiting for acknowledgement, a test-fired cue
//   organiser.png  — the library, a refused score upload with its error, the setlist builder

import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { launchChromium } from '../tests/chromium.ts';
import { ShowServer, serverClock } from '../server/src/server.ts';
import { RecorderDriver } from '../server/src/lighting/recorder-driver.ts';

const repoRoot = join(import.meta.dirname, '..');
const VIEWPORT = { width: 1440, height: 810 };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function takeDeskScreenshots(outDir = join(repoRoot, 'docs', 'desk')): Promise<string[]> {
  mkdirSync(outDir, { recursive: true });
  const work = mkdtempSync(join(tmpdir(), 'holostage-shots-'));
  const showDir = join(work, 'show');
  cpSync(join(repoRoot, 'show-files', 'demo'), showDir, { recursive: true, filter: (src) => !src.includes('.holostage') });
  const server = new ShowServer({ showDir, lighting: new RecorderDriver(null, serverClock), pages: 'auto' });
  await server.start();
  const desk = server.deskApi!;
  const browser = await launchChromium();
  const written: string[] = [];
  try {
    const deskUrl = `${server.url}/desk/?token=${server.tokens.operator}`;
    const page = await browser.newPage({ viewport: VIEWPORT });
    await page.goto(deskUrl);
    await page.waitForFunction(() => document.getElementById('connection')?.dataset.state === 'connected', null, { timeout: 60_000 });
    // The hologram output is up for the whole session (a real stage page).
    const output = await browser.newPage({ viewport: { width: 480, height: 270 } });
    await output.goto(`${server.url}/stage/?output=hologram&token=${server.tokens.outputs.hologram}`);
    await page.waitForSelector('#outputs li[data-output="desk-preview"][data-connected="true"]', { timeout: 60_000 });
    await page.waitForSelector('#outputs li[data-output="hologram"][data-connected="true"]', { timeout: 60_000 });

    // Operator: GO, then into the first sung phrase.
    await page.keyboard.press('Space');
    await sleep(500);
    await server.command({ command: 'seek', entry: 0, time: 13.5 }, 'screenshots');
    await sleep(2500);
    const shot = async (name: string): Promise<void> => {
      const file = join(outDir, name);
      await page.screenshot({ path: file });
      written.push(file);
    };
    await shot('operator.png');

    // Alarms: the hologram output goes away; a cue is test-fired.
    await output.close();
    await page.waitForSelector('#alarms li[data-key="output:hologram"]', { timeout: 15_000 });
    await page.click('#cue-list li:nth-child(2) button');
    await page.locator('#outputs li[data-output="hologram"] summary').click();
    await page.keyboard.press('h');
    await sleep(800);
    await shot('alarms.png');

    // Organiser: a broken score refused, the library and the builder.
    await page.keyboard.press('Alt+2');
    await page.waitForSelector('#library-rows tr');
    await page.waitForSelector('#builder li');
    await page.setInputFiles('#up-score', { name: 'my-song.ust', mimeType: 'application/octet-stream', buffer: Buffer.from('[#SETTING]\nTempo=fast\n[#0000]\nLength=480\nLyric=a\nNoteNum=60\n') });
    await page.fill('input[name=title]', 'My Fan Song');
    await page.fill('input[name=composer]', 'A Fan');
    await page.fill('input[name=license]', 'CC BY 4.0');
    await page.click('#up-submit');
    await page.waitForSelector('.field-error[data-for="score"]:not(:empty)');
    await page.click('#add-interval');
    await sleep(300);
    await shot('organiser.png');
  } finally {
    await browser.close();
    await server.close();
    rmSync(work, { recursive: true, force: true });
  }
  return written;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const files = await takeDeskScreenshots();
  for (const f of files) process.stdout.write(`${f}\n`);
  process.exit(0);
}
