// The desk's alarm list. Anything that degrades the show (a lost output, a MIDI port gone, a
// journal write that failed, a song left out) raises an alarm under a key; the condition ending
// clears it (it stays listed, inactive, until the operator acknowledges it).

import type { Alarm, ServerMs } from '../../../protocol/index.ts';

export class AlarmBoard {
  private readonly alarms: Alarm[] = [];
  private seq = 0;

  /** `changed` is called with the whole list after every change (the socket adapter pushes it). */
  constructor(
    private readonly clock: () => ServerMs,
    private readonly changed: (alarms: readonly Alarm[]) => void = () => {},
  ) {}

  raise(key: string, level: Alarm['level'], message: string): void {
    const open = this.alarms.find((a) => a.key === key);
    if (open) {
      open.message = message;
      open.active = true;
    } else this.alarms.push({ id: ++this.seq, key, level, message, at: this.clock(), active: true });
    this.changed(this.alarms);
  }

  clear(key: string): void {
    const open = this.alarms.find((a) => a.key === key);
    if (!open || !open.active) return;
    open.active = false;
    this.changed(this.alarms);
  }

  /** Alarms stay until acknowledged; one acknowledged while its condition lasts comes back on the next raise. */
  acknowledge(id: number): boolean {
    const i = this.alarms.findIndex((a) => a.id === id);
    if (i < 0) return false;
    this.alarms.splice(i, 1);
    this.changed(this.alarms);
    return true;
  }

  /** The live list (sent as is in the operator's hello). */
  get current(): Alarm[] {
    return this.alarms;
  }

  list(): Alarm[] {
    return [...this.alarms];
  }

  activeCount(): number {
    return this.alarms.filter((a) => a.active).length;
  }
}
