// The fan hub on one server process: counts its viewers, takes their cheers (validated and rate
// limited per connection), closes a tally every 100 ms and hands it to the merging node. On a
// single server that is itself; in a cluster the edges send their tallies to the primary over the
// socket.io adapter (redis) and the primary broadcasts the merged crowd to every node's clients.

import type { Server as IoServer, Socket } from 'socket.io';
import type { Role, CrowdFrame, CrowdPartial } from '../../../protocol/index.ts';
import { CLUSTER_EVENTS, CROWD_EVENTS } from '../../../protocol/index.ts';
import { CROWD_TICK_MS, CrowdMerger, NodeTally, RateLimiter, sameCrowd, validateCheer } from './crowd.ts';
import { SlicedCast } from './sliced-cast.ts';

/** Node-to-node event (socket.io serverSideEmit): an edge's tally for one window. */

export interface FanHubOptions {
  io: IoServer;
  clock: () => number;
  /** This process's name in the cluster. */
  node: string;
  /**
   * Merges and broadcasts the crowd (the single server, or the primary of a cluster). In a cluster
   * this follows the primary's role (setMerging): a standby on the primary's redis counts like an edge.
   */
  merging: boolean;
  /** Other nodes share this io through an adapter (serverSideEmit works). */
  clustered: boolean;
  /** Cheers per second per connection, and the burst allowed. */
  cheerRate?: number;
  cheerBurst?: number;
  /**
   * One address counts as at most this many fans (default 4: a household, a few phones behind one
   * router): its sockets beyond that neither add viewers nor hold extra penlights, and its cheers
   * share this many fans' rate. 300 sockets from one machine cheer like 4 fans, not 300.
   */
  fansPerAddress?: number;
  /** Broadcast a frame at least this often even when nothing changed (late joiners, the desk). */
  keepAliveMs?: number;
  /**
   * Viewers get the crowd at most this often (the desk and the stage outputs get every 100 ms
   * frame). With 100,000 fans the crowd frames are most of the traffic: 2 a second is plenty
   * for a glow that eases anyway.
   */
  viewerIntervalMs?: number;
  /**
   * An unchanged crowd goes to viewers only this often (default 10 s): each viewer got the last
   * frame when it joined, and with thousands of them every frame is a walk over all their sockets.
   */
  viewerKeepAliveMs?: number;
}

export class FanHub {
  readonly tally: NodeTally;
  private readonly merger = new CrowdMerger();
  private timer: ReturnType<typeof setInterval> | null = null;
  private last: CrowdFrame | null = null;
  private lastSentAt = 0;
  private lastViewerSentAt = 0;
  private viewerBehind = false;
  /** Viewers get the crowd in slices, so a transport change never waits behind the whole walk. */
  private readonly viewerCast: SlicedCast;
  /** Viewer sockets per address, in arrival order (a socket's place is its fan slot). */
  private readonly addresses = new Map<string, { sockets: string[]; limiter: RateLimiter }>();
  /** Cheers accepted and refused since start (this node), for tests and health. */
  accepted = 0;
  refused = 0;
  private mergingNow: boolean;

  constructor(private readonly options: FanHubOptions) {
    this.tally = new NodeTally(options.node);
    this.viewerCast = new SlicedCast(options.io, 'viewer', CROWD_EVENTS.crowd);
    this.mergingNow = options.merging;
    if (options.clustered) {
      options.io.on(CLUSTER_EVENTS.crowdPartial, (partial: unknown) => {
        if (!this.mergingNow) return;
        const p = checkPartial(partial);
        if (p) this.merger.add(p);
      });
      // A node that does not merge gets the viewers' frame from the one that does and slices it to its own viewers.
      options.io.on(CLUSTER_EVENTS.viewerCrowd, (frame: unknown) => {
        if (this.mergingNow || !checkFrame(frame)) return;
        this.last = frame;
        this.viewerCast.send(frame);
      });
    }
  }

  /** Whether this node merges and broadcasts the crowd now (in a cluster, one node at a time). */
  get merging(): boolean {
    return this.mergingNow || !this.options.clustered;
  }

  /**
   * Take up or hand over the merging (a standby that takes over, a primary that stands down). The
   * merger starts empty: the other nodes' next tallies (every 100 ms) fill it.
   */
  setMerging(on: boolean): void {
    this.mergingNow = on;
  }

  get lastFrame(): CrowdFrame | null {
    return this.last;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.tick(), CROWD_TICK_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.viewerCast.stop();
  }

  /** Wire a new connection: viewers are counted and may cheer; everyone gets the crowd as it is. */
  attach(socket: Socket, role: Role, address = socket.handshake.address): void {
    if (this.last) socket.emit(CROWD_EVENTS.crowd, this.last);
    if (role !== 'viewer') {
      socket.on(CROWD_EVENTS.cheer, (_payload: unknown, ack: unknown) => {
        if (typeof ack === 'function') ack({ ok: false, error: `forbidden: only viewers cheer (this is a ${role} connection)` });
      });
      return;
    }
    const perAddress = this.options.fansPerAddress ?? 4;
    const rate = this.options.cheerRate ?? 8;
    const burst = this.options.cheerBurst ?? 12;
    let place = this.addresses.get(address);
    if (!place) this.addresses.set(address, (place = { sockets: [], limiter: new RateLimiter(rate * perAddress, burst * perAddress, this.options.clock()) }));
    const here = place;
    here.sockets.push(socket.id);
    if (here.sockets.length <= perAddress) this.tally.viewers++;
    const limiter = new RateLimiter(rate, burst, this.options.clock());
    socket.on(CROWD_EVENTS.cheer, (payload: unknown, ack: unknown) => {
      const reply = typeof ack === 'function' ? (ack as (r: unknown) => void) : null;
      const now = this.options.clock();
      if (!limiter.take(now) || !here.limiter.take(now)) {
        this.refused++;
        this.tally.refuse();
        reply?.({ ok: false, error: 'cheer: rate limited, slow down' });
        return;
      }
      const checked = validateCheer(payload);
      if (!checked.ok) {
        this.refused++;
        this.tally.refuse();
        reply?.(checked);
        return;
      }
      this.accepted++;
      // The fan is the address and a slot in it: sockets past the address's share wave an existing fan's light.
      const slot = Math.max(0, here.sockets.indexOf(socket.id)) % perAddress;
      this.tally.wave(`${address}#${slot}`, checked.cheer, now);
      reply?.({ ok: true });
    });
    socket.on('disconnect', () => {
      const i = here.sockets.indexOf(socket.id);
      if (i >= 0) here.sockets.splice(i, 1);
      // The address still counts min(sockets, perAddress) fans.
      if (here.sockets.length < perAddress) this.tally.viewers--;
      if (here.sockets.length === 0) this.addresses.delete(address);
      if (here.sockets.length < perAddress) this.tally.leave(`${address}#${here.sockets.length}`);
    });
  }

  /** Close this window's tally; the merging node also merges and broadcasts. */
  tick(now = this.options.clock()): void {
    const partial = this.tally.flush(now);
    const { io } = this.options;
    if (!this.merging) {
      io.serverSideEmit(CLUSTER_EVENTS.crowdPartial, partial);
      return;
    }
    this.merger.add(partial);
    const frame = this.merger.frame(now);
    // A quiet crowd costs nothing: frames go out when something changed, plus a slow keep-alive.
    const keepAlive = now - this.lastSentAt >= (this.options.keepAliveMs ?? 2000);
    const changed = !sameCrowd(this.last, frame);
    if (changed || keepAlive) {
      this.last = frame;
      this.lastSentAt = now;
      io.to(['operator', 'output']).emit(CROWD_EVENTS.crowd, frame);
      if (changed) this.viewerBehind = true;
    }
    if (now - this.lastViewerSentAt >= (this.options.viewerKeepAliveMs ?? 10_000)) this.viewerBehind = true;
    if (this.viewerBehind && this.last && now - this.lastViewerSentAt >= (this.options.viewerIntervalMs ?? 500) - 1) {
      this.lastViewerSentAt = now;
      this.viewerBehind = false;
      this.viewerCast.send(this.last);
      if (this.options.clustered) io.serverSideEmit(CLUSTER_EVENTS.viewerCrowd, this.last);
    }
  }
}

/** A crowd frame from the merging node, checked as far as a viewer page reads it. */
function checkFrame(f: unknown): f is CrowdFrame {
  if (!f || typeof f !== 'object') return false;
  const x = f as CrowdFrame;
  return typeof x.seq === 'number' && typeof x.serverTime === 'number' && typeof x.viewers === 'number' && typeof x.energy === 'number' && Array.isArray(x.colours);
}

/** A partial from another node, checked (the adapter carries whatever a node sends). */
function checkPartial(p: unknown): CrowdPartial | null {
  if (!p || typeof p !== 'object') return null;
  const x = p as CrowdPartial;
  if (typeof x.node !== 'string' || typeof x.at !== 'number' || typeof x.viewers !== 'number' || typeof x.waves !== 'number' || typeof x.refused !== 'number') return null;
  if (!x.holding || typeof x.holding !== 'object') return null;
  return x;
}
