// The lighting messages the desk sees: the last 50 sent (scheduled cues, chases, panic, tests),
// with when, what and whether the driver delivered them; pushed at most ten times a second.

import { hex } from '../../../show-files/src/midi.ts';
import type { LightingMessageLog, LightingView, ServerMs } from '../../../protocol/index.ts';
import type { LightingDriver } from './driver.ts';
import type { FiredCue } from './scheduler.ts';

const KEPT = 50;
const PUSH_MS = 100;

export class LightingLog {
  private readonly recent: LightingMessageLog[] = [];
  private pushTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly driver: LightingDriver,
    private readonly push: (view: LightingView) => void,
  ) {}

  /** A message sent now (chase, panic, test), logged at its show time. */
  sent(bytes: readonly number[], label: string, at: ServerMs, showTime: number, delivered: boolean): void {
    this.add({ at, showTime, label, bytes: hex(bytes), delivered });
  }

  /** A cue the scheduler fired, with how late. */
  fired(f: FiredCue): void {
    this.add({ at: f.firedAt, showTime: f.event.time, label: f.event.label, bytes: hex(f.event.bytes), delivered: f.delivered, lateMs: f.firedAt - f.due });
  }

  view(): LightingView {
    return { status: this.driver.status(), recent: [...this.recent] };
  }

  /** Push now (the driver's status changed). */
  pushNow(): void {
    this.push(this.view());
  }

  stop(): void {
    if (this.pushTimer) clearTimeout(this.pushTimer);
    this.pushTimer = null;
  }

  private add(entry: LightingMessageLog): void {
    this.recent.push(entry);
    if (this.recent.length > KEPT) this.recent.shift();
    // The desk sees the list at most ten times a second, however dense the cues.
    if (!this.pushTimer) {
      this.pushTimer = setTimeout(() => {
        this.pushTimer = null;
        this.push(this.view());
      }, PUSH_MS);
    }
  }
}
