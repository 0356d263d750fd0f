// The crowd on its way to thousands of viewers (server/src/fans/sliced-cast.ts, hub.ts): written a
// slice at a time so that a broadcast issued meanwhile overtakes the rest of the walk, a newer
// frame replacing one still on its way, and an unchanged crowd sent to viewers only at the slow
// keep-alive while the desk keeps its fast one. Real socket.io server and clients on loopback.
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Server as IoServer } from 'socket.io';
import { io as connectIo, type Socket as ClientSocket } from 'socket.io-client';
import { SlicedCast } from '../../server/src/fans/sliced-cast.ts';
import { FanHub } from '../../server/src/fans/hub.ts';
import { CROWD_EVENTS, type CrowdFrame } from '../../protocol/index.ts';
import { waitUntil } from '../server/helpers.ts';

let http: HttpServer | null = null;
let io: IoServer | null = null;
const clients: ClientSocket[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  io?.close();
  if (http) await new Promise((r) => http!.close(r));
  http = null;
  io = null;
});

/** A socket.io server where each client joins the room it names in its auth. */
async function start(): Promise<number> {
  http = createServer();
  io = new IoServer(http, { serveClient: false });
  io.on('connection', (s) => void s.join(String((s.handshake.auth as { room?: string }).room)));
  await new Promise<void>((r) => http!.listen(0, '127.0.0.1', () => r()));
  return (http.address() as AddressInfo).port;
}

/** `n` clients in `room`, each logging every event it gets as "event:payload", in order. */
async function join(port: number, room: string, n: number): Promise<string[][]> {
  const logs: string[][] = [];
  for (let i = 0; i < n; i++) {
    const c = connectIo(`http://127.0.0.1:${port}`, { auth: { room }, transports: ['websocket'], forceNew: true, reconnection: false });
    clients.push(c);
    const log: string[] = [];
    c.onAny((event: string, payload: unknown) => log.push(`${event}:${typeof payload === 'object' ? JSON.stringify(payload) : String(payload)}`));
    logs.push(log);
    await new Promise<void>((r) => c.once('connect', () => r()));
  }
  await waitUntil(() => io!.of('/').adapter.rooms.get(room)?.size === n, 10_000, `${n} sockets in ${room}`);
  return logs;
}

describe('sliced broadcast to a room', () => {
  it('reaches every socket once; a broadcast issued meanwhile overtakes the slices still to come', async () => {
    const port = await start();
    const logs = await join(port, 'viewer', 5);
    const cast = new SlicedCast(io!, 'viewer', 'crowd', 2);
    cast.send('A');
    io!.emit('transport', 'T'); // issued after the crowd, before its second slice
    await waitUntil(() => logs.every((l) => l.length === 2), 10_000, 'both events everywhere');
    // The first slice (2 sockets) had the crowd first; the others got the transport first.
    expect(logs.filter((l) => l[0] === 'crowd:A')).toHaveLength(2);
    expect(logs.filter((l) => l[0] === 'transport:T')).toHaveLength(3);
    for (const l of logs) expect([...l].sort()).toEqual(['crowd:A', 'transport:T']);
  });

  it('lets a newer payload replace one still on its way, and touches only its room', async () => {
    const port = await start();
    const viewers = await join(port, 'viewer', 5);
    const desks = await join(port, 'operator', 1);
    const cast = new SlicedCast(io!, 'viewer', 'crowd', 2);
    cast.send('old');
    cast.send('new');
    await waitUntil(() => viewers.every((l) => l.includes('crowd:new')), 10_000, 'the newer payload everywhere');
    // Only the first slice had the old one before the new one took over.
    expect(viewers.filter((l) => l.includes('crowd:old'))).toHaveLength(2);
    for (const l of viewers) expect(l.at(-1)).toBe('crowd:new');
    expect(desks[0]).toEqual([]);
  });
});

describe('the crowd to viewers', () => {
  it('sends an unchanged crowd to viewers only at their slow keep-alive; the desk keeps its own', async () => {
    const port = await start();
    const viewers = await join(port, 'viewer', 3);
    const desks = await join(port, 'operator', 1);
    let now = 1_000_000;
    const hub = new FanHub({ io: io!, clock: () => now, node: 'n', merging: true, clustered: false, keepAliveMs: 100, viewerIntervalMs: 100, viewerKeepAliveMs: 500 });
    // Eleven windows of a quiet crowd (nobody attached, nobody cheering): 0, 100, ..., 1000 ms.
    for (let k = 0; k <= 10; k++) {
      hub.tick(now);
      now += 100;
    }
    const times = (log: string[]): number[] => log.map((x) => (JSON.parse(x.slice('crowd:'.length)) as CrowdFrame).serverTime - 1_000_000);
    await waitUntil(() => desks[0]!.length === 11 && viewers.every((l) => l.length === 3), 10_000, 'the keep-alives');
    expect(times(desks[0]!)).toEqual([0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000]);
    for (const l of viewers) expect(times(l)).toEqual([0, 500, 1000]);
    hub.stop();
  });
});
