// The desk's link to the show server: one operator socket (the server's own protocol), the synced
// clock, and the HTTP calls of the desk API. Holds the latest of everything the server pushes and
// tells the views when something changed.

import { io, type Socket } from 'socket.io-client';
import {
  ClockSync,
  ClockSyncLoop,
  EVENTS,
  showTimeAt,
  type Alarm,
  type CommandResult,
  type Hello,
  type LightingView,
  type OutputView,
  type SetlistSaveResult,
  type ShowSummary,
  type TimelineReply,
  type TransportCommand,
  type TransportSnapshot,
} from '../../protocol/index.ts';
import type { OutputSettings, Timeline } from '../../show-files/src/timeline.ts';
import type { SetlistEntry } from './core/setlist.ts';

export type Topic = 'connection' | 'transport' | 'show' | 'timeline' | 'outputs' | 'lighting' | 'alarms';

export class DeskLink {
  readonly sync = new ClockSync({ now: () => performance.now() });
  readonly socket: Socket;
  connected = false;
  everConnected = false;
  connectionError: string | null = null;
  snapshot: TransportSnapshot | null = null;
  show: ShowSummary | null = null;
  timeline: Timeline | null = null;
  outputs: OutputView[] = [];
  lighting: LightingView | null = null;
  alarms: Alarm[] = [];
  private readonly loop: ClockSyncLoop;
  private readonly listeners = new Map<Topic, (() => void)[]>();

  constructor(readonly token: string) {
    this.socket = io({ auth: { token }, transports: ['websocket'] });
    this.loop = new ClockSyncLoop(this.sync, this.socket);
    const s = this.socket;
    s.on('connect', () => {
      this.connected = true;
      this.everConnected = true;
      this.connectionError = null;
      this.sync.reset();
      this.loop.restart();
      this.notify('connection');
    });
    s.on('disconnect', () => {
      this.connected = false;
      this.loop.stop();
      this.notify('connection');
    });
    s.on('connect_error', (err: Error) => {
      this.connectionError = err.message;
      this.notify('connection');
    });
    s.on(EVENTS.hello, (hello: Hello) => {
      // A restarted server counts revisions from scratch: take its snapshot as it is.
      this.snapshot = hello.transport;
      this.setShow(hello.show);
      if (hello.outputs) this.outputs = hello.outputs;
      if (hello.lighting) this.lighting = hello.lighting;
      if (hello.alarms) this.alarms = hello.alarms;
      for (const t of ['transport', 'outputs', 'lighting', 'alarms'] as const) this.notify(t);
    });
    s.on(EVENTS.transport, (snap: TransportSnapshot) => {
      if (this.snapshot && snap.revision < this.snapshot.revision) return;
      this.snapshot = snap;
      this.notify('transport');
    });
    s.on(EVENTS.showLoaded, (show: ShowSummary) => this.setShow(show));
    s.on(EVENTS.outputs, (outputs: OutputView[]) => {
      this.outputs = outputs;
      this.notify('outputs');
    });
    s.on(EVENTS.lighting, (l: LightingView) => {
      this.lighting = l;
      this.notify('lighting');
    });
    s.on(EVENTS.alarms, (a: Alarm[]) => {
      this.alarms = a;
      this.notify('alarms');
    });
  }

  on(topic: Topic, fn: () => void): void {
    const list = this.listeners.get(topic) ?? [];
    list.push(fn);
    this.listeners.set(topic, list);
  }

  private notify(topic: Topic): void {
    for (const fn of this.listeners.get(topic) ?? []) fn();
  }

  private setShow(show: ShowSummary): void {
    const changed = !this.show || this.show.revision !== show.revision || !this.timeline;
    this.show = show;
    this.notify('show');
    if (changed) this.fetchTimeline();
  }

  private fetchTimeline(): void {
    this.socket.emit(EVENTS.timeline, (reply: TimelineReply<Timeline>) => {
      this.timeline = reply.timeline;
      this.notify('timeline');
    });
  }

  /** Show seconds now, from the last snapshot and the synced server clock. */
  showTime(): number {
    return this.snapshot ? showTimeAt(this.snapshot, this.sync.serverNow()) : 0;
  }

  /** Server ms now as this desk estimates it. */
  serverNow(): number {
    return this.sync.serverNow();
  }

  private ack<T>(event: string, payload: unknown): Promise<T> {
    return new Promise((resolve, reject) => {
      if (!this.socket.connected) return reject(new Error('not connected to the show server'));
      this.socket.timeout(5000).emit(event, payload, (err: Error | null, reply: T) => (err ? reject(new Error('the server did not answer in 5 s')) : resolve(reply)));
    });
  }

  command(cmd: TransportCommand): Promise<CommandResult> {
    return this.ack<CommandResult>(EVENTS.command, cmd);
  }

  saveSetlist(setlist: SetlistEntry[]): Promise<SetlistSaveResult> {
    return this.ack(EVENTS.setlistSave, { setlist });
  }

  outputSettings(id: string, settings: Partial<OutputSettings>): Promise<{ ok: boolean; error?: string }> {
    return this.ack(EVENTS.outputSettings, { id, settings });
  }

  testFire(song: number, cue: number): Promise<{ ok: boolean; bytes?: string; error?: string }> {
    return this.ack(EVENTS.lightingTest, { song, cue });
  }

  acknowledge(id: number): Promise<{ ok: boolean }> {
    return this.ack(EVENTS.alarmAck, id);
  }

  async api<T>(path: string, init: RequestInit = {}): Promise<{ status: number; body: T }> {
    const res = await fetch(path, { ...init, headers: { ...(init.headers ?? {}), authorization: `Bearer ${this.token}`, ...(init.body ? { 'content-type': 'application/json' } : {}) } });
    const text = await res.text();
    let body: T;
    try {
      body = JSON.parse(text) as T;
    } catch {
      body = { ok: false, error: `HTTP ${res.status}: ${text.slice(0, 200)}` } as T;
    }
    return { status: res.status, body };
  }
}
