// A process of simulated viewers for the fans benchmarks, driven by its parent over IPC:
// `fork(bench/fans-viewers.ts)` through bin/run-ts.js. Each viewer does what the viewer page does
// on the wire (a websocket, one clock ping a second, the transport and crowd events, cheers when
// asked) from an address of its own in 127.0.0.0/8, so per-address budgets on the server see
// separate households as they would on the internet.
//
// Two kinds of viewer: 'wire' (bench/wire-client.ts: the same protocol over a bare TCP socket,
// timed when the frame arrives, a few microseconds of work per event) and 'socket.io' (a full
// socket.io-client object per viewer, timed in its event handler: the heavier client, kept as the
// comparison). The parent spreads its viewers over several of these processes so that one client
// event loop, reading thousands of sockets, does not become the thing measured.

import { performance as perf, monitorEventLoopDelay } from 'node:perf_hooks';
import { io as connectIo } from 'socket.io-client';
import { EVENTS, CROWD_EVENTS, COLOUR_NAMES, type TransportSnapshot } from '../protocol/index.ts';
import { WireClient } from './wire-client.ts';

export interface Target {
  url: string;
  token: string;
}

export type ClientKind = 'wire' | 'socket.io';

/** Parent -> child. */
export type ViewerCommand =
  | { type: 'connect'; targets: Target[]; count: number; firstId: number; client: ClientKind }
  | { type: 'measure'; on: boolean }
  /** Take the latencies gathered so far (and forget them). */
  | { type: 'collect' }
  /** Soak: every second close `leavePerSecond` viewers and open as many; cheer `cheersPerSecond` in all. */
  | { type: 'churn'; leavePerSecond: number; cheersPerSecond: number }
  | { type: 'close' };

/** Child -> parent. */
export type ViewerReport =
  | { type: 'ready' }
  | { type: 'connected'; connected: number; seconds: number }
  /** Per transport change (revision): every viewer's latency in ms. */
  | { type: 'latencies'; byRevision: Record<string, number[]>; connected: number; joined: number; left: number; cheers: number; errors: number; dropped: Record<string, number>; load: ClientLoad }
  | { type: 'closed' };

/** What this viewer process spent while measuring: its own share of the wall-clock latencies. */
export interface ClientLoad {
  cpuSeconds: number;
  wallSeconds: number;
  eventLoopUtilization: number;
  /** p99 of this process's event-loop delay (ms): how late a ready socket may be read. */
  loopDelayP99: number;
}

const epochNow = (): number => perf.timeOrigin + perf.now();
const send = (r: ViewerReport): void => void process.send!(r);

/** Viewer number `id` connects from 127.a.b.c (never 127.0.0.1, which the desk uses). */
export function viewerAddress(id: number): string {
  const n = id + 256 * 256; // 127.1.0.0 upwards
  return `127.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
}

/** One viewer's connection, whichever client carries it. */
interface Link {
  readonly connected: boolean;
  clockPing: () => void;
  cheer: (payload: unknown) => void;
  close: () => void;
}

interface Viewer {
  id: number;
  link: Link | null;
  ping: ReturnType<typeof setTimeout> | ReturnType<typeof setInterval> | null;
}

const viewers = new Map<number, Viewer>();
let targets: Target[] = [];
let clientKind: ClientKind = 'wire';
let nextId = 0;
let measuring = false;
let byRevision = new Map<number, number[]>();
let joined = 0;
let left = 0;
let cheers = 0;
let errors = 0;
/** Viewers this process means to hold (churn tops the audience up to it). */
let target = 0;
/** Disconnections this process did not ask for, by socket.io's reason. */
const dropped: Record<string, number> = {};
let churnTimer: ReturnType<typeof setInterval> | null = null;

function note(snap: TransportSnapshot, receivedAt: number): void {
  if (!measuring) return;
  const latency = receivedAt - snap.serverTime;
  const list = byRevision.get(snap.revision);
  if (list) list.push(latency);
  else byRevision.set(snap.revision, [latency]);
}

function lost(viewer: Viewer, reason: string): void {
  if (!viewers.has(viewer.id)) return;
  dropped[reason] = (dropped[reason] ?? 0) + 1;
  shut(viewer);
}

/** A full socket.io-client object; the latency is taken in its event handler. */
function socketIoLink(viewer: Viewer, target: Target): Promise<Link> {
  const socket = connectIo(target.url, { auth: { token: target.token }, transports: ['websocket'], forceNew: true, reconnection: false, timeout: 60_000, localAddress: viewerAddress(viewer.id) } as Parameters<typeof connectIo>[1]);
  const link: Link = {
    get connected() {
      return socket.connected;
    },
    clockPing: () => socket.emit(EVENTS.clockPing, Date.now(), () => {}),
    cheer: (payload) => socket.emit(CROWD_EVENTS.cheer, payload),
    close: () => socket.close(),
  };
  socket.on(EVENTS.transport, (snap: TransportSnapshot) => note(snap, epochNow()));
  socket.on(CROWD_EVENTS.crowd, () => {});
  socket.on('disconnect', (reason: string) => reason !== 'io client disconnect' && lost(viewer, reason));
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(link));
    socket.once('connect_error', (e) => {
      socket.close();
      reject(e);
    });
  });
}

/** The bare wire client; the latency is taken when the frame's bytes arrive. */
async function wireLink(viewer: Viewer, target: Target): Promise<Link> {
  const client = new WireClient(target.url, { auth: { token: target.token }, localAddress: viewerAddress(viewer.id) });
  client.on(EVENTS.transport, (args, receivedAt) => note(args[0] as TransportSnapshot, receivedAt));
  client.onDisconnect = (reason) => lost(viewer, reason);
  await client.connect();
  return {
    get connected() {
      return client.connected;
    },
    clockPing: () => client.emit(EVENTS.clockPing, [Date.now()], () => {}),
    cheer: (payload) => client.emit(CROWD_EVENTS.cheer, [payload]),
    close: () => client.close(),
  };
}

function open(id: number): { viewer: Viewer; up: Promise<boolean> } {
  const target = targets[id % targets.length]!;
  const viewer: Viewer = { id, link: null, ping: null };
  viewers.set(id, viewer);
  const up = (clientKind === 'wire' ? wireLink(viewer, target) : socketIoLink(viewer, target)).then(
    (link) => {
      viewer.link = link;
      if (!viewers.has(id)) {
        link.close(); // shut while connecting
        return false;
      }
      // Clock sync as the page does after its first burst: one ping a second, phases spread.
      viewer.ping = setTimeout(() => {
        viewer.ping = setInterval(() => link.clockPing(), 1000);
      }, Math.random() * 1000);
      return true;
    },
    () => {
      errors++;
      viewers.delete(id);
      return false;
    },
  );
  return { viewer, up };
}

function shut(v: Viewer): void {
  if (v.ping) clearInterval(v.ping as ReturnType<typeof setInterval>);
  v.link?.close();
  viewers.delete(v.id);
}

async function connectAll(count: number, firstId: number): Promise<void> {
  const t0 = performance.now();
  nextId = firstId;
  target = count;
  // In batches, as a crowd arriving (and to keep the handshakes from timing out).
  const batch = 200;
  for (let i = 0; i < count; i += batch) {
    const ups: Promise<boolean>[] = [];
    for (let j = i; j < Math.min(count, i + batch); j++) ups.push(open(nextId++).up);
    await Promise.all(ups);
  }
  const connected = [...viewers.values()].filter((v) => v.link?.connected).length;
  send({ type: 'connected', connected, seconds: (performance.now() - t0) / 1000 });
}

function churn(leavePerSecond: number, cheersPerSecond: number): void {
  if (churnTimer) clearInterval(churnTimer);
  if (leavePerSecond <= 0 && cheersPerSecond <= 0) return;
  let tick = 0;
  // Ten slices a second, so the leaving, joining and cheering are spread out, not bursts.
  churnTimer = setInterval(() => {
    tick++;
    const leaving = Math.floor((leavePerSecond * tick) / 10) - Math.floor((leavePerSecond * (tick - 1)) / 10);
    const ids = [...viewers.keys()];
    for (let k = 0; k < leaving && ids.length; k++) {
      const id = ids.splice(Math.floor(Math.random() * ids.length), 1)[0]!;
      shut(viewers.get(id)!);
      left++;
      void open(nextId++).up.then((ok) => ok && joined++);
    }
    // Viewers the server dropped (or that failed to connect) come back, as a fan reloads the page.
    const missing = Math.min(Math.max(1, leaving), target - viewers.size);
    for (let k = 0; k < missing; k++) void open(nextId++).up.then((ok) => ok && joined++);
    const cheering = Math.floor((cheersPerSecond * tick) / 10) - Math.floor((cheersPerSecond * (tick - 1)) / 10);
    const live = [...viewers.values()].filter((v) => v.link?.connected);
    for (let k = 0; k < cheering && live.length; k++) {
      const v = live[Math.floor(Math.random() * live.length)]!;
      v.link!.cheer({ colour: COLOUR_NAMES[v.id % COLOUR_NAMES.length], waves: 1 + (v.id % 3) });
      cheers++;
    }
  }, 100);
}

const loopDelay = monitorEventLoopDelay({ resolution: 5 });
let loadFrom = { cpu: process.cpuUsage(), wall: perf.now(), elu: perf.eventLoopUtilization() };
function startLoad(): void {
  loopDelay.reset();
  loopDelay.enable();
  loadFrom = { cpu: process.cpuUsage(), wall: perf.now(), elu: perf.eventLoopUtilization() };
}
function readLoad(): ClientLoad {
  const c = process.cpuUsage(loadFrom.cpu);
  const load = { cpuSeconds: (c.user + c.system) / 1e6, wallSeconds: (perf.now() - loadFrom.wall) / 1000, eventLoopUtilization: perf.eventLoopUtilization(perf.eventLoopUtilization(), loadFrom.elu).utilization, loopDelayP99: loopDelay.percentile(99) / 1e6 };
  startLoad();
  return load;
}

process.on('message', (m: ViewerCommand) => {
  switch (m.type) {
    case 'connect':
      targets = m.targets;
      clientKind = m.client;
      void connectAll(m.count, m.firstId);
      break;
    case 'measure':
      measuring = m.on;
      if (m.on) startLoad();
      break;
    case 'collect': {
      const out: Record<string, number[]> = {};
      for (const [rev, list] of byRevision) out[rev] = list;
      byRevision = new Map();
      const connected = [...viewers.values()].filter((v) => v.link?.connected).length;
      send({ type: 'latencies', byRevision: out, connected, joined, left, cheers, errors, dropped, load: readLoad() });
      break;
    }
    case 'churn':
      churn(m.leavePerSecond, m.cheersPerSecond);
      break;
    case 'close':
      if (churnTimer) clearInterval(churnTimer);
      for (const v of [...viewers.values()]) shut(v);
      send({ type: 'closed' });
      setTimeout(() => process.exit(0), 200);
      break;
  }
});
process.on('disconnect', () => process.exit(0));
send({ type: 'ready' });
