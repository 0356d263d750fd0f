// The primary lease in redis: when the servers of a pair (and any other whole server) share one
// redis, only the holder of this lease may drive the show. The lease is one key holding
// "<epoch> <node> <url>", set only when absent (NX) with a time to live; its holder renews it by
// compare-and-set in a Lua script. Every grant takes the next number from a counter in redis
// (INCR), the epoch: it only rises, and it is the term every message of the pair and the cluster
// carries, so a stale primary's word is refused wherever it lands.
//
// Safety rests on the holder's own clock: it counts its lease valid only until `ttl - margin`
// after it *sent* the request that granted or renewed it, so it stops driving before redis can
// hand the lease to anyone else, even when a reply comes late. Renewals that fail are retried
// until that moment; a renewal that finds another holder ends the lease at once.

import { createClient, type RedisClientType } from 'redis';

export interface LeaseHolder {
  epoch: number;
  node: string;
  url: string;
}

export interface LeaseOptions {
  url: string;
  /** The lease key (the epoch counter and the take-over request live beside it); default holostage:primary. */
  key?: string;
  node: string;
  /** Where pages reach this server (stored with the lease, so a server that loses it knows whom to follow). */
  selfUrl: () => string;
  /** Time to live, ms: a dead holder's lease is free this long after its last renewal. */
  ttlMs: number;
  log: (line: string) => void;
  /**
   * The lease ended while held. `final`: another server holds it, or an operator's take over asked
   * for it; else it lapsed (not renewed in time) and may be taken again if nobody else has.
   */
  onLost: (why: string, holder: LeaseHolder | null, final: boolean) => void;
}

export const DEFAULT_LEASE_KEY = 'holostage:primary';

// KEYS: lease, epoch counter, take-over request. ARGV: node, url, ttl, lowest epoch to grant, the
// value we held last (our own lease that lapsed while this process stalled is granted again, anew).
const ACQUIRE = `
local held = redis.call('GET', KEYS[1])
if held and held ~= ARGV[5] then return {0, held} end
local epoch = redis.call('INCR', KEYS[2])
local floor = tonumber(ARGV[4])
if epoch < floor then epoch = floor redis.call('SET', KEYS[2], epoch) end
local value = epoch .. ' ' .. ARGV[1] .. ' ' .. ARGV[2]
redis.call('SET', KEYS[1], value, 'PX', ARGV[3])
redis.call('DEL', KEYS[3])
return {epoch, value}`;

// KEYS: lease, take-over request. ARGV: the value we hold, ttl, the value to hold from now (our
// address, once we listen). A take-over request lets the lease run out instead of extending it
// (the holder stands down at once; the asker gets it on expiry).
const RENEW = `
local held = redis.call('GET', KEYS[1])
if held ~= ARGV[1] then return {0, held or ''} end
local asked = redis.call('GET', KEYS[2])
if asked then return {-1, asked} end
redis.call('SET', KEYS[1], ARGV[3], 'PX', ARGV[2])
return {1, ARGV[3]}`;

const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

export function parseHolder(value: string | null | undefined): LeaseHolder | null {
  const m = /^(\d+) (\S+) (\S+)$/.exec(value ?? '');
  return m ? { epoch: Number(m[1]), node: m[2]!, url: m[3] === '-' ? '' : m[3]! } : null;
}

export class PrimaryLease {
  /** The lease we hold (its value in redis), or null. */
  held: LeaseHolder | null = null;
  /** performance.now() until which the held lease is ours for certain. */
  validUntil = -Infinity;
  /** The last answer from redis, performance.now(); -Infinity before any. */
  answeredAt = -Infinity;
  readonly key: string;
  private readonly client: RedisClientType;
  private value = '';
  /** The value of the lease we held last, so a lapsed one of ours can be granted again. */
  private lastValue = '';
  private renewTimer: ReturnType<typeof setTimeout> | null = null;
  private lostTimer: ReturnType<typeof setTimeout> | null = null;
  private lastError = '';
  private closed = false;

  constructor(private readonly o: LeaseOptions) {
    this.key = o.key ?? DEFAULT_LEASE_KEY;
    // Commands fail at once while disconnected (no offline queue): a lease must not be renewed late.
    this.client = createClient({ url: o.url, disableOfflineQueue: true, socket: { connectTimeout: 2000, reconnectStrategy: (retries) => Math.min(50 * 2 ** retries, 1000) } }) as RedisClientType;
    this.client.on('error', (err: Error) => {
      if (err.message !== this.lastError) o.log(`lease: redis: ${err.message}`);
      this.lastError = err.message;
    });
  }

  async connect(timeoutMs = 10_000): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`cannot reach redis at ${this.o.url} for the primary lease${this.lastError ? ` (${this.lastError})` : ''}`)), timeoutMs)));
    try {
      await Promise.race([this.client.connect(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Whether this server may drive the show now, by the lease alone. */
  holds(): boolean {
    return this.held !== null && performance.now() < this.validUntil;
  }

  /** Whether redis answered within the lease's time to live. */
  reachable(): boolean {
    return this.client.isReady && performance.now() - this.answeredAt < this.o.ttlMs;
  }

  /** Is the lease free (then it is ours, with an epoch of at least `floor`)? Else who holds it (null: redis did not answer). */
  async tryAcquire(floor: number): Promise<{ acquired: boolean; holder: LeaseHolder | null }> {
    if (this.holds()) return { acquired: true, holder: this.held };
    const sentAt = performance.now();
    const reply = await this.eval(ACQUIRE, [this.key, `${this.key}:epoch`, `${this.key}:take-over`], [this.o.node, this.o.selfUrl() || '-', String(this.o.ttlMs), String(floor), this.lastValue || '-']);
    if (!reply) return { acquired: false, holder: null };
    const holder = parseHolder(reply[1]);
    if (Number(reply[0]) === 0 || !holder) return { acquired: false, holder };
    this.held = holder;
    this.value = this.lastValue = String(reply[1]);
    this.extend(sentAt);
    this.scheduleRenew();
    return { acquired: true, holder };
  }

  /** The holder now, as redis says (null: free or no answer). */
  async holder(): Promise<LeaseHolder | null> {
    try {
      return parseHolder(await this.client.withCommandOptions({ timeout: this.o.ttlMs / 2 }).get(this.key));
    } catch {
      return null;
    }
  }

  /** Ask the holder to let its lease run out (an operator's take over while the pair's link is cut). */
  async requestTakeOver(): Promise<boolean> {
    try {
      await this.client.withCommandOptions({ timeout: this.o.ttlMs / 2 }).set(`${this.key}:take-over`, this.o.node, { PX: this.o.ttlMs * 3 });
      return true;
    } catch {
      return false;
    }
  }

  /** Give the lease up (standing down): only if it is still ours. */
  async release(): Promise<void> {
    const value = this.value;
    this.drop();
    this.lastValue = '';
    if (value) await this.eval(RELEASE, [this.key], [value]);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.drop();
    if (this.client.isOpen) this.client.destroy();
  }

  private drop(): void {
    this.held = null;
    this.value = '';
    this.validUntil = -Infinity;
    if (this.renewTimer) clearTimeout(this.renewTimer);
    if (this.lostTimer) clearTimeout(this.lostTimer);
    this.renewTimer = this.lostTimer = null;
  }

  /** Valid until ttl after the request was sent, less a margin for clock rates and our own reaction time. */
  private extend(sentAt: number): void {
    const ttl = this.o.ttlMs;
    this.validUntil = sentAt + ttl - Math.max(150, ttl * 0.2);
    if (this.lostTimer) clearTimeout(this.lostTimer);
    this.lostTimer = setTimeout(() => this.lose(`the lease was not renewed in redis within its ${ttl} ms${this.lastError ? ` (${this.lastError})` : ''}`, null, false), Math.max(0, this.validUntil - performance.now()));
    this.lostTimer.unref();
  }

  private scheduleRenew(): void {
    if (this.renewTimer) clearTimeout(this.renewTimer);
    this.renewTimer = setTimeout(() => void this.renew(), this.o.ttlMs / 4);
    this.renewTimer.unref();
  }

  private async renew(): Promise<void> {
    if (!this.held || this.closed) return;
    const value = this.value;
    const next = `${this.held.epoch} ${this.o.node} ${this.o.selfUrl() || '-'}`;
    const sentAt = performance.now();
    const reply = await this.eval(RENEW, [this.key, `${this.key}:take-over`], [value, String(this.o.ttlMs), next]);
    if (this.value !== value) return;
    if (reply && Number(reply[0]) === 1) {
      this.value = this.lastValue = next;
      this.held = parseHolder(next);
      this.extend(sentAt);
    }
    else if (reply && Number(reply[0]) === -1) return this.lose(`an operator's take over on ${String(reply[1])} asked this server to give up the lease`, null, true);
    else if (reply && reply[1]) return this.lose(`the lease is held by another server (${String(reply[1])})`, parseHolder(reply[1]), true);
    else if (reply) return this.lose('the lease ran out in redis before it was renewed', null, false);
    this.scheduleRenew();
  }

  private lose(why: string, holder: LeaseHolder | null, final: boolean): void {
    if (!this.held) return;
    this.drop();
    this.o.log(`lease: lost: ${why}`);
    this.o.onLost(why, holder, final);
  }

  /** A script's reply, or null when redis does not answer within half the time to live. */
  private async eval(script: string, keys: string[], args: string[]): Promise<[number | string, string] | null> {
    try {
      const reply = (await this.client.withCommandOptions({ timeout: Math.max(50, this.o.ttlMs / 2) }).eval(script, { keys, arguments: args })) as unknown;
      this.answeredAt = performance.now();
      return Array.isArray(reply) ? (reply as [number | string, string]) : [Number(reply), ''];
    } catch (err) {
      this.lastError = (err as Error).message;
      return null;
    }
  }
}
