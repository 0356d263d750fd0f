// The primary's end of the replication link: every socket that connects with the operator token
// and `purpose=standby` is a standby. It gets the whole state on connect and on every change, a
// heartbeat every `heartbeatMs` (answered with the lag it sees), and may ask us to stand down.

import type { Server as IoServer, Socket } from 'socket.io';
import { STANDBY_EVENTS, type Heartbeat, type ReplicaState, type TakeOverResult } from '../../../protocol/index.ts';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { hashTokens, type Identity } from '../tokens.ts';
import type { ShowController } from '../show/controller.ts';
import type { Access } from '../fans/cluster-role.ts';
import { readSetlist } from '../show/setlist-file.ts';

export interface StandbyPeer {
  socket: Socket;
  name: string;
  url: string;
  /** performance.now() of its last heartbeat answer. */
  answeredAt: number;
  lagMs: number | null;
}

export interface ReplicaSourceOptions {
  io: IoServer;
  heartbeatMs: number;
  /** Serving standbys only while we are primary. */
  isPrimary: () => boolean;
  state: () => ReplicaState;
  beat: () => Heartbeat;
  /** A standby connected or left. */
  changed: () => void;
  /** A standby asks us to stand down for a higher term: answer with our final state, or null to refuse. */
  standDown: (peer: StandbyPeer, term: number) => ReplicaState | null;
}

/** Is this socket a standby's replication link (operator token and purpose=standby)? */
export function isStandbyLink(socket: Socket): boolean {
  const identity = (socket.data as { identity?: Identity }).identity;
  return socket.handshake.query.purpose === 'standby' && identity?.role === 'operator';
}

export class ReplicaSource {
  readonly peers = new Set<StandbyPeer>();
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly o: ReplicaSourceOptions) {}

  start(): void {
    this.o.io.on('connection', (socket) => {
      if (isStandbyLink(socket)) this.attach(socket);
    });
    this.timer = setInterval(() => this.beat(), this.o.heartbeatMs);
    this.timer.unref();
  }

  private attach(socket: Socket): void {
    const q = socket.handshake.query;
    const peer: StandbyPeer = { socket, name: String(q.name ?? 'standby').slice(0, 80), url: '', answeredAt: performance.now(), lagMs: null };
    this.peers.add(peer);
    socket.on('disconnect', () => {
      this.peers.delete(peer);
      this.o.changed();
    });
    socket.on(STANDBY_EVENTS.self, (payload: unknown) => {
      const url = (payload as { url?: unknown } | null)?.url;
      if (typeof url !== 'string' || !/^https?:\/\/[^\s]{1,300}$/.test(url)) return;
      peer.url = url;
      this.o.changed();
    });
    socket.on(STANDBY_EVENTS.standDown, (payload: unknown, ack: unknown) => {
      const term = Number((payload as { term?: unknown } | null)?.term);
      const final = Number.isInteger(term) ? this.o.standDown(peer, term) : null;
      if (typeof ack === 'function') ack(final ?? { ok: false });
    });
    if (this.o.isPrimary()) socket.emit(STANDBY_EVENTS.state, this.o.state());
    this.o.changed();
  }

  /** The state changed: tell every standby at once. */
  publish(): void {
    if (!this.o.isPrimary() || this.peers.size === 0) return;
    const state = this.o.state();
    for (const p of this.peers) p.socket.emit(STANDBY_EVENTS.state, state);
  }

  private beat(): void {
    if (!this.o.isPrimary() || this.peers.size === 0) return;
    const beat = this.o.beat();
    for (const p of this.peers) {
      p.socket.timeout(this.o.heartbeatMs * 5).emit(STANDBY_EVENTS.heartbeat, beat, (err: Error | null, reply: { lagMs?: unknown } | undefined) => {
        if (err) return;
        p.answeredAt = performance.now();
        p.lagMs = typeof reply?.lagMs === 'number' ? reply.lagMs : null;
      });
    }
  }

  /** The operator on the primary asked to hand over: the standby takes over (`handed` resolves once we stood down for it). */
  async handOver(from: string, timeoutMs: number, handed: Promise<TakeOverResult>): Promise<TakeOverResult> {
    const peer = this.current();
    if (!peer) return { ok: false, error: 'no standby is connected to this primary' };
    // The standby closes its link as it takes over, so its own reply may never arrive: `handed` is the answer then.
    const noAnswer = { ok: false as const, error: 'the standby did not answer' };
    const asked = peer.socket.timeout(timeoutMs).emitWithAck(STANDBY_EVENTS.handOver, { from }).then((r: TakeOverResult | null) => r ?? noAnswer, () => noAnswer);
    return Promise.race([handed, asked]);
  }

  /** The standby answering heartbeats most recently, if any. */
  current(): StandbyPeer | null {
    let best: StandbyPeer | null = null;
    for (const p of this.peers) if (!best || p.answeredAt > best.answeredAt) best = p;
    return best;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}

/** Everything a standby mirrors, as the primary holds it now. */
export function replicaStateOf(d: { controller: ShowController; access: Access; showDir: string; name: string; url: () => string }, term: number, at: number): ReplicaState {
  const { controller: c, access } = d;
  // A show built from a timeline alone (tests) has no show.json: the standby then keeps its own.
  const setlist: unknown = existsSync(join(d.showDir, 'show.json')) ? readSetlist(d.showDir) : null;
  return { node: d.name, url: d.url(), term, state: c.state, fingerprint: c.fingerprint, showRevision: c.showRevision, setlist, tokens: hashTokens(access.tokens), publicViewing: access.publicViewing, at };
}
