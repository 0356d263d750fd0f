// A process of simulated viewers for the fans benchmarks, driven by its parent over IPC:
// `fork(bench/fans-viewers.ts)` through bin/run-ts.js. Each viewer is a real socket.io client doing
// what the viewer page does on the wire (a websocket, one clock ping a second, the transport and
// crowd events, cheers when asked) from an address of its own in 127.0.0.0/8, so per-address
// budgets on the server see separate households as they would on the internet.
//
// The parent spreads its viewers over several of these processes so that one client event loop,
// reading thousands of sockets, does not become the thing measured.

import { io as connectIo, type Socket } from 'socket.io-client';
import { EVENTS, CROWD_EVENTS, COLOUR_NAMES, type TransportSnapshot } from '../protocol/index.ts';

export interface Target {
  url: string;
  token: string;
}

/** Parent -> child. */
export type ViewerCommand =
  | { type: 'connect'; targets: Target[]; count: number; firstId: number }
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
  | { type: 'latencies'; byRevision: Record<string, number[]>; connected: number; joined: number; left: number; cheers: number; errors: number; dropped: Record<string, number> }
  | { type: 'closed' };

const epochNow = (): number => performance.timeOrigin + performance.now();
const send = (r: ViewerReport): void => void process.send!(r);

/** Viewer number `id` connects from 127.a.b.c (never 127.0.0.1, which the desk uses). */
export function viewerAddress(id: number): string {
  const n = id + 256 * 256; // 127.1.0.0 upwards
  return `127.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
}

interface Viewer {
  id: number;
  socket: Socket;
  ping: ReturnType<typeof setTimeout> | ReturnType<typeof setInterval> | null;
}

const viewers = new Map<number, Viewer>();
let targets: Target[] = [];
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

function open(id: number): { viewer: Viewer; up: Promise<boolean> } {
  const target = targets[id % targets.length]!;
  const socket = connectIo(target.url, { auth: { token: target.token }, transports: ['websocket'], forceNew: true, reconnection: false, timeout: 60_000, localAddress: viewerAddress(id) } as Parameters<typeof connectIo>[1]);
  const viewer: Viewer = { id, socket, ping: null };
  socket.on(EVENTS.transport, (snap: TransportSnapshot) => {
    if (!measuring) return;
    const latency = epochNow() - snap.serverTime;
    const list = byRevision.get(snap.revision);
    if (list) list.push(latency);
    else byRevision.set(snap.revision, [latency]);
  });
  socket.on(CROWD_EVENTS.crowd, () => {});
  socket.on('disconnect', (reason: string) => {
    if (reason === 'io client disconnect') return;
    dropped[reason] = (dropped[reason] ?? 0) + 1;
    shut(viewer);
  });
  const up = new Promise<boolean>((resolve) => {
    socket.once('connect', () => {
      // Clock sync as the page does after its first burst: one ping a second, phases spread.
      viewer.ping = setTimeout(() => {
        viewer.ping = setInterval(() => socket.emit(EVENTS.clockPing, Date.now(), () => {}), 1000);
      }, Math.random() * 1000);
      resolve(true);
    });
    socket.once('connect_error', () => {
      errors++;
      resolve(false);
    });
  });
  viewers.set(id, viewer);
  return { viewer, up };
}

function shut(v: Viewer): void {
  if (v.ping) clearInterval(v.ping as ReturnType<typeof setInterval>);
  v.socket.close();
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
  const connected = [...viewers.values()].filter((v) => v.socket.connected).length;
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
    const live = [...viewers.values()].filter((v) => v.socket.connected);
    for (let k = 0; k < cheering && live.length; k++) {
      const v = live[Math.floor(Math.random() * live.length)]!;
      v.socket.emit(CROWD_EVENTS.cheer, { colour: COLOUR_NAMES[v.id % COLOUR_NAMES.length], waves: 1 + (v.id % 3) });
      cheers++;
    }
  }, 100);
}

process.on('message', (m: ViewerCommand) => {
  switch (m.type) {
    case 'connect':
      targets = m.targets;
      void connectAll(m.count, m.firstId);
      break;
    case 'measure':
      measuring = m.on;
      break;
    case 'collect': {
      const out: Record<string, number[]> = {};
      for (const [rev, list] of byRevision) out[rev] = list;
      byRevision = new Map();
      const connected = [...viewers.values()].filter((v) => v.socket.connected).length;
      send({ type: 'latencies', byRevision: out, connected, joined, left, cheers, errors, dropped });
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
