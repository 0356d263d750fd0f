// The lighting driver interface: where MIDI bytes go. Implementations: easymidi (a hardware or
// virtual port), an SMF recorder, and a null driver. A driver never throws at the show: a failed
// send returns false and shows in status().

import type { LightingDriverStatus } from '../../../protocol/index.ts';

export interface SendInfo {
  label?: string;
}

export interface LightingDriver {
  readonly name: string;
  open(): void;
  send(bytes: readonly number[], info?: SendInfo): boolean;
  status(): LightingDriverStatus;
  /** Called with the new status whenever connected/error changes. */
  onStatusChange(listener: (status: LightingDriverStatus) => void): void;
  close(): Promise<void>;
}

/** Base with the status bookkeeping every driver needs. */
export abstract class BaseDriver implements LightingDriver {
  abstract readonly name: string;
  protected connected = false;
  protected error: string | null = null;
  protected port: string | null = null;
  protected sent = 0;
  protected failed = 0;
  private listeners: ((s: LightingDriverStatus) => void)[] = [];

  abstract open(): void;
  abstract send(bytes: readonly number[], info?: SendInfo): boolean;
  async close(): Promise<void> {}

  status(): LightingDriverStatus {
    return { driver: this.name, port: this.port, connected: this.connected, error: this.error, sent: this.sent, failed: this.failed };
  }

  onStatusChange(listener: (status: LightingDriverStatus) => void): void {
    this.listeners.push(listener);
  }

  protected setHealth(connected: boolean, error: string | null): void {
    const changed = connected !== this.connected || error !== this.error;
    this.connected = connected;
    this.error = error;
    if (changed) for (const l of this.listeners) l(this.status());
  }
}

/** Sends nowhere, always succeeds: for shows without a lighting rig. */
export class NullDriver extends BaseDriver {
  readonly name = 'null';
  open(): void {
    this.setHealth(true, null);
  }
  send(_bytes: readonly number[], _info?: SendInfo): boolean {
    this.sent++;
    return true;
  }
}

/** Sends to several drivers (e.g. the MIDI port and the recorder); its status is the first one's. */
export class FanoutDriver implements LightingDriver {
  readonly name: string;
  constructor(readonly drivers: LightingDriver[]) {
    this.name = drivers.map((d) => d.name).join('+');
  }
  open(): void {
    for (const d of this.drivers) d.open();
  }
  send(bytes: readonly number[], info?: SendInfo): boolean {
    let ok = true;
    for (const d of this.drivers) ok = d.send(bytes, info) && ok;
    return ok;
  }
  status(): LightingDriverStatus {
    return this.drivers[0]!.status();
  }
  onStatusChange(listener: (status: LightingDriverStatus) => void): void {
    this.drivers[0]!.onStatusChange(listener);
  }
  async close(): Promise<void> {
    for (const d of this.drivers) await d.close();
  }
}
