// The standby's end of the replication link: a socket.io connection to the primary with the
// operator token, a clock sync over it (so a standby that takes over runs on the primary's clock
// and no output sees a jump), the mirrored state as it arrives, and how long the primary has been
// silent. It decides nothing: the standby role reads it.

import { io, type Socket } from 'socket.io-client';
import { ClockSync, ClockSyncLoop, STANDBY_EVENTS, type Heartbeat, type ReplicaState, type ServerMs } from '../../../protocol/index.ts';

export interface ReplicaLinkOptions {
  /** The primary's address (as given to --standby-of, or the peer a stood-down primary follows). */
  url: string;
  token: string;
  /** Who we are, told to the primary: our name and the address pages can reach us at. */
  name: string;
  selfUrl: () => string;
  /** This server's own clock (no offset), ms. */
  localClock: () => ServerMs;
  onState: (state: ReplicaState) => void;
  onConnection: (connected: boolean, error: string | null) => void;
  /** The primary's operator pressed take over: the standby takes over (and answers how it went). */
  onHandOver: (from: string) => Promise<unknown>;
}

export class ReplicaLink {
  readonly sync: ClockSync;
  readonly socket: Socket;
  private readonly loop: ClockSyncLoop;
  latest: ReplicaState | null = null;
  /** performance.now() when the primary was last heard (state or heartbeat); -Infinity before. */
  heardAt = -Infinity;
  /** One-way delay of the last heartbeat, ms (our synced clock minus its send time). */
  lagMs: number | null = null;
  connected = false;
  error: string | null = null;
  private stopped = false;

  constructor(private readonly o: ReplicaLinkOptions) {
    this.sync = new ClockSync({ now: o.localClock });
    this.socket = io(o.url, {
      auth: { token: o.token },
      query: { purpose: 'standby', name: o.name },
      transports: ['websocket'],
      forceNew: true,
      reconnectionDelay: 100,
      reconnectionDelayMax: 500,
    });
    this.loop = new ClockSyncLoop(this.sync, this.socket, { burst: 16, intervalMs: 1000 });
    const s = this.socket;
    s.on('connect', () => {
      this.connected = true;
      this.error = null;
      this.loop.restart();
      this.announceSelf();
      o.onConnection(true, null);
    });
    s.on('disconnect', (reason: string) => {
      this.connected = false;
      this.loop.stop();
      // The primary closed us itself (it stood down, or refused a standby): dial again, it may be back as primary.
      if (reason === 'io server disconnect' && !this.stopped) setTimeout(() => !this.stopped && s.connect(), 250).unref();
      o.onConnection(false, reason);
    });
    s.on('connect_error', (err: Error) => {
      this.error = err.message;
      o.onConnection(false, err.message);
      // Refused by the server's middleware: socket.io does not retry that on its own.
      if (!this.stopped && !s.active) setTimeout(() => !this.stopped && s.connect(), 500).unref();
    });
    s.on(STANDBY_EVENTS.state, (state: ReplicaState) => {
      this.heard();
      this.latest = state;
      o.onState(state);
    });
    s.on(STANDBY_EVENTS.handOver, (payload: { from?: unknown } | null, ack: unknown) => {
      const from = typeof payload?.from === 'string' ? payload.from.slice(0, 40) : 'desk';
      void o.onHandOver(from).then((r) => typeof ack === 'function' && ack(r));
    });
    s.on(STANDBY_EVENTS.heartbeat, (beat: Heartbeat, ack: unknown) => {
      this.heard();
      if (this.sync.synced) this.lagMs = Math.max(0, this.primaryNow() - beat.at);
      if (typeof ack === 'function') ack({ lagMs: this.lagMs });
    });
  }

  /** Tell the primary where pages reach us (once we listen; again on every reconnect). */
  announceSelf(): void {
    const url = this.o.selfUrl();
    if (url && this.socket.connected) this.socket.emit(STANDBY_EVENTS.self, { url });
  }

  /** The primary's clock as estimated over the link. */
  primaryNow(): ServerMs {
    return this.o.localClock() + (this.sync.synced ? this.sync.offset : 0);
  }

  /** Primary's clock minus ours, once synced. */
  get offsetMs(): number | null {
    return this.sync.synced ? this.sync.offset : null;
  }

  silentMs(): number {
    return performance.now() - this.heardAt;
  }

  /** Resolves with the first state and a synced clock, or false after `timeoutMs`. */
  async ready(timeoutMs: number): Promise<boolean> {
    const end = performance.now() + timeoutMs;
    while (performance.now() < end && !this.stopped) {
      if (this.latest && this.sync.synced && this.sync.totalSamples >= 8) return true;
      await new Promise((r) => setTimeout(r, 20));
    }
    return false;
  }

  /** Ask the primary to stand down for `term`; its final state, or null without an answer. */
  async askStandDown(term: number, timeoutMs: number): Promise<ReplicaState | null> {
    if (!this.socket.connected) return null;
    try {
      const reply = (await this.socket.timeout(timeoutMs).emitWithAck(STANDBY_EVENTS.standDown, { term })) as ReplicaState | { ok: false };
      return reply && 'state' in reply ? reply : null;
    } catch {
      return null;
    }
  }

  private heard(): void {
    this.heardAt = performance.now();
  }

  stop(): void {
    this.stopped = true;
    this.loop.stop();
    this.socket.removeAllListeners();
    this.socket.close();
  }
}
