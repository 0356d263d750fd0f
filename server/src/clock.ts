// The server clock: milliseconds since the epoch, read from the monotonic clock (performance.now),
// so it never steps when the wall clock is set. Every part of a server reads the same clock object,
// made once by the composition. A part that reads it on a hot path (the cue scheduler spins on it to
// a cue's due time) reads `performance.now() + clock.offsetMs` in place: arithmetic on a field, not
// a call back through the composition on every spin.

import type { ServerMs } from '../../protocol/index.ts';

/** The server clock of a lone process: timeOrigin + performance.now(). */
export const serverClock = (): ServerMs => performance.timeOrigin + performance.now();

export interface ServerClock {
  /** Server ms minus performance.now(), as of now (constant for a monotonic clock until it is moved). */
  readonly offsetMs: number;
  now(): ServerMs;
  /** Run `ms` ahead of the clock this one was made from (a standby on the primary's clock, as it measured it). */
  runAhead(ms: number): void;
}

/** performance.now() plus an offset that moves only when told to. */
export class MonotonicClock implements ServerClock {
  offsetMs: number;
  private readonly baseOffsetMs: number;

  /** `offsetMs` defaults to the epoch clock (serverClock); 0 gives performance.now() itself. */
  constructor(offsetMs: number = performance.timeOrigin) {
    this.baseOffsetMs = offsetMs;
    this.offsetMs = offsetMs;
  }

  now(): ServerMs {
    return performance.now() + this.offsetMs;
  }

  runAhead(ms: number): void {
    this.offsetMs = this.baseOffsetMs + ms;
  }
}

/** A clock read from a function: an edge's estimate of its primary's clock, or a clock a caller injects. */
export class FollowedClock implements ServerClock {
  private aheadMs = 0;

  constructor(private readonly read: () => ServerMs) {}

  get offsetMs(): number {
    return this.now() - performance.now();
  }

  now(): ServerMs {
    return this.read() + this.aheadMs;
  }

  runAhead(ms: number): void {
    this.aheadMs = ms;
  }
}
