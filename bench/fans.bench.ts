// Fans: how many viewers one server process carries with the transport event still reaching
// every viewer within 100 ms (p99) on loopback, and the same over two processes sharing redis.
//
// The server runs in its own process (bench/fans-node.ts); all the viewers are socket.io clients
// in this process, each doing what the viewer page does on the wire: a websocket, a clock-sync ping
// a second, the transport and crowd events. The operator sends HOLD / GO alternately; each change
// is broadcast to every viewer, and each viewer notes receive time minus the snapshot's server
// time (both clocks are this machine's epoch clock, so no sync error enters). That latency includes
// the journal write (the broadcast follows the fdatasync) and this process's own event loop, which
// on a two-core machine competes with the server for the CPU.

import { spawn, type ChildProcess } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { io as connectIo, type Socket } from 'socket.io-client';
import { EVENTS, type TransportSnapshot, CROWD_EVENTS } from '../protocol/index.ts';
import { startRedisServer } from '../server/src/fans/redis-process.ts';
import type { BenchSection } from './run.ts';

const repoRoot = join(import.meta.dirname, '..');
const epochNow = (): number => performance.timeOrigin + performance.now();

interface Node {
  proc: ChildProcess;
  url: string;
  viewer: string;
  operator: string;
}

async function startNode(extra: string[] = []): Promise<Node> {
  const proc = spawn(process.execPath, [join(repoRoot, 'bin/run-ts.js'), join(repoRoot, 'bench/fans-node.ts'), ...extra], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`bench node did not start:\n${err}`)), 60_000);
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) {
        clearTimeout(timer);
        resolve({ proc, ...(JSON.parse(line) as Omit<Node, 'proc'>) });
      }
    });
    proc.once('exit', (code) => reject(new Error(`bench node exited ${code}:\n${err}`)));
  });
}

function stopNode(n: Node): Promise<void> {
  return new Promise((resolve) => {
    if (n.proc.exitCode !== null) return resolve();
    n.proc.once('exit', () => resolve());
    n.proc.kill('SIGTERM');
    setTimeout(() => n.proc.kill('SIGKILL'), 5000).unref();
  });
}

interface Result {
  clients: number;
  connected: number;
  connectSeconds: number;
  received: number;
  expected: number;
  p50: number;
  p99: number;
  max: number;
  /** p99 of (latency − the first viewer's latency for the same change): the broadcast alone. */
  fanoutP99: number;
  /** Median of the first viewer's latency per change: the server's delay before it sends (journal, loop). */
  serverDelayMedian: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** N viewers spread over `nodes` (round robin), `rounds` transport changes from the first node's operator. */
async function measure(nodes: Node[], clients: number, rounds = 12): Promise<Result> {
  const sockets: Socket[] = [];
  const latencies: number[] = [];
  const byRevision = new Map<number, number[]>();
  const pingTimers: ReturnType<typeof setInterval>[] = [];
  let measuring = false;
  const t0 = performance.now();
  // Connect in batches, as a crowd arriving (and to keep the handshakes from timing out).
  const batch = 250;
  for (let i = 0; i < clients; i += batch) {
    const pending: Promise<void>[] = [];
    for (let j = i; j < Math.min(clients, i + batch); j++) {
      const node = nodes[j % nodes.length]!;
      const s = connectIo(node.url, { auth: { token: node.viewer }, transports: ['websocket'], forceNew: true, reconnection: false, timeout: 60_000 });
      sockets.push(s);
      s.on(EVENTS.transport, (snap: TransportSnapshot) => {
        if (!measuring) return;
        const l = epochNow() - snap.serverTime;
        latencies.push(l);
        const r = byRevision.get(snap.revision) ?? [];
        r.push(l);
        byRevision.set(snap.revision, r);
      });
      s.on(CROWD_EVENTS.crowd, () => {});
      pending.push(new Promise<void>((resolve) => {
        s.once('connect', () => resolve());
        s.once('connect_error', () => resolve());
      }));
    }
    await Promise.all(pending);
  }
  const connectSeconds = (performance.now() - t0) / 1000;
  const connected = sockets.filter((s) => s.connected).length;
  // Clock sync as the page does after its first burst: one ping a second, phases spread.
  for (const s of sockets) {
    const start = setTimeout(() => {
      pingTimers.push(setInterval(() => s.emit(EVENTS.clockPing, Date.now(), () => {}), 1000));
    }, Math.random() * 1000);
    pingTimers.push(start as unknown as ReturnType<typeof setInterval>);
  }
  const desk = connectIo(nodes[0]!.url, { auth: { token: nodes[0]!.operator }, transports: ['websocket'], forceNew: true, reconnection: false });
  await new Promise((r) => desk.once('hello', r));
  await new Promise((r) => setTimeout(r, 1500));
  measuring = true;
  let expected = 0;
  let stalled = 0;
  for (let k = 0; k < rounds; k++) {
    const command = k % 2 === 0 ? 'go' : 'hold';
    let reply: { ok: boolean; error?: string };
    try {
      reply = (await desk.timeout(20_000).emitWithAck(EVENTS.command, { command })) as { ok: boolean; error?: string };
    } catch {
      // The server did not even acknowledge within 20 s: overloaded. Count this change as sent.
      expected += connected;
      stalled++;
      if (stalled >= 2) break;
      continue;
    }
    if (reply.ok) expected += connected;
    await new Promise((r) => setTimeout(r, 600));
  }
  await new Promise((r) => setTimeout(r, 2000));
  measuring = false;
  for (const t of pingTimers) clearInterval(t);
  desk.close();
  for (const s of sockets) s.close();
  await new Promise((r) => setTimeout(r, 500));
  const sorted = latencies.slice().sort((a, b) => a - b);
  // Per change: the first viewer's latency is the server's own delay (journal write, event loop);
  // the spread after it is the fan-out.
  const firsts = [...byRevision.values()].map((l) => Math.min(...l)).sort((a, b) => a - b);
  const fanout = [...byRevision.values()].flatMap((l) => {
    const first = Math.min(...l);
    return l.map((x) => x - first);
  }).sort((a, b) => a - b);
  if (process.env.FANS_BENCH_VERBOSE) process.stderr.write(`  per change, first viewer: ${firsts.map((x) => x.toFixed(0)).join(' ')} ms\n`);
  return { clients, connected, connectSeconds, received: latencies.length, expected, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) ?? NaN, fanoutP99: percentile(fanout, 99), serverDelayMedian: percentile(firsts, 50) };
}

const ms = (x: number): string => `${x.toFixed(1)} ms`;

function row(label: string, r: Result): { name: string; value: string; note: string } {
  return {
    name: `${label}: ${r.clients} viewers`,
    value: `p99 ${ms(r.p99)}`,
    note: `p50 ${ms(r.p50)}, max ${ms(r.max)}; fan-out alone p99 ${ms(r.fanoutP99)}, server delay median ${ms(r.serverDelayMedian)}; ${r.received}/${r.expected} events received; ${r.connected} connected in ${r.connectSeconds.toFixed(1)} s${r.p99 < 100 && r.received === r.expected ? '; under 100 ms' : '; OVER the 100 ms aim or events lost'}`,
  };
}

export async function bench(): Promise<BenchSection> {
  const counts = (process.env.FANS_BENCH_COUNTS ?? '500,1000,2000,5000').split(',').map(Number);
  const rows: { name: string; value: string; note?: string }[] = [];
  const loadBefore = loadavg()[0]!;
  const results: { label: string; r: Result }[] = [];

  // One process.
  for (const n of counts) {
    const node = await startNode();
    try {
      const r = await measure([node], n);
      results.push({ label: 'one process', r });
      rows.push(row('one process', r));
      process.stderr.write(`fans: one process ${n}: p99 ${ms(r.p99)}\n`);
    } finally {
      await stopNode(node);
    }
  }

  // Two processes and redis: viewers split half and half; GO on the primary.
  const redis = await startRedisServer();
  try {
    for (const n of counts) {
      const primary = await startNode(['--redis', redis.url]);
      const edge = await startNode(['--redis', redis.url, '--edge']);
      try {
        const r = await measure([primary, edge], n);
        results.push({ label: 'primary + edge + redis', r });
        rows.push(row('primary + edge + redis', r));
        process.stderr.write(`fans: two processes ${n}: p99 ${ms(r.p99)}\n`);
      } finally {
        await stopNode(edge);
        await stopNode(primary);
      }
    }
  } finally {
    await redis.stop();
  }

  const best = (label: string): number => Math.max(0, ...results.filter((x) => x.label === label && x.r.p99 < 100 && x.r.received === x.r.expected).map((x) => x.r.clients));
  rows.push({ name: 'viewers per process at p99 < 100 ms (largest tried)', value: String(best('one process')), note: `of ${counts.join(', ')}` });
  rows.push({ name: 'viewers on two processes + redis at p99 < 100 ms (largest tried)', value: String(best('primary + edge + redis')), note: 'all processes (2 servers, redis, clients) share the same 2 cores' });
  rows.push({ name: 'machine load average (1 min) before / after', value: `${loadBefore.toFixed(1)} / ${loadavg()[0]!.toFixed(1)}`, note: `${cpus().length} cores; other work on the machine inflates every latency above` });
  return {
    title: 'Fans: viewers per process (transport event latency, loopback)',
    rows,
    notes: 'Latency = viewer receive time − the snapshot\'s server time, for every viewer and each of 12 GO/HOLD changes (the broadcast follows the journal fdatasync; the journal is on tmpfs here, see bench/server.bench.ts for its cost on disk). Viewers are socket.io clients in the bench process doing one clock ping a second each; the server(s) run in their own processes (bench/fans-node.ts). On this 2-core machine the client process competes with the server for CPU, so these numbers are a floor for a dedicated server.',
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const section = await bench();
  for (const r of section.rows) console.log(`${r.name} = ${r.value}  (${r.note ?? ''})`);
  process.exit(0);
}
