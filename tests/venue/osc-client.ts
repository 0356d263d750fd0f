// A small OSC 1.0 client for the tests, written from the spec apart from the server's codec (so a
// shared mistake cannot pass): strings NUL-terminated and padded to 4 bytes, ',' type tags,
// big-endian int32 / float32. Real UDP on 127.0.0.1.

import { createSocket, type Socket } from 'node:dgram';

export type TestArg = string | number | { float: number };

function oscString(s: string): Buffer {
  const raw = Buffer.from(`${s}\0`, 'utf8');
  return Buffer.concat([raw, Buffer.alloc((4 - (raw.length % 4)) % 4)]);
}

export function oscPacket(address: string, args: TestArg[] = []): Buffer {
  let tags = ',';
  const data: Buffer[] = [];
  for (const a of args) {
    if (typeof a === 'string') {
      tags += 's';
      data.push(oscString(a));
    } else if (typeof a === 'number') {
      tags += 'i';
      const b = Buffer.alloc(4);
      b.writeInt32BE(a);
      data.push(b);
    } else {
      tags += 'f';
      const b = Buffer.alloc(4);
      b.writeFloatBE(a.float);
      data.push(b);
    }
  }
  return Buffer.concat([oscString(address), oscString(tags), ...data]);
}

export function oscBundle(...messages: Buffer[]): Buffer {
  const parts = [oscString('#bundle'), Buffer.from([0, 0, 0, 0, 0, 0, 0, 1])];
  for (const m of messages) {
    const size = Buffer.alloc(4);
    size.writeInt32BE(m.length);
    parts.push(size, m);
  }
  return Buffer.concat(parts);
}

export interface Received {
  address: string;
  args: (string | number)[];
}

/** Decode one message with string / int / float arguments (all the server sends). */
export function decodeOsc(buf: Buffer): Received {
  let at = 0;
  const str = (): string => {
    const end = buf.indexOf(0, at);
    if (end < 0) throw new Error('unterminated string');
    const s = buf.toString('utf8', at, end);
    at = (end + 4) & ~3;
    return s;
  };
  const address = str();
  const tags = str();
  if (tags[0] !== ',') throw new Error(`bad type tags ${tags}`);
  const args: (string | number)[] = [];
  for (const t of tags.slice(1)) {
    if (t === 's') args.push(str());
    else if (t === 'i') {
      args.push(buf.readInt32BE(at));
      at += 4;
    } else if (t === 'f') {
      args.push(buf.readFloatBE(at));
      at += 4;
    } else throw new Error(`unexpected type ${t}`);
  }
  if (at !== buf.length) throw new Error(`${buf.length - at} trailing bytes`);
  return { address, args };
}

export class OscTestClient {
  readonly received: Received[] = [];
  private readonly socket: Socket;
  private waiters: { match: (r: Received) => boolean; resolve: (r: Received) => void }[] = [];

  private constructor(private readonly port: number, socket: Socket) {
    this.socket = socket;
    socket.on('message', (msg) => {
      const r = decodeOsc(msg);
      this.received.push(r);
      this.waiters = this.waiters.filter((w) => (w.match(r) ? (w.resolve(r), false) : true));
    });
  }

  static async open(serverPort: number): Promise<OscTestClient> {
    const socket = createSocket('udp4');
    await new Promise<void>((res) => socket.bind(0, '127.0.0.1', () => res()));
    return new OscTestClient(serverPort, socket);
  }

  sendRaw(packet: Buffer): void {
    this.socket.send(packet, this.port, '127.0.0.1');
  }

  /** The next message at `address` not yet consumed (already received ones count). */
  next(address: string, timeoutMs = 3000, predicate: (r: Received) => boolean = () => true): Promise<Received> {
    const match = (r: Received): boolean => r.address === address && predicate(r);
    const i = this.received.findIndex(match);
    if (i >= 0) return Promise.resolve(this.received.splice(i, 1)[0]!);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${address} within ${timeoutMs} ms; got ${this.received.map((r) => r.address).join(', ')}`)), timeoutMs);
      this.waiters.push({
        match,
        resolve: (r) => {
          clearTimeout(timer);
          this.received.splice(this.received.indexOf(r), 1);
          resolve(r);
        },
      });
    });
  }

  /** Send a message and wait for its /reply; the reply's JSON. */
  async ask(address: string, args: TestArg[] = [], timeoutMs = 3000): Promise<{ address: string; status: string; data: any }> {
    const reply = this.next(`/reply${address}`, timeoutMs);
    this.sendRaw(oscPacket(address, args));
    return JSON.parse((await reply).args[0] as string);
  }

  close(): void {
    this.socket.close();
  }
}
