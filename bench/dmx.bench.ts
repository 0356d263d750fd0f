// DMX frame timing at 44 Hz: the venue thread (what `serve` uses for sACN and Art-Net) against a
// baseline, the same DMX loop run by a plain setInterval on the main thread (how sACN went out
// before), both while the main thread is kept busy the way a show server is (4 ms of work every
// 10 ms: journal writes, socket.io broadcasts, a vocal render). Measured two ways: when each frame
// left (sent − due, on the sender) and the spacing of packets at a UDP receiver on 127.0.0.1
// (the interval's distance from 22.73 ms; the receiver runs in a worker of its own, at real-time
// priority where allowed, so neither the busy loop nor other work on the machine delays it).
// Also: outgoing OSC cues' timing (sent − due) on the same thread, beside the frames.

import { loadavg } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { BenchSection } from './run.ts';
import { serverClock } from '../server/src/server.ts';
import { VenueThread } from '../server/src/venue/venue-thread.ts';
import { DmxOut } from '../server/src/venue/dmx-out.ts';
import { SacnTransport } from '../server/src/venue/sacn.ts';
import type { DmxEvent } from '../show-files/src/timeline.ts';
import type { TransportSnapshot } from '../protocol/index.ts';
import { showTimeAt } from '../protocol/index.ts';

const PERIOD = 1000 / 44;
const SECONDS = 6;

function quantile(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] ?? NaN;
}
const ms = (v: number): string => `${v.toFixed(3)} ms`;

const dmx: DmxEvent[] = [
  { time: 0, universe: 1, channels: Array.from({ length: 512 }, (_, i) => ({ channel: i + 1, from: 0, to: 255 })), fade: 30, label: 'long fade', cue: 0 },
  { time: 0, universe: 2, channels: [{ channel: 1, from: 0, to: 255 }], fade: 10, label: 'u2', cue: 1 },
];

/** A UDP receiver on its own thread: the arrival time (hrtime ms) of every packet for universe 1. */
async function receiver(): Promise<{ port: number; stop: () => Promise<number[]> }> {
  const code = `
    const { parentPort } = require('node:worker_threads');
    const dgram = require('node:dgram');
    const s = dgram.createSocket('udp4');
    const times = [];
    // The receiver asks for real-time priority too (as the venue thread does), so what it measures is the sender, not its own wake-ups.
    try { require('node:child_process').execFileSync('chrt', ['--fifo', '--pid', '10', require('node:fs').readlinkSync('/proc/thread-self').split('/').pop()], { stdio: 'pipe' }); } catch {}
    s.on('message', (m) => { if (m.length > 126 && m.readUInt16BE(113) === 1) times.push(Number(process.hrtime.bigint()) / 1e6); });
    s.bind(0, '127.0.0.1', () => parentPort.postMessage({ port: s.address().port }));
    parentPort.on('message', () => { s.close(); parentPort.postMessage({ times }); });`;
  const w = new Worker(code, { eval: true });
  const port = await new Promise<number>((r) => w.once('message', (m: { port: number }) => r(m.port)));
  return {
    port,
    stop: async () => {
      const times = new Promise<number[]>((r) => w.once('message', (m: { times: number[] }) => r(m.times)));
      w.postMessage('stop');
      const t = await times;
      await w.terminate();
      return t;
    },
  };
}

/** Keep the main thread busy: `busyMs` of work every `everyMs`. */
function mainThreadLoad(busyMs: number, everyMs: number): () => void {
  const t = setInterval(() => {
    const end = performance.now() + busyMs;
    while (performance.now() < end);
  }, everyMs);
  return () => clearInterval(t);
}

function playing(): TransportSnapshot {
  return { revision: 1, mode: 'playing', playing: true, entryIndex: 0, showTime: 0, serverTime: serverClock(), rate: 1, holdAt: 1e9, waiting: false, blackout: null };
}

const jitterOf = (arrivals: number[]): number[] => arrivals.slice(1).map((t, i) => Math.abs(t - arrivals[i]! - PERIOD));

async function onVenueThread(): Promise<{ lateness: number[]; jitter: number[]; skipped: number; oscLate: number[] }> {
  const rx = await receiver();
  const lateness: number[] = [];
  const oscLate: number[] = [];
  let skipped = 0;
  const thread = new VenueThread({ sacn: { unicast: ['127.0.0.1'], port: rx.port }, clock: serverClock, log: () => {}, onStatus: (c) => ((skipped = c.skipped), lateness.push(...c.lateness)), onOscCue: (r) => r.ok && oscLate.push(r.firedAt - r.due) });
  // OSC cues every 50 ms from 1 s on, to the same receiver (it counts only the sACN packets).
  const oscCues = Array.from({ length: 90 }, (_, k) => ({ time: 1 + k * 0.05, host: '127.0.0.1', port: rx.port, address: '/bench/cue', args: [k], label: `cue ${k}`, cue: k }));
  thread.setEvents(dmx, oscCues);
  thread.update(playing());
  await thread.start();
  const stopLoad = mainThreadLoad(4, 10);
  // Frames sent while the thread was still starting are not counted.
  lateness.length = 0;
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  stopLoad();
  const arrivals = await rx.stop();
  await thread.close();
  return { lateness, jitter: jitterOf(arrivals.slice(5)), skipped, oscLate };
}

async function onMainThreadInterval(): Promise<{ lateness: number[]; jitter: number[] }> {
  const rx = await receiver();
  const snapshot = playing();
  const out = new DmxOut([new SacnTransport({ unicast: ['127.0.0.1'], port: rx.port })], () => ({ showTime: showTimeAt(snapshot, serverClock()), blackout: false }));
  out.setEvents(dmx);
  const lateness: number[] = [];
  const t0 = performance.now();
  let n = 0;
  const timer = setInterval(() => {
    n++;
    out.frame();
    lateness.push(performance.now() - (t0 + n * PERIOD));
  }, PERIOD);
  const stopLoad = mainThreadLoad(4, 10);
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  stopLoad();
  clearInterval(timer);
  const arrivals = await rx.stop();
  await out.close();
  // setInterval drifts (each wait starts after the last callback): its lateness keeps growing, so
  // count it from the previous frame (the interval it actually kept) rather than from a fixed grid.
  const steps = lateness.slice(1).map((l, i) => Math.abs(l - lateness[i]!));
  return { lateness: steps, jitter: jitterOf(arrivals.slice(5)) };
}

export async function bench(): Promise<BenchSection> {
  const load = loadavg()[0]!.toFixed(1);
  const thread = await onVenueThread();
  const main = await onMainThreadInterval();
  const p99 = (v: number[]): number => quantile(v, 0.99);
  return {
    title: 'DMX frame timing at 44 Hz (sACN, venue thread)',
    rows: [
      { name: 'frame sent − due on the venue thread, p50 / p99', value: `${ms(quantile(thread.lateness, 0.5))} / ${ms(p99(thread.lateness))}`, note: `${thread.lateness.length} frames in ${SECONDS} s, ${thread.skipped} skipped, main thread busy 40 %` },
      { name: 'receiver jitter (interval − 22.73 ms, absolute), venue thread, p99', value: ms(p99(thread.jitter)), note: `p50 ${ms(quantile(thread.jitter, 0.5))}; ${thread.jitter.length} intervals at a UDP receiver on 127.0.0.1` },
      { name: 'baseline: main-thread setInterval, frame-to-frame jitter p99', value: ms(p99(main.lateness)), note: `same loop, same load; venue thread = ${(p99(thread.lateness) / Math.max(p99(main.lateness), 1e-6)).toPrecision(2)}× the baseline's p99` },
      { name: 'OSC cue sent − due on the venue thread, p99', value: ms(p99(thread.oscLate)), note: `${thread.oscLate.length} cues 50 ms apart beside the DMX frames; p50 ${ms(quantile(thread.oscLate, 0.5))}` },
      { name: 'baseline: receiver jitter, p99', value: ms(p99(main.jitter)), note: `p50 ${ms(quantile(main.jitter, 0.5))}; venue thread = ${(p99(thread.jitter) / Math.max(p99(main.jitter), 1e-6)).toPrecision(2)}× the baseline` },
    ],
    notes: `Load average ${load} at the start. Universe 1 carries a 512-channel fade (every level changes every frame), universe 2 one channel. The venue thread wakes 2 ms early with a timer and blocks (Atomics.wait) to the frame's instant; a frame over a period late is skipped, never sent in a burst.`,
  };
}
