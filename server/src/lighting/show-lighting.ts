// The show's lighting as the controller drives it: the timeline's cues fired on time (by the
// lighting thread or a scheduler here), and the effects a transition asks for — a panic blackout
// or a chase that re-sends the rig state for a new position — each logged for the desk.

import type { LightingDriverStatus, LightingView, ShowSeconds } from '../../../protocol/index.ts';
import type { LightingEvent, Timeline } from '../../../show-files/src/timeline.ts';
import type { Transition } from '../transport.ts';
import { collectLightingEvents, lightingStateAt, panicMessages } from './cues.ts';
import type { LightingDriver } from './driver.ts';
import { schedulesItself } from './lighting-thread.ts';
import { LightingLog } from './lighting-log.ts';
import { CueScheduler, type CueRunner } from './scheduler.ts';
import type { ServerClock } from '../clock.ts';

export class ShowLighting {
  readonly log: LightingLog;
  private readonly scheduler: CueRunner;
  private events: LightingEvent[] = [];
  private timeline: Timeline | null = null;
  /** performance.now() after which nothing is sent (fencing; see fenceUntil); the scheduler here reads it too. */
  private readonly fence = { until: Infinity };

  constructor(
    readonly driver: LightingDriver,
    private readonly clock: ServerClock,
    /** The show time now, for logging messages sent outside the schedule. */
    private readonly showTimeNow: () => ShowSeconds,
    push: (view: LightingView) => void,
  ) {
    this.log = new LightingLog(driver, push);
    // The lighting thread times cues away from this event loop; any other driver gets a scheduler here.
    const onFire = this.log.fired.bind(this.log);
    // A scheduler on this thread reads the same fence as everything else here, in place.
    this.scheduler = schedulesItself(driver) ? driver.createScheduler(() => clock.now(), onFire) : new CueScheduler(driver, clock, { onFire, fence: this.fence });
  }

  /** Open the driver (a lighting thread: until its port is open); status changes go to `listener`. */
  async open(listener: (status: LightingDriverStatus) => void): Promise<void> {
    this.driver.onStatusChange(listener);
    this.driver.open();
    if (schedulesItself(this.driver)) await this.driver.whenOpen();
    listener(this.driver.status());
  }

  setTimeline(timeline: Timeline): void {
    this.timeline = timeline;
    this.events = collectLightingEvents(timeline);
    this.scheduler.setEvents(this.events);
  }

  /** Run what a transition asks of the lighting, then follow its snapshot. */
  apply(t: Transition): void {
    if (t.lighting === 'panic') {
      this.scheduler.stop();
      for (const m of panicMessages(this.events, this.timeline!.lighting)) this.send(m.bytes, `PANIC ${m.label}`);
    } else if (t.lighting === 'chase') this.chase(t.snapshot.showTime);
    this.scheduler.update(t.snapshot, !t.jumped);
  }

  /** Follow a snapshot without effects (the start of a show). */
  follow(t: Transition): void {
    this.scheduler.update(t.snapshot, true);
  }

  /** Re-send the rig state for a position (cues strictly before it; the scheduler fires the rest). */
  chase(showTime: ShowSeconds): void {
    for (const e of lightingStateAt(this.events, showTime, false)) this.send(e.bytes, `chase ${e.label}`);
  }

  /** Stop firing cues (this server stood down); the driver stays open for a later takeover. */
  silence(): void {
    this.scheduler.stop();
  }

  /**
   * Fencing (the pair's primary lease): nothing goes out once performance.now() passes `until`
   * (Infinity lifts it). The lighting thread checks it itself, before every message it sends.
   */
  fenceUntil(until: number): void {
    this.fence.until = until;
    if (schedulesItself(this.driver)) this.driver.fenceUntil(until);
  }

  send(bytes: readonly number[], label: string): boolean {
    if (performance.now() >= this.fence.until) return false;
    const delivered = this.driver.send(bytes, { label });
    this.log.sent(bytes, label, this.clock.now(), this.showTimeNow(), delivered);
    return delivered;
  }

  view(): LightingView {
    return this.log.view();
  }

  stop(): void {
    this.log.stop();
    this.scheduler.stop();
  }
}
