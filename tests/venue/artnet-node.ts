// A test Art-Net node and the test's own Art-Net packet code, written from the Art-Net 4 spec's
// tables (not the encoder under test): ArtDmx and ArtPollReply parsed field by field, an output
// node's ArtPollReply built by hand.

import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';

export const ID = 'Art-Net\0';

export interface ArtDmx {
  sequence: number;
  /** 15-bit port-address: Net << 8 | Sub-Net << 4 | Universe. */
  portAddress: number;
  levels: number[];
}

/** ArtDmx (OpCode 0x5000): ID, OpCode (little-endian), ProtVer 14, Sequence, Physical, SubUni, Net, Length (big-endian), data. */
export function parseArtDmx(b: Buffer): ArtDmx | null {
  if (b.toString('latin1', 0, 8) !== ID || b.readUInt16LE(8) !== 0x5000) return null;
  if (b[10] !== 0 || b[11] !== 14) throw new Error('ArtDmx: protocol version is not 14');
  const length = b.readUInt16BE(16);
  if (length < 2 || length > 512 || length % 2 || b.length !== 18 + length) throw new Error(`ArtDmx: bad length ${length} in ${b.length} bytes`);
  return { sequence: b[12]!, portAddress: ((b[15]! & 0x7f) << 8) | b[14]!, levels: [...b.subarray(18)] };
}

export function isArtPoll(b: Buffer): boolean {
  return b.length >= 14 && b.toString('latin1', 0, 8) === ID && b.readUInt16LE(8) === 0x2000 && b[11] === 14;
}

/** An ArtPollReply from a one-port DMX output node at 127.0.0.1 on port-address `address`. */
export function nodeReply(address: number, name: string): Buffer {
  const b = Buffer.alloc(239);
  b.write(ID, 0, 'latin1');
  b.writeUInt16LE(0x2100, 8);
  b.set([127, 0, 0, 1], 10);
  b.writeUInt16LE(6454, 14);
  b[18] = (address >> 8) & 0x7f;
  b[19] = (address >> 4) & 0x0f;
  b.write(name, 26, 'latin1');
  b.write(`${name} test node`, 44, 'latin1');
  b.writeUInt16BE(1, 172);
  b[174] = 0x80; // PortTypes: output from Art-Net, DMX512
  b[182] = 0x80; // GoodOutput: data being transmitted
  b[190] = address & 0x0f; // SwOut
  return b;
}

export interface PollReply {
  ip: number[];
  port: number;
  shortName: string;
  numPorts: number;
  portType: number;
  portAddress: number;
  style: number;
  bindIndex: number;
}

export function parsePollReply(b: Buffer): PollReply {
  if (b.length !== 239 || b.toString('latin1', 0, 8) !== ID || b.readUInt16LE(8) !== 0x2100) throw new Error('not an ArtPollReply');
  const name = b.toString('latin1', 26, 44);
  return { ip: [...b.subarray(10, 14)], port: b.readUInt16LE(14), shortName: name.slice(0, name.indexOf('\0')), numPorts: b.readUInt16BE(172), portType: b[174]!, portAddress: ((b[18]! & 0x7f) << 8) | ((b[19]! & 0x0f) << 4) | (b[186]! & 0x0f), style: b[200]!, bindIndex: b[211]! };
}

/** A fake Art-Net node: answers every ArtPoll (while `answering`), keeps every ArtDmx. */
export class TestNode {
  readonly dmx: ArtDmx[] = [];
  polls = 0;
  answering = true;
  pollFrom: RemoteInfo | null = null;
  private constructor(readonly socket: Socket, private readonly address: number) {
    socket.on('message', (m, r) => {
      if (isArtPoll(m)) {
        this.polls++;
        this.pollFrom = r;
        if (this.answering) socket.send(nodeReply(this.address, 'TESTNODE'), r.port, r.address);
        return;
      }
      const d = parseArtDmx(m);
      if (d) this.dmx.push(d);
    });
  }
  static async open(address: number): Promise<TestNode> {
    const s = createSocket('udp4');
    await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
    return new TestNode(s, address);
  }
  get port(): number {
    return this.socket.address().port;
  }
}

