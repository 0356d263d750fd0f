// Client side of the show clock: NTP-style offset estimation. Pure (no Node or DOM APIs) so the
// stage, the desk and the viewer in the browser and the tests in Node all run the same code.
//
// One exchange: the client notes its clock at send (t0), the server answers with its clock when it
// handled the ping (ts), the client notes its clock at receive (t3). Whatever the two legs took,
// the server clock's lead over the client clock (the offset) lies between ts - t3 and ts - t0.
// Every exchange gives such an interval and the true offset lies in all of them, so the estimate
// is the middle of their intersection: its width is set by the fastest outbound leg and the
// fastest return leg seen in the window (from different exchanges, even), which is far tighter
// than any single round trip. If the intervals stop overlapping (a clock jumped or drifted) the
// old samples are dropped and the estimate falls back to the fastest round trips.

import { EVENTS } from './events.ts';
import type { ServerMs } from './transport.ts';

export interface ClockSample {
  /** serverTime - clientTime at the midpoint, ms. */
  offset: number;
  /** The offset is at least this (server time - client receive time)... */
  low: number;
  /** ...and at most this (server time - client send time). */
  high: number;
  /** Round trip, ms. */
  delay: number;
  /** Client time the sample was taken, ms. */
  at: number;
}

export interface ClockSyncOptions {
  /** The client's monotonic clock in ms (performance.now() in a browser). */
  now: () => number;
  /** Recent samples kept. */
  window?: number;
  /** How many of the lowest-delay samples are averaged. */
  best?: number;
}

export class ClockSync {
  private readonly now: () => number;
  private readonly window: number;
  private readonly best: number;
  private samples: ClockSample[] = [];
  private estimate = 0;
  private bestDelay = Infinity;
  private bound = Infinity;
  private total = 0;

  constructor(options: ClockSyncOptions) {
    this.now = options.now;
    this.window = options.window ?? 32;
    this.best = options.best ?? 4;
  }

  /** Record one exchange: client send time, server time in the reply, client receive time. */
  addSample(clientSend: number, serverTime: number, clientReceive: number): ClockSample {
    const delay = Math.max(0, clientReceive - clientSend);
    const sample = { offset: serverTime - (clientSend + clientReceive) / 2, low: serverTime - clientReceive, high: serverTime - clientSend, delay, at: clientReceive };
    this.samples.push(sample);
    this.total++;
    if (this.samples.length > this.window) this.samples.shift();
    this.recompute();
    return sample;
  }

  private recompute(): void {
    let low = -Infinity;
    let high = Infinity;
    for (const x of this.samples) {
      if (x.low > low) low = x.low;
      if (x.high < high) high = x.high;
    }
    const sorted = [...this.samples].sort((a, b) => a.delay - b.delay);
    this.bestDelay = sorted[0]!.delay;
    if (low <= high) {
      this.estimate = (low + high) / 2;
      this.bound = (high - low) / 2;
      return;
    }
    // Inconsistent intervals: the clocks moved against each other. Keep the newest half and use
    // the fastest few round trips (each is off by at most half its round trip).
    this.samples = this.samples.slice(Math.floor(this.samples.length / 2));
    const fresh = [...this.samples].sort((a, b) => a.delay - b.delay);
    const limit = fresh[0]!.delay + Math.max(1, fresh[0]!.delay * 0.1);
    const fastest = fresh.slice(0, this.best).filter((x) => x.delay <= limit);
    let sum = 0;
    for (const x of fastest) sum += x.offset;
    this.estimate = sum / fastest.length;
    this.bound = fresh[0]!.delay / 2;
  }

  /** Half the width of the interval the offset is known to lie in, ms: the error bound. */
  get errorBound(): number {
    return this.bound;
  }

  /** Estimated serverTime - clientTime, ms (0 before the first sample). */
  get offset(): number {
    return this.estimate;
  }

  /** Lowest round trip in the window, ms: half of it bounds the offset error. */
  get roundTrip(): number {
    return this.bestDelay;
  }

  get sampleCount(): number {
    return this.samples.length;
  }

  /** Exchanges recorded since construction (not capped by the window). */
  get totalSamples(): number {
    return this.total;
  }

  /** The client's own clock, ms. */
  clientNow(): number {
    return this.now();
  }

  get synced(): boolean {
    return this.samples.length > 0;
  }

  /** The server clock as this client estimates it now, ms. */
  serverNow(): ServerMs {
    return this.now() + this.estimate;
  }

  /** Forget everything (after a server restart the server clock may differ). */
  reset(): void {
    this.samples = [];
    this.estimate = 0;
    this.bestDelay = Infinity;
    this.bound = Infinity;
  }
}

/** The least a socket must do to carry clock pings: a socket.io client socket fits as it is. */
export interface ClockSocket {
  emit(event: typeof EVENTS.clockPing, clientTime: number, ack: (serverTime: number) => void): unknown;
}

export interface ClockSyncLoopOptions {
  /** Fast exchanges right after (re)connecting. */
  burst?: number;
  /** Pause between exchanges after the burst, ms. */
  intervalMs?: number;
  /** Give up waiting for one reply after this long, ms. */
  timeoutMs?: number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

/**
 * Keeps a ClockSync fed over a socket: a burst of back-to-back pings, then one every
 * `intervalMs`. Call `restart()` on reconnect; `stop()` to end.
 */
export class ClockSyncLoop {
  private timer: unknown = null;
  private running = false;
  private inBurst = 0;
  private generation = 0;
  private readonly burst: number;
  private readonly intervalMs: number;
  private readonly timeoutMs: number;
  private readonly setTimer: (fn: () => void, ms: number) => unknown;
  private readonly clearTimer: (handle: unknown) => void;

  constructor(
    private readonly clock: ClockSync,
    private readonly socket: ClockSocket,
    options: ClockSyncLoopOptions = {},
  ) {
    this.burst = options.burst ?? 16;
    this.intervalMs = options.intervalMs ?? 1000;
    this.timeoutMs = options.timeoutMs ?? 2000;
    this.setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.clearTimer = options.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
  }

  start(): void {
    this.running = true;
    this.inBurst = this.burst;
    this.generation++;
    this.ping(this.generation);
  }

  restart(): void {
    this.stop();
    this.start();
  }

  stop(): void {
    this.running = false;
    this.generation++;
    if (this.timer !== null) this.clearTimer(this.timer);
    this.timer = null;
  }

  /** Resolves once `count` exchanges have completed since the call. */
  waitForSamples(count: number): Promise<void> {
    const target = this.clock.totalSamples + count;
    return new Promise((resolve) => {
      const check = (): void => {
        if (this.clock.totalSamples >= target) resolve();
        else this.setTimer(check, 10);
      };
      check();
    });
  }

  private ping(generation: number): void {
    if (!this.running || generation !== this.generation) return;
    const sent = this.clock.clientNow();
    let answered = false;
    const timeout = this.setTimer(() => {
      if (answered) return;
      answered = true;
      this.next(generation);
    }, this.timeoutMs);
    this.socket.emit(EVENTS.clockPing, sent, (serverTime: number) => {
      const received = this.clock.clientNow();
      if (answered || generation !== this.generation) return;
      answered = true;
      this.clearTimer(timeout);
      if (typeof serverTime === 'number' && Number.isFinite(serverTime)) this.clock.addSample(sent, serverTime, received);
      this.next(generation);
    });
  }

  private next(generation: number): void {
    if (!this.running || generation !== this.generation) return;
    if (this.inBurst > 0) this.inBurst--;
    const wait = this.inBurst > 0 ? 0 : this.intervalMs;
    this.timer = this.setTimer(() => this.ping(generation), wait);
  }
}
