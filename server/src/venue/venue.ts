// The venue adapters, composed: OSC (remote control with feedback) and MTC out (the show clock as
// timecode). Each only reads the controller or calls its one gate; server.ts hands them the
// controller's announcements (transport, alarms) and starts them on the primary only.

import type { Alarm, TransportSnapshot } from '../../../protocol/index.ts';
import type { ShowController } from '../show/controller.ts';
import type { LightingDriver } from '../lighting/driver.ts';
import { OscServer, type OscStatus } from './osc-server.ts';
import { MtcOut } from './mtc-out.ts';
import type { MtcConfig, MtcCounts } from './mtc-plan.ts';
import { LightingThread } from '../lighting/lighting-thread.ts';

export interface VenueOptions {
  /** OSC over UDP: port (0 picks a free one), interface (default the server's), passcode (default the operator token). */
  osc?: { port: number; host?: string; passcode?: string };
  /** MTC out on the lighting's MIDI output: rate and the timecode at show time 0, in seconds. */
  mtc?: MtcConfig;
}

export interface VenueStatus {
  osc: OscStatus | null;
  /** Counts only when timed on this thread (the lighting thread keeps its own). */
  mtc: (MtcConfig & { thread: 'lighting' | 'main'; counts: MtcCounts | null }) | null;
}

export interface VenueDeps {
  controller: ShowController;
  lighting: LightingDriver;
  host: string;
  operatorToken: () => string;
  clock: () => number;
  log: (line: string) => void;
}

export class Venue {
  osc: OscServer | null = null;
  /** MTC timed on this thread, when the driver is not a lighting thread. */
  mtc: MtcOut | null = null;

  constructor(private readonly options: VenueOptions, private readonly d: VenueDeps) {}

  async start(): Promise<void> {
    const { osc, mtc } = this.options;
    if (osc) {
      this.osc = new OscServer({ controller: this.d.controller, port: osc.port, host: osc.host ?? this.d.host, passcode: () => osc.passcode || this.d.operatorToken(), log: this.d.log });
      const port = await this.osc.start();
      this.d.log(`osc: listening on udp ${osc.host ?? this.d.host}:${port}`);
    }
    if (mtc && this.d.lighting instanceof LightingThread) this.d.lighting.setTimecode(mtc);
    else if (mtc) {
      this.mtc = new MtcOut({ ...mtc, clock: this.d.clock, send: (bytes, label) => void this.d.lighting.send(bytes, { label }) });
      this.mtc.follow(this.d.controller.snapshot());
    }
  }

  transport(snapshot: TransportSnapshot): void {
    this.mtc?.follow(snapshot);
    this.osc?.transport(snapshot);
  }

  alarms(list: readonly Alarm[]): void {
    this.osc?.alarms(list);
  }

  status(): VenueStatus {
    const mtc = this.options.mtc;
    return { osc: this.osc?.status() ?? null, mtc: mtc ? { ...mtc, thread: this.mtc ? 'main' : 'lighting', counts: this.mtc?.counts() ?? null } : null };
  }

  async close(): Promise<void> {
    this.mtc?.stop();
    await this.osc?.close();
  }
}
