// The lighting driver and its cue scheduler on a thread of their own (main side). The server's
// event loop broadcasts to viewers, writes the journal and renders vocals; a cue timed on that loop
// waits behind whatever is running. Here the loop only hands over plans and direct messages (panic,
// chase, tests); the worker (lighting-worker.ts) owns the MIDI port or recorder and fires on time.
//
// To the server this is an ordinary LightingDriver: status() mirrors the worker's driver, send()
// queues a message for the port, and createScheduler() gives the server a CueRunner whose plans go
// to the worker. If the worker dies it is restarted and re-planned from the show's current position
// (cues that fell in the gap are not fired late in a burst).

import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import type { LightingEvent } from '../../../show-files/src/timeline.ts';
import { showTimeAt, type TransportSnapshot, type LightingDriverStatus } from '../../../protocol/index.ts';
import type { LightingDriver, SendInfo } from './driver.ts';
import { specName, type LightingDriverSpec } from './driver-spec.ts';
import type { CueRunner, FiredCue } from './scheduler.ts';
import type { MtcConfig } from '../venue/mtc-plan.ts';

export type LightingThreadPriority = 'realtime' | 'nice' | 'normal';

/** What the worker gets at start. */
export interface LightingThreadData {
  port: MessagePort;
  /** One Int32: bumped after every message, so a blocked worker wakes to read it. */
  signal: SharedArrayBuffer;
  /** One Float64: the worker sends nothing after this process.hrtime instant, ms (fencing; Infinity: none). */
  fence: SharedArrayBuffer;
  spec: LightingDriverSpec;
  /** Server clock minus process.hrtime in ms: the worker rebuilds the server clock from it. */
  epochMs: number;
  timerLeadMs: number;
  spinMs: number;
  priority: LightingThreadPriority;
  /** The module the boot file loads. */
  entry: string;
}

export type ToLightingThread =
  | { type: 'events'; revision: number; events: readonly LightingEvent[] }
  | { type: 'update'; snapshot: TransportSnapshot; continuous: boolean }
  | { type: 'stop' }
  | { type: 'send'; bytes: readonly number[]; label?: string }
  /** MTC out, timed on this thread from the same snapshots as the cues (server/src/venue/mtc-plan.ts). */
  | { type: 'timecode'; config: MtcConfig | null }
  | { type: 'close' };

export type FromLightingThread =
  | { type: 'status'; status: LightingDriverStatus }
  | { type: 'note'; text: string }
  | { type: 'fired'; revision: number; index: number; due: number; firedAt: number; delivered: boolean; sent: number; failed: number }
  | { type: 'sent'; delivered: boolean; sent: number; failed: number }
  | { type: 'closed'; sent: number; failed: number };

export interface LightingThreadOptions {
  /** The worker's timer wakes this long before a cue and blocks for the rest, ms (default 10: libuv timers round to whole ms and wake late under load). */
  timerLeadMs?: number;
  /** ...of which the last stretch is a busy spin, ms (default 1: a blocked wait oversleeps, by milliseconds when the cores are busy or a virtual CPU has gone idle; at most this much CPU per cue). */
  spinMs?: number;
  /**
   * How the lighting thread asks to be run (default 'realtime': SCHED_FIFO, else nice -10, ahead of
   * ordinary work such as a renderer on the same machine). Either needs root or CAP_SYS_NICE;
   * without, it stays at normal priority and the log says so.
   */
  priority?: LightingThreadPriority;
  /** Pause before a dead worker is started again, ms (default 1000). */
  restartMs?: number;
  log?: (line: string) => void;
}

const hrMs = (): number => Number(process.hrtime.bigint()) / 1e6;

export class LightingThread implements LightingDriver {
  private worker: Worker | null = null;
  private port: MessagePort | null = null;
  private readonly signal = new Int32Array(new SharedArrayBuffer(4));
  private readonly fence = new Float64Array(new SharedArrayBuffer(8)).fill(Infinity);
  private spec: LightingDriverSpec | null = null;
  private mirror: LightingDriverStatus;
  private readonly listeners: ((s: LightingDriverStatus) => void)[] = [];
  private clock: () => number = () => performance.timeOrigin + performance.now();
  private onFire: ((fired: FiredCue) => void) | null = null;
  private events: readonly LightingEvent[] = [];
  private eventsRevision = 0;
  private lastPlan: TransportSnapshot | null = null;
  private timecode: MtcConfig | null = null;
  private opened: Promise<void> | null = null;
  private closed = false;
  private restartTimer: ReturnType<typeof setTimeout> | null = null;
  private closedByWorker: (() => void) | null = null;
  /** Whether the current worker has booted; until then plans are kept here and direct messages queued. */
  private ready = false;
  private queuedForBoot: ToLightingThread[] = [];
  /** What the worker said of itself (its priority). */
  note = '';
  /** Times the worker had to be started again. */
  restarts = 0;

  /** `spec` may be a function: it is called on open(), once the show (and so its MIDI port) is known. */
  constructor(
    private readonly specOf: LightingDriverSpec | (() => LightingDriverSpec),
    private readonly options: LightingThreadOptions = {},
  ) {
    this.mirror = { driver: 'lighting', port: null, connected: false, error: 'not opened', sent: 0, failed: 0 };
  }

  get name(): string {
    return this.spec ? specName(this.spec) : 'lighting';
  }

  open(): void {
    if (this.worker || this.closed) return;
    this.spec ??= typeof this.specOf === 'function' ? this.specOf() : this.specOf;
    this.mirror = { ...this.mirror, driver: this.name, error: 'starting the lighting thread' };
    this.start();
  }

  /** Resolves once the worker has opened its driver and reported its first status. */
  whenOpen(): Promise<void> {
    return this.opened ?? Promise.resolve();
  }

  send(bytes: readonly number[], info?: SendInfo): boolean {
    if (!this.worker) return false;
    // While a worker boots the message waits for it (a panic still goes out), but is not delivered yet.
    this.post({ type: 'send', bytes: [...bytes], label: info?.label });
    return this.ready && this.mirror.connected;
  }

  status(): LightingDriverStatus {
    return { ...this.mirror };
  }

  /**
   * Fencing: the thread sends nothing after `performance.now()` reaches `until` (Infinity lifts it).
   * Read by the thread before every message it sends, so a server paused past its primary lease
   * (a frozen process, a long GC) cannot fire a cue when it wakes, before it has stood down.
   */
  fenceUntil(until: number): void {
    this.fence[0] = until === Infinity ? Infinity : hrMs() + (until - performance.now());
  }

  onStatusChange(listener: (status: LightingDriverStatus) => void): void {
    this.listeners.push(listener);
  }

  /** Send MTC from the lighting thread while the show plays (null: no timecode). */
  setTimecode(config: MtcConfig | null): void {
    this.timecode = config;
    this.post({ type: 'timecode', config });
  }

  /** The server's cue scheduler, run on the lighting thread. `clock` is the server clock (real time, any offset). */
  createScheduler(clock: () => number, onFire: (fired: FiredCue) => void): CueRunner {
    this.clock = clock;
    this.onFire = onFire;
    return {
      setEvents: (events) => {
        this.events = events;
        this.eventsRevision++;
        this.lastPlan = null;
        this.post({ type: 'events', revision: this.eventsRevision, events });
      },
      update: (snapshot, continuous = false) => {
        this.lastPlan = snapshot;
        this.post({ type: 'update', snapshot, continuous });
      },
      stop: () => {
        this.lastPlan = null;
        this.post({ type: 'stop' });
      },
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    const worker = this.worker;
    if (!worker) return;
    // Let the driver close (the recorder writes its file), but never hang the shutdown on it.
    // Held (ref'd) meanwhile: a process shutting down must not exit before the file is written.
    worker.ref();
    this.port?.ref();
    let timeout: ReturnType<typeof setTimeout> | undefined;
    const done = new Promise<void>((resolve) => (this.closedByWorker = resolve));
    this.post({ type: 'close' });
    await Promise.race([done, new Promise((r) => (timeout = setTimeout(r, 3000)))]);
    clearTimeout(timeout);
    this.worker = null;
    await worker.terminate();
  }

  private start(): void {
    const { port1, port2 } = new MessageChannel();
    const data: LightingThreadData = {
      port: port2,
      signal: this.signal.buffer as SharedArrayBuffer,
      fence: this.fence.buffer as SharedArrayBuffer,
      spec: this.spec!,
      epochMs: this.clock() - hrMs(),
      timerLeadMs: this.options.timerLeadMs ?? 10,
      spinMs: this.options.spinMs ?? 1,
      priority: this.options.priority ?? 'realtime',
      entry: new URL('./lighting-worker.ts', import.meta.url).href,
    };
    const worker = new Worker(new URL('./worker-boot.mjs', import.meta.url), { workerData: data, transferList: [port2], name: 'holostage-lighting' });
    this.worker = worker;
    this.port = port1;
    this.ready = false;
    let reportOpen: () => void = () => {};
    this.opened = new Promise((resolve) => (reportOpen = resolve));
    port1.on('message', (m: FromLightingThread) => {
      if (m.type === 'status' && !this.ready) {
        this.ready = true;
        // Booted: from now on the worker must not keep a finished process alive (the server closes
        // it explicitly). While it boots it must, or a process awaiting whenOpen() just exits.
        worker.unref();
        port1.unref();
        this.handOver();
        reportOpen();
      }
      this.receive(m);
    });
    const died = (why: string): void => {
      if (this.worker !== worker || this.closed) return;
      reportOpen();
      this.worker = null;
      this.port = null;
      port1.close();
      this.setMirror({ connected: false, error: `lighting thread stopped: ${why}; restarting` });
      this.options.log?.(`lighting: thread stopped (${why}); restarting in ${this.options.restartMs ?? 1000} ms`);
      this.restartTimer = setTimeout(() => this.restart(), this.options.restartMs ?? 1000);
      this.restartTimer.unref();
    };
    worker.on('error', (err) => died(err.message));
    worker.on('exit', (code) => died(`exit code ${code}`));
  }

  private restart(): void {
    if (this.closed || this.worker) return;
    this.restarts++;
    this.start();
  }

  /**
   * A worker that has just booted (the first, or one started again) gets the events and the plan
   * from where the show is now: a plan made while it was starting would fire the cues of its start
   * time (a second or more) late, all at once.
   */
  private handOver(): void {
    if (this.events.length) this.post({ type: 'events', revision: this.eventsRevision, events: this.events });
    if (this.timecode) this.post({ type: 'timecode', config: this.timecode });
    const plan = this.lastPlan;
    if (plan) {
      const now = this.clock();
      this.post({ type: 'update', snapshot: { ...plan, showTime: showTimeAt(plan, now), serverTime: now }, continuous: false });
    }
    for (const m of this.queuedForBoot.splice(0)) this.post(m);
  }

  private post(message: ToLightingThread): void {
    if (!this.port) return;
    if (!this.ready) {
      // Plans are handed over once the worker is up; direct messages wait for it.
      if (message.type === 'send' || message.type === 'close') this.queuedForBoot.push(message);
      return;
    }
    this.port.postMessage(message);
    Atomics.add(this.signal, 0, 1);
    Atomics.notify(this.signal, 0);
  }

  private receive(m: FromLightingThread): void {
    switch (m.type) {
      case 'status':
        this.setMirror({ ...m.status, sent: Math.max(this.mirror.sent, m.status.sent), failed: Math.max(this.mirror.failed, m.status.failed) });
        return;
      case 'note':
        this.note = m.text;
        this.options.log?.(`lighting: ${m.text}`);
        return;
      case 'fired':
        this.mirror.sent = m.sent;
        this.mirror.failed = m.failed;
        if (m.revision === this.eventsRevision && this.events[m.index]) {
          this.onFire?.({ event: this.events[m.index]!, due: m.due, firedAt: m.firedAt, delivered: m.delivered });
        }
        return;
      case 'sent':
        this.mirror.sent = m.sent;
        this.mirror.failed = m.failed;
        return;
      case 'closed':
        this.mirror.sent = m.sent;
        this.mirror.failed = m.failed;
        this.closedByWorker?.();
        return;
    }
  }

  private setMirror(patch: Partial<LightingDriverStatus>): void {
    const before = this.mirror;
    this.mirror = { ...before, ...patch };
    if (before.connected !== this.mirror.connected || before.error !== this.mirror.error) for (const l of this.listeners) l(this.status());
  }
}

/** A driver that runs its own cue scheduler (the lighting thread). */
export function schedulesItself(driver: LightingDriver): driver is LightingDriver & Pick<LightingThread, 'createScheduler' | 'whenOpen' | 'fenceUntil'> {
  return typeof (driver as Partial<LightingThread>).createScheduler === 'function';
}
