// The show clock as the stage sees it. Every frame asks showTime(); it comes from the last
// transport snapshot and the NTP-style offset to the server clock, never from when a message
// arrived. When the connection drops, the last snapshot and offset keep the show running.

import type { ServerMs, ShowSeconds, TransportSnapshot } from '../protocol/index.ts';
import { showTimeAt } from '../protocol/index.ts';

/** Anything that knows the server clock (ms): ClockSync on the main thread, or WorkerClock. */
export interface ServerClock {
  serverNow(): ServerMs;
}

/** The server clock from a worker's sync reports (offset against the wall clock). */
export class WorkerClock implements ServerClock {
  offsetEpochMs = 0;
  roundTripMs = Infinity;
  samples = 0;
  get synced(): boolean {
    return this.samples > 0;
  }
  serverNow(): ServerMs {
    return performance.timeOrigin + performance.now() + this.offsetEpochMs;
  }
}

export interface ShowClock {
  /** Show seconds now. */
  showTime(): ShowSeconds;
  readonly playing: boolean;
  /** Setlist entry of the transport, -1 before anything is known. */
  readonly entry: number;
}

/** Follows the server: a snapshot plus the synced server clock. */
export class SyncedShowClock implements ShowClock {
  private snapshot: TransportSnapshot | null = null;

  constructor(private sync: ServerClock) {}

  /** Switches to a better source of server time (e.g. once the worker has synced). */
  useServerClock(source: ServerClock): void {
    this.sync = source;
  }

  /** Takes a snapshot unless an older revision arrives late. Returns whether it was taken. */
  setSnapshot(s: TransportSnapshot): boolean {
    if (this.snapshot && s.revision < this.snapshot.revision) return false;
    this.snapshot = s;
    return true;
  }

  /** After a server restart revisions start again: take whatever comes next. */
  forgetRevision(): void {
    if (this.snapshot) this.snapshot = { ...this.snapshot, revision: -Infinity };
  }

  get current(): TransportSnapshot | null {
    return this.snapshot;
  }

  showTime(): ShowSeconds {
    return this.snapshot ? showTimeAt(this.snapshot, this.sync.serverNow()) : 0;
  }

  get playing(): boolean {
    return this.snapshot?.playing ?? false;
  }

  get entry(): number {
    return this.snapshot?.entryIndex ?? -1;
  }

  /** Blackout fade 0..1 (1 = fully black) at the current server time. */
  blackout(): number {
    const b = this.snapshot?.blackout;
    if (!b) return 0;
    const k = (this.sync.serverNow() - b.serverTime) / 1000 / Math.max(1e-3, b.fadeSeconds);
    return k <= 0 ? 0 : k >= 1 ? 1 : k;
  }
}

/** A clock of its own for a page opened without a server (?local=1): plays from load. */
export class LocalShowClock implements ShowClock {
  private readonly t0 = performance.now();
  constructor(
    private readonly start: ShowSeconds = 0,
    readonly playing = true,
  ) {}
  showTime(): ShowSeconds {
    return this.playing ? this.start + (performance.now() - this.t0) / 1000 : this.start;
  }
  readonly entry = 0;
}
