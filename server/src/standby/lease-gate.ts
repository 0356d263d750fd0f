// The pair's rules around the primary lease (lease.ts), for the standby role: who starts as
// primary, what a takeover must hold first, when a primary may keep driving the show, and what a
// server does when the lease ends under it (it stands down, says so, and follows the holder).

import type { TakeOverResult } from '../../../protocol/index.ts';
import type { AlarmBoard } from '../show/alarms.ts';
import { askPeer } from './peer.ts';
import { PrimaryLease, type LeaseHolder, type LeaseOptions } from './lease.ts';

export interface LeaseGateOptions extends Omit<LeaseOptions, 'onLost'> {
  /** The standby takes over after this much silence (the primary's margin when redis is away). */
  takeoverAfterMs: number;
  /** The operator token, to ask a lease holder where it stands. */
  token: () => string;
  alarms: AlarmBoard;
  /** The outputs to fence: nothing goes out past the instant this server may drive until. */
  lighting: { fenceUntil(until: number): void };
}

/** What the gate needs of the standby role. */
export interface LeaseHost {
  role(): 'primary' | 'standby';
  term(): number;
  setTerm(term: number): void;
  peer(): { url: string | null; name: string };
  /** performance.now() of the linked standby's last heartbeat answer (primary), or null. */
  standbyAnsweredAt(): number | null;
  /** The silent primary is known to be alive (pages stay away from this standby). */
  primaryAnswers(yes: boolean): void;
  standDown(url: string | null, name: string, term: number, why: string): Promise<void>;
  follow(url: string): Promise<boolean>;
  promote(reason: string): Promise<TakeOverResult>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class LeaseGate {
  readonly lease: PrimaryLease;
  private lookedAt = -Infinity;
  private fencing: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly o: LeaseGateOptions,
    private readonly host: LeaseHost,
  ) {
    this.lease = new PrimaryLease({ ...o, onLost: (why, holder, final) => void this.lost(why, holder, final) });
  }

  get epoch(): number | null {
    return this.lease.held?.epoch ?? null;
  }

  /**
   * At start. Told to follow a server: follow it (no lease). Else take the lease: null when ours;
   * when another holds it, the address of that holder (a live primary, or after waiting out the
   * lease of one that is gone without answering).
   */
  async claim(follow: string | null, floor: number): Promise<string | null> {
    await this.lease.connect();
    // The outputs' fence follows the lease while primary; one that stood down keeps its (past) fence
    // until it takes the lease again (acquire moves it before the takeover's chase goes out).
    this.fencing = setInterval(() => this.host.role() === 'primary' && this.o.lighting.fenceUntil(this.driveUntil()), 50);
    this.fencing.unref();
    if (follow) return follow;
    const end = performance.now() + 2 * this.o.ttlMs + 1000;
    for (;;) {
      const r = await this.lease.tryAcquire(floor);
      if (r.acquired) return null;
      if (r.holder?.url && (await askPeer(r.holder.url, this.o.token(), 500))?.self.role === 'primary') return r.holder.url;
      if (performance.now() > end && r.holder?.url) return r.holder.url;
      await sleep(100);
    }
  }

  /**
   * A takeover's lease, with an epoch of at least `floor`. `insist` (an operator's take over):
   * ask the holder to let it run out and wait for that; else one try (the standby's watch tries
   * again on its next turn).
   */
  async acquire(floor: number, insist: boolean): Promise<{ epoch: number } | { epoch: null; holder: LeaseHolder | null }> {
    const end = performance.now() + (insist ? 2 * this.o.ttlMs + 500 : 0);
    let asked = false;
    for (;;) {
      const r = await this.lease.tryAcquire(floor);
      if (r.acquired && r.holder) {
        this.o.lighting.fenceUntil(this.driveUntil());
        return { epoch: r.holder.epoch };
      }
      if (performance.now() >= end) return { epoch: null, holder: r.holder };
      if (!asked) asked = await this.lease.requestTakeOver();
      await sleep(50);
    }
  }

  /**
   * Whether a primary may drive the show now. Holding the lease, yes. Without it, only while redis
   * is out of reach for us and our standby answered a heartbeat within half its takeover time (it
   * hears us, so it will not take over, and a standby that stops hearing us waits twice that long).
   * A server that has never had a peer is not fenced at all (nobody could drive beside it but a
   * misconfigured second server, which the lease still finds at the next renewal): a stall of its
   * event loop past the lease must not cost the show its lighting.
   */
  mayDrive(): boolean {
    return performance.now() < this.driveUntil();
  }

  /** The instant (performance.now()) until which a primary may drive, by the rules above. */
  driveUntil(): number {
    const lease = this.lease.holds() ? this.lease.validUntil : -Infinity;
    if (!this.host.peer().url) return Infinity;
    if (this.lease.reachable()) return lease;
    const answeredAt = this.host.standbyAnsweredAt();
    return Math.max(lease, answeredAt !== null ? answeredAt + this.o.takeoverAfterMs / 2 : -Infinity);
  }

  /**
   * The lease ended under a primary. Taken by another server or asked for by an operator: stand
   * down and follow the holder. Lapsed: the next watch turn takes it again if nobody else has
   * (guard), driving on meanwhile only as mayDrive allows.
   */
  private async lost(why: string, holder: LeaseHolder | null, final: boolean): Promise<void> {
    if (this.host.role() !== 'primary') return;
    if (!final) return this.o.alarms.raise('standby:lease', 'critical', `the primary lease lapsed (${why}); ${this.mayDrive() ? 'driving on while the standby still hears this server' : 'nothing is driven until it is taken again'}`);
    const peer = this.host.peer();
    const url = holder?.url || peer.url;
    this.o.alarms.raise('standby:lease', 'critical', `this server lost the primary lease (${why}) and stood down${url ? `; following ${url}` : ''}`);
    await this.host.standDown(url, holder?.node ?? peer.name, Math.max(holder?.epoch ?? 0, this.host.term()), `it lost the primary lease: ${why}`);
  }

  /** A takeover the lease refused: say why (a primary that still renews it is alive, whatever the link says). */
  refused(holder: LeaseHolder | null): TakeOverResult {
    this.host.primaryAnswers(!!holder);
    const error = holder ? `the primary ${holder.node} still holds the primary lease in redis (epoch ${holder.epoch})` : 'redis does not answer, and there is no takeover without the primary lease';
    this.o.alarms.raise('standby:link', 'critical', `the primary (${this.host.peer().url}) is not heard on the replication link, but ${error}: not taking over`);
    return { ok: false, error: `${error}: not taking over` };
  }

  /** Each watch turn of a primary without its lease (redis was away): take it again, or stand down once it may not drive on. */
  async guard(): Promise<void> {
    const r = await this.lease.tryAcquire(this.host.term() + 1);
    if (r.acquired && r.holder) {
      this.host.setTerm(r.holder.epoch);
      this.o.alarms.clear('standby:lease');
      this.o.log(`lease: holding the primary lease again (epoch ${r.holder.epoch})`);
    } else if (r.holder) await this.lost(`${r.holder.node} holds it`, r.holder, true);
    else if (!this.mayDrive()) await this.lost('redis does not answer and the standby no longer hears this server', null, true);
  }

  /** Each watch turn of a standby that stood down without knowing whom to follow: the holder, or the lease itself when it is free. */
  async findHolder(): Promise<void> {
    if (performance.now() - this.lookedAt < 500) return;
    this.lookedAt = performance.now();
    const holder = await this.lease.holder();
    if (holder?.url && holder.url !== this.o.selfUrl()) await this.host.follow(holder.url);
    else if (!holder) await this.host.promote('no server holds the primary lease');
  }

  release(): Promise<void> {
    return this.lease.release();
  }

  close(): Promise<void> {
    if (this.fencing) clearInterval(this.fencing);
    return this.lease.close();
  }
}
