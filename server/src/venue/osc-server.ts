// The OSC adapter (UDP): a QLab-style remote for a venue's QLab machine, Companion / Stream Deck or
// a lighting console. Each datagram is decoded (osc-codec.ts), answered on /reply/<address> with one
// JSON string {address, status, data}, and its command run through the controller (osc-commands.ts).
// Peers are few and known in a venue: each gets a budget of messages, so a flood or a stream of
// garbage costs a drop, never the show. /updates 1 subscribes a peer to pushed /update/... state.

import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { timingSafeEqual } from 'node:crypto';
import type { Alarm, TransportSnapshot } from '../../../protocol/index.ts';
import type { ShowController } from '../show/controller.ts';
import type { AlarmBoard } from '../show/alarms.ts';
import { decodePacket, encodeMessage, OscFormatError, type OscArg } from './osc-codec.ts';
import { runOscCommand, type OscCommandContext, type OscReply, type OscRole } from './osc-commands.ts';

export interface OscServerOptions {
  controller: ShowController;
  port: number;
  host: string;
  /** What /connect must send: the show's osc.passcode, else the operator token (read when asked, tokens load late). */
  passcode: () => string;
  log: (line: string) => void;
  /** A subscribed peer that goes quiet past its subscription raises `osc:<peer>` here (cleared when it is back). */
  alarms?: AlarmBoard;
  /** How long a subscription lasts after the peer's last message (default SUBSCRIPTION_MS). */
  subscriptionMs?: number;
  takeOver?: OscCommandContext['takeOver'];
}

export interface OscStatus {
  listening: boolean;
  port: number | null;
  peers: number;
  subscribers: number;
  received: number;
  dropped: number;
  lastMessage: { address: string; from: string; at: number } | null;
}

interface Peer {
  key: string;
  /** How a packet reaches this peer: a UDP datagram to its address, or a SLIP frame on its TCP connection. */
  send: (packet: Buffer) => void;
  role: OscRole;
  /** Pushed updates until this time (ms, Date.now()); renewed by any message from the peer. */
  subscribedUntil: number;
  tokens: number;
  refilledAt: number;
  seenAt: number;
}

/** A subscription lapses this long after the peer's last message (send /thump or /updates 1 to keep it). */
export const SUBSCRIPTION_MS = 60_000;
const MAX_PEERS = 256;
const MAX_PACKET_BYTES = 8192;
/** Per peer: a burst of 100 messages, then 50 a second. */
const BURST = 100;
const PER_SECOND = 50;

export class OscServer {
  private socket: Socket | null = null;
  private readonly peers = new Map<string, Peer>();
  private queue: Promise<unknown> = Promise.resolve();
  private ticker: ReturnType<typeof setInterval> | null = null;
  private lastEntry = -1;
  private received = 0;
  private dropped = 0;
  private lastMessage: OscStatus['lastMessage'] = null;
  private lastDropLog = 0;
  private boundPort: number | null = null;
  /** Peers whose subscription lapsed (their alarm is up). */
  private readonly lapsed = new Set<string>();

  constructor(private readonly o: OscServerOptions) {}

  /** Bind the UDP port; resolves with the port bound (0 asks for a free one). */
  async start(): Promise<number> {
    const socket = createSocket('udp4');
    this.socket = socket;
    socket.on('message', (msg, rinfo) => this.receive(msg, rinfo));
    socket.on('error', (err) => this.o.log(`osc: ${err.message}`));
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(this.o.port, this.o.host, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    this.boundPort = socket.address().port;
    // Song time once a second to subscribers while the show plays.
    this.ticker = setInterval(() => this.tick(), 1000);
    this.ticker.unref();
    return this.boundPort;
  }

  status(): OscStatus {
    const now = Date.now();
    return {
      listening: this.socket !== null,
      port: this.boundPort,
      peers: this.peers.size,
      subscribers: [...this.peers.values()].filter((p) => p.subscribedUntil > now).length,
      received: this.received,
      dropped: this.dropped,
      lastMessage: this.lastMessage,
    };
  }

  /** The peers heard from, most recent first (the desk's protocol panel). */
  peerList(): { key: string; role: OscRole; subscribed: boolean; seenAt: number; lapsed: boolean }[] {
    const now = Date.now();
    return [...this.peers.values()].sort((a, b) => b.seenAt - a.seenAt).map((p) => ({ key: p.key, role: p.role, subscribed: p.subscribedUntil > now, seenAt: p.seenAt, lapsed: this.lapsed.has(p.key) }));
  }

  /** Every transport change, from the controller's announcement. */
  transport(_snapshot: TransportSnapshot): void {
    const view = this.o.controller.stateView();
    this.push('/update/transport', { mode: view.mode, playing: view.playing, waiting: view.waiting, entry: view.entryIndex + 1, title: view.entryTitle, songTime: view.songTime, showTime: view.showTime, blackout: view.blackout !== null, revision: view.revision });
    if (view.entryIndex !== this.lastEntry) {
      this.lastEntry = view.entryIndex;
      this.push('/update/entry', { entry: view.entryIndex + 1, title: view.entryTitle, duration: view.songDuration });
    }
  }

  alarms(list: readonly Alarm[]): void {
    this.push('/update/alarms', list.filter((a) => a.active).map((a) => ({ key: a.key, level: a.level, message: a.message })));
  }

  /** A subscriber that stopped talking (a Companion or QLab machine gone) is an alarm for the desk. */
  private checkPeers(): void {
    const now = Date.now();
    for (const p of this.peers.values()) {
      if (p.subscribedUntil > 0 && p.subscribedUntil <= now && !this.lapsed.has(p.key)) {
        this.lapsed.add(p.key);
        this.o.alarms?.raise(`osc:${p.key}`, 'warning', `OSC peer ${p.key} went quiet: no message for ${Math.round(this.subscriptionMs / 1000)} s, updates to it stopped`);
      }
    }
  }

  private get subscriptionMs(): number {
    return this.o.subscriptionMs ?? SUBSCRIPTION_MS;
  }

  private tick(): void {
    this.checkPeers();
    if (this.o.controller.state?.mode !== 'playing') return;
    const view = this.o.controller.stateView();
    this.push('/update/time', { entry: view.entryIndex + 1, songTime: round3(view.songTime), showTime: round3(view.showTime) });
  }

  private push(address: string, data: unknown): void {
    const now = Date.now();
    let packet: Buffer | null = null;
    for (const p of this.peers.values()) {
      if (p.subscribedUntil <= now) continue;
      packet ??= encodeMessage(address, [JSON.stringify(data)]);
      p.send(packet);
    }
  }

  private peerFor(key: string, send: (packet: Buffer) => void, now: number): Peer {
    let peer = this.peers.get(key);
    if (!peer) {
      if (this.peers.size >= MAX_PEERS) this.evictOldest();
      peer = { key, send, role: 'read-only', subscribedUntil: 0, tokens: BURST, refilledAt: now, seenAt: now };
      this.peers.set(key, peer);
    }
    return peer;
  }

  /** A stream transport's peer (OSC over TCP): its packets, and its end. */
  streamPeer(key: string, send: (packet: Buffer) => void): { receive: (packet: Buffer) => void; close: () => void } {
    return {
      receive: (packet) => this.take(this.peerFor(key, send, Date.now()), packet),
      close: () => this.peers.delete(key),
    };
  }

  private evictOldest(): void {
    let oldest: Peer | null = null;
    for (const p of this.peers.values()) if (!oldest || p.seenAt < oldest.seenAt) oldest = p;
    if (oldest) this.peers.delete(oldest.key);
  }

  private receive(msg: Buffer, rinfo: RemoteInfo): void {
    const socket = this.socket;
    const peer = this.peerFor(`udp ${rinfo.address}:${rinfo.port}`, (packet) => socket?.send(packet, rinfo.port, rinfo.address), Date.now());
    this.take(peer, msg);
  }

  /** One packet from a peer: its budget, then decode, then its commands in order. */
  private take(peer: Peer, msg: Buffer): void {
    const now = Date.now();
    peer.tokens = Math.min(BURST, peer.tokens + ((now - peer.refilledAt) / 1000) * PER_SECOND);
    peer.refilledAt = now;
    if (peer.tokens < 1) {
      this.dropped++;
      if (now - this.lastDropLog > 5000) {
        this.lastDropLog = now;
        this.o.log(`osc: dropping messages from ${peer.key} (over ${PER_SECOND}/s); ${this.dropped} dropped so far`);
      }
      return;
    }
    peer.tokens--;
    peer.seenAt = now;
    this.received++;
    if (peer.subscribedUntil > now) peer.subscribedUntil = now + this.subscriptionMs;
    if (msg.length > MAX_PACKET_BYTES) {
      this.reply(peer, '/error', { status: 'error', data: { error: `packet of ${msg.length} bytes; at most ${MAX_PACKET_BYTES}` } });
      return;
    }
    let messages;
    try {
      messages = decodePacket(msg);
    } catch (err) {
      // Any decoding failure is the packet's fault (a RangeError from a short read included).
      const why = err instanceof OscFormatError ? err.message : `unreadable packet (${(err as Error).message})`;
      this.reply(peer, '/error', { status: 'error', data: { error: `malformed OSC: ${why}` } });
      return;
    }
    for (const m of messages) {
      this.lastMessage = { address: m.address, from: peer.key, at: now };
      // One at a time, in arrival order: replies come back in the order commands were sent.
      this.queue = this.queue.then(() => this.handle(peer, m.address, m.args)).catch((err: Error) => {
        this.o.log(`osc: ${m.address} from ${peer.key} failed: ${err.message}`);
        this.reply(peer, m.address, { status: 'error', data: { error: 'internal error; the show goes on' } });
      });
    }
  }

  private async handle(peer: Peer, address: string, args: OscArg[]): Promise<void> {
    if (address === '/connect') {
      const ok = typeof args[0] === 'string' && sameSecret(args[0], this.o.passcode());
      peer.role = ok ? 'operator' : 'read-only';
      this.reply(peer, address, ok ? { status: 'ok', data: { role: 'operator' } } : { status: 'denied', data: { error: 'denied: wrong passcode; OSC stays read-only' } });
      return;
    }
    if (address === '/disconnect') {
      peer.role = 'read-only';
      peer.subscribedUntil = 0;
      this.reply(peer, address, { status: 'ok', data: { role: 'read-only' } });
      return;
    }
    if (address === '/updates') {
      const off = args[0] === 0 || args[0] === false || args[0] === '0';
      peer.subscribedUntil = off ? 0 : Date.now() + this.subscriptionMs;
      if (!off && this.lapsed.delete(peer.key)) this.o.alarms?.clear(`osc:${peer.key}`);
      this.reply(peer, address, { status: 'ok', data: { updates: !off, renewWithinSeconds: this.subscriptionMs / 1000 } });
      if (!off) this.sendStateTo(peer);
      return;
    }
    this.reply(peer, address, await runOscCommand({ controller: this.o.controller, role: peer.role, takeOver: this.o.takeOver }, address, args));
  }

  /** A new subscriber hears where the show is at once, not at the next change. */
  private sendStateTo(peer: Peer): void {
    const view = this.o.controller.stateView();
    const packet = encodeMessage('/update/transport', [JSON.stringify({ mode: view.mode, playing: view.playing, waiting: view.waiting, entry: view.entryIndex + 1, title: view.entryTitle, songTime: view.songTime, showTime: view.showTime, blackout: view.blackout !== null, revision: view.revision })]);
    peer.send(packet);
  }

  private reply(peer: Peer, address: string, r: OscReply): void {
    const body = JSON.stringify({ address, status: r.status, data: r.data ?? null });
    if (this.socket) peer.send(encodeMessage(`/reply${address}`, [body]));
  }

  async close(): Promise<void> {
    if (this.ticker) clearInterval(this.ticker);
    const socket = this.socket;
    this.socket = null;
    if (socket) await new Promise<void>((resolve) => socket.close(() => resolve()));
  }
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return expected.length > 0 && a.length === b.length && timingSafeEqual(a, b);
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
