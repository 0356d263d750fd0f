// A page's way to the other server of a warm-standby pair. The server tells every page the pair's
// addresses (STANDBY_EVENTS.servers, primary first); when the connection drops, each reconnect
// attempt dials the next address, quickly, until one admits us. A standby turns outputs and
// viewers away with a "standby:" error (socket.io does not retry that by itself), so that also
// moves on to the next address. With one address this changes nothing.

import type { Socket } from 'socket.io-client';
import { STANDBY_EVENTS } from '../protocol/index.ts';

/** Reconnect pacing once a pair is known, ms: a takeover is about a second, so dial often. */
const PAIR_RETRY_MS = 150;
const PAIR_RETRY_MAX_MS = 600;

export class Failover {
  private addresses: string[] = [];
  private index = 0;
  /** Times the address was changed (for the page's status line and tests). */
  switches = 0;

  constructor(
    private readonly socket: Socket,
    first: string | undefined,
  ) {
    const origin = first ?? (typeof location !== 'undefined' ? location.origin : undefined);
    if (origin) this.addresses = [origin];
    socket.on(STANDBY_EVENTS.servers, (list: unknown) => this.learn(list));
    socket.io.on('reconnect_attempt', () => this.next());
    socket.on('connect_error', (err: Error) => {
      if (err.message.startsWith('standby:')) this.redial(PAIR_RETRY_MS);
    });
  }

  /** The address dialled now. */
  get current(): string | undefined {
    return this.addresses[this.index];
  }

  get paired(): boolean {
    return this.addresses.length > 1;
  }

  /** The pair's addresses, from the server. */
  learn(list: unknown): void {
    if (!Array.isArray(list)) return;
    const urls = list.filter((u): u is string => typeof u === 'string' && /^https?:\/\//.test(u));
    if (urls.length === 0) return;
    const current = this.current;
    this.addresses = [...new Set([...(current && !urls.includes(current) ? [current] : []), ...urls])];
    this.index = Math.max(0, current ? this.addresses.indexOf(current) : 0);
    if (this.paired) {
      this.socket.io.reconnectionDelay(PAIR_RETRY_MS);
      this.socket.io.reconnectionDelayMax(PAIR_RETRY_MAX_MS);
    }
  }

  /** The server closed us itself (it stood down, or restarts): dial again, the other one first. */
  serverClosed(redialMs: number): void {
    this.redial(this.paired ? PAIR_RETRY_MS : redialMs);
  }

  private redial(afterMs: number): void {
    this.socket.disconnect();
    this.next();
    setTimeout(() => {
      if (!this.socket.connected) this.socket.connect();
    }, afterMs);
  }

  /** Point the next attempt at the next address. */
  private next(): void {
    if (!this.paired) return;
    this.index = (this.index + 1) % this.addresses.length;
    // socket.io has no public way to change a manager's address; each attempt builds its engine from `uri`.
    (this.socket.io as unknown as { uri: string }).uri = this.addresses[this.index]!;
    this.switches++;
  }
}
