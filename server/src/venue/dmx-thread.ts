// The DMX thread, main side: hands the worker (dmx-worker.ts) the show's DMX cues and every
// transport snapshot, and mirrors what it reports (frames, packets, Art-Net nodes). If the worker
// dies it is started again and given the cues and the position now, so its first frame re-sends
// the whole current look.

import { Worker } from 'node:worker_threads';
import type { DmxEvent } from '../../../show-files/src/timeline.ts';
import type { TransportSnapshot } from '../../../protocol/index.ts';
import { dmxUniverses } from '../../../show-files/src/dmx-levels.ts';
import type { SacnOptions } from './sacn.ts';
import type { ArtNetOptions, ArtNode } from './artnet.ts';
import { DMX_RATE } from './dmx-out.ts';

export interface DmxThreadData {
  sacn: SacnOptions | null;
  artnet: ArtNetOptions | null;
  rate: number;
  /** Server clock minus process.hrtime, ms: the worker rebuilds the server clock from it. */
  epochMs: number;
  statusMs: number;
  entry: string;
}

export type ToDmxThread = { type: 'events'; events: readonly DmxEvent[] } | { type: 'update'; snapshot: TransportSnapshot } | { type: 'close' };

export interface DmxThreadCounts {
  frames: number;
  skipped: number;
  lastFrameAt: number | null;
  sacnPackets: number;
  artnetPackets: number;
  artnetPort: number | null;
  nodes: ArtNode[];
  pollsAnswered: number;
  malformed: number;
  /** Lateness (sent − due, ms) of each frame since the previous status. */
  lateness: number[];
}

export type FromDmxThread =
  | { type: 'ready'; artnetPort: number | null }
  | ({ type: 'status' } & DmxThreadCounts)
  | { type: 'node'; node: ArtNode; present: boolean }
  | { type: 'log'; line: string }
  | { type: 'closed' };

export interface DmxThreadOptions {
  sacn?: SacnOptions;
  artnet?: ArtNetOptions;
  /** Frames a second (default 44). */
  rate?: number;
  /** How often the worker reports its counts, ms (default 500). */
  statusMs?: number;
  clock: () => number;
  log: (line: string) => void;
  /** An Art-Net node answered for the first time, or stopped answering. */
  onNode?: (node: ArtNode, present: boolean) => void;
  /** Every status the worker reports (the bench reads the frame lateness from it). */
  onStatus?: (counts: DmxThreadCounts) => void;
}

const hrMs = (): number => Number(process.hrtime.bigint()) / 1e6;

export class DmxThread {
  /** The running worker (public so a test can kill it and watch it come back). */
  worker: Worker | null = null;
  private events: readonly DmxEvent[] = [];
  private snapshot: TransportSnapshot | null = null;
  private closed = false;
  private ready: Promise<void> = Promise.resolve();
  counts: DmxThreadCounts = { frames: 0, skipped: 0, lastFrameAt: null, sacnPackets: 0, artnetPackets: 0, artnetPort: null, nodes: [], pollsAnswered: 0, malformed: 0, lateness: [] };
  restarts = 0;

  constructor(private readonly o: DmxThreadOptions) {}

  /** Start the worker; resolves once its sockets are open (the Art-Net port is known). */
  start(): Promise<void> {
    const data: DmxThreadData = { sacn: this.o.sacn ?? null, artnet: this.o.artnet ?? null, rate: this.o.rate ?? DMX_RATE, epochMs: this.o.clock() - hrMs(), statusMs: this.o.statusMs ?? 500, entry: new URL('./dmx-worker.ts', import.meta.url).href };
    const worker = new Worker(new URL('../lighting/worker-boot.mjs', import.meta.url), { workerData: data, name: 'holostage-dmx' });
    this.worker = worker;
    this.ready = new Promise((resolve) => {
      worker.on('message', (m: FromDmxThread) => {
        if (m.type === 'ready') {
          this.counts = { ...this.counts, artnetPort: m.artnetPort };
          worker.unref();
          this.post({ type: 'events', events: this.events });
          if (this.snapshot) this.post({ type: 'update', snapshot: this.snapshot });
          resolve();
        } else if (m.type === 'status') {
          const { type: _t, ...counts } = m;
          this.counts = counts;
          this.o.onStatus?.(counts);
        } else if (m.type === 'node') this.o.onNode?.(m.node, m.present);
        else if (m.type === 'log') this.o.log(m.line);
      });
      const died = (why: string): void => {
        if (this.worker !== worker || this.closed) return;
        this.worker = null;
        resolve();
        this.o.log(`dmx: thread stopped (${why}); restarting`);
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

  private post(m: ToDmxThread): void {
    this.worker?.postMessage(m);
  }

  setEvents(events: readonly DmxEvent[]): void {
    this.events = events;
    this.post({ type: 'events', events });
  }

  universes(): number[] {
    return dmxUniverses(this.events);
  }

  update(snapshot: TransportSnapshot): void {
    this.snapshot = snapshot;
    this.post({ type: 'update', snapshot });
  }

  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    this.worker = null;
    if (!worker) return;
    const done = new Promise<void>((resolve) => {
      worker.on('message', (m: FromDmxThread) => m.type === 'closed' && resolve());
      worker.on('exit', () => resolve());
    });
    worker.postMessage({ type: 'close' } satisfies ToDmxThread);
    let timeout: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([done, new Promise((r) => (timeout = setTimeout(r, 2000)))]);
    clearTimeout(timeout);
    await worker.terminate();
  }
}
