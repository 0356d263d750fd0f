// A minimal socket.io client for the fans benchmarks: the viewer page's wire protocol (a websocket,
// engine.io 4 framing, socket.io 5 packets) spoken over a bare TCP socket, so that thousands of
// simulated viewers in one process cost little more than the system calls that read them, and a
// transport event is timed the moment its websocket frame arrives, before any decoding.
//
// What it speaks: the HTTP upgrade (checking Sec-WebSocket-Accept), unmasked text frames from the
// server (fragmented ones too) and masked frames to it, websocket ping/close, engine.io open /
// ping -> pong / message / close, socket.io CONNECT (with the auth token), CONNECT_ERROR, EVENT
// with or without an ack id, ACK and DISCONNECT. No polling, no reconnection, no binary packets
// (the show's events carry none); anything else closes the connection with a reason.
// tests/fans/wire-client.test.ts checks it against the real show server.

import { createHash, randomBytes } from 'node:crypto';
import { request } from 'node:http';
import type { Socket as NetSocket } from 'node:net';

const epochNow = (): number => performance.timeOrigin + performance.now();
const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const OP = { continuation: 0x0, text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa } as const;

export interface WireClientOptions {
  /** Sent in socket.io's CONNECT packet, as the page's `auth`. */
  auth?: Record<string, unknown>;
  /** Bind the TCP socket to this local address (the bench's one address per viewer). */
  localAddress?: string;
  /** Give up on the handshake after this long. */
  timeoutMs?: number;
}

/** An event's arguments, and the epoch time (ms) its first frame's bytes reached this process. */
export type WireHandler = (args: unknown[], receivedAt: number) => void;

export class WireClient {
  connected = false;
  private tcp: NetSocket | null = null;
  private readonly handlers = new Map<string, WireHandler>();
  private readonly acks = new Map<number, (args: unknown[]) => void>();
  private nextAck = 0;
  private pending: Buffer | null = null;
  private fragments: Buffer[] = [];
  private closedWith: string | null = null;
  private onConnect: ((error: string | null) => void) | null = null;
  private authToSend: Record<string, unknown> | null = null;
  /** Called once when the connection ends other than by close(): the reason. */
  onDisconnect: (reason: string) => void = () => {};

  constructor(
    private readonly url: string,
    private readonly options: WireClientOptions = {},
  ) {}

  /** Resolves once the socket.io namespace is joined; rejects with the server's refusal or the failure. Set handlers first. */
  connect(): Promise<this> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.fail('handshake timeout'), this.options.timeoutMs ?? 60_000);
      this.onConnect = (error) => {
        clearTimeout(timer);
        this.onConnect = null;
        if (error) reject(new Error(error));
        else resolve(this);
      };
      this.open(this.url, this.options);
    });
  }

  on(event: string, handler: WireHandler): void {
    this.handlers.set(event, handler);
  }

  /** socket.io EVENT; with `ack`, the server's acknowledgement comes back to it. */
  emit(event: string, args: unknown[], ack?: (args: unknown[]) => void): void {
    let id = '';
    if (ack) {
      id = String(this.nextAck++);
      this.acks.set(Number(id), ack);
    }
    this.sendText(`42${id}${JSON.stringify([event, ...args])}`);
  }

  close(): void {
    if (this.closedWith) return;
    this.closedWith = 'io client disconnect';
    if (this.connected) this.sendText('41');
    this.connected = false;
    this.tcp?.end();
    this.tcp?.destroy();
  }

  private open(url: string, o: WireClientOptions): void {
    const u = new URL('/socket.io/?EIO=4&transport=websocket', url);
    const key = randomBytes(16).toString('base64');
    const req = request({
      host: u.hostname,
      port: u.port,
      path: `${u.pathname}${u.search}`,
      localAddress: o.localAddress,
      headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': key },
    });
    req.on('upgrade', (res, tcp, head) => {
      const accept = createHash('sha1').update(key + WS_GUID).digest('base64');
      if (res.headers['sec-websocket-accept'] !== accept) {
        tcp.destroy();
        return this.fail('websocket handshake: wrong Sec-WebSocket-Accept');
      }
      this.tcp = tcp;
      tcp.setNoDelay(true);
      tcp.on('data', (chunk: Buffer) => this.read(chunk));
      tcp.on('close', () => this.fail('transport close'));
      tcp.on('error', () => this.fail('transport error'));
      this.authToSend = o.auth ?? null;
      if (head.length) this.read(head);
    });
    req.on('response', (res) => {
      res.resume();
      this.fail(`websocket handshake refused: HTTP ${res.statusCode}`);
    });
    req.on('error', (e) => this.fail(`connect: ${e.message}`));
    req.end();
  }

  /** Websocket frames from the server (never masked), possibly split or joined across reads. */
  private read(chunk: Buffer): void {
    const receivedAt = epochNow();
    let buf = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = null;
    while (buf.length >= 2) {
      const fin = (buf[0]! & 0x80) !== 0;
      const opcode = buf[0]! & 0x0f;
      if (buf[1]! & 0x80) return this.fail('websocket: masked frame from the server');
      let length = buf[1]! & 0x7f;
      let start = 2;
      if (length === 126) {
        if (buf.length < 4) break;
        length = buf.readUInt16BE(2);
        start = 4;
      } else if (length === 127) {
        if (buf.length < 10) break;
        length = Number(buf.readBigUInt64BE(2));
        start = 10;
      }
      if (buf.length < start + length) break;
      const payload = buf.subarray(start, start + length);
      buf = buf.subarray(start + length);
      if (opcode === OP.ping) this.sendFrame(OP.pong, payload);
      else if (opcode === OP.close) return this.fail('transport close');
      else if (opcode === OP.text || opcode === OP.continuation) {
        if (!fin) this.fragments.push(payload);
        else if (this.fragments.length) this.engine(Buffer.concat([...this.fragments.splice(0), payload]).toString(), receivedAt);
        else this.engine(payload.toString(), receivedAt);
      } else if (opcode !== OP.pong) return this.fail(`websocket: unexpected opcode ${opcode}`);
      if (this.closedWith) return;
    }
    if (buf.length) this.pending = Buffer.from(buf);
  }

  /** One engine.io packet. */
  private engine(text: string, receivedAt: number): void {
    switch (text[0]) {
      case '0': // open: join the main namespace
        this.sendText(`40${this.authToSend ? JSON.stringify(this.authToSend) : ''}`);
        return;
      case '1':
        return this.fail('transport close');
      case '2': // heartbeat from the server
        this.sendText('3');
        return;
      case '4':
        return this.socketIo(text.slice(1), receivedAt);
      default:
        return this.fail(`engine.io: unexpected packet ${JSON.stringify(text.slice(0, 20))}`);
    }
  }

  /** One socket.io packet (main namespace). */
  private socketIo(text: string, receivedAt: number): void {
    const type = text[0];
    if (type === '0') {
      this.connected = true;
      this.onConnect?.(null);
      return;
    }
    if (type === '4') {
      const data = JSON.parse(text.slice(1)) as { message?: string };
      return this.fail(data.message ?? 'connect_error');
    }
    if (type === '1') return this.fail('io server disconnect');
    if (type !== '2' && type !== '3') return this.fail(`socket.io: unexpected packet type ${type}`);
    let i = 1;
    while (i < text.length && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i++;
    const id = i > 1 ? Number(text.slice(1, i)) : null;
    const args = JSON.parse(text.slice(i)) as unknown[];
    if (type === '3') {
      const ack = id === null ? undefined : this.acks.get(id);
      if (id !== null) this.acks.delete(id);
      ack?.(args);
      return;
    }
    const handler = this.handlers.get(String(args[0]));
    handler?.(args.slice(1), receivedAt);
    if (id !== null) this.sendText(`43${id}[]`); // the server asked for an ack: an empty one
  }

  /** One engine.io packet as a text frame (socket.io packets are engine.io messages: "4" + packet). */
  private sendText(text: string): void {
    this.sendFrame(OP.text, Buffer.from(text));
  }

  /** A client frame: always masked (RFC 6455 5.3). */
  private sendFrame(opcode: number, payload: Buffer): void {
    const tcp = this.tcp;
    if (!tcp || tcp.destroyed) return;
    const n = payload.length;
    const headerLength = n < 126 ? 2 : n < 65536 ? 4 : 10;
    const frame = Buffer.allocUnsafe(headerLength + 4 + n);
    frame[0] = 0x80 | opcode;
    if (n < 126) frame[1] = 0x80 | n;
    else if (n < 65536) {
      frame[1] = 0x80 | 126;
      frame.writeUInt16BE(n, 2);
    } else {
      frame[1] = 0x80 | 127;
      frame.writeBigUInt64BE(BigInt(n), 2);
    }
    const mask = randomBytes(4);
    mask.copy(frame, headerLength);
    for (let k = 0; k < n; k++) frame[headerLength + 4 + k] = payload[k]! ^ mask[k & 3]!;
    tcp.write(frame);
  }

  private fail(reason: string): void {
    if (this.closedWith) return;
    this.closedWith = reason;
    const wasConnected = this.connected;
    this.connected = false;
    this.tcp?.destroy();
    if (this.onConnect) this.onConnect(reason);
    else if (wasConnected) this.onDisconnect(reason);
  }
}
