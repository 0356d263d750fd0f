// Venue protocol benchmarks:
//  1. OSC command to transport event: /pause and /resume sent over UDP by a subscribed OSC client,
//     timed until the pushed /update/transport arrives; baseline: the same commands over HTTP
//     (POST /api/transport/...) timed until the same push, in the same run.
//  2. MTC quarter-frame timing error (sent − due) of the main-thread runner (timer + 1 ms spin),
//     next to a plain timer (no spin) in the same run. `serve` runs the same plan on the lighting
//     thread, whose cue timing the server bench measures.

import { loadavg } from 'node:os';
import type { BenchSection } from './run.ts';
import { ShowServer, serverClock } from '../server/src/server.ts';
import { NullDriver } from '../server/src/lighting/driver.ts';
import { MtcOut } from '../server/src/venue/mtc-out.ts';
import { encodeMessage, decodePacket } from '../server/src/venue/osc-codec.ts';
import { makeTimeline } from '../tests/server/fixtures.ts';
import { createSocket } from 'node:dgram';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function quantile(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
}
const ms = (v: number): string => `${v.toFixed(3)} ms`;

async function oscVersusHttp(rounds: number): Promise<{ osc: number[]; http: number[] }> {
  const server = new ShowServer({ showDir: mkdtempSync(join(tmpdir(), 'holostage-bench-')), timeline: makeTimeline([{ title: 'Bench', length: 3600 }]), lighting: new NullDriver(), pages: false, venue: { osc: { port: 0 } } });
  await server.start();
  const socket = createSocket('udp4');
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
  const port = server.venue!.osc!.status().port!;
  let waiting: ((address: string) => void) | null = null;
  socket.on('message', (m) => {
    for (const msg of decodePacket(m)) if (msg.address === '/update/transport') waiting?.(msg.address);
  });
  const send = (address: string, args: (string | number)[] = []): void => void socket.send(encodeMessage(address, args), port, '127.0.0.1');
  const pushed = (): Promise<void> => new Promise((r) => (waiting = () => ((waiting = null), r())));
  send('/connect', [server.tokens.operator]);
  send('/updates', [1]);
  await new Promise((r) => setTimeout(r, 100));
  await server.command({ command: 'go' }, 'bench');
  const osc: number[] = [];
  const http: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const command = i % 2 === 0 ? 'pause' : 'resume';
    // One peer may send 50 messages a second (osc-server.ts): stay under it.
    await new Promise((r) => setTimeout(r, 25));
    let t0 = performance.now();
    let p = pushed();
    send(`/${command}`);
    await p;
    osc.push(performance.now() - t0);
    const back = i % 2 === 0 ? 'resume' : 'hold';
    t0 = performance.now();
    p = pushed();
    await fetch(`${server.url}/api/transport/${back}`, { method: 'POST', headers: { authorization: `Bearer ${server.tokens.operator}` } });
    await p;
    http.push(performance.now() - t0);
    // Undo the HTTP command so the next OSC one applies; its push must not answer the next wait.
    p = pushed();
    await server.command({ command: i % 2 === 0 ? 'hold' : 'resume' }, 'bench');
    await p;
  }
  socket.close();
  await server.close();
  return { osc, http };
}

async function mtcErrors(spinMs: number, seconds: number): Promise<{ errors: number[]; skipped: number }> {
  const errors: number[] = [];
  let out: MtcOut | null = null;
  out = new MtcOut({ rate: 30, offsetSeconds: 3600, clock: serverClock, spinMs, send: (bytes) => {
    if (bytes[0] === 0xf1) errors.push(out!.counts().lastErrorMs);
  } });
  const now = serverClock();
  out.follow({ revision: 1, mode: 'playing', playing: true, entryIndex: 0, showTime: 0, serverTime: now, rate: 1, holdAt: 1e9, waiting: false, blackout: null });
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const skipped = out.counts().skipped;
  out.stop();
  return { errors, skipped };
}

export async function bench(): Promise<BenchSection> {
  const load = loadavg()[0]!.toFixed(1);
  const { osc, http } = await oscVersusHttp(150);
  const spin = await mtcErrors(1, 5);
  const plain = await mtcErrors(0, 5);
  const p99 = (v: number[]): number => quantile(v, 0.99);
  return {
    title: 'Venue protocols (OSC, MTC)',
    rows: [
      { name: 'OSC /pause|/resume → pushed /update/transport, p50', value: ms(quantile(osc, 0.5)), note: `${osc.length} commands over UDP on 127.0.0.1` },
      { name: 'same, p99', value: ms(p99(osc)), note: `baseline HTTP POST → same push p99 ${ms(p99(http))}; OSC = ${(p99(osc) / p99(http)).toFixed(2)}× HTTP` },
      { name: 'MTC quarter frame error (sent − due), main-thread runner, p99', value: ms(p99(spin.errors)), note: `30 fps, 5 s, ${spin.errors.length} sent, ${spin.skipped} skipped; p50 ${ms(quantile(spin.errors, 0.5))}; aim < 1 ms` },
      { name: 'baseline: plain timer (no spin), p99', value: ms(p99(plain.errors)), note: `${plain.errors.length} sent, ${plain.skipped} skipped; spin = ${(p99(spin.errors) / Math.max(p99(plain.errors), 1e-6)).toFixed(2)}× the plain timer's p99` },
    ],
    notes: `Load average ${load} at the start. Both transport paths include the controller's journal write (fdatasync) before the push, which dominates on a busy disk. serve times MTC on the lighting thread (the same MtcPlan beside the cue plan); this bench measures the main-thread runner used with other drivers.`,
  };
}
