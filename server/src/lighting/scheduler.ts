// Fires the show's lighting cues on time. RtMidi has no timestamped send, so "on time" is the
// scheduler's job: it plans each cue's due server time from the transport snapshot, sleeps with a
// timer until about a millisecond before it (re-sleeping if a timer wakes it early), then spins on
// setImmediate (yielding to I/O) until the due instant. The spin is kept short so the server does
// not hog a core that an output's renderer on the same machine may need.
// The due time is computed from the same snapshot the clients render from, so lights and stage
// agree. Nothing fires during a panic blackout or past the hold point.

import type { LightingEvent } from '../../../show-files/src/timeline.ts';
import { firstAtOrAfter } from '../../../show-files/src/timeline.ts';
import type { TransportSnapshot } from '../clock/protocol.ts';
import type { LightingDriver } from './driver.ts';

export interface FiredCue {
  event: LightingEvent;
  /** Server ms it was due and when it went out. */
  due: number;
  firedAt: number;
  delivered: boolean;
}

export interface CueSchedulerOptions {
  /** Wake this long before a cue and spin to the exact instant, ms (default 1). */
  spinMs?: number;
  onFire?: (fired: FiredCue) => void;
}

export class CueScheduler {
  private events: readonly LightingEvent[] = [];
  private plan: TransportSnapshot | null = null;
  private next = 0;
  private lastFired = -1;
  private due = 0;
  private generation = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private immediate: ReturnType<typeof setImmediate> | null = null;
  private readonly spinMs: number;

  constructor(
    private readonly driver: LightingDriver,
    private readonly clock: () => number,
    private readonly options: CueSchedulerOptions = {},
  ) {
    this.spinMs = options.spinMs ?? 1;
  }

  setEvents(events: readonly LightingEvent[]): void {
    this.cancel();
    this.events = events;
    this.plan = null;
    this.next = 0;
    this.lastFired = -1;
  }

  /**
   * Follow a new transport snapshot. Cues from the snapshot's show time on are planned (so a cue at
   * exactly the start of an entry fires on GO). `continuous` (a resume) skips cues already fired.
   */
  update(snapshot: TransportSnapshot, continuous = false): void {
    this.cancel();
    if (!snapshot.playing || snapshot.blackout || snapshot.rate <= 0) {
      this.plan = null;
      return;
    }
    this.plan = snapshot;
    this.next = firstAtOrAfter(this.events, snapshot.showTime);
    if (continuous && this.lastFired >= this.next) this.next = this.lastFired + 1;
    this.arm();
  }

  stop(): void {
    this.cancel();
    this.plan = null;
  }

  /** Server ms at which event i is due under the current plan. */
  private dueOf(i: number): number {
    const p = this.plan!;
    return p.serverTime + ((this.events[i]!.time - p.showTime) / p.rate) * 1000;
  }

  private cancel(): void {
    this.generation++;
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = null;
    this.immediate = null;
  }

  private arm(): void {
    const plan = this.plan;
    if (!plan) return;
    const event = this.events[this.next];
    if (!event || event.time >= plan.holdAt) return;
    this.due = this.dueOf(this.next);
    const generation = this.generation;
    const wait = this.due - this.clock() - this.spinMs;
    if (wait > 0) this.timer = setTimeout(() => this.spin(generation), wait);
    else this.spin(generation);
  }

  private spin(generation: number): void {
    if (generation !== this.generation) return;
    this.timer = null;
    const remaining = this.due - this.clock();
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
    const plan = this.plan!;
    // Fire everything due by now, in order (cues at the same instant go out together).
    while (this.next < this.events.length && this.events[this.next]!.time < plan.holdAt) {
      const due = this.dueOf(this.next);
      const now = this.clock();
      if (due > now) break;
      const event = this.events[this.next]!;
      const delivered = this.driver.send(event.bytes, { label: event.label });
      this.lastFired = this.next;
      this.next++;
      this.options.onFire?.({ event, due, firedAt: now, delivered });
    }
    this.arm();
  }
}
