// One code path for voicebanks: the resampler and wavtool that render in Node run unchanged in
// Chromium on the same bank files (a Japanese CV bank and an English pair bank, real WAVs recorded
// at test time) and give the same samples (within 1e-6).
import { readdirSync, readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'vite';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../chromium.ts';
import { makeTestVoiceBank } from '../../scripts/voicebank/make.ts';
import { makeEnglishTestBank } from '../../scripts/voicebank/make-english.ts';
import { lyricPairs } from '../../vocal/voicebank/lyric-needs.ts';
import { openVoiceBankDir } from '../../vocal/voicebank/node.ts';
import { renderWithBank } from '../../vocal/voicebank/wavtool.ts';
import { phonemizeNotes } from '../../vocal/phonemize.ts';
import { DEFAULT_VOICE } from '../../vocal/track.ts';
import type { VocalNote } from '../../show-files/src/timeline.ts';
import { rms } from '../vocal/audio-analysis.ts';

const temp = mkdtempSync(join(tmpdir(), 'vb-browser-'));

async function bundle(entry: string): Promise<string> {
  const result = await build({
    configFile: false,
    logLevel: 'silent',
    build: { write: false, minify: false, lib: { entry, formats: ['es'], fileName: 'entry' }, rollupOptions: { output: { inlineDynamicImports: true } } },
  });
  const outputs = (Array.isArray(result) ? result : [result]) as { output: { type: string; code?: string }[] }[];
  return outputs[0]!.output.find((o) => o.type === 'chunk')!.code!;
}

function filesOf(dir: string): Record<string, string> {
  return Object.fromEntries(readdirSync(dir).map((f) => [f, readFileSync(join(dir, f)).toString('base64')]));
}

const line = (lyrics: string[], pitches: number[]): VocalNote[] =>
  lyrics.map((lyric, i) => ({ time: 0.5 + i * 0.5, end: 1 + i * 0.5, pitch: pitches[i % pitches.length]!, lyric }));

describe('voicebank rendering in chromium', () => {
  let browser: Browser;
  let code: string;
  let server: Server;
  let origin: string;

  beforeAll(async () => {
    makeTestVoiceBank(join(temp, 'ja'), { morae: ['あ', 'か', 'さ', 'ら'] });
    makeEnglishTestBank(join(temp, 'en'), { pairs: lyricPairs('sing a song for me') });
    code = await bundle('tests/voicebank/browser/entry.ts');
    server = createServer((_req, res) => res.end('<!doctype html><title>voicebank</title>'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    server?.close();
    rmSync(temp, { recursive: true, force: true });
  });

  it('renders the same samples as Node for a Japanese and an English bank', { timeout: 60_000 }, async () => {
    const page = await browser.newPage();
    await page.goto(origin);
    await page.addScriptTag({ content: code, type: 'module' });
    await page.waitForFunction(() => typeof (window as unknown as { renderBankOnPage?: unknown }).renderBankOnPage === 'function');
    type Api = { renderBankOnPage: (name: string, files: Record<string, string>, track: unknown, voice: unknown) => { samples: string; start: number; warnings: string[] } };
    const voice = { ...DEFAULT_VOICE, vibrato: { depth: 0.4, rate: 5.5, delay: 0.2 } };
    for (const [bank, notes] of [['ja', line(['か', 'さ', 'ら', 'あ'], [60, 64, 67, 62])], ['en', line(['sing', 'a', 'song', 'for', 'me'], [60, 62, 64, 65, 67])]] as const) {
      const { phonemes } = phonemizeNotes(notes, voice);
      const track = { notes, phonemes, warnings: [] };
      const node = renderWithBank(track, voice, openVoiceBankDir(join(temp, bank)));
      const got = await page.evaluate(([name, files, t, v]) => (window as unknown as Api).renderBankOnPage(name, files, t, v), [bank, filesOf(join(temp, bank)), track, voice] as const);
      const bytes = Buffer.from(got.samples, 'base64');
      const samples = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
      expect(rms(node.samples, 0, node.samples.length), bank).toBeGreaterThan(0.01);
      expect(got.start).toBeCloseTo(node.start, 9);
      expect(got.warnings).toEqual(node.warnings);
      expect(samples.length).toBe(node.samples.length);
      let maxDiff = 0;
      for (let i = 0; i < samples.length; i++) maxDiff = Math.max(maxDiff, Math.abs(samples[i]! - node.samples[i]!));
      expect(maxDiff, bank).toBeLessThan(1e-6);
    }
    await page.close();
  });
});
