// Direct frame writes (server/src/fans/direct-frames.ts): a broadcast reaches an idle websocket in
// one write of the frame socket.io prepared, and a unicast or an ack in one write of a frame built
// around it, byte for byte what socket.io's own path sends; a socket with anything queued keeps
// socket.io's order; binary packets keep socket.io's own path.
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo, Socket as NetSocket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Server as IoServer, type Socket } from 'socket.io';
import { io as connectIo, type Socket as ClientSocket } from 'socket.io-client';
import WebSocket from 'ws';
import { directFrames } from '../../server/src/fans/direct-frames.ts';
import { waitUntil } from '../server/helpers.ts';

const servers: { http: HttpServer; io: IoServer }[] = [];
const clients: { close: () => void }[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const s of servers.splice(0)) {
    s.io.close();
    await new Promise((r) => s.http.close(r));
  }
});

/** A socket.io server on an ephemeral port; with `direct`, every connection gets direct frames. */
async function start(direct: boolean, onConnection: (s: Socket) => void = () => {}): Promise<{ io: IoServer; port: number; directWrites: () => number }> {
  const http = createServer();
  const io = new IoServer(http, { serveClient: false });
  let writes = 0;
  io.on('connection', (socket) => {
    if (direct) directFrames(socket);
    // Count writes that carry a whole text frame at once (the usual path writes header and payload
    // apart; a header alone is at most 10 bytes).
    const tcp = (socket.client.conn as unknown as { transport: { socket: { _sender: { _socket: NetSocket } } } }).transport.socket._sender._socket;
    const write = tcp.write.bind(tcp) as (chunk: unknown, ...rest: unknown[]) => boolean;
    tcp.write = ((chunk: unknown, ...rest: unknown[]) => {
      if (Buffer.isBuffer(chunk) && chunk.length > 10 && chunk[0] === 0x81) writes++;
      return write(chunk, ...rest);
    }) as typeof tcp.write;
    onConnection(socket);
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
  servers.push({ http, io });
  return { io, port: (http.address() as AddressInfo).port, directWrites: () => writes };
}

/** A bare websocket speaking engine.io 4 / socket.io 5 by hand: every text message it gets, raw. */
async function rawClient(port: number): Promise<string[] & { send: (text: string) => void }> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket`);
  clients.push({ close: () => ws.close() });
  const messages = Object.assign([] as string[], { send: (text: string) => ws.send(text) });
  ws.on('message', (data: Buffer, binary: boolean) => {
    const text = binary ? `<binary ${data.length}>` : data.toString();
    if (text.startsWith('0{')) ws.send('40'); // engine.io open: join the main namespace
    messages.push(text);
  });
  await waitUntil(() => messages.some((m) => m.startsWith('40{')), 10_000, 'the namespace connect');
  return messages;
}

describe('direct frame writes', () => {
  it('writes a broadcast to an idle websocket in one write, byte for byte what socket.io sends', async () => {
    const usual = await start(false);
    const direct = await start(true);
    const got = [await rawClient(usual.port), await rawClient(direct.port)];
    const payload = { revision: 7, mode: 'playing', serverTime: 1234.5, title: 'ü ✓ 歌' };
    usual.io.emit('transport:state', payload);
    direct.io.emit('transport:state', payload);
    await waitUntil(() => got.every((m) => m.some((x) => x.startsWith('42['))), 10_000, 'the broadcast on both');
    const [a, b] = got.map((m) => m.find((x) => x.startsWith('42['))!);
    expect(b).toBe(a);
    expect(JSON.parse(b!.slice(2))).toEqual(['transport:state', payload]);
    expect(direct.directWrites()).toBe(1);
    expect(usual.directWrites()).toBe(0);
  });

  it('writes a unicast and an ack to an idle websocket in one write each, byte for byte what socket.io sends', async () => {
    const serve = (s: Socket): void => {
      s.on('ping', (n: number, ack: (r: unknown) => void) => ack({ n, at: 1234.5, note: 'ü ✓ 歌 '.repeat(30) }));
      s.on('hi', () => s.emit('hello', { to: 'you', long: 'x'.repeat(70_000) }));
      s.on('bin', () => s.emit('blob', Buffer.from([1, 2, 3])));
    };
    const usual = await start(false, serve);
    const direct = await start(true, serve);
    const got = [await rawClient(usual.port), await rawClient(direct.port)];
    for (const m of got) m.send('427["ping",5]');
    await waitUntil(() => got.every((m) => m.some((x) => x.startsWith('437'))), 10_000, 'the ack on both');
    for (const m of got) m.send('42["hi"]');
    await waitUntil(() => got.every((m) => m.some((x) => x.startsWith('42["hello"'))), 10_000, 'the unicast on both');
    const [ackA, ackB] = got.map((m) => m.find((x) => x.startsWith('437'))!);
    expect(ackB).toBe(ackA);
    expect(JSON.parse(ackB!.slice(3))).toEqual([{ n: 5, at: 1234.5, note: 'ü ✓ 歌 '.repeat(30) }]);
    const [helloA, helloB] = got.map((m) => m.find((x) => x.startsWith('42["hello"'))!);
    expect(helloB).toBe(helloA);
    expect(direct.directWrites()).toBe(2); // the ack and the 70 kB unicast (a 64-bit length frame)
    expect(usual.directWrites()).toBe(0);
    // A binary packet goes socket.io's way: a placeholder packet, then the attachment.
    for (const m of got) m.send('42["bin"]');
    await waitUntil(() => got.every((m) => m.includes('<binary 3>')), 10_000, 'the binary packet on both');
    expect(got[1]!.slice(-2)).toEqual(got[0]!.slice(-2));
  });

  it('keeps socket.io order when unicasts, acks and broadcasts interleave on a busy socket', async () => {
    const direct = await start(true, (socket) => {
      socket.on('burst', (ack: (n: number) => void) => {
        // A large binary unicast (socket.io's own path) leaves the transport busy until ws has
        // written it, so what follows queues behind it in engine.io.
        direct.io.emit('seq', 0);
        socket.emit('seq', 1, Buffer.alloc(512 * 1024));
        for (let i = 2; i < 200; i++) {
          if (i % 3 === 0) socket.emit('seq', i);
          else direct.io.emit('seq', i);
        }
        ack(200);
      });
    });
    const client: ClientSocket = connectIo(`http://127.0.0.1:${direct.port}`, { transports: ['websocket'], forceNew: true, reconnection: false });
    clients.push(client);
    const seen: number[] = [];
    client.on('seq', (n: number) => seen.push(n));
    await new Promise<void>((r) => client.once('connect', () => r()));
    const count = (await client.timeout(10_000).emitWithAck('burst')) as number;
    await waitUntil(() => seen.length === count, 10_000, 'every message');
    expect(seen).toEqual(Array.from({ length: count }, (_, i) => i));
    // The first broadcast found the socket idle and went directly; later ones queued behind the unicast.
    expect(direct.directWrites()).toBeGreaterThanOrEqual(1);
    expect(direct.directWrites()).toBeLessThan(count);
  });
});
