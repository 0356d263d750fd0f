// The venue adapters, composed: OSC (remote control with feedback) and MTC out (the show clock as
// timecode). Each only reads the controller or calls its one gate; server.ts hands them the
// controller's announcements (transport, alarms) and starts them on the primary only.

import type { Alarm, TakeOverResult, TransportSnapshot } from '../../../protocol/index.ts';
import type { ShowController } from '../show/controller.ts';
import type { AlarmBoard } from '../show/alarms.ts';
import type { LightingDriver } from '../lighting/driver.ts';
import { OscServer, type OscStatus } from './osc-server.ts';
import { OscTcpServer } from './osc-tcp.ts';
import { MtcOut } from './mtc-out.ts';
import type { MtcConfig, MtcCounts } from './mtc-plan.ts';
import { LightingThread } from '../lighting/lighting-thread.ts';
import type { Timeline } from '../../../show-files/src/timeline.ts';
import { SacnSender, type SacnOptions } from './sacn.ts';
import { collectDmxEvents } from './dmx-levels.ts';

export interface VenueOptions {
  /** OSC over UDP: port (0 picks a free one), interface (default the server's), passcode (default the operator token). */
  osc?: { port: number; host?: string; passcode?: string; subscriptionMs?: number };
  /** MTC out on the lighting's MIDI output: rate and the timecode at show time 0, in seconds. */
  mtc?: MtcConfig;
  /** sACN (E1.31) DMX out of the songs' DMX cues. */
  sacn?: SacnOptions;
}

export interface VenueStatus {
  osc: OscStatus | null;
  /** Counts only when timed on this thread (the lighting thread keeps its own). */
  mtc: (MtcConfig & { thread: 'lighting' | 'main'; counts: MtcCounts | null }) | null;
  sacn: { universes: number[]; packets: number; unicast: string[] } | null;
}

export interface VenueDeps {
  controller: ShowController;
  lighting: LightingDriver;
  host: string;
  operatorToken: () => string;
  alarms: AlarmBoard;
  clock: () => number;
  log: (line: string) => void;
  /** Warm standby: /holostage/takeover hands the show to the standby. */
  takeOver?: (from: string) => Promise<TakeOverResult>;
}

export class Venue {
  osc: OscServer | null = null;
  /** OSC over TCP (SLIP) on the same port number as UDP. */
  oscTcp: OscTcpServer | null = null;
  oscTcpPort: number | null = null;
  /** MTC timed on this thread, when the driver is not a lighting thread. */
  mtc: MtcOut | null = null;
  sacn: SacnSender | null = null;
  private dmxTimeline: Timeline | null = null;

  constructor(private readonly options: VenueOptions, private readonly d: VenueDeps) {}

  async start(): Promise<void> {
    const { osc, mtc } = this.options;
    if (osc) {
      this.osc = new OscServer({ controller: this.d.controller, port: osc.port, host: osc.host ?? this.d.host, passcode: () => osc.passcode || this.d.operatorToken(), log: this.d.log, alarms: this.d.alarms, subscriptionMs: osc.subscriptionMs, takeOver: this.d.takeOver });
      const host = osc.host ?? this.d.host;
      const port = await this.osc.start();
      this.oscTcp = new OscTcpServer(this.osc, this.d.log);
      try {
        this.oscTcpPort = await this.oscTcp.start(port, host);
      } catch (err) {
        this.oscTcp = null;
        this.d.log(`osc: no TCP on port ${port} (${(err as Error).message}); UDP only`);
      }
      this.d.log(`osc: listening on udp${this.oscTcp ? ' and tcp' : ''} ${host}:${port}`);
    }
    if (this.options.sacn) {
      const c = this.d.controller;
      this.sacn = new SacnSender(this.options.sacn, () => ({ showTime: c.showTimeNow(), blackout: c.state.blackout !== null }));
      this.refreshDmx();
      this.sacn.start();
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
    // A change of position or show: the whole DMX look of the new moment goes out at once.
    this.refreshDmx();
    this.sacn?.frame();
  }

  private refreshDmx(): void {
    const timeline = this.d.controller.timeline;
    if (!this.sacn || timeline === this.dmxTimeline) return;
    this.dmxTimeline = timeline;
    this.sacn.setEvents(collectDmxEvents(timeline));
  }

  alarms(list: readonly Alarm[]): void {
    this.osc?.alarms(list);
  }

  status(): VenueStatus {
    const mtc = this.options.mtc;
    return { osc: this.osc?.status() ?? null, mtc: mtc ? { ...mtc, thread: this.mtc ? 'main' : 'lighting', counts: this.mtc?.counts() ?? null } : null, sacn: this.sacn ? { universes: this.sacn.universes(), packets: this.sacn.sent, unicast: this.options.sacn?.unicast ?? [] } : null };
  }

  async close(): Promise<void> {
    this.mtc?.stop();
    await this.sacn?.close();
    await this.oscTcp?.close();
    await this.osc?.close();
  }
}
