// One page's link to the show server, shared by the stage, the fan viewer and the desk: the socket
// and its lifecycle, the clock sync, the transport snapshot (an older revision arriving late is
// dropped) and the compiled timeline (fetched again only when its revision changes). The pages
// listen for what changed and draw; none of them re-implements the connection.

import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import { ClockSync, ClockSyncLoop, EVENTS, type Hello, type ServerMs, type ShowSeconds, type TimelineReply, type TransportSnapshot } from '../protocol/index.ts';
import type { Timeline } from '../show-files/src/timeline.ts';
import { SyncedShowClock } from './show-clock.ts';
import { Failover } from './failover.ts';

export interface ShowLinkOptions {
  /** The server; the page's own origin when left out. */
  url?: string;
  /** The role's token ('' for an open fan link); sent in the handshake's auth. */
  token: string;
  /** Extra handshake query (an output names itself). */
  query?: Record<string, string>;
  /** socket.io reconnection pacing, ms. */
  reconnectionDelay?: number;
  reconnectionDelayMax?: number;
  /**
   * Forget the clock offset on every (re)connect. The desk does (a stale offset misleads the
   * operator); a renderer keeps the old one until new samples arrive, so the picture never jumps.
   */
  resetClockOnConnect?: boolean;
  /** How long a timeline request may take, ms. */
  timelineTimeoutMs?: number;
  /** More socket.io options, for tools and tests in Node (e.g. `localAddress`, to connect from many loopback addresses). */
  socketOptions?: Record<string, unknown>;
}

export interface ShowLinkEvents {
  /** Connected, disconnected or refused (see `connected`, `connectionError`). */
  connection: () => void;
  /** The server's greeting on every (re)connect. */
  hello: (hello: Hello) => void;
  /** A newer transport snapshot was taken. */
  transport: (snapshot: TransportSnapshot) => void;
  /** A timeline of a new revision arrived (the first one too). */
  timeline: (timeline: Timeline, revision: number) => void;
  /** A timeline request failed (no answer, or a server without a show). */
  timelineError: (error: Error) => void;
}

type Listeners = { [K in keyof ShowLinkEvents]: ShowLinkEvents[K][] };

/** The server closed the connection itself (a restart, a kick): socket.io does not retry that. */
const SERVER_DISCONNECT = 'io server disconnect';
const REDIAL_MS = 1000;

export class ShowLink {
  readonly sync = new ClockSync({ now: () => performance.now() });
  /** Show time from the last snapshot and the synced server clock; holds the revision guard. */
  readonly clock = new SyncedShowClock(this.sync);
  readonly socket: Socket;
  readonly loop: ClockSyncLoop;
  /** The other server of a warm-standby pair, dialled when this one goes. */
  readonly failover: Failover;
  connected = false;
  everConnected = false;
  /** Successful connects so far (a reconnect counts again). */
  connects = 0;
  connectionError: string | null = null;
  hello: Hello | null = null;
  timeline: Timeline | null = null;
  timelineRevision = -1;
  private readonly listeners: Listeners = { connection: [], hello: [], transport: [], timeline: [], timelineError: [] };

  constructor(private readonly options: ShowLinkOptions) {
    const socketOptions: Partial<ManagerOptions & SocketOptions> = {
      auth: options.token ? { token: options.token } : {},
      transports: ['websocket'],
    };
    if (options.socketOptions) Object.assign(socketOptions, options.socketOptions);
    if (options.query) socketOptions.query = options.query;
    if (options.reconnectionDelay !== undefined) socketOptions.reconnectionDelay = options.reconnectionDelay;
    if (options.reconnectionDelayMax !== undefined) socketOptions.reconnectionDelayMax = options.reconnectionDelayMax;
    this.socket = options.url === undefined ? io(socketOptions) : io(options.url, socketOptions);
    this.loop = new ClockSyncLoop(this.sync, this.socket);
    this.failover = new Failover(this.socket, options.url);
    this.wire();
  }

  on<K extends keyof ShowLinkEvents>(event: K, fn: ShowLinkEvents[K]): void {
    this.listeners[event].push(fn);
  }

  private emitLocal<K extends keyof ShowLinkEvents>(event: K, ...args: Parameters<ShowLinkEvents[K]>): void {
    for (const fn of this.listeners[event]) (fn as (...a: Parameters<ShowLinkEvents[K]>) => void)(...args);
  }

  private wire(): void {
    const s = this.socket;
    s.on('connect', () => {
      this.connected = true;
      this.everConnected = true;
      this.connects++;
      this.connectionError = null;
      // A (re)connect may reach a restarted server: its revisions start again, so take its
      // snapshot as it is, and resync the clock.
      if (this.options.resetClockOnConnect) this.sync.reset();
      this.loop.restart();
      this.clock.forgetRevision();
      s.emit(EVENTS.snapshot, (snap: TransportSnapshot) => this.takeSnapshot(snap));
      this.emitLocal('connection');
    });
    s.on('disconnect', (reason: string) => {
      this.connected = false;
      // Keep going on the last snapshot and clock offset until the server is back.
      this.loop.stop();
      if (reason === SERVER_DISCONNECT) this.failover.serverClosed(REDIAL_MS);
      this.emitLocal('connection');
    });
    s.on('connect_error', (err: Error) => {
      this.connectionError = err.message;
      this.emitLocal('connection');
    });
    s.on(EVENTS.hello, (hello: Hello) => {
      this.hello = hello;
      // Listeners see the greeting (the show it names) before the snapshot that comes with it.
      this.emitLocal('hello', hello);
      this.clock.forgetRevision();
      this.takeSnapshot(hello.transport);
      if (!this.timeline || hello.show?.revision !== this.timelineRevision) void this.fetchTimeline();
    });
    s.on(EVENTS.transport, (snap: TransportSnapshot) => this.takeSnapshot(snap));
    s.on(EVENTS.showLoaded, () => void this.fetchTimeline());
  }

  /** Takes a snapshot unless it is malformed or older than the one held. */
  takeSnapshot(snap: TransportSnapshot | null | undefined): boolean {
    if (!snap || typeof snap !== 'object' || typeof snap.showTime !== 'number') return false;
    if (!this.clock.setSnapshot(snap)) return false;
    this.emitLocal('transport', snap);
    return true;
  }

  get snapshot(): TransportSnapshot | null {
    return this.clock.current;
  }

  /** Show seconds now. */
  showTime(): ShowSeconds {
    return this.clock.showTime();
  }

  /** Server ms now as this page estimates it. */
  serverNow(): ServerMs {
    return this.sync.serverNow();
  }

  /** Asks for the compiled show; tells listeners only when its revision is new. Never throws. */
  async fetchTimeline(): Promise<void> {
    try {
      const reply = (await this.socket.timeout(this.options.timelineTimeoutMs ?? 10_000).emitWithAck(EVENTS.timeline)) as TimelineReply<Timeline>;
      if (!reply || typeof reply !== 'object' || !reply.timeline) throw new Error('the server has no show loaded');
      if (reply.revision === this.timelineRevision && this.timeline) return;
      this.timeline = reply.timeline;
      this.timelineRevision = reply.revision;
      this.emitLocal('timeline', reply.timeline, reply.revision);
    } catch (err) {
      this.emitLocal('timelineError', err instanceof Error ? err : new Error(String(err)));
    }
  }

  /** An event with an answer, refused at once when offline and after `timeoutMs` without one. */
  request<T>(event: string, payload: unknown, timeoutMs = 5000): Promise<T> {
    return new Promise((resolve, reject) => {
      if (!this.socket.connected) return reject(new Error('not connected to the show server'));
      this.socket.timeout(timeoutMs).emit(event, payload, (err: Error | null, reply: T) => (err ? reject(new Error(`the server did not answer in ${timeoutMs / 1000} s`)) : resolve(reply)));
    });
  }
}
