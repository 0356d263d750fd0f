// The creator studio in Chromium, driven as a creator would: draw notes with the mouse, move and
// resize them, type lyrics and a phrase, undo, hear it (the AudioWorklet's output watched by an
// AnalyserNode), export, reload (autosaved), submit; bad input gets a clear message and loses nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { copyDemo, startDeskServer, type DeskServer } from '../desk/helpers.ts';
import { issueCreator } from '../../server/src/studio/creators.ts';
import { parseScore } from '../../show-files/src/score/index.ts';
import { launchChromium } from '../chromium.ts';

const SHOTS = join(import.meta.dirname, '../../dist/test-screenshots/studio');

type Api = { holostageStudio: any };
const studio = <T>(page: Page, f: (s: any) => T): Promise<T> => page.evaluate(`(${f.toString()})(window.holostageStudio)`) as Promise<T>;

/** Canvas-relative point of (tick, pitch) in page coordinates. */
async function at(page: Page, tick: number, pitch: number, dx = 4): Promise<{ x: number; y: number }> {
  const box = (await page.locator('#roll').boundingBox())!;
  const p = (await page.evaluate(([t, n]) => {
    const r = (window as unknown as Api).holostageStudio.roll;
    return { x: r.xAtTick(t), y: r.yAtPitch(n) + 7 };
  }, [tick, pitch] as const)) as { x: number; y: number };
  return { x: box.x + p.x + dx, y: box.y + p.y };
}

const notes = (page: Page) => studio(page, (s) => s.state.project.notes.map((n: any) => ({ tick: n.tick, length: n.length, pitch: n.pitch, lyric: n.lyric })));
const saved = (page: Page) => page.waitForFunction(() => (window as unknown as Api).holostageStudio.state.autosave.clean && /saved/.test(document.getElementById('save-state')!.textContent ?? ''));

describe('creator studio in chromium', () => {
  let s: DeskServer;
  let browser: Browser;
  let page: Page;
  let url: string;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    s = await startDeskServer(copyDemo(), { pages: 'auto' });
    url = `${s.server.url}/studio/?token=${issueCreator(s.server.stateDir, 'Test Creator').token}`;
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 720 }, acceptDownloads: true });
    await page.goto(url);
    await page.waitForFunction(() => (window as unknown as Api).holostageStudio?.state.draftId);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  it('draws, moves and resizes notes with the mouse; lyrics typed and spread; undo and redo', { timeout: 60_000 }, async () => {
    expect(await page.locator('#creator').textContent()).toContain('Test Creator');
    // Grid 1/8 (240 ticks): four clicks draw four eighth notes.
    for (const [i, pitch] of [64, 67, 69, 67].entries()) await page.mouse.click(...Object.values(await at(page, 480 * i + 10, pitch)) as [number, number]);
    expect(await notes(page)).toEqual([0, 480, 960, 1440].map((tick, i) => ({ tick, length: 240, pitch: [64, 67, 69, 67][i], lyric: 'a' })));
    // Drag the second note one beat right and up a tone.
    const from = await at(page, 480, 67);
    const to = await at(page, 960, 69);
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await page.mouse.move(to.x, to.y, { steps: 5 });
    await page.mouse.up();
    expect((await notes(page)).map((n: { tick: number; pitch: number }) => [n.tick, n.pitch])).toEqual([[0, 64], [960, 69], [960, 69], [1440, 67]]);
    await page.keyboard.press('Control+z');
    expect((await notes(page))[1]).toMatchObject({ tick: 480, pitch: 67 });
    // Resize the last note from its right end to a half note.
    const edge = await at(page, 1440 + 236, 67, 0);
    const end = await at(page, 1440 + 960 - 4, 67, 0);
    await page.mouse.move(edge.x, edge.y);
    await page.mouse.down();
    await page.mouse.move(end.x, end.y, { steps: 5 });
    await page.mouse.up();
    expect((await notes(page))[3]!.length).toBe(960);
    // The phrase box: English by syllable over all four notes.
    await page.locator('#roll').focus();
    await page.keyboard.press('Control+a');
    await page.fill('#phrase', 'twinkle twinkle');
    await page.click('#spread');
    expect((await notes(page)).map((n: { lyric: string }) => n.lyric)).toEqual(['twinkle', '+', 'twinkle', '+']);
    // A lyric typed into one note; an emoji is refused with a message and the lyric kept.
    const third = await at(page, 960, 69);
    await page.mouse.dblclick(third.x, third.y);
    await page.keyboard.type('star');
    await page.keyboard.press('Enter');
    expect((await notes(page))[2]!.lyric).toBe('star');
    await page.mouse.dblclick(third.x, third.y);
    await page.keyboard.type('🌟');
    await page.keyboard.press('Enter');
    expect(await page.locator('#message').textContent()).toMatch(/cannot sing/);
    await page.keyboard.press('Escape');
    expect((await notes(page))[2]!.lyric).toBe('star');
    await page.locator('#roll').focus();
    await page.keyboard.press('Control+z');
    expect((await notes(page))[2]!.lyric).toBe('twinkle');
    await page.keyboard.press('Control+Shift+z');
    expect((await notes(page))[2]!.lyric).toBe('star');
    // Delete and undo, copy and paste at the playhead.
    await page.keyboard.press('Escape');
    await page.mouse.click(third.x, third.y);
    await page.keyboard.press('Delete');
    expect(await notes(page)).toHaveLength(3);
    await page.keyboard.press('Control+z');
    expect(await notes(page)).toHaveLength(4);
    await saved(page);
    await page.screenshot({ path: join(SHOTS, 'studio-notes.png') });
  });

  it('plays from the playhead through the AudioWorklet: audible, with the phoneme lane drawn', { timeout: 60_000 }, async () => {
    expect(await studio(page, (s) => s.roll.phonemes.length)).toBeGreaterThan(4);
    await page.locator('#roll').focus();
    await page.keyboard.press('Space');
    await page.waitForFunction(() => (window as unknown as Api).holostageStudio.player.stats?.firstSoundMs != null, undefined, { timeout: 20_000 });
    await page.waitForTimeout(600);
    const stats = await studio(page, (s) => s.player.stats);
    expect(stats.peak).toBeGreaterThan(0.02);
    await page.screenshot({ path: join(SHOTS, 'studio-playing.png') });
    await page.keyboard.press('Space');
    expect(await studio(page, (s) => s.player.playing)).toBe(false);
  });

  it('exports .ust that the show reads back, and keeps everything across a reload', { timeout: 60_000 }, async () => {
    const [ust] = await Promise.all([page.waitForEvent('download'), page.click('#export-ust')]);
    const score = parseScore(readFileSync((await ust.path())!), 'x.ust');
    expect(score.notes.map((n) => n.lyric)).toEqual(['twinkle', '+', 'star', '+']);
    const [mid] = await Promise.all([page.waitForEvent('download'), page.click('#export-mid')]);
    expect(parseScore(readFileSync((await mid.path())!), 'x.mid').notes).toHaveLength(4);
    const before = await notes(page);
    await page.reload();
    await page.waitForFunction(() => (window as unknown as Api).holostageStudio?.state.project.notes.length === 4);
    expect(await notes(page)).toEqual(before);
  });

  it('says clearly what is wrong with a bad import and changes nothing', { timeout: 60_000 }, async () => {
    const draft = await studio(page, (s) => s.state.draftId);
    await page.setInputFiles('#import', { name: 'huge.mid', mimeType: 'audio/midi', buffer: Buffer.alloc(10 * 1024 * 1024) });
    await expect.poll(() => page.locator('#message').textContent()).toMatch(/huge\.mid is 10\.0 MB; a score to import is at most 3 MB/);
    await page.setInputFiles('#import', { name: 'broken.ust', mimeType: 'text/plain', buffer: Buffer.from('[#SETTING]\nTempo=120\n[#0000]\nLength=480\nLyric=あ\nNoteNum=x\n') });
    await expect.poll(() => page.locator('#message').textContent()).toMatch(/broken\.ust:6: .*NoteNum/);
    const many = { format: 'holostage-score', notes: Array.from({ length: 5000 }, (_, i) => ({ tick: i * 120, length: 120, pitch: 60, lyric: 'la' })) };
    await page.setInputFiles('#import', { name: 'many.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(many)) });
    await expect.poll(() => page.locator('#message').textContent()).toMatch(/5000 notes; a studio song holds at most 2000/);
    expect(await studio(page, (s) => s.state.draftId)).toBe(draft);
    expect(await notes(page)).toHaveLength(4);
    await page.screenshot({ path: join(SHOTS, 'studio-bad-import.png') });
  });

  it('submits the song; the organiser sees it in the review queue and the creator sees the note', { timeout: 60_000 }, async () => {
    await page.click('#open-submit');
    await page.fill('[name=title]', 'Little Star');
    await page.click('#submit-send');
    await expect.poll(() => page.locator('#submit-errors').textContent()).toMatch(/composer/);
    await page.fill('[name=composer]', 'Test Creator');
    await page.selectOption('[name=license]', 'CC BY-NC 4.0');
    await page.fill('[name=tags]', 'lullaby');
    await page.screenshot({ path: join(SHOTS, 'studio-submit.png') });
    await page.click('#submit-send');
    await expect.poll(() => page.locator('#review').textContent()).toMatch(/waiting for the organiser/);
    const op = { authorization: `Bearer ${s.server.tokens.operator}`, 'content-type': 'application/json' };
    const queue = (await (await fetch(`${s.server.url}/api/studio/review`, { headers: op })).json()) as { submissions: { id: string; title: string; license: { url: string } }[] };
    const sub = queue.submissions.find((x) => x.title === 'Little Star')!;
    expect(sub.license.url).toBe('https://creativecommons.org/licenses/by-nc/4.0/');
    await fetch(`${s.server.url}/api/studio/review/${sub.id}/return`, { method: 'POST', headers: op, body: JSON.stringify({ note: 'Add a second verse please' }) });
    await page.reload();
    await expect.poll(() => page.locator('#review').textContent()).toMatch(/Sent back by the organiser: Add a second verse please/);
  });
});
