// sACN (ANSI E1.31) DMX out: one data packet per universe, ~44 times a second, from the levels at
// the show time now (dmx-levels.ts), so a seek, a hold or a restart re-sends the whole look. A panic
// (blackout) sends every channel at 0. Multicast to 239.255.<hi>.<lo> by default, or unicast to
// the listed hosts. Packet layout from the E1.31 standard: root layer (ACN packet identifier, CID),
// framing layer (source name, priority, sequence, universe), DMP layer (start code + 512 slots).

import { createSocket, type Socket } from 'node:dgram';
import { randomUUID } from 'node:crypto';
import type { DmxEvent } from '../../../show-files/src/timeline.ts';
import { dmxLevelsAt, dmxUniverses } from './dmx-levels.ts';

export const SACN_PORT = 5568;
const ACN_ID = Buffer.from([0x41, 0x53, 0x43, 0x2d, 0x45, 0x31, 0x2e, 0x31, 0x37, 0x00, 0x00, 0x00]);

export interface SacnPacketFields {
  cid: Buffer;
  sourceName: string;
  priority: number;
  sequence: number;
  universe: number;
  levels: Uint8Array;
}

/** One E1.31 data packet (638 bytes for 512 slots). */
export function sacnPacket(f: SacnPacketFields): Buffer {
  const slots = f.levels.length;
  const b = Buffer.alloc(126 + slots);
  b.writeUInt16BE(0x0010, 0); // preamble size
  b.writeUInt16BE(0x0000, 2); // postamble size
  ACN_ID.copy(b, 4);
  b.writeUInt16BE(0x7000 | (b.length - 16), 16); // root flags & length
  b.writeUInt32BE(0x00000004, 18); // VECTOR_ROOT_E131_DATA
  f.cid.copy(b, 22, 0, 16);
  b.writeUInt16BE(0x7000 | (b.length - 38), 38); // framing flags & length
  b.writeUInt32BE(0x00000002, 40); // VECTOR_E131_DATA_PACKET
  b.write(f.sourceName.slice(0, 63), 44, 64, 'utf8');
  b.writeUInt8(f.priority, 108);
  b.writeUInt16BE(0, 109); // synchronization address: none
  b.writeUInt8(f.sequence & 0xff, 111);
  b.writeUInt8(0, 112); // options
  b.writeUInt16BE(f.universe, 113);
  b.writeUInt16BE(0x7000 | (b.length - 115), 115); // DMP flags & length
  b.writeUInt8(0x02, 117); // VECTOR_DMP_SET_PROPERTY
  b.writeUInt8(0xa1, 118); // address & data type
  b.writeUInt16BE(0x0000, 119); // first property address
  b.writeUInt16BE(0x0001, 121); // address increment
  b.writeUInt16BE(slots + 1, 123); // property value count
  b.writeUInt8(0x00, 125); // DMX start code
  Buffer.from(f.levels).copy(b, 126);
  return b;
}

export function multicastAddress(universe: number): string {
  return `239.255.${(universe >> 8) & 0xff}.${universe & 0xff}`;
}

export interface SacnOptions {
  /** Unicast receivers; multicast when empty. */
  unicast?: string[];
  /** 0-200, default 100. */
  priority?: number;
  /** Destination port (5568; tests use their own). */
  port?: number;
  sourceName?: string;
  /** Frames a second (default 44, DMX's own refresh). */
  rate?: number;
}

export class SacnSender {
  private socket: Socket | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  private sequence = new Map<number, number>();
  private readonly cid = Buffer.from(randomUUID().replace(/-/g, ''), 'hex');
  private events: readonly DmxEvent[] = [];
  sent = 0;

  constructor(
    private readonly o: SacnOptions,
    /** The show time now, and whether the stage is blacked out (panic). */
    private readonly position: () => { showTime: number; blackout: boolean },
  ) {}

  setEvents(events: readonly DmxEvent[]): void {
    this.events = events;
  }

  universes(): number[] {
    return dmxUniverses(this.events);
  }

  start(): void {
    this.socket = createSocket({ type: 'udp4', reuseAddr: true });
    this.socket.on('error', () => {}); // a send to a vanished host must not take the show down
    this.timer = setInterval(() => this.frame(), 1000 / (this.o.rate ?? 44));
    this.timer.unref();
  }

  /** Send every universe's current levels now (also what a seek or a reload calls). */
  frame(): void {
    if (!this.socket || !this.events.length) return;
    const { showTime, blackout } = this.position();
    const levels = dmxLevelsAt(this.events, showTime);
    for (const [universe, slots] of levels) {
      const sequence = ((this.sequence.get(universe) ?? -1) + 1) & 0xff;
      this.sequence.set(universe, sequence);
      const packet = sacnPacket({ cid: this.cid, sourceName: this.o.sourceName ?? 'holostage', priority: this.o.priority ?? 100, sequence, universe, levels: blackout ? new Uint8Array(512) : slots });
      const hosts = this.o.unicast?.length ? this.o.unicast : [multicastAddress(universe)];
      for (const host of hosts) this.socket.send(packet, this.o.port ?? SACN_PORT, host);
      this.sent++;
    }
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    const s = this.socket;
    this.socket = null;
    if (s) await new Promise<void>((r) => s.close(() => r()));
  }
}
