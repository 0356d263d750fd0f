// Fans: how many viewers one server process carries with the transport event still reaching
// every viewer within 100 ms (p99) on loopback, and how that grows with edge processes over redis.
//
// Every part runs in a process of its own: the show server(s) (bench/fans-node.ts), the viewers
// (bench/fans-viewers.ts, spread over FANS_BENCH_CLIENT_PROCS processes, each viewer from its own
// 127.x.y.z address, one clock ping a second as the page does) and redis. The viewers speak the
// page's wire protocol through bench/wire-client.ts, timed when a frame's bytes arrive, so that
// their own receive work, on the same 2 cores, is as small as it can honestly be; one run at the
// top count uses full socket.io-client objects instead, to show what the client itself costs.
// The operator sends GO / HOLD twelve times; each viewer notes receive time minus the snapshot's
// server time (one machine, one epoch clock, so no sync error enters).
//
// Where the time goes is measured alongside: the server's own walk over its sockets for each
// transport change (wall, CPU, of which kernel), until its last write has left the process, the
// same walk by a bare TCP server (the kernel's floor, bench/fans-tcp-floor.ts), the server's
// steady CPU use, the viewer processes' CPU and event-loop delay, and the same server with its
// direct frame writes turned off (socket.io's own per-socket path: the baseline of this run).
// One-process runs of the real server are repeated (FANS_BENCH_REPEATS, default 3) and the median
// run is reported with the others beside it: other sessions' work on the cores moves single runs.
// For the same reason every process of the bench (servers, viewers, redis: they inherit it) runs
// at nice FANS_BENCH_NICE (default -10, where the bench may raise its priority): the cores are
// still shared between the server and its viewers, but unrelated work on the machine, which a
// show machine would not run, waits for them rather than the other way round.

import { spawn } from 'node:child_process';
import { cpus, getPriority, loadavg, setPriority } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startRedisServer } from '../server/src/fans/redis-process.ts';
import type { NodeStats } from './fans-node.ts';
import type { ClientKind, ClientLoad } from './fans-viewers.ts';
import { ms, openDesk, percentile, stallProbe, startNode, stopProcess, summarize, ViewerPool, wait, type LatencySummary, type ServerNode } from './fans-harness.ts';
import type { BenchRow, BenchSection } from './run.ts';

const repoRoot = join(import.meta.dirname, '..');
const ROUNDS = 12;
const median = (xs: number[]): number => percentile(xs.slice().sort((a, b) => a - b), 50);

interface Run {
  label: string;
  client: ClientKind;
  viewers: number;
  connected: number;
  connectSeconds: number;
  expected: number;
  latency: LatencySummary;
  /** Per server process: median walk over its sockets per transport change, wall and CPU (ms). */
  walls: number[];
  cpus: number[];
  /** Of the CPU, the kernel's; and until every write had left the process (ms). */
  syss: number[];
  flushes: number[];
  clients: ClientLoad[];
  /** Per server process: CPU seconds per second over the measurement, and event-loop use. */
  cpuShare: number[];
  elu: number[];
  load: number;
  /** The bench process's own longest stall (ms) while the changes went out: the machine's, not the server's. */
  stall: number;
  /** p99s of the repeats this run is the median of. */
  repeats?: number[];
}

/** N viewers over `nodes` (round robin), ROUNDS transport changes from the first node's desk. */
async function measure(label: string, nodes: ServerNode[], viewers: number, clientProcs: number, client: ClientKind = 'wire', cheersPerSecond = 0): Promise<Run> {
  const pool = await ViewerPool.start(clientProcs);
  try {
    const c = await pool.connect(nodes.map((n) => ({ url: n.url, token: n.viewer })), viewers, client);
    const desk = await openDesk(nodes[0]!);
    pool.churn(0, cheersPerSecond); // cheering keeps the crowd changing: frames to every viewer twice a second
    await wait(2000); // every viewer's clock pings under way
    await Promise.all(nodes.map((n) => n.stats())); // start the counters from here
    await pool.collect();
    pool.measure(true);
    const probe = stallProbe();
    let expected = 0;
    let stalled = 0;
    for (let k = 0; k < ROUNDS && stalled < 2; k++) {
      const reply = await desk.command({ command: k % 2 === 0 ? 'go' : 'hold' });
      if (!reply) stalled++;
      if (!reply || reply.ok) expected += c.connected;
      await wait(600);
    }
    await wait(2000);
    pool.measure(false);
    pool.churn(0, 0);
    const stall = probe.stop().max;
    const stats: NodeStats[] = await Promise.all(nodes.map((n) => n.stats()));
    const got = await pool.collect();
    desk.close();
    return {
      label,
      client,
      viewers,
      connected: c.connected,
      connectSeconds: c.seconds,
      expected,
      latency: summarize(got.byRevision),
      walls: stats.map((s) => median(s.fanoutMs)),
      cpus: stats.map((s) => median(s.fanoutCpuMs)),
      syss: stats.map((s) => median(s.fanoutSysMs)),
      flushes: stats.map((s) => median(s.flushMs)),
      clients: got.loads,
      cpuShare: stats.map((s) => s.cpuSeconds / s.wallSeconds),
      elu: stats.map((s) => s.eventLoopUtilization),
      load: loadavg()[0]!,
      stall,
    };
  } finally {
    await pool.close();
  }
}

function tcpFloor(viewers: number, clientProcs: number): Promise<{ wall: number; cpu: number }> {
  return new Promise((resolvePromise, reject) => {
    const proc = spawn(process.execPath, [join(repoRoot, 'bin/run-ts.js'), join(repoRoot, 'bench/fans-tcp-floor.ts'), String(viewers), String(ROUNDS), String(clientProcs)], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
    proc.once('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (code !== 0 || !line) return reject(new Error(`fans-tcp-floor exited ${code}`));
      const r = JSON.parse(line) as { wallMs: number[]; cpuMs: number[] };
      resolvePromise({ wall: median(r.wallMs), cpu: median(r.cpuMs) });
    });
  });
}

const passes = (r: Run): boolean => r.latency.p99 < 100 && r.latency.received === r.expected && r.connected === r.viewers;
const per = (x: number, n: number): string => `${((x * 1000) / n).toFixed(1)} µs`;
const pct = (x: number): string => `${(x * 100).toFixed(0)} %`;
const clientNote = (r: Run): string =>
  `${r.clients.length} viewer processes (${r.client === 'wire' ? 'wire client' : 'socket.io-client objects'}): CPU ${r.clients.map((c) => pct(c.cpuSeconds / c.wallSeconds)).join(' / ')}, loop delay p99 ${r.clients.map((c) => ms(c.loopDelayP99)).join(' / ')}`;

function row(r: Run): BenchRow {
  const l = r.latency;
  const procs = r.walls.map((w, i) => `${r.walls.length > 1 ? `node ${i + 1}: ` : ''}walk ${ms(w)} wall / ${ms(r.cpus[i]!)} CPU (${ms(r.syss[i]!)} kernel), last write out at ${ms(r.flushes[i]!)}, server CPU ${pct(r.cpuShare[i]!)}, loop busy ${pct(r.elu[i]!)}`).join('; ');
  const repeats = r.repeats && r.repeats.length > 1 ? `; median of ${r.repeats.length} runs, p99s ${r.repeats.map((x) => x.toFixed(1)).join(' / ')} ms` : '';
  return {
    name: `${r.label}: ${r.viewers} viewers`,
    value: `p99 ${ms(l.p99)}`,
    note: `p50 ${ms(l.p50)}, max ${ms(l.max)}${repeats}; a typical change (median) reached the last viewer in ${ms(l.lastViewerMedian)}; fan-out alone p99 ${ms(l.fanoutP99)}, server delay median ${ms(l.serverDelayMedian)}; ${procs}; ${clientNote(r)}; ${l.received}/${r.expected} events received; ${r.connected} connected in ${r.connectSeconds.toFixed(1)} s; load ${r.load.toFixed(1)}, longest stall of the bench process ${ms(r.stall)}${passes(r) ? '; under 100 ms' : '; OVER the 100 ms aim or events lost'}`,
  };
}

/** Measure `times` times on fresh servers; the run with the median p99, carrying all the p99s. */
async function repeated(times: number, once: () => Promise<Run>): Promise<Run> {
  const runs: Run[] = [];
  for (let i = 0; i < times; i++) runs.push(await once());
  const sorted = runs.slice().sort((a, b) => a.latency.p99 - b.latency.p99);
  return { ...sorted[Math.floor((sorted.length - 1) / 2)]!, repeats: runs.map((r) => r.latency.p99) };
}

async function oneProcess(label: string, env: Record<string, string>, n: number, clientProcs: number, client: ClientKind = 'wire', cheers = 0): Promise<Run> {
  const node = await startNode([], { env });
  try {
    return await measure(label, [node], n, clientProcs, client, cheers);
  } finally {
    await stopProcess(node.proc);
  }
}

const ONE = 'one process';
const BASE = 'one process, socket.io path (baseline)';
const HEAVY = 'one process, socket.io-client viewers';
const CHEERING = 'one process, a tenth of the viewers cheering each second';

/** Raise this process's priority (its children inherit it); what it ran at, and how to undo it. */
function raisePriority(): { said: string; restore: () => void } {
  const before = getPriority(0);
  const wanted = Number(process.env.FANS_BENCH_NICE ?? -10);
  try {
    setPriority(0, wanted);
    return { said: `nice ${wanted}`, restore: () => setPriority(0, before) };
  } catch {
    return { said: `nice ${before} (could not raise to ${wanted})`, restore: () => {} };
  }
}

export async function bench(): Promise<BenchSection> {
  const priority = raisePriority();
  try {
    return await measureAll(priority.said);
  } finally {
    priority.restore();
  }
}

async function measureAll(priority: string): Promise<BenchSection> {
  const counts = (process.env.FANS_BENCH_COUNTS ?? '1000,2000,5000').split(',').map(Number);
  const clientProcs = Number(process.env.FANS_BENCH_CLIENT_PROCS ?? 2);
  const times = Number(process.env.FANS_BENCH_REPEATS ?? 3);
  const rows: BenchRow[] = [];
  const runs: Run[] = [];
  const loadBefore = loadavg()[0]!;
  const floors = new Map<number, { wall: number; cpu: number }>();
  const note = (r: Run): void => {
    runs.push(r);
    rows.push(row(r));
    process.stderr.write(`fans: ${r.label} ${r.viewers}: p99 ${ms(r.latency.p99)}, walk CPU ${r.cpus.map(ms).join(' / ')} (load ${r.load.toFixed(1)})\n`);
  };
  const top = Math.max(...counts);

  for (const n of counts) {
    const floor = await tcpFloor(n, clientProcs);
    floors.set(n, floor);
    rows.push({ name: `bare TCP floor: ${n} sockets`, value: `walk ${ms(floor.cpu)} CPU`, note: `${ms(floor.wall)} wall; ${per(floor.cpu, n)} CPU a socket; one 300-byte write to each, no socket.io (bench/fans-tcp-floor.ts)` });
    // The same server, one process: socket.io's own per-socket path (baseline), then direct frames.
    note(await oneProcess(BASE, { HOLOSTAGE_DIRECT_FRAMES: '0' }, n, clientProcs));
    note(await repeated(times, () => oneProcess(ONE, {}, n, clientProcs)));
    // What the viewers' own client costs: the same server, full socket.io-client objects.
    if (n === top) note(await oneProcess(HEAVY, {}, n, clientProcs, 'socket.io'));
    // A cheering crowd: crowd frames to every viewer twice a second, written in slices between which a transport change goes out.
    if (n === top) note(await oneProcess(CHEERING, {}, n, clientProcs, 'wire', n / 10));
  }

  // Primary + edges over redis: viewers split evenly; GO on the primary.
  const redis = await startRedisServer();
  try {
    for (const edges of [1, 2]) {
      for (const n of counts) {
        const nodes = [await startNode(['--redis', redis.url])];
        try {
          for (let e = 0; e < edges; e++) nodes.push(await startNode(['--redis', redis.url, '--edge']));
          note(await measure(`primary + ${edges} edge${edges > 1 ? 's' : ''} + redis`, nodes, n, clientProcs));
        } finally {
          for (const node of nodes.reverse()) await stopProcess(node.proc);
        }
      }
    }
  } finally {
    await redis.stop();
  }

  const best = (label: string): string => {
    const ok = runs.filter((r) => r.label === label && passes(r)).map((r) => r.viewers);
    return ok.length ? String(Math.max(...ok)) : 'none';
  };
  const of = (label: string, n: number): Run | undefined => runs.find((r) => r.label === label && r.viewers === n);
  const base = of(BASE, top);
  const direct = of(ONE, top);
  const heavy = of(HEAVY, top);
  const floor = floors.get(top)!;
  rows.push({ name: 'viewers per process at p99 < 100 ms (largest tried, measured)', value: best(ONE), note: `baseline socket.io path: ${best(BASE)}; of ${counts.join(', ')}; median of ${times} runs each; wall-clock latencies on shared cores, see load` });
  if (direct) {
    const l = direct.latency;
    rows.push({
      name: `where the time goes, one process, ${top} viewers`,
      value: `walk ${ms(direct.cpus[0]!)} CPU / ${ms(direct.walls[0]!)} wall`,
      note: `the median run: the server starts sending ${ms(l.serverDelayMedian)} after the snapshot (median); its walk over ${top} sockets takes ${ms(direct.cpus[0]!)} CPU, ${ms(direct.syss[0]!)} of it in the kernel (on loopback the sender also does the receiver's TCP work), stretched to ${ms(direct.walls[0]!)} wall by the other processes on the 2 cores; the last write leaves the process at ${ms(direct.flushes[0]!)}; the last viewer has it at p99 ${ms(l.fanoutP99)} after the first, and a typical change (median) has reached every viewer at ${ms(l.lastViewerMedian)}; the bench process's longest stall ${ms(direct.stall)}; ${clientNote(direct)}`,
    });
  }
  if (direct && heavy) {
    rows.push({
      name: `the viewers' client, ${top} viewers: wire client / socket.io-client objects`,
      value: `p99 ${ms(direct.latency.p99)} / ${ms(heavy.latency.p99)}`,
      note: `same server; wire client: viewer processes' CPU ${direct.clients.map((c) => pct(c.cpuSeconds / c.wallSeconds)).join(' + ')}, their loop delay p99 ${direct.clients.map((c) => ms(c.loopDelayP99)).join(' / ')}, server walk ${ms(direct.walls[0]!)} wall; socket.io-client: ${heavy.clients.map((c) => pct(c.cpuSeconds / c.wallSeconds)).join(' + ')}, ${heavy.clients.map((c) => ms(c.loopDelayP99)).join(' / ')}, ${ms(heavy.walls[0]!)}; the heavier clients take more of the 2 cores the server needs (the bench used them for every viewer before the wire client)`,
    });
  }
  if (base && direct) {
    const capacity = (r: Run): number => Math.floor((100 / r.cpus[0]!) * r.viewers);
    rows.push({ name: `fan-out CPU a viewer, ${top} viewers: direct frames / socket.io path / bare TCP`, value: `${per(direct.cpus[0]!, top)} / ${per(base.cpus[0]!, top)} / ${per(floor.cpu, top)}`, note: `direct frames ${(direct.cpus[0]! / base.cpus[0]!).toFixed(2)}× the socket.io path's CPU, ${(direct.cpus[0]! / floor.cpu).toFixed(2)}× the bare TCP floor's; server CPU between changes (clock pings, heartbeats, crowd) ${pct(direct.cpuShare[0]!)} / ${pct(base.cpuShare[0]!)} of a core` });
    rows.push({ name: 'viewers one dedicated core fans out in 100 ms (from CPU time)', value: String(capacity(direct)), note: `socket.io path ${capacity(base)}; bare TCP ${Math.floor((100 / floor.cpu) * top)}; the transport walk's CPU time at ${top} viewers, scaled; no other process competing` });
  }
  for (const edges of [1, 2]) {
    const label = `primary + ${edges} edge${edges > 1 ? 's' : ''} + redis`;
    const r = of(label, top);
    const edgeCpu = r ? r.cpus.slice(1) : [];
    rows.push({
      name: `${label}: viewers at p99 < 100 ms (largest tried, measured)`,
      value: best(label),
      note: r ? `at ${top}: each node walks ${Math.round(top / (edges + 1))} sockets in ${r.cpus.map(ms).join(' / ')} CPU (primary first), ${per(median(edgeCpu), top / (edges + 1))} CPU a viewer on an edge; ${edges + 2 + clientProcs} processes on the 2 cores` : '',
    });
  }
  rows.push({ name: 'machine load average (1 min) before / after', value: `${loadBefore.toFixed(1)} / ${loadavg()[0]!.toFixed(1)}`, note: `${cpus().length} cores shared with other sessions' work; the bench's processes ran at ${priority}; every wall-clock figure above includes waiting for a core` });
  return {
    title: 'Fans: viewers per process (transport event latency, loopback)',
    rows,
    notes: `Latency = viewer receive time − the snapshot's server time, for every viewer and each of ${ROUNDS} GO/HOLD changes (the broadcast follows the journal fdatasync; the journal is on tmpfs). Server(s), redis and ${clientProcs} viewer processes are separate processes on the same cores, at ${priority} (other sessions' work at its own); the viewers use the wire client (bench/wire-client.ts: the page's protocol over a bare socket, timed on the frame's arrival) except in the socket.io-client row. "walk" = the server's synchronous pass over its sockets for one transport change, median over the changes: wall time and CPU time (user + system, so the send system calls count); "last write out" = until no socket held unsent bytes in the process. "server CPU" = that process's CPU seconds per second over the measurement (clock pings, heartbeats, crowd frames, broadcasts). "loop delay" = a viewer process's event-loop delay p99: how late it could read a ready socket. The baseline row runs the same server with HOLOSTAGE_DIRECT_FRAMES=0.`,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const section = await bench();
  for (const r of section.rows) console.log(`${r.name} = ${r.value}  (${r.note ?? ''})`);
  process.exit(0);
}
