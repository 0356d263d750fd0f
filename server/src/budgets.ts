// What one client may ask of the server: per event, a rate (token bucket) and a size, for each
// socket and, shared, for each identity (an operator or output token; a viewer's address, since
// every fan holds the same viewer token). An event over budget is dropped (its ack, if any, says
// so) before any handler runs; a socket that keeps flooding is disconnected. Connections are
// capped per identity too. All of it is pure bookkeeping, cheap enough to run on every packet.

import type { Socket } from 'socket.io';
import { EVENTS, type Role, CROWD_EVENTS, STANDBY_EVENTS } from '../../protocol/index.ts';
import { RateLimiter } from './fans/crowd.ts';

export interface EventBudget {
  /** Events per second on average, and the burst allowed, per socket. */
  rate: number;
  burst: number;
  /** Largest payload accepted (bytes, roughly: string lengths plus keys and numbers). */
  maxBytes: number;
}

/** Budgets per event; an identity (token or viewer address) gets IDENTITY_SHARE sockets' worth. */
export const EVENT_BUDGETS: Record<string, EventBudget> = {
  [EVENTS.clockPing]: { rate: 40, burst: 80, maxBytes: 64 },
  [EVENTS.snapshot]: { rate: 10, burst: 20, maxBytes: 64 },
  // The compiled show is tens of kB: a page needs it on load and after a show change.
  [EVENTS.timeline]: { rate: 0.5, burst: 4, maxBytes: 64 },
  [EVENTS.command]: { rate: 20, burst: 40, maxBytes: 1024 },
  [EVENTS.setlistSave]: { rate: 2, burst: 5, maxBytes: 256 * 1024 },
  // A keystone drag sends a position per frame.
  [EVENTS.outputSettings]: { rate: 120, burst: 240, maxBytes: 4096 },
  [EVENTS.outputHealth]: { rate: 4, burst: 8, maxBytes: 2048 },
  [EVENTS.lightingTest]: { rate: 10, burst: 20, maxBytes: 256 },
  [EVENTS.alarmAck]: { rate: 10, burst: 20, maxBytes: 64 },
  // Cheers have their own fan-level limits (fans/hub.ts); this only bounds the packet.
  [CROWD_EVENTS.cheer]: { rate: 50, burst: 100, maxBytes: 256 },
  // Warm standby: the operator's take over, and a standby's link (server/src/standby).
  [STANDBY_EVENTS.takeOver]: { rate: 2, burst: 5, maxBytes: 64 },
  [STANDBY_EVENTS.standDown]: { rate: 2, burst: 5, maxBytes: 64 },
  [STANDBY_EVENTS.self]: { rate: 2, burst: 5, maxBytes: 512 },
};

export const IDENTITY_SHARE = 4;
/** Dropped events in FLOOD_WINDOW_MS after which a socket is disconnected. */
export const FLOOD_LIMIT = 400;
const FLOOD_WINDOW_MS = 10_000;

/** How many sockets one identity may hold open at once. */
export const CONNECTION_LIMITS: Record<Role, number> = { operator: 32, output: 16, viewer: 64 };

/** True when `value` (a socket.io payload) is within `max` bytes; stops walking as soon as it is not. */
export function sizeWithin(value: unknown, max: number): boolean {
  let total = 0;
  const stack: unknown[] = [value];
  while (stack.length) {
    const v = stack.pop();
    if (typeof v === 'string') total += v.length + 2;
    else if (v instanceof Uint8Array || v instanceof ArrayBuffer) total += v.byteLength;
    else if (Array.isArray(v)) {
      total += 2 + v.length;
      for (const item of v) stack.push(item);
    } else if (v && typeof v === 'object') {
      for (const [k, item] of Object.entries(v)) {
        total += k.length + 4;
        stack.push(item);
      }
    } else total += 8;
    if (total > max) return false;
  }
  return true;
}

/** The identity a budget is shared across: the token's role (and output), or a viewer's address. */
export function identityKey(role: Role, outputId: string | undefined, address: string): string {
  if (role === 'viewer') return `viewer@${address}`;
  return role === 'output' ? `output:${outputId ?? ''}` : 'operator';
}

export class ClientBudgets {
  private readonly shared = new Map<string, { limiters: Map<string, RateLimiter>; sockets: number }>();
  private readonly limits: Record<Role, number>;

  constructor(
    private readonly clock: () => number,
    limits: Partial<Record<Role, number>> = {},
  ) {
    this.limits = { ...CONNECTION_LIMITS, ...limits };
  }

  /** Counts a new connection for `key`; false when the identity already holds its limit. */
  admit(key: string, role: Role): boolean {
    const entry = this.shared.get(key) ?? { limiters: new Map(), sockets: 0 };
    if (entry.sockets >= this.limits[role]) return false;
    entry.sockets++;
    this.shared.set(key, entry);
    return true;
  }

  release(key: string): void {
    const entry = this.shared.get(key);
    if (!entry) return;
    if (--entry.sockets <= 0) this.shared.delete(key);
  }

  /** Installs the per-packet check on a socket admitted under `key`. */
  guard(socket: Socket, key: string, onDrop: (event: string, why: string) => void = () => {}): void {
    const own = new Map<string, RateLimiter>();
    let dropped: number[] = [];
    socket.use((packet, next) => {
      const [event, ...args] = packet as [string, ...unknown[]];
      const why = this.check(own, key, event, args);
      if (!why) return next();
      const ack = args[args.length - 1];
      if (typeof ack === 'function') (ack as (r: unknown) => void)({ ok: false, error: why });
      onDrop(event, why);
      const now = this.clock();
      dropped.push(now);
      if (dropped.length > FLOOD_LIMIT) {
        dropped = dropped.filter((t) => now - t < FLOOD_WINDOW_MS);
        if (dropped.length > FLOOD_LIMIT) socket.disconnect(true);
      }
    });
    socket.on('disconnect', () => this.release(key));
  }

  /** Why this event is refused, or null when it may run. */
  check(own: Map<string, RateLimiter>, key: string, event: string, args: unknown[]): string | null {
    const budget = EVENT_BUDGETS[event];
    if (!budget) return `unknown event "${String(event).slice(0, 40)}"`;
    const payload = typeof args[args.length - 1] === 'function' ? args.slice(0, -1) : args;
    if (!sizeWithin(payload, budget.maxBytes)) return `${event}: payload over ${budget.maxBytes} bytes`;
    const now = this.clock();
    let mine = own.get(event);
    if (!mine) own.set(event, (mine = new RateLimiter(budget.rate, budget.burst, now)));
    if (!mine.take(now)) return `${event}: rate limited, slow down`;
    const entry = this.shared.get(key);
    if (entry) {
      let theirs = entry.limiters.get(event);
      if (!theirs) entry.limiters.set(event, (theirs = new RateLimiter(budget.rate * IDENTITY_SHARE, budget.burst * IDENTITY_SHARE, now)));
      if (!theirs.take(now)) return `${event}: rate limited for this ${key.startsWith('viewer@') ? 'address' : 'token'}, slow down`;
    }
    return null;
  }
}

/** The health fields an output may report, checked: numbers finite, the profile short. Null when nothing usable. */
export function sanitizeHealth(raw: unknown): Record<string, number | string | null> | null {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return null;
  const r = raw as Record<string, unknown>;
  const out: Record<string, number | string | null> = {};
  for (const k of ['fps', 'droppedFrames', 'clockOffsetMs', 'showTime', 'assetsLoaded', 'assetsTotal'] as const) {
    if (typeof r[k] === 'number' && Number.isFinite(r[k])) out[k] = r[k];
  }
  if (r.roundTripMs === null || (typeof r.roundTripMs === 'number' && Number.isFinite(r.roundTripMs))) out.roundTripMs = r.roundTripMs;
  if (typeof r.profile === 'string') out.profile = r.profile.slice(0, 64);
  return Object.keys(out).length ? out : null;
}

/** The client's address: the socket's peer, or (behind a trusted reverse proxy) the first X-Forwarded-For hop. */
export function clientAddress(peer: string, forwardedFor: string | string[] | undefined, trustProxy: boolean): string {
  const forwarded = Array.isArray(forwardedFor) ? forwardedFor[0] : forwardedFor;
  const raw = trustProxy && forwarded ? forwarded.split(',')[0]!.trim() : peer;
  return raw.startsWith('::ffff:') ? raw.slice(7) : raw;
}
