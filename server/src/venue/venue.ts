// The venue adapters, composed: OSC (remote control with feedback), MTC out (the show clock as
// timecode) and DMX (sACN, Art-Net) on its own thread. Each only reads the controller or calls its one gate; the venue listens to
// the controller's transport announcements while it runs, and server.ts hands it the alarms and starts it on the primary only.

import type { Alarm, TakeOverResult, TransportSnapshot, VenueView } from '../../../protocol/index.ts';
import { venueViewOf, type OscTargetOutcome } from './venue-view.ts';
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
import { collectDmxEvents, collectOscCues } from '../../../show-files/src/dmx-levels.ts';
import { VenueThread, type VenueThreadCounts } from './venue-thread.ts';
import { TimecodeChase, type ChaseOptions, type MidiTap } from './timecode-chase.ts';
import type { ChaseView } from '../../../protocol/index.ts';
import type { OscCueReport } from './osc-cues.ts';

export interface VenueOptions {
  /** OSC over UDP: port (0 picks a free one), interface (default the server's), passcode (default the operator token). */
  osc?: { port: number; host?: string; passcode?: string; subscriptionMs?: number };
  /** MTC out on the lighting's MIDI output: rate and the timecode at show time 0, in seconds. */
  mtc?: MtcConfig;
  /** sACN (E1.31) DMX out of the songs' DMX cues. */
  sacn?: SacnOptions;
  /** Follow external timecode (serve --chase mtc|ltc). */
  chase?: ChaseOptions;
  /** Art-Net DMX out of the same cues, to the nodes ArtPoll finds (and any listed). */
  artnet?: ArtNetOptions;
  /** DMX frames a second (default 44). */
  dmxRate?: number;
  /** How the venue thread asks to be run (default 'realtime'; `serve --lighting-priority` sets both threads). */
  threadPriority?: 'realtime' | 'nice' | 'normal';
  /** Every status the venue thread reports (the bench reads DMX frame timing from it). */
  onThreadStatus?: (counts: VenueThreadCounts) => void;
}

export interface VenueStatus {
  osc: OscStatus | null;
  /** Counts only when timed on this thread (the lighting thread keeps its own). */
  mtc: (MtcConfig & { thread: 'lighting' | 'main'; counts: MtcCounts | null }) | null;
  sacn: { universes: number[]; packets: number; unicast: string[]; sync: number | null } | null;
  artnet: { universes: number[]; packets: number; port: number | null; nodes: ArtNode[] } | null;
  /** Outgoing OSC cues (when the venue thread runs). */
  oscCues: { sent: number; failed: number; last: (OscCueReport & { at: number }) | null } | null;
  chase?: ChaseView | null;
}

export interface VenueDeps {
  controller: ShowController;
  lighting: LightingDriver;
  host: string;
  operatorToken: () => string;
  alarms: AlarmBoard;
  clock: () => number;
  log: (line: string) => void;
  /** The MIDI input (MTC for the chase) and a push to the desks (the chase's view). */
  midiIn?: MidiTap;
  toOperators?: (event: string, payload: unknown) => void;
  /** The desk's venue panel: called on every change (at most 4 a second) and once a second. */
  publish?: (view: VenueView) => void;
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
  /** The DMX loop (sACN, Art-Net) and the outgoing OSC cues, on the venue thread. */
  thread: VenueThread | null = null;
  chase: TimecodeChase | null = null;
  /** The last outgoing OSC cue's outcome. */
  lastOscCue: (OscCueReport & { at: number }) | null = null;
  private cueTimeline: Timeline | null = null;
  private readonly goneNodes = new Map<string, ArtNode>();
  private readonly oscTargets = new Map<string, OscTargetOutcome>();
  private publishSoon: ReturnType<typeof setTimeout> | null = null;
  private publishTimer: ReturnType<typeof setInterval> | null = null;
  private closed = false;
  private unlisten: (() => void) | null = null;

  constructor(private readonly options: VenueOptions, private readonly d: VenueDeps) {}

  async start(): Promise<void> {
    // The controller's announcements reach the venue while it runs.
    this.unlisten = this.d.controller.listen(this);
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
    // The venue thread runs when DMX goes out, or once the show has an outgoing OSC cue.
    if (this.options.sacn || this.options.artnet || collectOscCues(this.d.controller.timeline).length) await this.startThread();
    if (this.d.publish) {
      this.publishTimer = setInterval(() => this.publish(), 1000);
      this.publishTimer.unref();
    }
    if (this.options.chase) {
      this.chase = new TimecodeChase(this.options.chase, this.d);
      this.chase.start();
    }
    if (mtc && this.d.lighting instanceof LightingThread) this.d.lighting.setTimecode(mtc);
    else if (mtc) {
      this.mtc = new MtcOut({ ...mtc, clock: this.d.clock, send: (bytes, label) => void this.d.lighting.send(bytes, { label }) });
      this.mtc.follow(this.d.controller.snapshot());
    }
  }

  private async startThread(): Promise<void> {
    const { alarms, log } = this.d;
    const onNode = (node: ArtNode, present: boolean): void => {
      const key = `artnet:${node.ip}`;
      if (present) this.goneNodes.delete(node.ip);
      else this.goneNodes.set(node.ip, node);
      if (present) alarms.clear(key);
      else alarms.raise(key, 'warning', `Art-Net node ${node.shortName || node.ip} (${node.ip}) stopped answering polls: its universes ${node.universes.join(', ')} get no DMX`);
      log(`artnet: node ${node.ip} "${node.shortName}" ${present ? `found (universes ${node.universes.join(', ')})` : 'gone'}`);
      this.changed();
    };
    const onOscCue = (report: OscCueReport): void => {
      this.lastOscCue = { ...report, at: this.d.clock() };
      this.oscTargets.set(report.target, { ok: report.ok, error: report.error, label: report.label, at: this.lastOscCue.at });
      const key = `osc-cue:${report.target}`;
      if (report.ok) alarms.clear(key);
      else {
        alarms.raise(key, 'warning', `OSC cue "${report.label}" to ${report.target}: ${report.error}`);
        log(`osc cue: "${report.label}" to ${report.target}: ${report.error}`);
      }
      this.changed();
    };
    this.thread = new VenueThread({ sacn: this.options.sacn, artnet: this.options.artnet, rate: this.options.dmxRate, priority: this.options.threadPriority, clock: this.d.clock, log, onNode, onOscCue, onStatus: this.options.onThreadStatus });
    this.refreshCues();
    this.thread.update(this.d.controller.snapshot());
    await this.thread.start();
  }

  transport(snapshot: TransportSnapshot): void {
    this.mtc?.follow(snapshot);
    this.chase?.transport(snapshot);
    this.osc?.transport(snapshot);
    // A new show may bring the first OSC cue: the thread starts then.
    if (!this.thread && !this.closed && collectOscCues(this.d.controller.timeline).length) void this.startThread();
    // A change of position or show: the whole DMX look of the new moment goes out at once.
    this.refreshCues();
    this.thread?.update(snapshot);
  }

  private refreshCues(): void {
    const timeline = this.d.controller.timeline;
    if (!this.thread || timeline === this.cueTimeline) return;
    this.cueTimeline = timeline;
    this.thread.setEvents(collectDmxEvents(timeline), collectOscCues(timeline));
  }

  /** Something the desk's panel shows changed: publish soon (at most 4 times a second). */
  private changed(): void {
    if (this.publishSoon || !this.d.publish) return;
    this.publishSoon = setTimeout(() => {
      this.publishSoon = null;
      this.publish();
    }, 250);
    this.publishSoon.unref();
  }

  private publish(): void {
    if (!this.closed) this.d.publish?.(this.view());
  }

  /** The desk's venue panel (protocol/venue.ts). */
  view(): VenueView {
    const st = this.status();
    const counts = this.thread?.counts;
    const osc = this.osc && st.osc ? { status: st.osc, tcp: this.oscTcp !== null, host: this.options.osc?.host ?? this.d.host, peers: this.osc.peerList() } : null;
    return venueViewOf({
      now: this.d.clock(),
      osc,
      oscCues: st.oscCues && (this.oscTargets.size || collectOscCues(this.d.controller.timeline).length) ? { sent: st.oscCues.sent, failed: st.oscCues.failed, targets: this.oscTargets } : null,
      sacn: st.sacn ? { ...st.sacn, priority: this.options.sacn?.priority ?? 100, lastFrameAt: counts?.lastFrameAt ?? null } : null,
      artnet: st.artnet ? { ...st.artnet, gone: [...this.goneNodes.values()], pollsAnswered: counts?.pollsAnswered ?? 0, listed: this.options.artnet?.nodes ?? [], pollMs: this.options.artnet?.pollMs ?? 3000 } : null,
      mtc: st.mtc,
    });
  }

  alarms(list: readonly Alarm[]): void {
    this.osc?.alarms(list);
    // An OSC peer's alarm comes and goes with its subscription: the panel shows it at once.
    this.changed();
  }

  status(): VenueStatus {
    const mtc = this.options.mtc;
    return { osc: this.osc?.status() ?? null, mtc: mtc ? { ...mtc, thread: this.mtc ? 'main' : 'lighting', counts: this.mtc?.counts() ?? null } : null, sacn: this.thread && this.options.sacn ? { universes: this.thread.universes(), packets: this.thread.counts.sacnPackets, unicast: this.options.sacn.unicast ?? [], sync: this.options.sacn.sync ?? null } : null, artnet: this.thread && this.options.artnet ? { universes: this.thread.universes(), packets: this.thread.counts.artnetPackets, port: this.thread.counts.artnetPort, nodes: this.thread.counts.nodes } : null, oscCues: this.thread ? { sent: this.thread.counts.oscCuesSent, failed: this.thread.counts.oscCuesFailed, last: this.lastOscCue } : null, chase: this.chase?.status() ?? null };
  }

  async close(): Promise<void> {
    this.unlisten?.();
    this.mtc?.stop();
    this.closed = true;
    this.chase?.close();
    if (this.publishTimer) clearInterval(this.publishTimer);
    if (this.publishSoon) clearTimeout(this.publishSoon);
    await this.thread?.close();
    await this.oscTcp?.close();
    await this.osc?.close();
  }
}
