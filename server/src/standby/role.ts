// Warm standby: this server's place in a pair. A primary drives the show (clock, journal, lighting,
// outputs) and mirrors its state to a standby; a standby follows, refuses outputs and viewers
// (they dial the primary), and takes over when the primary has been silent for `takeoverAfterMs`
// and does not answer on a second path either, or when an operator asks (a desk, the API, OSC).
// Every takeover raises the term, the fencing number. On a shared redis the term is the primary
// lease's epoch and only the lease holder drives (lease-gate.ts); without one, of two primaries
// (a healed split) the lower term stands down. A primary killed and restarted comes back as standby.

import type { Express } from 'express';
import type { Server as IoServer } from 'socket.io';
import { STANDBY_EVENTS, type Heartbeat, type PairView, type ReplicaState, type ServerMs, type TakeOverResult, type TransportSnapshot } from '../../../protocol/index.ts';
import type { ShowController } from '../show/controller.ts';
import type { AlarmBoard } from '../show/alarms.ts';
import type { Access } from '../fans/cluster-role.ts';
import type { Identity } from '../tokens.ts';
import { initialState } from '../transport.ts';
import { ReplicaLink } from './link.ts';
import { ReplicaSource, isStandbyLink, replicaStateOf, type StandbyPeer } from './source.ts';
import { ShowMirror } from './mirror.ts';
import { askPeer, originOf, readPair, tokenInUrl, whomToFollow, writePair } from './peer.ts';
import { answerPages, mountStandbyRoutes } from './routes.ts';
import { LeaseGate, type LeaseHost } from './lease-gate.ts';
import { pairServers, pairView, pushKey } from './pair-view.ts';
import type { ServerClock } from '../clock.ts';

export interface StandbyOptions {
  /** Start as the standby of this primary (its address; a desk link's ?token= is the operator token). */
  of?: string;
  /** The operator token the link authenticates with (default: the one in `of`, else our own). */
  token?: string;
  /** Take over once the primary has been silent this long, ms (default 1000). */
  takeoverAfterMs?: number;
  /** Heartbeat on the link, ms (default 200). */
  heartbeatMs?: number;
  /** How long a takeover waits for the primary to confirm it stood down, ms (default 1000). */
  handOverTimeoutMs?: number;
  /** A redis both servers reach: only the holder of the primary lease there drives the show (lease.ts). */
  redis?: string;
  /** The lease's key in that redis (default holostage:primary; one per show on a shared redis). */
  leaseKey?: string;
}

export interface StandbyRoleDeps {
  io: IoServer;
  app: Express;
  controller: ShowController;
  alarms: AlarmBoard;
  access: Access;
  stateDir: string;
  showDir: string;
  name: string;
  url: () => string;
  baseClock: () => ServerMs;
  /** The server's clock (every part reads it): moved onto the primary's once a fresh standby has measured it. */
  clock: ServerClock;
  log: (line: string) => void;
  /** A mirrored snapshot for this server's desks (the standby's own sockets). */
  announce: (snapshot: TransportSnapshot) => void;
  /** What runs only on the primary (venue protocols, MIDI in): started on taking over, stopped on standing down. */
  primaryOnly: { start: () => Promise<void>; stop: () => Promise<void> };
}

const LAG_ALARM_MS = 250;
export class StandbyRole {
  role: 'primary' | 'standby' = 'primary';
  term = 0;
  /** Added to this server's own clock: the primary's clock as a fresh standby measured it. */
  clockOffsetMs = 0;
  private peerUrl: string | null = null;
  private peerName = '';
  private peerTerm = 0;
  private peerLive = false;
  private link: ReplicaLink | null = null;
  private readonly source: ReplicaSource;
  private readonly mirror: ShowMirror;
  private readonly opts: Required<Omit<StandbyOptions, 'of' | 'token' | 'redis' | 'leaseKey'>>;
  readonly gate: LeaseGate | null; // the primary lease, when the pair shares a redis
  /** The operator token itself (a mirrored server keeps only hashes): for the link, and OSC's /connect. */
  operatorToken = '';
  private watch: ReturnType<typeof setInterval> | null = null;
  private checking = false;
  private promoting: { attempt: Promise<TakeOverResult>; asks: boolean } | null = null;
  private askedAt = -Infinity;
  /** The silent primary answered on its own address (a cut link, not a dead server). */
  private primaryAnswers = false;
  /** Resolves a hand-over the operator asked for here, once we stood down. */
  private handedOver: ((r: TakeOverResult) => void) | null = null;
  private lastPushed = '';
  private closed = false;

  constructor(
    private readonly d: StandbyRoleDeps,
    private readonly options: StandbyOptions = {},
  ) {
    this.opts = { takeoverAfterMs: options.takeoverAfterMs ?? 1000, heartbeatMs: options.heartbeatMs ?? 200, handOverTimeoutMs: options.handOverTimeoutMs ?? 1000 };
    this.mirror = new ShowMirror({ controller: d.controller, access: d.access, alarms: d.alarms, showDir: d.showDir, log: d.log, adopted: () => d.announce(d.controller.snapshot()) });
    const beat = (): Heartbeat => ({ term: this.term, at: this.now(), revision: d.controller.state.revision });
    this.source = new ReplicaSource({ io: d.io, heartbeatMs: this.opts.heartbeatMs, isPrimary: () => this.role === 'primary', state: () => this.replicaState(), beat, changed: () => this.peerChanged(), standDown: (peer, term) => this.standDownFor(peer, term) });
    // Every change the controller announces is mirrored at once.
    const publish = this.source.publish.bind(this.source);
    d.controller.listen({ transport: publish, showLoaded: publish });
    mountStandbyRoutes(d.app, { access: d.access, view: () => this.view(), takeOver: (from) => this.takeOver(from) });
    const host: LeaseHost = { role: () => this.role, term: () => this.term, setTerm: (t) => ((this.term = t), this.savePair()), peer: () => ({ url: this.peerUrl, name: this.peerName }), standbyAnsweredAt: () => this.source.current()?.answeredAt ?? null,
      primaryAnswers: (yes) => (this.primaryAnswers = yes), standDown: (url, name, term, why) => this.standDown(url, name, term, why), follow: (url) => this.follow(url, 5000), promote: (reason) => this.promote(reason, false) };
    this.gate = options.redis ? new LeaseGate({ url: options.redis, key: options.leaseKey, node: d.name, selfUrl: d.url, ttlMs: this.opts.takeoverAfterMs, takeoverAfterMs: this.opts.takeoverAfterMs, token: () => this.operatorToken, log: d.log, alarms: d.alarms, lighting: d.controller.lighting }, host) : null;
    d.controller.term = () => this.term;
    d.controller.fence = () => (this.role === 'primary' && this.gate && !this.mayDrive() ? 'standby: this server no longer holds the primary lease' : null);
  }

  /** Whether this server may drive the show (the primary, holding the lease on a shared redis); the controller's fence. */
  mayDrive(): boolean {
    return this.role === 'primary' && (this.gate?.mayDrive() ?? true);
  }

  /** The server listens (its address is known): a standby tells its primary. */
  listening(): void {
    this.link?.announceSelf();
  }

  /** This server's clock: its own, plus the offset to the primary it first followed. */
  now(): ServerMs {
    return this.d.baseClock() + this.clockOffsetMs;
  }

  /**
   * A standby admits operators (its desk, a standby's link) and sends everyone else to the primary,
   * unless the primary has gone quiet: then pages are let in (they see the last mirrored state, as
   * they would offline) and get the takeover's snapshot the moment it comes.
   */
  refuses(identity: Identity): string | null {
    if (this.role === 'primary' || identity.role === 'operator' || this.primaryLost()) return null;
    return `standby: this server is the standby${this.peerUrl ? `; the show is on ${this.peerUrl}` : ''}`;
  }

  /**
   * Before the lighting opens: decide the role. `--standby-of` makes us a standby; a server whose
   * pair.json names a peer that is primary now (we were killed and it took over) comes back as its
   * standby. A standby links up and syncs its clock before anything else starts.
   */
  async prepare(): Promise<boolean> {
    const d = this.d;
    const pair = readPair(d.stateDir);
    this.term = pair.term;
    this.peerUrl = pair.peer;
    this.operatorToken = this.options.token ?? (this.options.of ? tokenInUrl(this.options.of) : null) ?? d.access.tokens.operator;
    // A server that mirrored a primary keeps its tokens (as hashes): the pages' links stay valid after a restart.
    if (pair.tokens) d.access.tokens = { operator: '', viewer: '', outputs: {}, hashes: pair.tokens };
    let follow = await whomToFollow(this.options.of ? originOf(this.options.of) : null, pair, this.operatorToken);
    // On a shared redis the lease decides: a server meant to be primary takes it, or follows its holder.
    if (this.gate) follow = await this.gate.claim(follow, this.term + 1);
    if (!follow && this.gate?.epoch) this.term = this.gate.epoch;
    this.source.start();
    answerPages(d.io, { servers: () => this.servers(), view: () => this.view(), takeOver: (from) => this.takeOver(from) });
    this.watch = setInterval(() => void this.tick(), 50);
    this.watch.unref();
    if (!follow) return false;
    this.role = 'standby';
    d.controller.readOnly = 'standby: this server mirrors the primary; take over first';
    d.controller.adopt(initialState(d.controller.timeline, this.now(), 0));
    const linked = await this.follow(follow, 15_000);
    if (linked && this.link?.offsetMs != null) d.clock.runAhead((this.clockOffsetMs = this.link.offsetMs));
    return true;
  }

  private async follow(url: string, waitMs: number): Promise<boolean> {
    const d = this.d;
    this.link?.stop();
    this.peerUrl = originOf(url);
    const link = new ReplicaLink({
      url: this.peerUrl,
      token: this.operatorToken,
      name: d.name,
      selfUrl: d.url,
      localClock: d.baseClock,
      onState: (s) => {
        this.peerName = s.node;
        this.peerTerm = s.term;
        this.peerUrl = s.url || this.peerUrl;
        if (s.term > this.term) this.term = s.term;
        this.mirror.apply(s);
        this.push();
      },
      onConnection: () => this.push(),
      onHandOver: (from) => this.takeOver(`the primary's ${from}`),
    });
    this.link = link;
    const ok = await link.ready(waitMs);
    if (ok) {
      this.savePair();
      d.log(`standby: following ${this.peerName} at ${this.peerUrl} (term ${this.term}, clock offset ${link.offsetMs?.toFixed(2)} ms)`);
    } else d.alarms.raise('standby:link', 'critical', `the standby cannot reach its primary at ${this.peerUrl}: no failover until it does`);
    return ok;
  }

  /** The operator's (or an API, OSC) take over: on the standby, take over; on the primary, hand over to the standby. */
  async takeOver(from: string): Promise<TakeOverResult> {
    if (this.role === 'standby') return this.promote(`taken over from ${from}`, true);
    // The standby answers by asking us to stand down: our standing down is the answer.
    const handed = new Promise<TakeOverResult>((resolve) => (this.handedOver = resolve));
    const result = await this.source.handOver(from, this.opts.handOverTimeoutMs * 3, handed);
    this.handedOver = null;
    return result;
  }

  /** Become primary. `askFirst` (an operator's take over): ask the primary to stand down and take its final state (else the last mirrored one).
   * It waits out the watch's own attempt in flight, which the lease refuses while the primary renews it: that refusal is not the operator's answer. */
  promote(reason: string, askFirst: boolean): Promise<TakeOverResult> {
    if (this.promoting && askFirst && !this.promoting.asks) return this.promoting.attempt.then((r) => (r.ok ? r : this.promote(reason, askFirst)));
    this.promoting ??= { asks: askFirst, attempt: this.doPromote(reason, askFirst).finally(() => (this.promoting = null)) };
    return this.promoting.attempt;
  }

  private async doPromote(reason: string, askFirst: boolean): Promise<TakeOverResult> {
    const d = this.d;
    const link = this.link;
    // Without a link only on a shared redis (a server that lost the lease to a holder it never heard of).
    if (this.role === 'primary' || (!link && !this.gate)) return { ok: false, error: 'this server is already primary' };
    let term = Math.max(this.term, link?.latest?.term ?? 0) + 1;
    const final = askFirst && link ? await link.askStandDown(term, this.opts.handOverTimeoutMs) : null;
    if ((this.role as string) === 'primary' || this.closed) return { ok: false, error: 'this server is already primary' };
    if (this.gate) {
      // No two primaries: the lease first (the primary that stood down gave it up; a silent one's runs out).
      const got = await this.gate.acquire(term, askFirst);
      if (got.epoch === null) return this.gate.refused(got.holder);
      term = got.epoch;
      if (this.closed || this.link !== link) return this.gate.release().then(() => ({ ok: false as const, error: 'the standby moved on while it took the lease' }));
    }
    const mirrored = final ?? link?.latest;
    link?.stop();
    this.link = null;
    this.role = 'primary';
    this.term = term;
    this.peerLive = !!final;
    this.savePair();
    const snapshot = await d.controller.takeOver(mirrored?.state ?? d.controller.state, `standby took over (term ${term}): ${reason}`);
    await d.primaryOnly.start();
    const note = `took over from ${this.peerName || this.peerUrl} at ${snapshot.showTime.toFixed(3)} s (term ${term}): ${reason}`;
    d.log(`standby: ${note}`);
    d.alarms.clear('standby:link');
    d.alarms.raise('standby:takeover', 'warning', `this server ${note}`);
    d.io.local.emit(STANDBY_EVENTS.servers, this.servers());
    this.push();
    return { ok: true, note };
  }

  /** A standby asks us (the primary) to stand down for a higher term. */
  private standDownFor(peer: StandbyPeer, term: number): ReplicaState | null {
    if (this.role !== 'primary' || term <= this.term) return null;
    const final = this.replicaState();
    void this.standDown(peer.url, peer.name, term, 'the standby took over');
    return final;
  }

  /** Stop driving the show, send every page to the other server, and follow it. */
  private async standDown(url: string | null, name: string, term: number, why: string): Promise<void> {
    const d = this.d;
    if (this.role === 'standby') return;
    this.role = 'standby';
    this.term = term;
    this.peerName = name;
    this.peerTerm = term;
    d.controller.standDown(`standby: this server stood down (${why}); ${url ?? 'another server'} is primary`);
    void this.gate?.release();
    this.handedOver?.({ ok: true, note: `handed the show over to ${name} at ${url} (term ${term})` });
    await d.primaryOnly.stop();
    if (url) this.peerUrl = originOf(url);
    this.savePair();
    d.log(`standby: stood down (${why}); following ${name || 'the lease holder'} at ${url ?? '(unknown yet)'} (term ${term})`);
    d.alarms.clear('standby:takeover');
    d.alarms.raise('standby:role', 'warning', `this server stood down (${why}) and is now the standby${url ? ` of ${url}` : ''}`);
    // Pages go to the new primary: outputs and viewers at once (after our answer to the standby has
    // gone out), desks a little later, so one that pressed "hand over" here hears how it went.
    const moveOn = (operators: boolean): void => {
      for (const s of d.io.of('/').sockets.values()) if (!isStandbyLink(s) && (s.rooms.has('operator') === operators)) s.disconnect(true);
    };
    setTimeout(() => moveOn(false), 20).unref();
    setTimeout(() => moveOn(true), 1000).unref();
    if (url) await this.follow(url, 5000);
  }

  /** Every 50 ms: the standby watches the primary's heartbeat; a primary watches for a split that healed. */
  private async tick(): Promise<void> {
    if (this.checking || this.closed) return;
    this.checking = true;
    try {
      if (this.role === 'standby') await (this.link || !this.gate ? this.watchPrimary() : this.gate.findHolder());
      else await (this.gate && !this.gate.lease.holds() ? this.gate.guard() : this.watchPeer());
      this.push();
    } finally {
      this.checking = false;
    }
  }

  /** The link is down or silent and the primary was not heard to answer since: a takeover is near. */
  private primaryLost(): boolean {
    const link = this.link;
    return !!link?.latest && !this.primaryAnswers && (!link.connected || link.silentMs() > 2 * this.opts.heartbeatMs);
  }

  private async watchPrimary(): Promise<void> {
    const link = this.link;
    if (!link || !link.latest) return;
    const silent = link.silentMs();
    this.peerLive = silent < this.opts.takeoverAfterMs;
    if (link.connected && silent < 2 * this.opts.heartbeatMs) {
      this.primaryAnswers = false;
      // The primary is back (a blip): pages that came here meanwhile go back to it.
      for (const s of this.d.io.of('/').sockets.values()) if (!s.rooms.has('operator')) s.disconnect(true);
    }
    if (link.lagMs !== null && link.lagMs > LAG_ALARM_MS) this.d.alarms.raise('standby:lag', 'warning', `replication lag ${link.lagMs.toFixed(0)} ms from the primary`);
    else this.d.alarms.clear('standby:lag');
    if (this.peerLive) return this.d.alarms.clear('standby:link');
    // Silent: ask on a second path (its HTTP address, not the link) before taking over, so a cut
    // link between two live servers never makes two primaries.
    // On a shared redis the lease is that second path: promote() takes it only from a primary that stopped renewing it.
    const answer = this.gate ? null : await askPeer(link.latest.url || this.peerUrl!, this.operatorToken, 300);
    if (this.role !== 'standby' || this.link !== link || link.silentMs() < this.opts.takeoverAfterMs) return;
    if (answer?.self.role === 'primary') {
      this.primaryAnswers = true;
      this.d.alarms.raise('standby:link', 'critical', `the replication link to the primary (${this.peerUrl}) is down, but the primary still answers: not taking over (press take over if it must)`);
      return;
    }
    await this.promote(`the primary was silent for ${(silent / 1000).toFixed(1)} s and ${this.gate ? 'its primary lease ran out' : 'does not answer'}`, false);
  }

  /** A primary with a known peer but no standby linked: is the peer primary too (a healed split)? */
  private async watchPeer(): Promise<void> {
    const linked = this.source.current();
    if (linked) {
      this.peerUrl = linked.url || this.peerUrl;
      this.peerName = linked.name;
      this.peerTerm = this.term;
      this.peerLive = performance.now() - linked.answeredAt < this.opts.takeoverAfterMs;
      if (this.peerLive) this.d.alarms.clear('standby:peer');
      else this.d.alarms.raise('standby:peer', 'warning', `the standby ${linked.name} stopped answering: no failover until it is back`);
      return;
    }
    if (!this.peerUrl || performance.now() - this.askedAt < 1000) return;
    this.askedAt = performance.now();
    const peer = await askPeer(this.peerUrl, this.operatorToken, 500);
    this.peerLive = !!peer;
    if (peer) this.peerTerm = peer.self.term;
    if (peer?.self.role === 'primary' && this.role === 'primary' && (peer.self.term > this.term || (peer.self.term === this.term && peer.self.url < this.d.url()))) {
      await this.standDown(peer.self.url, peer.self.name, peer.self.term, `another primary with term ${peer.self.term} was found`);
    } else if (!peer) this.d.alarms.raise('standby:peer', 'warning', `no standby: ${this.peerUrl} does not answer`);
  }

  private peerChanged(): void {
    const p = this.source.current();
    if (p && p.url) {
      this.peerUrl = p.url;
      this.peerName = p.name;
      this.savePair();
      this.d.alarms.clear('standby:peer');
      this.d.alarms.clear('standby:role');
    }
    this.d.io.local.emit(STANDBY_EVENTS.servers, this.servers());
    this.push();
  }

  private savePair(): void {
    const hashes = this.d.access.tokens.hashes;
    writePair(this.d.stateDir, { peer: this.peerUrl, term: this.term, ...(hashes ? { tokens: hashes } : {}) });
  }

  private replicaState(): ReplicaState {
    return replicaStateOf(this.d, this.term, this.now());
  }

  servers(): string[] {
    return pairServers(this.role, this.d.url(), this.peerUrl);
  }

  view(): PairView {
    const standby = this.role === 'standby';
    const linked = this.source.current();
    const silent = standby ? this.link?.silentMs() : linked ? performance.now() - linked.answeredAt : undefined;
    const link = standby ? this.link && { connected: this.link.connected, lagMs: this.link.lagMs } : linked && { connected: true, lagMs: linked.lagMs };
    const lease = this.gate && { key: this.gate.lease.key, held: this.gate.lease.holds(), epoch: this.gate.epoch ?? this.term };
    return pairView({ self: { name: this.d.name, url: this.d.url(), role: this.role, term: this.term }, peer: { url: this.peerUrl, name: this.peerName, live: this.peerLive, term: this.peerTerm }, link: link ? { ...link, silentMs: silent !== undefined && Number.isFinite(silent) ? Math.round(silent) : null } : null, inStep: this.mirror.inStep, lease });
  }

  /** Tell this server's desks when the pair changed. */
  private push(): void {
    const view = this.view();
    const key = pushKey(view);
    if (key === this.lastPushed) return;
    this.lastPushed = key;
    this.d.io.local.to('operator').emit(STANDBY_EVENTS.pair, view);
  }

  close(): void {
    this.closed = true;
    if (this.watch) clearInterval(this.watch);
    this.source.stop();
    this.link?.stop();
    void this.gate?.close();
  }
}
