// sACN (ANSI E1.31) DMX out: one data packet per universe each frame of the DMX loop (dmx-out.ts),
// and with a sync address, one synchronization packet after them, so receivers apply every
// universe of a frame at once (E1.31-2016 universe sync). Multicast to 239.255.<hi>.<lo> by default,
// or unicast to the listed hosts. Packet layout from the E1.31 standard: root layer (ACN packet
// identifier, CID), framing layer (source name, priority, sync address, sequence, universe), DMP
// layer (start code + 512 slots).

import { createSocket, type Socket } from 'node:dgram';
import { randomUUID } from 'node:crypto';
import type { DmxTransport } from './dmx-out.ts';

export const SACN_PORT = 5568;
const ACN_ID = Buffer.from([0x41, 0x53, 0x43, 0x2d, 0x45, 0x31, 0x2e, 0x31, 0x37, 0x00, 0x00, 0x00]);

export interface SacnPacketFields {
  cid: Buffer;
  sourceName: string;
  priority: number;
  sequence: number;
  universe: number;
  levels: Uint8Array;
  /** The universe whose sync packets release this data (0: none, applied at once). */
  syncAddress?: number;
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
  b.writeUInt16BE(f.syncAddress ?? 0, 109); // synchronization address (0: none)
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

/** One E1.31 synchronization packet (49 bytes): receivers holding data for `syncAddress` apply it now. */
export function sacnSyncPacket(cid: Buffer, sequence: number, syncAddress: number): Buffer {
  const b = Buffer.alloc(49);
  b.writeUInt16BE(0x0010, 0);
  b.writeUInt16BE(0x0000, 2);
  ACN_ID.copy(b, 4);
  b.writeUInt16BE(0x7000 | (b.length - 16), 16);
  b.writeUInt32BE(0x00000008, 18); // VECTOR_ROOT_E131_EXTENDED
  cid.copy(b, 22, 0, 16);
  b.writeUInt16BE(0x7000 | (b.length - 38), 38);
  b.writeUInt32BE(0x00000001, 40); // VECTOR_E131_EXTENDED_SYNCHRONIZATION
  b.writeUInt8(sequence & 0xff, 44);
  b.writeUInt16BE(syncAddress, 45);
  b.writeUInt16BE(0, 47); // reserved
  return b;
}

export interface SacnOptions {
  /** Unicast receivers; multicast when empty. */
  unicast?: string[];
  /** 0-200, default 100. */
  priority?: number;
  /** Universe sync: the sync universe (1-63999) whose sync packets follow each frame; off without. */
  sync?: number;
  /** Destination port (5568; tests use their own). */
  port?: number;
  sourceName?: string;
}

export class SacnTransport implements DmxTransport {
  private socket: Socket | null = createSocket({ type: 'udp4', reuseAddr: true });
  private readonly sequence = new Map<number, number>();
  private syncSequence = 0;
  private readonly cid = Buffer.from(randomUUID().replace(/-/g, ''), 'hex');
  packets = 0;

  constructor(private readonly o: SacnOptions) {
    this.socket!.on('error', () => {}); // a send to a vanished host must not take the show down
  }

  private hosts(universe: number): string[] {
    return this.o.unicast?.length ? this.o.unicast : [multicastAddress(universe)];
  }

  private out(packet: Buffer, universe: number): void {
    for (const host of this.hosts(universe)) this.socket?.send(packet, this.o.port ?? SACN_PORT, host);
    this.packets++;
  }

  send(universe: number, levels: Uint8Array): void {
    const sequence = ((this.sequence.get(universe) ?? -1) + 1) & 0xff;
    this.sequence.set(universe, sequence);
    this.out(sacnPacket({ cid: this.cid, sourceName: this.o.sourceName ?? 'holostage', priority: this.o.priority ?? 100, sequence, universe, levels, syncAddress: this.o.sync ?? 0 }), universe);
  }

  endFrame(): void {
    if (!this.o.sync) return;
    this.syncSequence = (this.syncSequence + 1) & 0xff;
    this.out(sacnSyncPacket(this.cid, this.syncSequence, this.o.sync), this.o.sync);
  }

  async close(): Promise<void> {
    const s = this.socket;
    this.socket = null;
    if (s) await new Promise<void>((r) => s.close(() => r()));
  }
}
