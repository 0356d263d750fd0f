// Shared set-up for the stage browser tests: a hand-built timeline with a sung line whose phoneme
// times are known, the real show server (express + socket.io + the stage page through vite) on a
// random loopback port, and Debian's chromium driven by playwright-core.

import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../chromium.ts';

export { launchChromium };
import { io as connect, type Socket } from 'socket.io-client';
import type { OutputSettings, Timeline } from '../../show-files/src/timeline.ts';
import { startShowServer, type ShowServer } from '../../server/src/server.ts';
import { RecorderDriver } from '../../server/src/lighting/recorder-driver.ts';
import { EVENTS } from '../../protocol/index.ts';
import { decodePng, type Rgba } from './png.ts';

// Tests render at 640x360 (a quarter of the pixels of 720p) to stay quick on software GL; the
// benchmark measures 1280x720.
export const WIDTH = 640;
export const HEIGHT = 360;

export function outputSettings(over: Partial<OutputSettings> = {}): OutputSettings {
  return {
    width: WIDTH,
    height: HEIGHT,
    latencyMs: 0,
    mirror: { horizontal: false, vertical: false },
    keystone: { topLeft: { x: 0, y: 0 }, topRight: { x: 1, y: 0 }, bottomRight: { x: 1, y: 1 }, bottomLeft: { x: 0, y: 1 } },
    gain: 1,
    blackLevel: 0,
    audio: false,
    ...over,
  };
}

/** The sung line: "ka" 1.0-2.2 s (a held "a" from 1.1), rest 2.2-3.6, "mi" 3.6-4.4, "a" again 5.0-5.8. */
export const SUNG_A = { from: 1.15, to: 2.15 };
export const REST = { from: 2.5, to: 3.5 };

export function stageTimeline(opts: { avatar?: string; withLights?: boolean; motion?: Timeline['songs'][number]['tracks']['motion']; size?: { width: number; height: number }; backingAudio?: string } = {}): Timeline {
  const songLength = 60;
  const size = opts.size ?? { width: WIDTH, height: HEIGHT };
  return {
    format: 'holostage-timeline',
    version: 1,
    show: { title: 'Stage test show', ...(opts.avatar ? { avatar: opts.avatar } : {}) },
    outputs: [
      { id: 'proj', kind: 'projector', settings: outputSettings(size) },
      { id: 'holo', kind: 'transparent', settings: outputSettings(size) },
      { id: 'proj2', kind: 'projector', settings: outputSettings(size) },
      { id: 'fans', kind: 'stream', settings: outputSettings({ ...size, audio: true }) },
    ],
    lighting: { port: 'holostage-test', channel: 1, mscDeviceId: 1 },
    duration: songLength,
    entries: [
      { index: 0, kind: 'song', id: 'la', title: 'La', start: 0, end: songLength, encore: false, holdAfter: false, transition: { type: 'cut', seconds: 0 }, song: 0 },
    ],
    songs: [
      {
        id: 'la',
        title: 'La',
        credits: [{ role: 'composer', name: 'Test' }],
        license: { name: 'CC0-1.0' },
        tags: [],
        tempo: [{ tick: 0, bpm: 120 }],
        timeSignature: { numerator: 4, denominator: 4 },
        start: 0,
        duration: songLength,
        score: 'scores/la.json',
        ...(opts.backingAudio ? { backingAudio: { file: opts.backingAudio, gainDb: -6 } } : {}),
        voice: { transpose: 0, gainDb: 0, vibrato: { depth: 0, rate: 5, delay: 0.3 }, portamento: 0.05, formantShift: 0, preutterance: 0.05 },
        tracks: {
          vocal: {
            notes: [
              { time: 1.0, end: 2.2, pitch: 69, lyric: 'ka' },
              { time: 3.6, end: 4.4, pitch: 71, lyric: 'mi' },
              { time: 5.0, end: 5.8, pitch: 72, lyric: 'a' },
            ],
            phonemes: [
              { time: 1.0, end: 1.1, symbol: 'k', note: 0 },
              { time: 1.1, end: 2.2, symbol: 'a', note: 0 },
              { time: 3.6, end: 3.7, symbol: 'm', note: 1 },
              { time: 3.7, end: 4.4, symbol: 'i', note: 1 },
              { time: 5.0, end: 5.8, symbol: 'a', note: 2 },
            ],
            warnings: [],
          },
          motion: opts.motion ?? [],
          camera: [],
          effects: [],
          lighting: opts.withLights
            ? [
                { time: 0.5, kind: 'program', channel: 1, bytes: [0xc0, 5], label: 'ch1 program 5', cue: 0 },
                { time: 0.5, kind: 'noteOn', channel: 1, bytes: [0x90, 0, 127], label: 'ch1 note 0 on vel 127', cue: 1 },
                { time: 0.5, kind: 'noteOn', channel: 1, bytes: [0x90, 7, 100], label: 'ch1 note 7 on vel 100', cue: 2 },
              ]
            : [],
        },
      },
    ],
  };
}

export interface StageRig {
  server: ShowServer;
  browser: Browser;
  operator: Socket;
  url(output: string, extra?: string): string;
  open(output: string, extra?: string, viewport?: { width: number; height: number }): Promise<Page>;
  /** Seek to a show time and stay there (stopped), or play from there. */
  seek(time: number, play?: boolean): Promise<void>;
  setSettings(output: string, settings: Partial<OutputSettings>): Promise<void>;
  close(): Promise<void>;
}


/** A mono 16-bit WAV of a quiet sine, `seconds` long: a backing track for audio tests. */
export function sineWav(seconds: number, rate = 22050): Buffer {
  const n = Math.round(seconds * rate);
  const b = Buffer.alloc(44 + n * 2);
  b.write('RIFF', 0);
  b.writeUInt32LE(36 + n * 2, 4);
  b.write('WAVEfmt ', 8);
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(1, 20);
  b.writeUInt16LE(1, 22);
  b.writeUInt32LE(rate, 24);
  b.writeUInt32LE(rate * 2, 28);
  b.writeUInt16LE(2, 32);
  b.writeUInt16LE(16, 34);
  b.write('data', 36);
  b.writeUInt32LE(n * 2, 40);
  for (let i = 0; i < n; i++) b.writeInt16LE(Math.round(4000 * Math.sin((2 * Math.PI * 440 * i) / rate)), 44 + i * 2);
  return b;
}

/**
 * Starts the server on `timeline`; `copy` puts repository files into the show folder first ([from, to]).
 * `pages: 'dev'` serves the page sources through vite on loopback (the stage bench needs its
 * bench-only empty scene, which is not part of the built pages).
 */
export async function startStageRig(timeline: Timeline, copy: [string, string][] = [], write: [string, Buffer][] = [], pages: 'auto' | 'dev' = 'auto'): Promise<StageRig> {
  const dir = mkdtempSync(join(tmpdir(), 'holostage-stage-'));
  for (const [from, to] of copy) cpSync(from, join(dir, to), { recursive: true });
  for (const [to, bytes] of write) {
    mkdirSync(dirname(join(dir, to)), { recursive: true });
    writeFileSync(join(dir, to), bytes);
  }
  const server = await startShowServer({ showDir: dir, timeline, lighting: new RecorderDriver(null), port: 0, pages });
  const browser = await launchChromium();
  const operator = connect(server.url, { auth: { token: server.tokens.operator }, transports: ['websocket'] });
  await new Promise<void>((resolve, reject) => {
    operator.once('connect', () => resolve());
    operator.once('connect_error', reject);
  });
  const url = (output: string, extra = '') => `${server.url}/stage/?output=${encodeURIComponent(output)}&token=${server.tokens.outputs[output]}${extra}`;
  const rig: StageRig = {
    server,
    browser,
    operator,
    url,
    async open(output, extra, viewport = { width: WIDTH, height: HEIGHT }) {
      const page = await browser.newPage({ viewport });
      page.on('pageerror', (e) => console.error(`[stage ${output}] page error:`, e.message));
      await page.goto(url(output, extra));
      await page.waitForFunction(() => {
        const s = (window as unknown as { __holostage?: { state(): { ready: boolean; frames: number } } }).__holostage?.state();
        return !!s && s.ready && s.frames > 3;
      }, undefined, { timeout: 45_000 });
      return page;
    },
    async seek(time, play = false) {
      // A seek keeps playing if the show plays, and holds there otherwise.
      if (!play && server.snapshot().playing) {
        const h = await server.command({ command: 'hold' }, 'test');
        if (!h.ok) throw new Error(h.error);
      }
      const r = await server.command({ command: 'seek', entry: 0, time }, 'test');
      if (!r.ok) throw new Error(r.error);
      if (play && !server.snapshot().playing) {
        let g = await server.command({ command: 'go' }, 'test');
        // The desk's double-GO guard (300 ms) also holds for tests that GO again quickly on a fast machine.
        if (!g.ok && /after the previous GO/.test(g.error ?? '')) {
          await new Promise((r) => setTimeout(r, 350));
          g = await server.command({ command: 'go' }, 'test');
        }
        if (!g.ok) throw new Error(g.error);
      }
    },
    async setSettings(output, settings) {
      const reply = (await operator.timeout(5000).emitWithAck(EVENTS.outputSettings, { id: output, settings })) as { ok: boolean; error?: string };
      if (!reply.ok) throw new Error(reply.error);
    },
    async close() {
      operator.close();
      await browser.close().catch(() => {});
      await server.close().catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return rig;
}

export interface StageState {
  ready: boolean;
  showTime: number;
  playing: boolean;
  entry: number;
  weights: { aa: number; ih: number; ou: number; ee: number; oh: number };
  fps: number;
  droppedFrames: number;
  frames: number;
  clockSamples: number;
  assetsLoaded: number;
  assetsTotal: number;
  avatarRect: { x0: number; y0: number; x1: number; y1: number } | null;
  settings: OutputSettings;
  lights: number[];
  connected: boolean;
  motion: string;
}

export function stateOf(page: Page): Promise<StageState> {
  return page.evaluate(() => (window as unknown as { __holostage: { state(): StageState } }).__holostage.state());
}

/** Waits until the page draws show time t (after a seek), and a few more frames. */
export async function waitForShowTime(page: Page, t: number): Promise<void> {
  await page.waitForFunction((want) => {
    const s = (window as unknown as { __holostage: { state(): { showTime: number } } }).__holostage.state();
    return Math.abs(s.showTime - want) < 1e-6;
  }, t, { timeout: 15_000 });
  const start = (await stateOf(page)).frames;
  await page.waitForFunction((n) => (window as unknown as { __holostage: { state(): { frames: number } } }).__holostage.state().frames > n + 3, start, { timeout: 15_000 });
}

/** RGBA pixels of the page as drawn now (a PNG screenshot, decoded byte-exact). */
export async function pixels(page: Page): Promise<Rgba> {
  return decodePng(await page.screenshot({ type: 'png' }));
}

/** The show most page tests share: the base song with two motion clips cued and a backing track. */
export function startMediaStageRig(): Promise<StageRig> {
  const timeline = stageTimeline({
    motion: [
      { time: 10, end: 14, clip: 'motions/cheer.vrma', blend: 0.5, cue: 0 },
      { time: 14, end: 18, clip: 'motions/sidestep.bvh', blend: 0.5, cue: 1 },
    ],
    backingAudio: 'audio/backing.wav',
  });
  return startStageRig(timeline, [['assets/avatars/motions', 'motions']], [['audio/backing.wav', sineWav(40)]]);
}

/** Waits until the page's state passes `check`, then a few frames more so the picture shows it. */
export async function settle(page: Page, check: (s: StageState) => boolean): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const s = await stateOf(page);
    if (check(s)) break;
    if (Date.now() > deadline) throw new Error(`stage never reached the expected state: ${JSON.stringify({ showTime: s.showTime, settings: s.settings })}`);
    await page.waitForTimeout(50);
  }
  const frames = (await stateOf(page)).frames;
  await page.waitForFunction((n) => (window as unknown as { __holostage: { state(): { frames: number } } }).__holostage.state().frames > n + 2, frames, { timeout: 15_000 });
}

/** Recent frames as [epoch ms at the frame, show time drawn, aa weight drawn]. */
export type History = [number, number, number][];
export const historyOf = (page: Page): Promise<History> => page.evaluate(() => (window as unknown as { __holostage: { history(): [number, number, number][] } }).__holostage.history());
