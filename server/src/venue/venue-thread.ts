// The venue thread, main side: hands the worker (venue-worker.ts) the show's DMX and OSC cues and
// every transport snapshot, and mirrors what it reports (frames, packets, Art-Net nodes, OSC cue
// sends). If the worker dies it is started again and given the cues and the position now, so its
// first frame re-sends the whole current look (cues that fell in the gap are not fired late).

import { Worker } from 'node:worker_threads';
import type { DmxEvent, OscCueEvent } from '../../../show-files/src/timeline.ts';
import type { OscCueReport } from './osc-cues.ts';
import { showTimeAt, type TransportSnapshot } from '../../../protocol/index.ts';
import { dmxUniverses } from '../../../show-files/src/dmx-levels.ts';
import type { SacnOptions } from './sacn.ts';
import type { ArtNetOptions, ArtNode } from './artnet.ts';
import { DMX_RATE } from './dmx-out.ts';

export interface VenueThreadData {
  sacn: SacnOptions | null;
  artnet: ArtNetOptions | null;
  rate: number;
  /** Server clock minus process.hrtime, ms: the worker rebuilds the server clock from it. */
  epochMs: number;
  statusMs: number;
  priority: 'realtime' | 'nice' | 'normal';
  entry: string;
}

export type ToVenueThread = { type: 'events'; dmx: readonly DmxEvent[]; osc: readonly OscCueEvent[] } | { type: 'update'; snapshot: TransportSnapshot; continuous: boolean } | { type: 'close' };

export interface VenueThreadCounts {
  frames: number;
  skipped: number;
  lastFrameAt: number | null;
  sacnPackets: number;
  artnetPackets: number;
  artnetPort: number | null;
  nodes: ArtNode[];
  pollsAnswered: number;
  malformed: number;
  oscCuesSent: number;
  oscCuesFailed: number;
  /** Lateness (sent − due, ms) of each frame since the previous status. */
  lateness: number[];
}

export type FromVenueThread =
  | { type: 'ready'; artnetPort: number | null }
  | ({ type: 'status' } & VenueThreadCounts)
  | { type: 'node'; node: ArtNode; present: boolean }
  | { type: 'log'; line: string }
  | { type: 'osc-cue'; report: OscCueReport }
  | { type: 'closed' };

export interface VenueThreadOptions {
  sacn?: SacnOptions;
  artnet?: ArtNetOptions;
  /** Frames a second (default 44). */
  rate?: number;
  /** How the thread asks to be run (default 'realtime', as the lighting thread; see lighting/thread-priority.ts). */
  priority?: 'realtime' | 'nice' | 'normal';
  /** How often the worker reports its counts, ms (default 500). */
  statusMs?: number;
  clock: () => number;
  log: (line: string) => void;
  /** An Art-Net node answered for the first time, or stopped answering. */
  onNode?: (node: ArtNode, present: boolean) => void;
  /** Every status the worker reports (the bench reads the frame lateness from it). */
  onStatus?: (counts: VenueThreadCounts) => void;
  /** Every OSC cue sent, or failed (a host that does not resolve is reported when the cues arrive). */
  onOscCue?: (report: OscCueReport) => void;
}

const hrMs = (): number => Number(process.hrtime.bigint()) / 1e6;

export class VenueThread {
  /** The running worker (public so a test can kill it and watch it come back). */
  worker: Worker | null = null;
  private dmx: readonly DmxEvent[] = [];
  private osc: readonly OscCueEvent[] = [];
  private snapshot: TransportSnapshot | null = null;
  private closed = false;
  private ready: Promise<void> = Promise.resolve();
  counts: VenueThreadCounts = { frames: 0, skipped: 0, lastFrameAt: null, sacnPackets: 0, artnetPackets: 0, artnetPort: null, nodes: [], pollsAnswered: 0, malformed: 0, oscCuesSent: 0, oscCuesFailed: 0, lateness: [] };
  restarts = 0;

  constructor(private readonly o: VenueThreadOptions) {}

  /** Start the worker; resolves once its sockets are open (the Art-Net port is known). */
  start(): Promise<void> {
    const data: VenueThreadData = { sacn: this.o.sacn ?? null, artnet: this.o.artnet ?? null, rate: this.o.rate ?? DMX_RATE, epochMs: this.o.clock() - hrMs(), statusMs: this.o.statusMs ?? 500, priority: this.o.priority ?? 'realtime', entry: new URL('./venue-worker.ts', import.meta.url).href };
    const worker = new Worker(new URL('../lighting/worker-boot.mjs', import.meta.url), { workerData: data, name: 'holostage-venue' });
    this.worker = worker;
    this.ready = new Promise((resolve) => {
      worker.on('message', (m: FromVenueThread) => {
        if (m.type === 'ready') {
          this.counts = { ...this.counts, artnetPort: m.artnetPort };
          worker.unref();
          this.post({ type: 'events', dmx: this.dmx, osc: this.osc });
          // Planned from the position now: OSC cues that fell due while the thread was starting are
          // not fired late in a burst (the DMX look is the same either way).
          const snap = this.snapshot;
          if (snap) {
            const now = this.o.clock();
            this.post({ type: 'update', snapshot: { ...snap, showTime: showTimeAt(snap, now), serverTime: now }, continuous: false });
          }
          resolve();
        } else if (m.type === 'status') {
          const { type: _t, ...counts } = m;
          this.counts = counts;
          this.o.onStatus?.(counts);
        } else if (m.type === 'node') this.o.onNode?.(m.node, m.present);
        else if (m.type === 'log') this.o.log(m.line);
        else if (m.type === 'osc-cue') this.o.onOscCue?.(m.report);
      });
      const died = (why: string): void => {
        if (this.worker !== worker || this.closed) return;
        this.worker = null;
        resolve();
        this.o.log(`venue: thread stopped (${why}); restarting`);
        const t = setTimeout(() => {
          if (this.closed) return;
          this.restarts++;
          void this.start();
        }, 500);
        t.unref();
      };
      worker.on('error', (err) => died(err.message));
      worker.on('exit', (code) => died(`exit code ${code}`));
    });
    return this.ready;
  }

  private post(m: ToVenueThread): void {
    this.worker?.postMessage(m);
  }

  setEvents(dmx: readonly DmxEvent[], osc: readonly OscCueEvent[]): void {
    this.dmx = dmx;
    this.osc = osc;
    this.post({ type: 'events', dmx, osc });
  }

  universes(): number[] {
    return dmxUniverses(this.dmx);
  }

  /** Follow a snapshot; one that carries on from where the last left off (a resume) skips OSC cues already sent. */
  update(snapshot: TransportSnapshot): void {
    const before = this.snapshot;
    const continuous = before !== null && Math.abs(showTimeAt(before, snapshot.serverTime) - snapshot.showTime) < 0.001;
    this.snapshot = snapshot;
    this.post({ type: 'update', snapshot, continuous });
  }

  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    this.worker = null;
    if (!worker) return;
    const done = new Promise<void>((resolve) => {
      worker.on('message', (m: FromVenueThread) => m.type === 'closed' && resolve());
      worker.on('exit', () => resolve());
    });
    worker.postMessage({ type: 'close' } satisfies ToVenueThread);
    let timeout: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([done, new Promise((r) => (timeout = setTimeout(r, 2000)))]);
    clearTimeout(timeout);
    await worker.terminate();
  }
}
