// A show server for the fans benchmarks, run as its own process (the viewers live in others):
// `fork(bin/run-ts.js bench/fans-node.ts [--redis <url>] [--edge] [--soak])`. A synthetic show, no
// pages, no MIDI: a one-hour song, or with --soak a compressed show (three short entries) that
// the bench loops. Prints one JSON line {url, viewer, operator} once it listens, and answers
// {type: 'stats'} over IPC with what this process spent: memory, handles, event-loop use, CPU,
// and how long each transport broadcast took to hand to every socket.

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import type { Socket as NetSocket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance, PerformanceObserver, type EventLoopUtilization } from 'node:perf_hooks';
import { ShowServer } from '../server/src/server.ts';
import { NullDriver } from '../server/src/lighting/driver.ts';
import { EVENTS } from '../protocol/index.ts';
import type { Timeline, TimelineEntry } from '../show-files/src/timeline.ts';

/** One long song, or (compressed) a song, an MC and a song of a few seconds each, holding at the end. */
export function benchTimeline(compressed = false): Timeline {
  const settings = { width: 1280, height: 720, latencyMs: 0, mirror: { horizontal: false, vertical: false }, keystone: { topLeft: { x: 0, y: 0 }, topRight: { x: 1, y: 0 }, bottomRight: { x: 1, y: 1 }, bottomLeft: { x: 0, y: 1 } }, gain: 1, blackLevel: 0, audio: true };
  const song = (id: string, start: number, length: number) => ({
    id, title: `Song ${id}`, credits: [{ role: 'composer', name: 'bench' }], license: { name: 'CC0-1.0' }, tags: [],
    tempo: [{ tick: 0, bpm: 120 }], timeSignature: { numerator: 4, denominator: 4 }, start, duration: length, score: `scores/${id}.json`,
    voice: { transpose: 0, gainDb: 0, vibrato: { depth: 0, rate: 5, delay: 0.3 }, portamento: 0.05, formantShift: 0, preutterance: 0.05 },
    tracks: { vocal: { notes: [], phonemes: [], warnings: [] }, motion: [], camera: [], effects: [], lighting: [] },
  });
  const cut = { type: 'cut', seconds: 0 };
  const songs = compressed ? [song('a', 0, 8), song('b', 11, 8)] : [song('s', 0, 3600)];
  const entries = (compressed
    ? [
        { index: 0, kind: 'song', id: 'a', title: 'Song a', start: 0, end: 8, encore: false, holdAfter: false, transition: cut, song: 0 },
        { index: 1, kind: 'mc', id: 'mc', title: 'MC', start: 8, end: 11, encore: false, holdAfter: false, transition: cut },
        { index: 2, kind: 'song', id: 'b', title: 'Song b', start: 11, end: 19, encore: true, holdAfter: true, transition: cut, song: 1 },
      ]
    : [{ index: 0, kind: 'song', id: 's', title: 'Long song', start: 0, end: 3600, encore: false, holdAfter: false, transition: cut, song: 0 }]) as TimelineEntry[];
  return {
    format: 'holostage-timeline',
    version: 1,
    show: { title: compressed ? 'Fans soak' : 'Fans bench' },
    outputs: [{ id: 'stream', kind: 'stream', settings }],
    lighting: { port: 'none', channel: 1, mscDeviceId: 1 },
    duration: entries.at(-1)!.end,
    entries,
    songs,
  } as Timeline;
}

export interface NodeStats {
  rss: number;
  heapUsed: number;
  /** Active handles and requests (sockets, timers, fds), by process.getActiveResourcesInfo(). */
  handles: number;
  sockets: number;
  /** Since the previous stats call. */
  eventLoopUtilization: number;
  cpuSeconds: number;
  wallSeconds: number;
  /** Milliseconds each transport broadcast took to hand to every socket (synchronous part). */
  fanoutMs: number[];
  /** CPU time (user + system) of the same: what is left when preemption by other processes is taken out. */
  fanoutCpuMs: number[];
  /** Of that CPU time, the kernel's (system calls: the sends, and on loopback the receiving side's TCP work too). */
  fanoutSysMs: number[];
  /** From the snapshot's server time (the command's arrival) until its walk began: the journal write and the queue. */
  sendDelayMs: number[];
  /** Garbage-collection pauses since the previous stats call: their durations (ms). */
  gcMs: number[];
  /** From the walk's start until every socket's write had left the process (handed to the kernel). */
  flushMs: number[];
}

if (process.argv[1]?.endsWith('fans-node.ts')) {
  const args = process.argv.slice(2);
  const redisAt = args.indexOf('--redis');
  // The journal goes to tmpfs when there is one: this bench measures the fan-out over the network;
  // the journal's fdatasync (which a transport change waits for) is measured in bench/server.bench.ts
  // and on a shared disk it would swamp everything here.
  const base = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
  const server = new ShowServer({
    showDir: mkdtempSync(join(base, 'holostage-fans-bench-')),
    timeline: benchTimeline(args.includes('--soak')),
    lighting: new NullDriver(),
    pages: false,
    port: 0,
    transport: { goGuardMs: 0 },
    // Every simulated viewer connects from this one machine: lift the per-address caps a venue keeps.
    connectionLimits: { viewer: 1_000_000 },
    fansPerAddress: 1_000_000,
    redisUrl: redisAt >= 0 ? args[redisAt + 1] : undefined,
    edge: args.includes('--edge'),
  });
  await server.start();
  // Time the fan-out of each transport change to this process's sockets (bench instrumentation
  // only). A broadcast, local or arriving over redis, encodes once (_encode) and then walks the
  // sockets (apply): the walk that follows a transport packet's encoding is timed.
  const fanoutMs: number[] = [];
  const fanoutCpuMs: number[] = [];
  const fanoutSysMs: number[] = [];
  const sendDelayMs: number[] = [];
  const flushMs: number[] = [];
  const tcpOf = (s: { conn: unknown }): NetSocket | undefined => (s.conn as { transport?: { socket?: { _sender?: { _socket?: NetSocket } } } }).transport?.socket?._sender?._socket;
  const adapter = server.io.of('/').adapter as unknown as { _encode: (p: { data?: unknown[] }, o: unknown) => unknown; apply: (o: unknown, cb: unknown) => void };
  const encode = adapter._encode.bind(adapter);
  const apply = adapter.apply.bind(adapter);
  let timingNext = false;
  adapter._encode = (packet, opts) => {
    timingNext = Array.isArray(packet.data) && packet.data[0] === EVENTS.transport;
    if (timingNext) sendDelayMs.push(performance.timeOrigin + performance.now() - (packet.data![1] as { serverTime: number }).serverTime);
    return encode(packet, opts);
  };
  adapter.apply = (opts, callback) => {
    if (!timingNext) return apply(opts, callback);
    timingNext = false;
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    apply(opts, callback);
    fanoutMs.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    fanoutCpuMs.push((c.user + c.system) / 1000);
    fanoutSysMs.push(c.system / 1000);
    // Writes the kernel did not take at once wait in Node's stream buffers: follow them until they have gone.
    let waiting = [...server.io.of('/').sockets.values()].map(tcpOf).filter((t) => t && t.writableLength > 0);
    const drained = (): void => {
      waiting = waiting.filter((t) => t!.writableLength > 0 && !t!.destroyed);
      if (waiting.length) setImmediate(drained);
      else flushMs.push(performance.now() - t0);
    };
    drained();
  };
  const gcMs: number[] = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcMs.push(e.duration);
  }).observe({ entryTypes: ['gc'] });
  let elu: EventLoopUtilization = performance.eventLoopUtilization();
  let cpu = process.cpuUsage();
  let wall = performance.now();
  process.on('message', (m: { type: string }) => {
    if (m.type !== 'stats') return;
    // With --expose-gc (the soak), memory is read after a full collection: what is really held.
    (globalThis as { gc?: () => void }).gc?.();
    const mem = process.memoryUsage();
    const nowElu = performance.eventLoopUtilization();
    const stats: NodeStats = {
      rss: mem.rss,
      heapUsed: mem.heapUsed,
      handles: process.getActiveResourcesInfo().length,
      sockets: server.io.of('/').sockets.size,
      eventLoopUtilization: performance.eventLoopUtilization(nowElu, elu).utilization,
      cpuSeconds: (() => {
        const c = process.cpuUsage(cpu);
        return (c.user + c.system) / 1e6;
      })(),
      wallSeconds: (performance.now() - wall) / 1000,
      fanoutMs: fanoutMs.splice(0),
      fanoutCpuMs: fanoutCpuMs.splice(0),
      fanoutSysMs: fanoutSysMs.splice(0),
      flushMs: flushMs.splice(0),
      gcMs: gcMs.splice(0),
      sendDelayMs: sendDelayMs.splice(0),
    };
    elu = nowElu;
    cpu = process.cpuUsage();
    wall = performance.now();
    process.send!({ type: 'stats', stats });
  });
  process.stdout.write(`${JSON.stringify({ url: server.url, viewer: server.tokens.viewer, operator: server.tokens.operator })}\n`);
  const stop = (): void =>
    void server.close().then(() => {
      rmSync(server.showDir, { recursive: true, force: true });
      process.exit(0);
    });
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  process.once('disconnect', stop); // the bench that started us is gone
}
