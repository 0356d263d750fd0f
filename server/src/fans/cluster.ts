// Scale-out over redis. Every process attaches the socket.io redis adapter, so a broadcast on one
// (transport, crowd) reaches the clients of all. One process is the primary: it holds the
// operator, the clock, the journal and the lighting. The others are edges that serve viewers: they
// follow the primary's transport state (pushed on every change and every couple of seconds), run
// their clock on the primary's (an NTP-style exchange over redis, same estimator as the browsers
// use), and send their viewers' cheers to the primary to be merged.

import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Server as IoServer } from 'socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import { createClient } from 'redis';
import { ClockSync, CLUSTER_EVENTS, type ClusterState } from '../../../protocol/index.ts';

export function nodeName(role: 'primary' | 'edge'): string {
  return `${role}-${hostname()}-${process.pid}-${randomBytes(2).toString('hex')}`;
}

/** Attach the redis adapter to `io`; resolves once both redis connections are up. */
export async function attachRedisAdapter(io: IoServer, url: string, log: (line: string) => void, connectTimeoutMs = 10_000): Promise<{ close: () => Promise<void> }> {
  const pub = createClient({ url, socket: { reconnectStrategy: (retries) => Math.min(100 * 2 ** retries, 3000) } });
  const sub = pub.duplicate();
  // node-redis emits 'error' while reconnecting; without a listener that would end the process.
  let lastError = '';
  const onError = (err: Error): void => {
    if (err.message !== lastError) log(`redis: ${err.message}`);
    lastError = err.message;
  };
  pub.on('error', onError);
  sub.on('error', onError);
  // node-redis keeps retrying a refused connection: give up at start after a while, with a clear reason.
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`cannot reach redis at ${url}${lastError ? ` (${lastError})` : ''}`)), connectTimeoutMs);
  });
  try {
    await Promise.race([Promise.all([pub.connect(), sub.connect()]), timeout]);
  } catch (err) {
    await Promise.allSettled([pub.destroy(), sub.destroy()]);
    throw err;
  } finally {
    clearTimeout(timer);
  }
  // requestsTimeout bounds serverSideEmit acks (sync and clock exchanges).
  io.adapter(createAdapter(pub, sub, { requestsTimeout: 2000 }));
  return {
    close: async () => {
      await Promise.allSettled([pub.quit(), sub.quit()]);
    },
  };
}

/** Answers the edges: who is primary, and the primary clock. */
export function servePrimary(io: IoServer, clock: () => number, current: () => ClusterState | null): void {
  // A whole server that is not driving (a standby on the same redis) answers with nothing, as edges do.
  io.on(CLUSTER_EVENTS.sync, (ack: unknown) => {
    if (typeof ack === 'function') ack(current());
  });
  io.on(CLUSTER_EVENTS.clock, (ack: unknown) => {
    if (typeof ack === 'function') ack(current() ? clock() : null);
  });
}

/** An edge's link to the primary: its state as pushed, and the offset of the primary's clock. */
export class EdgeLink {
  readonly sync: ClockSync;
  latest: ClusterState | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;
  private exchanges = 0;

  constructor(
    private readonly io: IoServer,
    private readonly localClock: () => number,
    private readonly onState: (s: ClusterState) => void,
  ) {
    this.sync = new ClockSync({ now: localClock });
    io.on(CLUSTER_EVENTS.state, (s: unknown) => {
      if (isClusterState(s)) this.take(s);
    });
    // Edges answer the others' requests too (socket.io waits for every node), with nothing.
    io.on(CLUSTER_EVENTS.sync, (ack: unknown) => {
      if (typeof ack === 'function') ack(null);
    });
    io.on(CLUSTER_EVENTS.clock, (ack: unknown) => {
      if (typeof ack === 'function') ack(null);
    });
  }

  /** The primary's clock, as this edge estimates it (ms). */
  primaryNow(): number {
    return this.localClock() + (this.sync.synced ? this.sync.offset : 0);
  }

  private take(s: ClusterState): void {
    // Drop a state older than the one held (a periodic push overtaken by a change), and one from a
    // primary of an older term (fencing: a primary that lost its lease and does not know it yet).
    if (this.latest && s.node === this.latest.node && s.state.revision < this.latest.state.revision) return;
    if (this.latest && (s.term ?? 0) < (this.latest.term ?? 0)) return;
    this.latest = s;
    this.onState(s);
  }

  /** Find the primary and take its state; then keep the clock in step. Rejects after `timeoutMs`. */
  async connect(timeoutMs: number): Promise<ClusterState> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      try {
        const replies = (await this.io.serverSideEmitWithAck(CLUSTER_EVENTS.sync)) as unknown[];
        const primary = replies.find(isClusterState);
        if (primary) {
          this.take(primary);
          break;
        }
      } catch {
        // Some node did not answer in time; ask again.
      }
      if (this.latest) break;
      if (Date.now() > end) throw new Error('no primary answered on redis (start `holostage serve --redis <url>` without --edge first)');
      await new Promise((r) => setTimeout(r, 250));
    }
    // A quick burst for a first estimate, then one exchange a second.
    for (let i = 0; i < 8; i++) await this.exchange();
    this.schedule();
    return this.latest!;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.exchange().finally(() => this.schedule());
    }, this.exchanges < 30 ? 250 : 1000);
    this.timer.unref();
  }

  private async exchange(): Promise<void> {
    const t0 = this.localClock();
    try {
      const replies = (await this.io.serverSideEmitWithAck(CLUSTER_EVENTS.clock)) as unknown[];
      const t3 = this.localClock();
      const ts = replies.find((r): r is number => typeof r === 'number');
      if (ts !== undefined) {
        this.sync.addSample(t0, ts, t3);
        this.exchanges++;
      }
    } catch {
      // A node was slow to answer: skip this exchange.
    }
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }
}

function isClusterState(s: unknown): s is ClusterState {
  if (!s || typeof s !== 'object') return false;
  const x = s as ClusterState;
  return typeof x.node === 'string' && typeof x.fingerprint === 'string' && typeof x.viewerToken === 'string' && !!x.state && typeof x.state === 'object';
}
