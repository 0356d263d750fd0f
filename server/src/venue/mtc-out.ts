// MTC out on the main thread, for a lighting driver that does not time itself (a recorder in tests,
// a null driver in tools): the MtcPlan run by a timer that wakes `spinMs` early and spins to the
// instant. `serve` drives a LightingThread, which runs the same plan on its own thread instead.

import type { ServerMs, TransportSnapshot } from '../../../protocol/index.ts';
import { MtcPlan, type MtcConfig, type MtcCounts } from './mtc-plan.ts';

export interface MtcOutOptions extends MtcConfig {
  send: (bytes: readonly number[], label: string) => void;
  clock: () => ServerMs;
  /** Busy-wait at most this long before a message is due (default 1 ms). */
  spinMs?: number;
}

export class MtcOut {
  readonly plan: MtcPlan;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly o: MtcOutOptions) {
    this.plan = new MtcPlan({ rate: o.rate, offsetSeconds: o.offsetSeconds });
  }

  follow(snap: TransportSnapshot): void {
    this.plan.update(snap, this.o.clock());
    this.arm();
  }

  counts(): MtcCounts {
    return this.plan.counts;
  }

  private arm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const due = this.plan.nextDue();
    if (due === null) return;
    this.timer = setTimeout(() => this.fire(), Math.max(0, due - this.o.clock() - (this.o.spinMs ?? 1)));
  }

  private fire(): void {
    const due = this.plan.nextDue();
    if (due !== null) {
      while (this.o.clock() < due) {
        // spin the last stretch: a timer alone wakes a millisecond or more late
      }
      this.plan.fireDue(this.o.clock, (bytes, label) => this.o.send(bytes, label));
    }
    this.arm();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.plan.stop();
  }
}
