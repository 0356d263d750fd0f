// The fans bench's minimal viewer client (bench/wire-client.ts) against the real show server: it
// must speak exactly what a viewer page speaks, or the bench measures something else. It joins
// with the viewer token, gets hello, the transport event and the crowd, has its clock pings and
// cheers answered, is refused with the server's reason on a bad token, keeps answering engine.io
// heartbeats, and reads frames split across TCP reads.
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Server as IoServer } from 'socket.io';
import type { Socket } from 'socket.io-client';
import type { ShowServer } from '../../server/src/server.ts';
import { CROWD_EVENTS, EVENTS, type CrowdFrame, type Hello, type TransportSnapshot } from '../../protocol/index.ts';
import { WireClient } from '../../bench/wire-client.ts';
import { connect, emitAck, once, startTestServer, waitUntil } from '../server/helpers.ts';
import { makeTimeline } from '../server/fixtures.ts';

let server: ShowServer | null = null;
let plain: { http: HttpServer; io: IoServer } | null = null;
const closers: (() => void)[] = [];

afterEach(async () => {
  for (const c of closers.splice(0)) c();
  await server?.close();
  server = null;
  if (plain) {
    plain.io.close();
    await new Promise((r) => plain!.http.close(r));
    plain = null;
  }
});

async function wire(url: string, token: string, address: string): Promise<WireClient> {
  const c = new WireClient(url, { auth: { token }, localAddress: address, timeoutMs: 20_000 });
  closers.push(() => c.close());
  return c.connect();
}

describe('the bench wire client on the real show server', () => {
  it('joins as a viewer and receives hello, every transport change and the crowd; clock pings and cheers are answered', async () => {
    ({ server } = await startTestServer(makeTimeline([{ title: 'A', length: 60 }]), { transport: { goGuardMs: 0 } }));
    const hellos: Hello[] = [];
    const transports: { snap: TransportSnapshot; at: number }[] = [];
    const crowd: CrowdFrame[] = [];
    const viewer = new WireClient(server.url, { auth: { token: server.tokens.viewer }, localAddress: '127.0.0.21', timeoutMs: 20_000 });
    closers.push(() => viewer.close());
    viewer.on(EVENTS.transport, (args, at) => transports.push({ snap: args[0] as TransportSnapshot, at }));
    viewer.on(CROWD_EVENTS.crowd, (args) => crowd.push(args[0] as CrowdFrame));
    viewer.on(EVENTS.hello, (args) => hellos.push(args[0] as Hello));
    await viewer.connect();
    expect(viewer.connected).toBe(true);
    await waitUntil(() => hellos.length === 1, 10_000, 'the hello');
    expect(hellos[0]!.role).toBe('viewer');

    const desk: Socket = connect(server.url, server.tokens.operator, { localAddress: '127.0.0.1' });
    closers.push(() => desk.close());
    await once(desk, 'hello');
    for (const command of ['go', 'hold', 'go'] as const) {
      const reply = await emitAck<{ ok: boolean }>(desk, EVENTS.command, { command });
      expect(reply.ok).toBe(true);
    }
    await waitUntil(() => transports.length >= 3, 10_000, 'three transport changes at the wire client');
    expect(transports.map((t) => t.snap.mode)).toEqual(['playing', 'held', 'playing']);
    const revisions = transports.map((t) => t.snap.revision);
    expect(revisions).toEqual([...revisions].sort((a, b) => a - b));
    for (const t of transports) expect(t.at).toBeGreaterThanOrEqual(t.snap.serverTime - 1);

    // A clock ping comes back with the server's time; a cheer is acknowledged and counted.
    const before = Date.now();
    const pong = await new Promise<unknown[]>((resolve) => viewer.emit(EVENTS.clockPing, [Date.now()], resolve));
    expect(typeof pong[0]).toBe('number');
    expect(Math.abs((pong[0] as number) - before)).toBeLessThan(60_000);
    const cheer = await new Promise<unknown[]>((resolve) => viewer.emit(CROWD_EVENTS.cheer, [{ colour: 'cyan', waves: 2 }], resolve));
    expect(cheer[0]).toEqual({ ok: true });
    await waitUntil(() => crowd.some((f) => f.viewers === 1 && f.colours.some((c) => c.colour === 'cyan')), 10_000, 'the crowd frame with the cheer');
  });

  it('is refused with the server reason for a wrong token', async () => {
    ({ server } = await startTestServer(makeTimeline([{ title: 'A', length: 60 }])));
    await expect(wire(server.url, 'not-a-token', '127.0.0.22')).rejects.toThrow(/unauthorized/);
  });

  it('answers engine.io heartbeats and reads frames split across TCP reads', async () => {
    const http = createServer();
    const io = new IoServer(http, { serveClient: false, pingInterval: 200, pingTimeout: 2000 });
    plain = { http, io };
    let heartbeats = 0;
    io.on('connection', (socket) => {
      socket.conn.on('heartbeat', () => heartbeats++);
      socket.on('big', (ack: (s: string) => void) => ack('x'.repeat(70_000)));
    });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
    const c = await wire(`http://127.0.0.1:${(http.address() as AddressInfo).port}`, '', '127.0.0.23');
    let lost = '';
    c.onDisconnect = (reason) => (lost = reason);
    // Ten heartbeats (a pong each) at 200 ms: a client that did not answer would have none and be gone.
    await waitUntil(() => heartbeats >= 10, 20_000, 'ten heartbeats answered');
    expect(lost).toBe('');
    expect(c.connected).toBe(true);
    // A 70 kB ack (a 64-bit length frame, several TCP reads) arrives whole.
    const big = await new Promise<unknown[]>((resolve) => c.emit('big', [], resolve));
    expect(big[0]).toBe('x'.repeat(70_000));
    // The server ending the connection is seen.
    io.disconnectSockets(true);
    await waitUntil(() => lost !== '', 10_000, 'the disconnect');
    expect(c.connected).toBe(false);
  });
});
