// The soak: a compressed show looping for SOAK_MINUTES (default 30) on one server process while
// viewers join and leave and cheer, checking that nothing accumulates. Every window (a minute, or
// a sixth of a short run) the server reports its memory after a full garbage collection, its open
// handles and its sockets, and the viewers report every transport event's latency.
//
// Aims (issue 15): memory flat within 10 %, no growth in handles, event p99 steady. The first
// window is the warm-up (compiled code, pools, the audience arriving); the comparison is the
// second window against the last.
//
// SOAK_MINUTES, SOAK_VIEWERS (default 1000), SOAK_CLIENT_PROCS (default 2) set the run.

import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { TransportCommand } from '../protocol/index.ts';
import type { NodeStats } from './fans-node.ts';
import { ms, openDesk, percentile, startNode, stopProcess, summarize, ViewerPool, wait } from './fans-harness.ts';
import type { BenchRow, BenchSection } from './run.ts';

interface Window {
  minute: number;
  p99: number;
  p50: number;
  events: number;
  stats: NodeStats;
  connected: number;
  load: number;
}

/** The operator's loop over the compressed show: every step is one transport change. */
const LOOP: TransportCommand[] = [{ command: 'seek', entry: 0, time: 0 }, { command: 'go' }, { command: 'hold' }, { command: 'go' }, { command: 'next' }, { command: 'seek', entry: 2, time: 0 }, { command: 'go' }];
const STEP_MS = 1500;

const pct = (a: number, b: number): string => `${(((b - a) / a) * 100).toFixed(1)} %`;
const mib = (b: number): string => `${(b / 2 ** 20).toFixed(1)} MiB`;

export async function bench(): Promise<BenchSection> {
  const minutes = Number(process.env.SOAK_MINUTES ?? 30);
  const viewers = Number(process.env.SOAK_VIEWERS ?? 1000);
  const clientProcs = Number(process.env.SOAK_CLIENT_PROCS ?? 2);
  const windowMs = Math.min(60_000, (minutes * 60_000) / 6);
  const windowCount = Math.max(2, Math.round((minutes * 60_000) / windowMs));
  // A hundredth of the audience leaves (and as many arrive) every second; a tenth cheers.
  const leavePerSecond = Math.max(1, Math.round(viewers / 100));
  const cheersPerSecond = Math.max(1, Math.round(viewers / 10));

  const node = await startNode(['--soak'], { execArgv: ['--expose-gc'] });
  const pool = await ViewerPool.start(clientProcs);
  const windows: Window[] = [];
  let commands = 0;
  let refused = 0;
  let stalled = 0;
  const reasons = new Set<string>();
  const crowd = { joined: 0, left: 0, cheers: 0, errors: 0, dropped: {} as Record<string, number> };
  try {
    const joined = await pool.connect([{ url: node.url, token: node.viewer }], viewers);
    if (joined.connected !== viewers) throw new Error(`soak: only ${joined.connected} of ${viewers} viewers connected`);
    const desk = await openDesk(node);
    pool.churn(leavePerSecond, cheersPerSecond);
    pool.measure(true);
    await node.stats();
    const start = performance.now();
    let step = 0;
    for (let w = 1; w <= windowCount; w++) {
      const end = start + w * windowMs;
      while (performance.now() < end - STEP_MS) {
        const reply = await desk.command(LOOP[step++ % LOOP.length]!);
        commands++;
        if (!reply) stalled++;
        else if (!reply.ok) {
          refused++;
          reasons.add(reply.error ?? '?');
        }
        await wait(STEP_MS);
      }
      await wait(Math.max(0, end - performance.now()));
      const stats = await node.stats();
      const got = await pool.collect();
      const s = summarize(got.byRevision);
      Object.assign(crowd, { joined: got.joined, left: got.left, cheers: got.cheers, errors: got.errors, dropped: got.dropped });
      windows.push({ minute: (w * windowMs) / 60_000, p99: s.p99, p50: s.p50, events: s.received, stats, connected: got.connected, load: loadavg()[0]! });
      process.stderr.write(`soak ${((w * windowMs) / 60_000).toFixed(1)} min: p99 ${ms(s.p99)}, heap ${mib(stats.heapUsed)}, rss ${mib(stats.rss)}, handles ${stats.handles} (${stats.sockets} sockets), load ${loadavg()[0]!.toFixed(1)}\n`);
    }
    pool.churn(0, 0);
    pool.measure(false);
    desk.close();
  } finally {
    await pool.close();
    await stopProcess(node.proc);
  }

  // The warm-up window is left out of the comparison.
  const first = windows[1] ?? windows[0]!;
  const last = windows.at(-1)!;
  const otherHandles = (w: Window): number => w.stats.handles - w.stats.sockets;
  const p99s = windows.slice(1).map((w) => w.p99).sort((a, b) => a - b);
  const heapGrowth = (last.stats.heapUsed - first.stats.heapUsed) / first.stats.heapUsed;
  const rssGrowth = (last.stats.rss - first.stats.rss) / first.stats.rss;
  const thirds = Math.max(1, Math.floor(windows.length / 3));
  const earlyP99 = percentile(windows.slice(1, 1 + thirds).map((w) => w.p99).sort((a, b) => a - b), 50);
  const lateP99 = percentile(windows.slice(-thirds).map((w) => w.p99).sort((a, b) => a - b), 50);
  // Viewers leaving and joining hold a handle or two in flight at any moment: compare the medians
  // of the first and last thirds, and call growth what exceeds that churn (1 % of the audience).
  const earlyHandles = percentile(windows.slice(1, 1 + thirds).map(otherHandles).sort((a, b) => a - b), 50);
  const lateHandles = percentile(windows.slice(-thirds).map(otherHandles).sort((a, b) => a - b), 50);
  const handlesHold = lateHandles - earlyHandles <= Math.max(2, viewers / 100);
  const loads = windows.map((w) => w.load);
  const rows: BenchRow[] = [
    { name: 'run', value: `${minutes} min, ${viewers} viewers`, note: `${windows.length} windows of ${(windowMs / 60_000).toFixed(2)} min; aimed at ${leavePerSecond} viewers leaving and joining and ${cheersPerSecond} cheers a second: ${crowd.left} left, ${crowd.joined} joined, ${crowd.cheers} cheers sent; dropped by the server or the network: ${Object.entries(crowd.dropped).map(([why, n]) => `${n} (${why})`).join(', ') || 'none'}; failed connects: ${crowd.errors}; viewers connected per window: ${windows.map((w) => w.connected).join(' ')}; ${commands} transport commands (${refused} refused by the show${reasons.size ? `: ${[...reasons].join('; ')}` : ''}, ${stalled} unanswered), one every ${STEP_MS / 1000} s over a 19 s show` },
    { name: 'memory: heap after GC, window 2 → last', value: `${mib(first.stats.heapUsed)} → ${mib(last.stats.heapUsed)} (${pct(first.stats.heapUsed, last.stats.heapUsed)})`, note: `aim: within 10 %: ${Math.abs(heapGrowth) <= 0.1 ? 'holds' : 'MISSED'}; per window: ${windows.map((w) => (w.stats.heapUsed / 2 ** 20).toFixed(0)).join(' ')} MiB` },
    { name: 'memory: resident set, window 2 → last', value: `${mib(first.stats.rss)} → ${mib(last.stats.rss)} (${pct(first.stats.rss, last.stats.rss)})`, note: `aim: within 10 %: ${Math.abs(rssGrowth) <= 0.1 ? 'holds' : 'MISSED'}; per window: ${windows.map((w) => (w.stats.rss / 2 ** 20).toFixed(0)).join(' ')} MiB` },
    { name: 'handles other than viewer sockets, first third → last third (medians)', value: `${earlyHandles} → ${lateHandles}`, note: `aim: no growth beyond the churn in flight (${Math.max(2, viewers / 100)}): ${handlesHold ? 'holds' : 'MISSED'}; other handles per window: ${windows.map(otherHandles).join(' ')}; all handles per window: ${windows.map((w) => w.stats.handles).join(' ')}; sockets: ${windows.map((w) => w.stats.sockets).join(' ')}` },
    { name: 'event p99 per window', value: `${ms(earlyP99)} first third → ${ms(lateP99)} last third`, note: `median of the windows in each third (warm-up left out); all windows: ${windows.map((w) => w.p99.toFixed(0)).join(' ')} ms; best ${ms(p99s[0]!)}, worst ${ms(p99s.at(-1)!)}; events received per window: ${windows.map((w) => w.events).join(' ')}` },
    { name: 'machine load average (1 min) per window', value: `${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}`, note: `${loads.map((l) => l.toFixed(1)).join(' ')}; ${cpus().length} cores shared with other sessions: a p99 that moves with the load is the machine, not the server` },
  ];
  return {
    title: 'Soak: a compressed show looping, viewers coming and going, cheers',
    rows,
    notes: `One server process (bench/fans-node.ts --soak, run with --expose-gc so memory is read after a full collection), ${clientProcs} viewer processes (bench/fans-viewers.ts, the wire client of bench/wire-client.ts: the page's protocol over a bare socket). "handles" = process.getActiveResourcesInfo() entries; viewer sockets are counted apart since the audience size moves with the churn. Duration: SOAK_MINUTES (the full run is 30 minutes).`,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const section = await bench();
  for (const r of section.rows) console.log(`${r.name} = ${r.value}  (${r.note ?? ''})`);
  process.exit(0);
}
