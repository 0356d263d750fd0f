// Fires the show's lighting cues on time. RtMidi has no timestamped send, so "on time" is the
// scheduler's job. The plan (which cue is next and when it is due in server time) is computed from
// the same transport snapshot the clients render from, so lights and stage agree. Nothing fires
// during a panic blackout or past the hold point.
//
// Two ways to wait for a cue share that plan (CuePlan):
// - CueScheduler, on the thread that calls it: sleeps with a timer until about a millisecond before
//   a cue (re-sleeping if a timer wakes it early), then spins on setImmediate, yielding to I/O. Fine
//   for tests and tools; on a busy server thread a cue waits for whatever work is running.
// - the lighting thread (lighting-thread.ts), which runs the same plan in a worker of its own and
//   blocks for the last instant, so socket.io, the journal or a vocal render can't make a cue late.

import type { LightingEvent } from '../../../show-files/src/timeline.ts';
import { firstAtOrAfter } from '../../../show-files/src/timeline.ts';
import type { TransportSnapshot } from '../../../protocol/index.ts';
import type { LightingDriver } from './driver.ts';
import type { ServerClock } from '../clock.ts';

export interface FiredCue {
  event: LightingEvent;
  /** Server ms it was due and when it went out. */
  due: number;
  firedAt: number;
  delivered: boolean;
}

/** What the show server needs of a cue scheduler, wherever it runs. */
export interface CueRunner {
  setEvents(events: readonly LightingEvent[]): void;
  /** Follow a new transport snapshot; `continuous` (a resume) skips cues already fired. */
  update(snapshot: TransportSnapshot, continuous?: boolean): void;
  stop(): void;
}

/** Which cue is next and when it is due; no timers, so it can run on any thread (MIDI cues, and the venue thread's OSC cues). */
export class CuePlan<E extends { time: number } = LightingEvent> {
  private events: readonly E[] = [];
  private plan: TransportSnapshot | null = null;
  private next = 0;
  private lastFired = -1;

  setEvents(events: readonly E[]): void {
    this.events = events;
    this.plan = null;
    this.next = 0;
    this.lastFired = -1;
  }

  /**
   * Cues from the snapshot's show time on are planned (so a cue at exactly the start of an entry
   * fires on GO). `continuous` (a resume) skips cues already fired.
   */
  update(snapshot: TransportSnapshot, continuous = false): void {
    if (!snapshot.playing || snapshot.blackout || snapshot.rate <= 0) {
      this.plan = null;
      return;
    }
    this.plan = snapshot;
    this.next = firstAtOrAfter(this.events, snapshot.showTime);
    if (continuous && this.lastFired >= this.next) this.next = this.lastFired + 1;
  }

  stop(): void {
    this.plan = null;
  }

  /** Server ms at which the next cue is due, or null when none is planned. */
  nextDue(): number | null {
    const plan = this.plan;
    if (!plan) return null;
    const event = this.events[this.next];
    if (!event || event.time >= plan.holdAt) return null;
    return this.dueOf(this.next);
  }

  /** Fire every cue due by `now`, in order (cues at the same instant go out together). */
  fireDue(now: () => number, send: (event: E, index: number, due: number, firedAt: number) => void): void {
    const plan = this.plan;
    if (!plan) return;
    while (this.next < this.events.length && this.events[this.next]!.time < plan.holdAt) {
      const due = this.dueOf(this.next);
      const firedAt = now();
      if (due > firedAt) break;
      const index = this.next;
      this.lastFired = index;
      this.next++;
      send(this.events[index]!, index, due, firedAt);
    }
  }

  private dueOf(i: number): number {
    const p = this.plan!;
    return p.serverTime + ((this.events[i]!.time - p.showTime) / p.rate) * 1000;
  }
}

export interface CueSchedulerOptions {
  /** Wake this long before a cue and spin to the exact instant, ms (default 1). */
  spinMs?: number;
  onFire?: (fired: FiredCue) => void;
  /** Fencing (the pair's primary lease): nothing is sent once performance.now() passes `until`; read in place, like the clock. */
  fence?: { readonly until: number };
}

/** The cue plan run on the calling thread with timers (see the top of this file). */
export class CueScheduler implements CueRunner {
  private readonly plan = new CuePlan();
  private due = 0;
  private generation = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private immediate: ReturnType<typeof setImmediate> | null = null;
  private readonly spinMs: number;
  /** The server clock read in place (see clock.ts): the spin to a cue reads it every turn. */
  private readonly now = (): number => performance.now() + this.clock.offsetMs;

  constructor(
    private readonly driver: LightingDriver,
    private readonly clock: ServerClock,
    private readonly options: CueSchedulerOptions = {},
  ) {
    this.spinMs = options.spinMs ?? 1;
  }

  setEvents(events: readonly LightingEvent[]): void {
    this.cancel();
    this.plan.setEvents(events);
  }

  update(snapshot: TransportSnapshot, continuous = false): void {
    this.cancel();
    this.plan.update(snapshot, continuous);
    this.arm();
  }

  stop(): void {
    this.cancel();
    this.plan.stop();
  }

  private cancel(): void {
    this.generation++;
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = null;
    this.immediate = null;
  }

  private arm(): void {
    const due = this.plan.nextDue();
    if (due === null) return;
    this.due = due;
    const generation = this.generation;
    const wait = due - this.now() - this.spinMs;
    if (wait > 0) this.timer = setTimeout(() => this.spin(generation), wait);
    else this.spin(generation);
  }

  private spin(generation: number): void {
    if (generation !== this.generation) return;
    this.timer = null;
    const remaining = this.due - this.now();
    if (remaining > this.spinMs + 0.5) {
      // A timer fired early (they round to whole milliseconds): sleep again.
      this.timer = setTimeout(() => this.spin(generation), remaining - this.spinMs);
      return;
    }
    if (remaining > 0) {
      this.immediate = setImmediate(() => this.spin(generation));
      return;
    }
    this.immediate = null;
    this.plan.fireDue(this.now, (event, _index, due, firedAt) => {
      const delivered = performance.now() < (this.options.fence?.until ?? Infinity) && this.driver.send(event.bytes, { label: event.label });
      this.options.onFire?.({ event, due, firedAt, delivered });
    });
    this.arm();
  }
}
