// One code path for the voice: the synthesizer that renders WAVs in Node runs unchanged in
// Chromium, both as an AudioWorklet processor (the live path) and as a plain function on the page,
// and gives the same samples (within 1e-6) for the same score.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from 'vite';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../chromium.ts';
import { phonemizeNotes } from '../../vocal/phonemize.ts';
import { planVoice } from '../../vocal/articulation.ts';
import { renderVocalSync } from '../../vocal/render.ts';
import { DEFAULT_VOICE } from '../../vocal/track.ts';
import type { SynthPlan } from '../../vocal/dsp/voice-synth.ts';
import type { VocalNote } from '../../show-files/src/timeline.ts';
import { rms } from './audio-analysis.ts';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';


// Consonants of every kind, a legato glide, a rest and a long note with vibrato.
const notes: VocalNote[] = [
  { time: 0.2, end: 0.6, pitch: 67, lyric: 'sing' },
  { time: 0.6, end: 1.0, pitch: 69, lyric: 'the' },
  { time: 1.0, end: 1.9, pitch: 71, lyric: 'stars' },
  { time: 2.4, end: 2.8, pitch: 64, lyric: 'かな' },
  { time: 2.8, end: 3.9, pitch: 62, lyric: 'しい' },
];
// English only: sung by the envelope voice.
const english: VocalNote[] = [
  { time: 0.2, end: 0.6, pitch: 67, lyric: 'sing' },
  { time: 0.6, end: 1.0, pitch: 69, lyric: 'the' },
  { time: 1.0, end: 1.9, pitch: 71, lyric: 'stars' },
  { time: 2.4, end: 2.8, pitch: 64, lyric: 'to' },
  { time: 2.8, end: 3.9, pitch: 62, lyric: 'night' },
];

async function bundle(entry: string): Promise<string> {
  const result = await build({
    configFile: false,
    logLevel: 'silent',
    build: { write: false, minify: false, lib: { entry, formats: ['es'], fileName: 'entry' }, rollupOptions: { output: { inlineDynamicImports: true } } },
  });
  const outputs = (Array.isArray(result) ? result : [result]) as { output: { type: string; code?: string }[] }[];
  return outputs[0]!.output.find((o) => o.type === 'chunk')!.code!;
}

function fromBase64(base64: string): Float32Array {
  const bytes = Buffer.from(base64, 'base64');
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

describe('singing synth in chromium', () => {
  let browser: Browser;
  let pageCode: string;
  let workletCode: string;
  // AudioWorklet exists only in secure contexts: the page comes from http://127.0.0.1.
  let server: Server;
  let origin: string;

  beforeAll(async () => {
    [pageCode, workletCode] = await Promise.all([bundle('tests/vocal/browser/entry.ts'), bundle('tests/vocal/browser/worklet-entry.ts')]);
    server = createServer((_req, res) => res.end('<!doctype html><title>voice</title>'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    server?.close();
  });

  /** A plan as the page receives it: typed arrays as plain arrays (the page turns them back). */
  const forPage = (plan: SynthPlan) => (plan.envelope ? { ...plan, envelope: { ...plan.envelope, frames: Array.from(plan.envelope.frames) } } : plan);

  async function compare(lyrics: VocalNote[], sampleRate: number, engine: 'formant' | 'envelope'): Promise<void> {
    const voice = DEFAULT_VOICE;
    const { phonemes } = phonemizeNotes(lyrics, voice, { songStart: 0 });
    const track = { notes: lyrics, phonemes, warnings: [] };
    const plan = planVoice(track, voice);
    expect(plan.envelope !== undefined, 'which voice sings').toBe(engine === 'envelope');
    const node = renderVocalSync(track, voice, sampleRate).samples;

    const page = await browser.newPage();
    await page.goto(origin);
    await page.addScriptTag({ content: pageCode, type: 'module' });
    await page.waitForFunction(() => typeof (window as unknown as { renderWithWorklet?: unknown }).renderWithWorklet === 'function');
    type Api = { renderWithWorklet: (p: unknown, sr: number, code: string) => Promise<string>; renderOnPage: (p: unknown, sr: number) => string };
    const worklet = fromBase64(await page.evaluate(([p, sr, code]) => (window as unknown as Api).renderWithWorklet(p, sr, code), [forPage(plan), sampleRate, workletCode] as const));
    const onPage = fromBase64(await page.evaluate(([p, sr]) => (window as unknown as Api).renderOnPage(p, sr), [forPage(plan), sampleRate] as const));
    await page.close();

    expect(rms(node, 0, node.length)).toBeGreaterThan(0.02);
    for (const browserSamples of [worklet, onPage]) {
      expect(browserSamples.length).toBe(node.length);
      let maxDiff = 0;
      for (let i = 0; i < node.length; i++) maxDiff = Math.max(maxDiff, Math.abs(browserSamples[i]! - node[i]!));
      expect(maxDiff).toBeLessThan(1e-6);
    }
  }

  it('renders the same samples as Node, in an AudioWorklet and on the page (the formant voice)', { timeout: 60_000 }, async () => {
    await compare(notes, 44100, 'formant');
  });

  it('renders the same samples as Node, in an AudioWorklet and on the page (the envelope voice, at 44.1 and 48 kHz)', { timeout: 60_000 }, async () => {
    await compare(english, 44100, 'envelope');
    await compare(english, 48000, 'envelope');
  });
});
