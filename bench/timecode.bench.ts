// Timecode chase benchmarks (serve --chase):
//  1. MTC chase: a show server fed 25 fps quarter frames through the MIDI input path by a sender
//     (tests/venue/mtc-sender.ts) starting at 01:00:00:00; lock time (first quarter frame to
//     "locked") over several starts, and, once locked, the show clock's distance from the sender's
//     timecode sampled every 20 ms for 4 s. Baseline in the same run: how late a 2 ms timer (what
//     the sender runs on) wakes, which is what the chase has to average away.
//  2. LTC chase: the same from a 30 fps LTC WAV played in real time (LtcInput).
//  3. The LTC decoder alone: seconds of 48 kHz audio decoded per second, vs a plain pass over the
//     same samples (a peak meter) in the same run.

import { loadavg } from 'node:os';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchSection } from './run.ts';
import { ShowServer, serverClock } from '../server/src/server.ts';
import { NullDriver } from '../server/src/lighting/driver.ts';
import { showTimeAt } from '../protocol/index.ts';
import { ltcSamples } from '../server/src/venue/ltc.ts';
import { LtcDecoder } from '../server/src/venue/ltc-decode.ts';
import { encodeWav } from '../vocal/wav.ts';
import { makeTimeline } from '../tests/server/fixtures.ts';
import { FPS, MtcSender } from '../tests/venue/mtc-sender.ts';
import type { ChaseOptions } from '../server/src/venue/timecode-chase.ts';

function quantile(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
}
const ms = (v: number): string => `${v.toFixed(2)} ms`;
const sleep = (t: number): Promise<void> => new Promise((r) => setTimeout(r, t));

async function until(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const end = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > end) return false;
    await sleep(2);
  }
  return true;
}

async function chaseServer(chase: ChaseOptions): Promise<ShowServer> {
  const server = new ShowServer({ showDir: mkdtempSync(join(tmpdir(), 'holostage-bench-')), timeline: makeTimeline([{ title: 'Bench', length: 3600 }]), lighting: new NullDriver(), pages: false, venue: { chase } });
  await server.start();
  return server;
}

/** Show clock minus the source's position, sampled every 20 ms while locked. */
async function errors(server: ShowServer, position: (at: number) => number, seconds: number): Promise<number[]> {
  const out: number[] = [];
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    const now = serverClock();
    const snap = server.snapshot(now);
    if (snap.playing) out.push(Math.abs(showTimeAt(snap, now) - position(now)) * 1000);
    await sleep(20);
  }
  return out;
}

async function mtcChase(starts: number): Promise<{ lock: number[]; error: number[]; relocks: number }> {
  const server = await chaseServer({ source: 'mtc', offsetSeconds: 3600, freewheelSeconds: 0.1 });
  const view = () => server.venue!.status().chase!;
  const lock: number[] = [];
  let error: number[] = [];
  let relocks = 0;
  for (let i = 0; i < starts; i++) {
    const startFrame = (3600 + 60 * i) * FPS;
    const sender = new MtcSender((bytes) => void server.midiInput(bytes), startFrame);
    if (await until(() => view().state === 'locked', 10_000)) lock.push(serverClock() - sender.t0);
    if (i === starts - 1) {
      const before = view().relocks;
      error = await errors(server, (at) => sender.position(at) - 3600, 4);
      relocks = view().relocks - before;
    }
    sender.stop();
    await until(() => view().state === 'lost' || view().state === 'waiting', 5000);
  }
  await server.close();
  return { lock, error, relocks };
}

async function ltcChase(): Promise<{ lock: number; error: number[] }> {
  const file = join(mkdtempSync(join(tmpdir(), 'holostage-bench-')), 'ltc.wav');
  writeFileSync(file, encodeWav([ltcSamples({ rate: 30, startFrame: 3600 * 30, frames: 30 * 6, sampleRate: 48000 })], 48000));
  const server = await chaseServer({ source: 'ltc', ltcInput: file, offsetSeconds: 3600, freewheelSeconds: 0.1 });
  const opened = server.venue!.chase!.ltc!.startedAt!;
  await until(() => server.venue!.status().chase!.state === 'locked', 10_000);
  const lock = serverClock() - opened;
  const error = await errors(server, (at) => (at - opened) / 1000, 4);
  await server.close();
  return { lock, error };
}

async function timerLateness(count: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    await sleep(2);
    out.push(performance.now() - t0 - 2);
  }
  return out;
}

function decodeSpeed(): { ltc: number; plain: number } {
  const seconds = 60;
  const samples = ltcSamples({ rate: 25, startFrame: 0, frames: seconds * 25, sampleRate: 48000 });
  let t0 = performance.now();
  const words = new LtcDecoder(48000).push(samples).length;
  const ltc = seconds / ((performance.now() - t0) / 1000);
  if (words < seconds * 25 - 30) throw new Error(`decoder read ${words} words`);
  t0 = performance.now();
  let peak = 0;
  for (let i = 0; i < samples.length; i++) peak = Math.max(peak, Math.abs(samples[i]!));
  const plain = seconds / ((performance.now() - t0) / 1000);
  if (peak <= 0) throw new Error('silent');
  return { ltc, plain };
}

export async function bench(): Promise<BenchSection> {
  const load = loadavg()[0]!.toFixed(1);
  const timer = await timerLateness(500);
  const mtc = await mtcChase(5);
  const ltc = await ltcChase();
  const speed = decodeSpeed();
  const frame25 = 1000 / 25;
  const frame30 = 1000 / 30;
  return {
    title: 'Timecode chase (MTC, LTC)',
    rows: [
      { name: 'MTC chase: first quarter frame → locked, median', value: ms(quantile(mtc.lock, 0.5)), note: `25 fps from 01:00:00:00, ${mtc.lock.length} starts; max ${ms(Math.max(...mtc.lock))}` },
      { name: 'MTC chase: show clock off the timecode (absolute) while locked, p50', value: ms(quantile(mtc.error, 0.5)), note: `${mtc.error.length} samples over 4 s; ${mtc.relocks} relock(s) in that time` },
      { name: 'MTC chase: same, p99', value: ms(quantile(mtc.error, 0.99)), note: `= ${(quantile(mtc.error, 0.99) / frame25).toFixed(2)} frame at 25 fps; baseline: the sender's 2 ms timer wakes late by p99 ${ms(quantile(timer, 0.99))}` },
      { name: 'LTC chase (WAV in real time): open → locked', value: ms(ltc.lock), note: '30 fps; the decoder learns the bit length from 24 edges, then 3 words' },
      { name: 'LTC chase: show clock off the timecode (absolute) while locked, p99', value: ms(quantile(ltc.error, 0.99)), note: `p50 ${ms(quantile(ltc.error, 0.5))}; = ${(quantile(ltc.error, 0.99) / frame30).toFixed(2)} frame at 30 fps` },
      { name: 'LTC decoder speed', value: `${Math.round(speed.ltc)}× real time`, note: `48 kHz; baseline peak meter over the same samples ${Math.round(speed.plain)}× (decoder = ${(speed.ltc / speed.plain).toFixed(3)}× it)` },
    ],
    notes: `Load average ${load} at the start. The chase moves the show with a seek through the controller (journal fsync included) when the show clock is more than a frame from the timecode; between relocks the show runs on the server clock, so the error is the sender's timing jitter averaged over 0.4 s plus the server clock's drift against the sender (none here: one machine).`,
  };
}
