// The organiser's side of the studio in Chromium: songs submitted through the studio API show up
// in the desk's review queue (title, creator, credits, licence, tags); the organiser listens,
// sends one back with a note the creator then reads in their studio, approves the other into the
// library, and previews a song on the stage's preview output while a projector output and the
// show's transport and journal stay exactly as they were.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../chromium.ts';
import { copyDemo, startDeskServer, type DeskServer } from '../desk/helpers.ts';
import { issueCreator, type Creator } from '../../server/src/studio/creators.ts';
import { addNote, emptyProject, type StudioProject } from '../../studio/src/core/project.ts';

const SHOTS = join(import.meta.dirname, '../../dist/test-screenshots/studio');

function song(title: string, lyrics: string[], base: number): StudioProject {
  let p = emptyProject(title);
  lyrics.forEach((lyric, i) => (p = addNote(p, { tick: i * 480, length: 480, pitch: base + (i % 3) * 2, lyric }).project));
  return p;
}

type StageState = { ready: boolean; playing: boolean; showTime: number; weights: Record<string, number>; audio: unknown };
type PreviewState = { title: string | null; playing: boolean; time: number; level: number; played: number; problem: string | null };
const stageState = (page: Page) => page.evaluate(() => (window as unknown as { __holostage: { state(): StageState } }).__holostage.state());
const previewState = (page: Page) => page.evaluate(() => (window as unknown as { __holostage: { studioPreview(): PreviewState } }).__holostage.studioPreview());

describe('studio review on the desk, and preview on stage', () => {
  let s: DeskServer;
  let browser: Browser;
  let desk: Page;
  let miku: Creator;
  const ids: Record<string, string> = {};
  const creatorApi = async (path: string, body?: unknown) => {
    const r = await fetch(`${s.server.url}${path}`, { method: body ? 'POST' : 'GET', headers: { authorization: `Bearer ${miku.token}`, 'content-type': 'application/json' }, body: body ? JSON.stringify(body) : undefined });
    return (await r.json()) as Record<string, any>;
  };
  const row = (id: string) => desk.locator(`#review-rows tr[data-submission="${id}"]`);

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    s = await startDeskServer(copyDemo(), { pages: 'auto' });
    miku = issueCreator(s.server.stateDir, 'Miku Fan');
    // Two songs, submitted through the studio's API as the page does.
    for (const [title, lyrics, base, tags] of [['Hoshi ga Furu', ['ほ', 'し', 'が', 'ふ', 'る'], 64, 'ballad, night'], ['Ame Agari', ['あ', 'め', 'あ', 'が', 'り', 'だ'], 62, 'upbeat']] as const) {
      const draft = await creatorApi('/api/studio/drafts', { project: song(title, [...lyrics], base) });
      const sub = await creatorApi(`/api/studio/drafts/${draft.draft.id}/submit`, { title, credits: { composer: 'Miku Fan', lyricist: 'Rin Fan', tuner: '', illustrator: 'Len' }, license: { name: 'CC BY 4.0', url: '' }, tags });
      expect(sub.ok, JSON.stringify(sub)).toBe(true);
      ids[title] = sub.submission.id;
    }
    browser = await launchChromium();
    desk = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await desk.goto(`${s.deskUrl}#organiser`);
    await row(ids['Hoshi ga Furu']!).waitFor({ timeout: 60_000 });
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  it('lists the queue, listens, sends one back with a note the creator sees, approves the other into the library', { timeout: 120_000 }, async () => {
    const hoshi = row(ids['Hoshi ga Furu']!);
    const cells = await hoshi.locator('td').allTextContents();
    expect(cells[0]).toContain('Hoshi ga Furu');
    expect(cells[0]).toContain('ballad · night');
    expect(cells[1]).toBe('Miku Fan');
    expect(cells[2]).toBe('Miku Fan (composer), Rin Fan (lyrics), Len (illustration)');
    expect(cells[3]).toBe('CC BY 4.0');
    expect(await hoshi.locator('td a').getAttribute('href')).toBe('https://creativecommons.org/licenses/by/4.0/');
    expect(cells[4]).toBe('waiting');
    expect(await desk.locator('#review-status').textContent()).toBe('2 waiting for review');

    // Listen: the server's rendering lands in the panel's player, a real WAV the browser decodes.
    await hoshi.locator('[data-review-listen]').click();
    await desk.waitForFunction(() => (document.getElementById('review-audio') as HTMLAudioElement).duration > 0, undefined, { timeout: 60_000 });
    const duration = await desk.evaluate(() => (document.getElementById('review-audio') as HTMLAudioElement).duration);
    expect(duration).toBeGreaterThan(2); // five quarter notes at 120 BPM
    expect(await desk.locator('#review-audio').getAttribute('data-submission')).toBe(ids['Hoshi ga Furu']);

    // Send back: a note is required, then the creator sees it.
    await hoshi.locator('[data-return]').click();
    await hoshi.locator('[data-send-back]').click();
    expect(await desk.locator('#review-status').textContent()).toMatch(/write a note first/);
    await hoshi.locator('textarea').fill('Lovely! Make the last note longer.');
    await hoshi.locator('[data-send-back]').click();
    await desk.locator(`#review-rows tr.status-returned[data-submission="${ids['Hoshi ga Furu']}"]`).waitFor();
    expect(await row(ids['Hoshi ga Furu']!).locator('[data-approve]').isDisabled()).toBe(true);

    // Approve: the song appears in the desk's library, tagged studio, with its credits.
    const ame = row(ids['Ame Agari']!);
    await ame.locator('[data-approve]').click();
    await desk.locator('#library-rows tr[data-song="ame-agari"]').waitFor({ timeout: 60_000 });
    const libraryRow = await desk.locator('#library-rows tr[data-song="ame-agari"]').textContent();
    expect(libraryRow).toContain('Ame Agari');
    expect(libraryRow).toContain('studio');
    expect(libraryRow).toContain('Miku Fan (composer)');
    expect(await row(ids['Ame Agari']!).locator('td').nth(4).textContent()).toBe('approved → ame-agari');
    await desk.screenshot({ path: join(SHOTS, 'review-queue.png') });

    // The creator opens their studio: the returned draft shows the organiser's note.
    const drafts = (await creatorApi('/api/studio/drafts')).drafts as { title: string; submission: { status: string; note: string } }[];
    expect(drafts.find((d) => d.title === 'Hoshi ga Furu')!.submission).toMatchObject({ status: 'returned', note: 'Lovely! Make the last note longer.' });
    const studio = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await studio.goto(`${s.server.url}/studio/?token=${miku.token}`);
    await studio.waitForFunction(() => (window as unknown as { holostageStudio?: { state: { draftId: string | null } } }).holostageStudio?.state.draftId);
    const hoshiDraft = await studio.evaluate(async () => {
      const select = document.getElementById('drafts') as HTMLSelectElement;
      return [...select.options].find((o) => o.text.startsWith('Hoshi'))?.value ?? null;
    });
    expect(hoshiDraft).not.toBeNull();
    await studio.selectOption('#drafts', hoshiDraft!);
    await studio.waitForFunction(() => /Sent back by the organiser: Lovely! Make the last note longer\./.test(document.getElementById('review')?.textContent ?? ''), undefined, { timeout: 15_000 });
    await studio.close();
  });

  it('previews a submitted song on the preview output only: it sings with lip-sync; projector, transport and journal untouched', { timeout: 150_000 }, async () => {
    const stage = (output: string, extra = '') => `${s.server.url}/stage/?output=${output}&token=${s.server.tokens.outputs[output]}${extra}`;
    const preview = await browser.newPage({ viewport: { width: 640, height: 360 } });
    const projector = await browser.newPage({ viewport: { width: 640, height: 360 } });
    await preview.goto(stage('desk-preview'));
    await projector.goto(stage('main-projector', '&avatar=none'));
    for (const p of [preview, projector]) await p.waitForFunction(() => (window as unknown as { __holostage: { state(): StageState } }).__holostage.state().ready, undefined, { timeout: 90_000 });

    const journal = join(s.server.stateDir, 'journal.jsonl');
    // The journal's heartbeats tick on their own; every other record is a show action.
    const actions = () => (existsSync(journal) ? readFileSync(journal, 'utf8') : '').split('\n').filter((l) => l && !l.includes('"type":"heartbeat"'));
    const journalBefore = actions();
    expect(journalBefore.length).toBeGreaterThan(0);
    const transportBefore = JSON.stringify(s.server.state);
    const projectorBefore = await stageState(projector);

    await row(ids['Hoshi ga Furu']!).locator('[data-preview]').click();
    await desk.waitForFunction(() => /is singing on desk-preview/.test(document.getElementById('review-status')?.textContent ?? ''), undefined, { timeout: 60_000 });
    await preview.waitForFunction(() => (window as unknown as { __holostage: { studioPreview(): PreviewState } }).__holostage.studioPreview().playing, undefined, { timeout: 30_000 });

    // While it sings: the analyser hears it and the mouth moves with its phonemes.
    let loudest = 0;
    let widest = 0;
    let sampled = 0;
    for (;;) {
      const [p, st] = [await previewState(preview), await stageState(preview)];
      if (!p.playing) break;
      sampled++;
      loudest = Math.max(loudest, p.level);
      widest = Math.max(widest, ...Object.values(st.weights));
      if (sampled === 3) await preview.screenshot({ path: join(SHOTS, 'preview-on-stage.png') });
      await preview.waitForTimeout(40);
    }
    const done = await previewState(preview);
    expect(done.problem).toBeNull();
    expect(done).toMatchObject({ title: 'Hoshi ga Furu', played: 1, playing: false });
    expect(sampled).toBeGreaterThan(2); // a starved CPU samples the page slowly; a few looks are enough
    expect(loudest).toBeGreaterThan(0.01);
    expect(widest).toBeGreaterThan(0.5);
    // Once it has finished, the mouth is back to the show's (stopped: closed).
    expect(Math.max(...Object.values((await stageState(preview)).weights))).toBe(0);

    // Nothing else moved: the projector heard nothing, the show's transport and journal are as they were.
    const p2 = await previewState(projector);
    expect(p2.played).toBe(0);
    const projectorAfter = await stageState(projector);
    expect(projectorAfter.playing).toBe(projectorBefore.playing);
    expect(projectorAfter.showTime).toBe(projectorBefore.showTime);
    expect(Math.max(...Object.values(projectorAfter.weights))).toBe(0);
    expect(JSON.stringify(s.server.state)).toBe(transportBefore);
    expect(actions()).toEqual(journalBefore);

    // Stop from the desk cuts a preview short.
    await row(ids['Ame Agari']!).locator('[data-preview]').click();
    await preview.waitForFunction(() => (window as unknown as { __holostage: { studioPreview(): PreviewState } }).__holostage.studioPreview().played === 2, undefined, { timeout: 60_000 });
    await desk.locator('#review-stop-preview').click();
    await preview.waitForFunction(() => !(window as unknown as { __holostage: { studioPreview(): PreviewState } }).__holostage.studioPreview().playing, undefined, { timeout: 10_000 });
    const stopped = await previewState(preview);
    expect(stopped.title).toBe('Ame Agari');
    expect(stopped.time).toBe(0);
    expect(await desk.locator('#review-status').textContent()).toBe('preview stopped on desk-preview');
    await preview.close();
    await projector.close();
  });
});
