// Art-Net 4 DMX out, written from Artistic Licence's specification (no maintained npm package does
// controller discovery): holostage polls the network (ArtPoll, every 3 s as the spec asks of a
// controller), keeps the nodes that answer (ArtPollReply) with the universes their output ports
// take, and sends each universe's ArtDmx unicast to the nodes that want it, plus any node listed in
// show.json. It answers an ArtPoll with one ArtPollReply per universe it sends (Art-Net 4 bind
// index), so a console or a monitor sees it. A node that misses three polls is gone.
//
// Universes: holostage numbers universes as sACN does (1-63999); Art-Net's 15-bit port-address is
// that minus one (universe 1 = Net 0, Sub-Net 0, Universe 0, the usual console convention).

import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { networkInterfaces } from 'node:os';
import type { DmxTransport } from './dmx-out.ts';

export const ARTNET_PORT = 6454;
const ID = Buffer.from('Art-Net\0', 'latin1');
export const OP_POLL = 0x2000;
export const OP_POLL_REPLY = 0x2100;
export const OP_DMX = 0x5000;
const PROTOCOL_VERSION = 14;
/** The highest holostage universe Art-Net can carry (port-address 0x7fff). */
export const ARTNET_MAX_UNIVERSE = 0x8000;

export const portAddressOf = (universe: number): number => universe - 1;

/** The OpCode of an Art-Net packet, or null when it is not one. */
export function artnetOpCode(b: Buffer): number | null {
  return b.length >= 10 && b.subarray(0, 8).equals(ID) ? b.readUInt16LE(8) : null;
}

function header(op: number, length: number): Buffer {
  const b = Buffer.alloc(length);
  ID.copy(b, 0);
  b.writeUInt16LE(op, 8);
  b.writeUInt16BE(PROTOCOL_VERSION, 10);
  return b;
}

/** ArtPoll: flags 0x02 asks nodes to send an ArtPollReply whenever their state changes. */
export function artPollPacket(): Buffer {
  const b = header(OP_POLL, 14);
  b[12] = 0x02;
  b[13] = 0x10; // DpLow: diagnostics priority (none requested)
  return b;
}

/** ArtDmx for one universe (512 slots; the length field is even, 2-512). */
export function artDmxPacket(sequence: number, universe: number, levels: Uint8Array): Buffer {
  const slots = levels.length + (levels.length % 2);
  const b = header(OP_DMX, 18 + slots);
  const address = portAddressOf(universe);
  b[12] = sequence; // 1-255 (0 would turn sequencing off at the node)
  b[13] = 0; // physical input port
  b[14] = address & 0xff; // SubUni: Sub-Net (high nibble) and Universe (low nibble)
  b[15] = (address >> 8) & 0x7f; // Net
  b.writeUInt16BE(slots, 16);
  Buffer.from(levels).copy(b, 18);
  return b;
}

export interface PollReplyFields {
  ip: string;
  shortName: string;
  longName: string;
  report: string;
  /** The one port this reply describes: its port-address, sending DMX onto the network (an input). */
  universe: number;
  bindIndex: number;
}

function ipBytes(ip: string): number[] {
  const parts = ip.split('.').map(Number);
  return parts.length === 4 && parts.every((n) => Number.isInteger(n) && n >= 0 && n <= 255) ? parts : [0, 0, 0, 0];
}

/** ArtPollReply (239 bytes) for one of holostage's universes, as an input port (DMX onto Art-Net). */
export function artPollReplyPacket(f: PollReplyFields): Buffer {
  const b = Buffer.alloc(239);
  ID.copy(b, 0);
  b.writeUInt16LE(OP_POLL_REPLY, 8);
  Buffer.from(ipBytes(f.ip)).copy(b, 10);
  b.writeUInt16LE(ARTNET_PORT, 14);
  b.writeUInt16BE(1, 16); // firmware version
  const address = portAddressOf(f.universe);
  b[18] = (address >> 8) & 0x7f; // NetSwitch
  b[19] = (address >> 4) & 0x0f; // SubSwitch
  b.writeUInt16BE(0x00ff, 20); // OEM: unknown
  b[23] = 0xd0; // Status1: indicators normal, port-address set by network/software
  b.write(f.shortName.slice(0, 17), 26, 18, 'latin1');
  b.write(f.longName.slice(0, 63), 44, 64, 'latin1');
  b.write(f.report.slice(0, 63), 108, 64, 'latin1');
  b.writeUInt16BE(1, 172); // NumPorts
  b[174] = 0x40; // PortTypes[0]: can input onto the Art-Net network, DMX512
  b[178] = 0x80; // GoodInput[0]: data received
  b[186] = address & 0x0f; // SwIn[0]
  b[200] = 0x01; // Style: StController
  Buffer.from(ipBytes(f.ip)).copy(b, 207); // BindIp
  b[211] = f.bindIndex;
  b[212] = 0x08; // Status2: 15-bit port-address supported
  return b;
}

/** The address a node reaches us on when we listen on every interface: the first non-loopback IPv4. */
function firstLanAddress(): string {
  for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  return '127.0.0.1';
}

export interface ArtNode {
  ip: string;
  shortName: string;
  longName: string;
  /** holostage universes (1-based) the node's output ports take. */
  universes: number[];
  lastSeen: number;
}

/** What an ArtPollReply says of a node: its outputs' universes (every bind index merges into one node). */
export function parsePollReply(b: Buffer): { ip: string; shortName: string; longName: string; outputs: number[] } | null {
  if (artnetOpCode(b) !== OP_POLL_REPLY || b.length < 207) return null;
  const text = (from: number, to: number) => {
    const s = b.toString('latin1', from, to);
    const end = s.indexOf('\0');
    return end < 0 ? s : s.slice(0, end);
  };
  const net = b[18]! & 0x7f;
  const sub = b[19]! & 0x0f;
  const ports = Math.min(4, b.readUInt16BE(172));
  const outputs: number[] = [];
  for (let i = 0; i < ports; i++) if (b[174 + i]! & 0x80) outputs.push(((net << 8) | (sub << 4) | (b[190 + i]! & 0x0f)) + 1);
  return { ip: [...b.subarray(10, 14)].join('.'), shortName: text(26, 44), longName: text(44, 108), outputs };
}

export interface ArtNetOptions {
  /** Nodes to send every universe to, found by ArtPoll or not. */
  nodes?: string[];
  /** Where ArtPoll goes (default the limited broadcast 255.255.255.255; often 2.255.255.255 or 10.255.255.255). */
  broadcast?: string;
  /** The interface and port holostage listens on (default 0.0.0.0:6454; tests use port 0). */
  bindHost?: string;
  bindPort?: number;
  /** The port nodes listen on (6454; tests use their own). */
  nodePort?: number;
  /** Poll interval, ms (default 3000). */
  pollMs?: number;
}

export interface ArtNetEvents {
  /** A node answered for the first time, or was not heard for three polls. */
  onNode?: (node: ArtNode, present: boolean) => void;
  log?: (line: string) => void;
}

export class ArtNetTransport implements DmxTransport {
  private socket: Socket | null = null;
  private pollTimer: ReturnType<typeof setInterval> | null = null;
  private readonly nodes = new Map<string, ArtNode>();
  private readonly sequence = new Map<number, number>();
  private universesSent: number[] = [];
  private localIp = '0.0.0.0';
  /** This machine's addresses: our own broadcast poll comes back to us and is not answered. */
  private readonly ownAddresses = new Set<string>();
  private boundPort: number | null = null;
  packets = 0;
  pollsAnswered = 0;
  /** Packets that were not Art-Net, or an Art-Net packet too short for its OpCode: dropped. */
  malformed = 0;
  lastPollAt: number | null = null;

  constructor(private readonly o: ArtNetOptions, private readonly events: ArtNetEvents = {}, private readonly clock: () => number = Date.now) {}

  async start(): Promise<number> {
    const socket = createSocket({ type: 'udp4', reuseAddr: true });
    socket.on('message', (m, r) => this.receive(m, r));
    socket.on('error', (err) => this.events.log?.(`artnet: ${err.message}`));
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(this.o.bindPort ?? ARTNET_PORT, this.o.bindHost ?? '0.0.0.0', () => {
        socket.off('error', reject);
        resolve();
      });
    });
    socket.setBroadcast(true);
    this.socket = socket;
    this.boundPort = socket.address().port;
    const bound = socket.address().address;
    this.localIp = bound === '0.0.0.0' ? firstLanAddress() : bound;
    for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) if (a.family === 'IPv4') this.ownAddresses.add(a.address);
    this.poll();
    this.pollTimer = setInterval(() => this.poll(), this.o.pollMs ?? 3000);
    this.pollTimer.unref();
    return this.boundPort;
  }

  get port(): number | null {
    return this.boundPort;
  }

  /** Send an ArtPoll, and forget nodes that did not answer the last three. */
  poll(): void {
    if (!this.socket) return;
    const now = this.clock();
    for (const [ip, node] of this.nodes) {
      if (now - node.lastSeen > 3 * (this.o.pollMs ?? 3000) + 500) {
        this.nodes.delete(ip);
        this.events.onNode?.(node, false);
      }
    }
    this.socket.send(artPollPacket(), this.o.nodePort ?? ARTNET_PORT, this.o.broadcast ?? '255.255.255.255');
    this.lastPollAt = now;
  }

  list(): ArtNode[] {
    return [...this.nodes.values()].sort((a, b) => a.ip.localeCompare(b.ip));
  }

  private receive(m: Buffer, r: RemoteInfo): void {
    const op = artnetOpCode(m);
    if (op === OP_POLL && m.length >= 12) return r.port === this.boundPort && this.ownAddresses.has(r.address) ? undefined : this.answerPoll(r);
    if (op === OP_POLL_REPLY) {
      const reply = parsePollReply(m);
      if (!reply) return void this.malformed++;
      if (!reply.outputs.length) return; // a controller (or ourselves): nothing to send it
      const ip = reply.ip === '0.0.0.0' ? r.address : reply.ip;
      const known = this.nodes.get(ip);
      const node: ArtNode = { ip, shortName: reply.shortName, longName: reply.longName, universes: [...new Set([...(known?.universes ?? []), ...reply.outputs])].sort((a, b) => a - b), lastSeen: this.clock() };
      this.nodes.set(ip, node);
      if (!known) this.events.onNode?.(node, true);
      return;
    }
    if (op === null || m.length < 12) this.malformed++;
  }

  private answerPoll(r: RemoteInfo): void {
    if (!this.socket) return;
    this.pollsAnswered++;
    const universes = this.universesSent.length ? this.universesSent : [1];
    universes.slice(0, 255).forEach((universe, k) => {
      const packet = artPollReplyPacket({ ip: this.localIp, shortName: 'holostage', longName: 'holostage show server (DMX from the show timeline)', report: `#0001 [${String(this.packets).padStart(4, '0')}] holostage sending ${universes.length} universe(s)`, universe, bindIndex: k + 1 });
      this.socket!.send(packet, r.port, r.address);
    });
  }

  send(universe: number, levels: Uint8Array): void {
    if (!this.socket || universe > ARTNET_MAX_UNIVERSE) return;
    if (!this.universesSent.includes(universe)) this.universesSent = [...this.universesSent, universe].sort((a, b) => a - b);
    const targets = new Set(this.o.nodes ?? []);
    for (const node of this.nodes.values()) if (node.universes.includes(universe)) targets.add(node.ip);
    if (!targets.size) return;
    const sequence = ((this.sequence.get(universe) ?? 0) % 255) + 1;
    this.sequence.set(universe, sequence);
    const packet = artDmxPacket(sequence, universe, levels);
    for (const ip of targets) this.socket.send(packet, this.o.nodePort ?? ARTNET_PORT, ip);
    this.packets++;
  }

  async close(): Promise<void> {
    if (this.pollTimer) clearInterval(this.pollTimer);
    const s = this.socket;
    this.socket = null;
    if (s) await new Promise<void>((r) => s.close(() => r()));
  }
}
