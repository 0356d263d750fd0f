// The venue adapters, composed: OSC (remote control with feedback), MTC out (the show clock as
// timecode) and DMX (sACN, Art-Net) on its own thread. Each only reads the controller or calls its one gate; server.ts hands them the
// controller's announcements (transport, alarms) and starts them on the primary only.

import type { Alarm, TransportSnapshot } from '../../../protocol/index.ts';
import type { ShowController } from '../show/controller.ts';
import type { AlarmBoard } from '../show/alarms.ts';
import type { LightingDriver } from '../lighting/driver.ts';
import { OscServer, type OscStatus } from './osc-server.ts';
import { OscTcpServer } from './osc-tcp.ts';
import { MtcOut } from './mtc-out.ts';
import type { MtcConfig, MtcCounts } from './mtc-plan.ts';
import { LightingThread } from '../lighting/lighting-thread.ts';
import type { Timeline } from '../../../show-files/src/timeline.ts';
import type { SacnOptions } from './sacn.ts';
import type { ArtNetOptions, ArtNode } from './artnet.ts';
import { collectDmxEvents } from '../../../show-files/src/dmx-levels.ts';
import { DmxThread } from './dmx-thread.ts';

export interface VenueOptions {
  /** OSC over UDP: port (0 picks a free one), interface (default the server's), passcode (default the operator token). */
  osc?: { port: number; host?: string; passcode?: string; subscriptionMs?: number };
  /** MTC out on the lighting's MIDI output: rate and the timecode at show time 0, in seconds. */
  mtc?: MtcConfig;
  /** sACN (E1.31) DMX out of the songs' DMX cues. */
  sacn?: SacnOptions;
  /** Art-Net DMX out of the same cues, to the nodes ArtPoll finds (and any listed). */
  artnet?: ArtNetOptions;
  /** DMX frames a second (default 44). */
  dmxRate?: number;
}

export interface VenueStatus {
  osc: OscStatus | null;
  /** Counts only when timed on this thread (the lighting thread keeps its own). */
  mtc: (MtcConfig & { thread: 'lighting' | 'main'; counts: MtcCounts | null }) | null;
  sacn: { universes: number[]; packets: number; unicast: string[]; sync: number | null } | null;
  artnet: { universes: number[]; packets: number; port: number | null; nodes: ArtNode[] } | null;
}

export interface VenueDeps {
  controller: ShowController;
  lighting: LightingDriver;
  host: string;
  operatorToken: () => string;
  alarms: AlarmBoard;
  clock: () => number;
  log: (line: string) => void;
}

export class Venue {
  osc: OscServer | null = null;
  /** OSC over TCP (SLIP) on the same port number as UDP. */
  oscTcp: OscTcpServer | null = null;
  oscTcpPort: number | null = null;
  /** MTC timed on this thread, when the driver is not a lighting thread. */
  mtc: MtcOut | null = null;
  /** The DMX loop (sACN and Art-Net) on its own thread. */
  dmx: DmxThread | null = null;
  private dmxTimeline: Timeline | null = null;

  constructor(private readonly options: VenueOptions, private readonly d: VenueDeps) {}

  async start(): Promise<void> {
    const { osc, mtc } = this.options;
    if (osc) {
      this.osc = new OscServer({ controller: this.d.controller, port: osc.port, host: osc.host ?? this.d.host, passcode: () => osc.passcode || this.d.operatorToken(), log: this.d.log, alarms: this.d.alarms, subscriptionMs: osc.subscriptionMs });
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
    if (this.options.sacn || this.options.artnet) {
      const { alarms } = this.d;
      const onNode = (node: ArtNode, present: boolean): void => {
        const key = `artnet:${node.ip}`;
        if (present) alarms.clear(key);
        else alarms.raise(key, 'warning', `Art-Net node ${node.shortName || node.ip} (${node.ip}) stopped answering polls: its universes ${node.universes.join(', ')} get no DMX`);
        this.d.log(`artnet: node ${node.ip} "${node.shortName}" ${present ? `found (universes ${node.universes.join(', ')})` : 'gone'}`);
      };
      this.dmx = new DmxThread({ sacn: this.options.sacn, artnet: this.options.artnet, rate: this.options.dmxRate, clock: this.d.clock, log: this.d.log, onNode });
      this.refreshDmx();
      this.dmx.update(this.d.controller.snapshot());
      await this.dmx.start();
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
    this.dmx?.update(snapshot);
  }

  private refreshDmx(): void {
    const timeline = this.d.controller.timeline;
    if (!this.dmx || timeline === this.dmxTimeline) return;
    this.dmxTimeline = timeline;
    this.dmx.setEvents(collectDmxEvents(timeline));
  }

  alarms(list: readonly Alarm[]): void {
    this.osc?.alarms(list);
  }

  status(): VenueStatus {
    const mtc = this.options.mtc;
    return { osc: this.osc?.status() ?? null, mtc: mtc ? { ...mtc, thread: this.mtc ? 'main' : 'lighting', counts: this.mtc?.counts() ?? null } : null, sacn: this.dmx && this.options.sacn ? { universes: this.dmx.universes(), packets: this.dmx.counts.sacnPackets, unicast: this.options.sacn.unicast ?? [], sync: this.options.sacn.sync ?? null } : null, artnet: this.dmx && this.options.artnet ? { universes: this.dmx.universes(), packets: this.dmx.counts.artnetPackets, port: this.dmx.counts.artnetPort, nodes: this.dmx.counts.nodes } : null };
  }

  async close(): Promise<void> {
    this.mtc?.stop();
    await this.dmx?.close();
    await this.oscTcp?.close();
    await this.osc?.close();
  }
}
