// OSC over TCP, framed with SLIP (RFC 1055) as OSC 1.1 and QLab use: END 0xC0 ends a packet, ESC
// 0xDB escapes an END (ESC 0xDC) or an ESC (ESC 0xDD) inside it. Each connection is one peer of
// the OscServer (same budget, passcode and replies); a frame over 8 kB closes the connection.

import { createServer, type Server, type Socket } from 'node:net';
import type { OscServer } from './osc-server.ts';

const END = 0xc0;
const ESC = 0xdb;
const ESC_END = 0xdc;
const ESC_ESC = 0xdd;
const MAX_FRAME = 8192;
const MAX_CONNECTIONS = 32;

export function slipEncode(packet: Buffer): Buffer {
  const out: number[] = [END];
  for (const b of packet) {
    if (b === END) out.push(ESC, ESC_END);
    else if (b === ESC) out.push(ESC, ESC_ESC);
    else out.push(b);
  }
  out.push(END);
  return Buffer.from(out);
}

/** Feeds bytes in, hands whole frames out; an over-long frame is an error (the caller closes). */
export class SlipDecoder {
  private frame: number[] = [];
  private escaped = false;

  constructor(private readonly onFrame: (frame: Buffer) => void) {}

  push(chunk: Buffer): void {
    for (const b of chunk) {
      if (this.escaped) {
        this.escaped = false;
        this.frame.push(b === ESC_END ? END : b === ESC_ESC ? ESC : b);
      } else if (b === ESC) this.escaped = true;
      else if (b === END) {
        if (this.frame.length) this.onFrame(Buffer.from(this.frame));
        this.frame = [];
      } else this.frame.push(b);
      if (this.frame.length > MAX_FRAME) throw new RangeError(`a SLIP frame over ${MAX_FRAME} bytes`);
    }
  }
}

export class OscTcpServer {
  private server: Server | null = null;
  private readonly connections = new Set<Socket>();

  constructor(private readonly osc: OscServer, private readonly log: (line: string) => void) {}

  async start(port: number, host: string): Promise<number> {
    const server = createServer((conn) => this.accept(conn));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (err) => this.log(`osc tcp: ${err.message}`));
    const addr = server.address();
    return typeof addr === 'object' && addr ? addr.port : port;
  }

  private accept(conn: Socket): void {
    if (this.connections.size >= MAX_CONNECTIONS) {
      conn.destroy();
      return;
    }
    this.connections.add(conn);
    const peer = this.osc.streamPeer(`tcp ${conn.remoteAddress}:${conn.remotePort}`, (packet) => {
      if (!conn.destroyed) conn.write(slipEncode(packet));
    });
    const decoder = new SlipDecoder((frame) => peer.receive(frame));
    conn.on('data', (chunk) => {
      try {
        decoder.push(chunk);
      } catch (err) {
        this.log(`osc tcp: ${conn.remoteAddress}: ${(err as Error).message}; connection closed`);
        conn.destroy();
      }
    });
    conn.on('error', () => {});
    conn.on('close', () => {
      this.connections.delete(conn);
      peer.close();
    });
  }

  async close(): Promise<void> {
    for (const c of this.connections) c.destroy();
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((r) => server.close(() => r()));
  }
}
