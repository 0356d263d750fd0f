// The same synth graph module renders in a real browser (chromium, Tone.js on its Web Audio) and
// offline in Node (Tone.js on node-web-audio-api), and both sing the same line.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from 'vite';
import { chromium, type Browser } from 'playwright-core';
import { phonemizeNotes } from '../../show-files/src/vocal/phonemize.ts';
import { planSinger } from '../../show-files/src/vocal/singer-plan.ts';
import { renderVocal } from '../../show-files/src/vocal/render.ts';
import { DEFAULT_VOICE } from '../../show-files/src/vocal/track.ts';
import { pitchToHz } from '../../show-files/src/score/pitch.ts';
import type { VocalNote } from '../../show-files/src/timeline.ts';
import { fundamental, rms } from './audio-analysis.ts';

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--autoplay-policy=no-user-gesture-required'];

const notes: VocalNote[] = [
  { time: 0.2, end: 0.9, pitch: 67, lyric: 'か' },
  { time: 0.9, end: 1.8, pitch: 69, lyric: 'い' },
  { time: 2.4, end: 3.2, pitch: 64, lyric: 'お' },
];

describe('singing synth in chromium', () => {
  let browser: Browser;
  let bundle: string;

  beforeAll(async () => {
    const result = await build({
      configFile: false,
      logLevel: 'silent',
      build: {
        write: false,
        minify: false,
        lib: { entry: 'tests/vocal/browser/entry.ts', formats: ['es'], fileName: 'entry' },
        rollupOptions: { output: { inlineDynamicImports: true } },
      },
    });
    const outputs = (Array.isArray(result) ? result : [result]) as { output: { type: string; code?: string }[] }[];
    bundle = outputs[0]!.output.find((o) => o.type === 'chunk')!.code!;
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('renders the same graph with Tone.js in the browser: same pitches, same loudness envelope as Node', { timeout: 60_000 }, async () => {
    const { phonemes } = phonemizeNotes(notes, DEFAULT_VOICE, { songStart: 0 });
    const track = { notes, phonemes, warnings: [] };
    const plan = planSinger(track, DEFAULT_VOICE);
    const page = await browser.newPage();
    await page.setContent('<!doctype html><title>synth</title>');
    await page.addScriptTag({ content: bundle, type: 'module' });
    await page.waitForFunction(() => typeof (window as unknown as { renderInBrowser?: unknown }).renderInBrowser === 'function');
    const base64 = await page.evaluate(
      async ([p, sr]) => (window as unknown as { renderInBrowser: (p: unknown, sr: number) => Promise<string> }).renderInBrowser(p, sr),
      [plan, 44100] as const,
    );
    await page.close();
    const bytes = Buffer.from(base64, 'base64');
    const browserSamples = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
    const node = await renderVocal(track, DEFAULT_VOICE, { sampleRate: 44100, chunkSeconds: 1000 });
    expect(Math.abs(browserSamples.length - node.samples.length)).toBeLessThanOrEqual(128);

    const at = (t: number) => (t - plan.start) * 44100;
    for (const n of notes) {
      const hz = pitchToHz(n.pitch);
      const from = n.time + 0.15;
      const f0 = fundamental(browserSamples, 44100, at(from), at(from + 0.12), hz / 1.3, hz * 1.3);
      expect(Math.abs(f0 / hz - 1)).toBeLessThan(0.01);
    }
    // Silence in the rest, sound in the notes, in both engines; loudness per 50 ms agrees.
    expect(rms(browserSamples, at(2.0), at(2.25))).toBeLessThan(1e-4);
    let compared = 0;
    for (let t = plan.start; t < plan.end - 0.05; t += 0.05) {
      const b = rms(browserSamples, at(t), at(t + 0.05));
      const n = rms(node.samples, at(t), at(t + 0.05));
      if (Math.max(b, n) < 0.01) continue;
      compared++;
      expect(Math.abs(20 * Math.log10(b / n))).toBeLessThan(1.5);
    }
    expect(compared).toBeGreaterThan(30);
  });
});
