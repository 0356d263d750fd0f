// The creator studio (issue 17): first sound after Space on a 30-second phrase (the page plans
// from the playhead and starts the voice worklet), the same after a one-note edit, and the whole
// "empty studio -> singing on the preview output" path with the test's input in place of a human's
// typing. Baselines from the same run: Space on a one-note song (the audio path's own latency) and
// an offline render of the whole 30-second phrase in Node (what a render-first design would wait for).

import { loadavg } from 'node:os';
import { launchChromium } from '../tests/chromium.ts';
import type { BenchSection } from './run.ts';
import { copyDemo, startDeskServer } from '../tests/desk/helpers.ts';
import { issueCreator } from '../server/src/studio/creators.ts';
import { addNote, emptyProject, type StudioProject } from '../studio/src/core/project.ts';
import { singFrom } from '../studio/src/core/sing.ts';
import { renderVocalSync } from '../vocal/render.ts';

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function phrase(seconds: number): StudioProject {
  let p = emptyProject('bench');
  const kana = ['さ', 'く', 'ら', 'ひ', 'か', 'り', 'そ', 'ら', 'に', 'う', 'た', 'う'];
  for (let i = 0; i < seconds * 2; i++) p = addNote(p, { tick: i * 480, length: 440, pitch: 62 + ((i * 5) % 9), lyric: kana[i % kana.length]! }).project;
  return p;
}

export async function bench(): Promise<BenchSection> {
  const load = loadavg().map((l) => l.toFixed(1)).join(' ');
  const s = await startDeskServer(copyDemo(), { pages: 'auto' });
  const browser = await launchChromium();
  try {
    const token = issueCreator(s.server.stateDir, 'Bench').token;
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    const space = async (): Promise<{ first: number; plan: number }> => {
      await page.locator('#roll').focus();
      await page.keyboard.press('Space');
      await page.waitForFunction(() => (window as any).holostageStudio.player.stats?.firstSoundMs != null, undefined, { timeout: 20_000 });
      const st = (await page.evaluate(() => (window as any).holostageStudio.player.stats)) as { firstSoundMs: number; planMs: number };
      await page.keyboard.press('Space');
      return { first: st.firstSoundMs, plan: st.planMs };
    };
    const openWith = async (p: StudioProject): Promise<void> => {
      await fetch(`${s.server.url}/api/studio/drafts`, { method: 'POST', headers, body: JSON.stringify({ project: p }) });
      await page.goto(`${s.server.url}/studio/?token=${token}`);
      await page.waitForFunction((n) => (window as any).holostageStudio?.state.project.notes.length === n, p.notes.length);
      await page.mouse.click(5, 5); // a gesture: the page may start audio
    };

    await openWith(phrase(0.5));
    const one: number[] = [];
    for (let i = 0; i < 4; i++) one.push((await space()).first);
    await openWith(phrase(30));
    const long: { first: number; plan: number }[] = [];
    for (let i = 0; i < 4; i++) long.push(await space());
    // Playhead at 20 s: only what is left is planned.
    await page.evaluate(() => ((window as any).holostageStudio.roll.playhead = 480 * 40));
    const mid = await space();
    await page.evaluate(() => ((window as any).holostageStudio.roll.playhead = 0));
    const edited: { first: number; plan: number }[] = [];
    for (let i = 0; i < 4; i++) {
      await page.evaluate(() => {
        const st = (window as any).holostageStudio;
        st.roll.selection.clear();
        st.roll.selection.add(st.state.project.notes[3].id);
      });
      await page.locator('#roll').focus();
      await page.keyboard.press(i % 2 ? 'ArrowDown' : 'ArrowUp');
      edited.push(await space());
    }
    const sung = singFrom(phrase(30), 0);
    const t0 = performance.now();
    renderVocalSync(sung.track, sung.voice, 44100);
    const offline = performance.now() - t0;

    // Empty studio -> singing on the preview output: the desk's preview stage page is open (with
    // the show's avatar, as at a venue); a new creator draws 8 notes, types the phrase, submits;
    // the organiser presses "preview on stage" and the clock stops when the preview output's
    // analyser hears the song. Then the organiser approves it.
    const stage = await browser.newPage({ viewport: { width: 640, height: 360 } });
    await stage.goto(`${s.server.url}/stage/?output=desk-preview&token=${s.server.tokens.outputs['desk-preview']}`);
    await stage.waitForFunction(() => (window as any).__holostage?.state().ready, undefined, { timeout: 120_000 });
    const fresh = issueCreator(s.server.stateDir, 'Bench Two').token;
    const start = performance.now();
    await page.goto(`${s.server.url}/studio/?token=${fresh}`);
    await page.waitForFunction(() => (window as any).holostageStudio?.state.draftId);
    const box = (await page.locator('#roll').boundingBox())!;
    for (let i = 0; i < 8; i++) {
      const pt = (await page.evaluate(([t, n]) => ({ x: (window as any).holostageStudio.roll.xAtTick(t), y: (window as any).holostageStudio.roll.yAtPitch(n) + 7 }), [i * 480 + 10, 64 + (i % 4)] as const)) as { x: number; y: number };
      await page.mouse.click(box.x + pt.x, box.y + pt.y);
    }
    await page.locator('#roll').focus();
    await page.keyboard.press('Control+a');
    await page.fill('#phrase', 'きらきらひかる');
    await page.click('#spread');
    await page.click('#open-submit');
    await page.fill('[name=title]', 'Kira Kira');
    await page.fill('[name=composer]', 'Bench Two');
    await page.click('#submit-send');
    await page.waitForFunction(() => /waiting/.test(document.getElementById('review')!.textContent ?? ''));
    const op = { authorization: `Bearer ${s.server.tokens.operator}`, 'content-type': 'application/json' };
    const queue = (await (await fetch(`${s.server.url}/api/studio/review`, { headers: op })).json()) as { submissions: { id: string; title: string }[] };
    const id = queue.submissions.find((x) => x.title === 'Kira Kira')!.id;
    const submitted = performance.now() - start;
    const sent = (await (await fetch(`${s.server.url}/api/studio/review/${id}/preview`, { method: 'POST', headers: op })).json()) as { ok: boolean; error?: string };
    if (!sent.ok) throw new Error(`preview on stage: ${sent.error}`);
    await stage.waitForFunction(() => (window as any).__holostage.studioPreview().level > 1e-3, undefined, { timeout: 30_000, polling: 5 });
    const heard = performance.now() - start;
    const mouth = (await stage.evaluate(() => (window as any).__holostage.state().weights)) as Record<string, number>;
    await fetch(`${s.server.url}/api/studio/review/${id}/approve`, { method: 'POST', headers: op, body: '{}' });
    const approved = performance.now() - start;

    const f = (ms: number): string => `${Math.round(ms)} ms`;
    const oneMs = median(one);
    const longMs = median(long.map((x) => x.first));
    const editMs = median(edited.map((x) => x.first));
    return {
      title: 'Creator studio',
      rows: [
        { name: 'first sound after Space, 1-note song (baseline: the audio path)', value: f(oneMs), note: `median of 4; load ${load}` },
        { name: 'first sound after Space, 30-second phrase from the start', value: f(longMs), note: `${(longMs / oneMs).toFixed(2)}× the baseline; planning ${median(long.map((x) => x.plan)).toFixed(1)} ms; aim < 300 ms` },
        { name: 'first sound after Space, playhead at 20 s', value: f(mid.first), note: `planning ${mid.plan.toFixed(1)} ms (only what is left is planned)` },
        { name: 'first sound after a one-note edit (30-second phrase)', value: f(editMs), note: `planning ${median(edited.map((x) => x.plan)).toFixed(1)} ms; a whole offline render of the phrase in Node takes ${f(offline)} (${(offline / editMs).toFixed(1)}× longer)` },
        { name: 'empty studio -> submitted (8 notes drawn, lyrics typed, submit form)', value: f(submitted), note: 'the mouse and typing are the test\'s' },
        { name: 'empty studio -> singing on the preview output', value: f(heard), note: `aim < 10 s; ${f(heard - submitted)} of it from "preview on stage" to sound (server render, link, fetch, decode); mouth at that frame ${Math.max(...Object.values(mouth)).toFixed(2)}` },
        { name: '... and approved into the library', value: f(approved), note: 'the song validated and compiled as part of the show' },
      ],
      notes: 'First sound is measured on the page: from the Space key event to the first AnalyserNode block above 1e-3 at the voice worklet\'s output (includes the AudioContext output buffer). Headless Chromium, no sound card (its fake output device). The "preview on stage" output is not built yet: the last rows end when the organiser\'s preview WAV of the submitted song has arrived.',
    };
  } finally {
    await browser.close();
    await s.close();
  }
}
