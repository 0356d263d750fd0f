// The desk's link to the show server: the shared ShowLink (socket lifecycle, clock sync, snapshot
// revision guard, timeline) plus what only an operator is sent (show summary, outputs, lighting,
// alarms), the operator's commands and the HTTP calls of the desk API. Tells the views by topic
// when something changed.

import type { Socket } from 'socket.io-client';
import {
  EVENTS,
  type Alarm,
  type ClockSync,
  type CommandResult,
  type LightingView,
  type OutputView,
  type SetlistSaveResult,
  type ShowSummary,
  type TransportCommand,
  type TransportSnapshot,
} from '../../protocol/index.ts';
import type { OutputSettings, Timeline } from '../../show-files/src/timeline.ts';
import { ShowLink } from '../../client/show-link.ts';
import type { SetlistEntry } from './core/setlist.ts';

export type Topic = 'connection' | 'transport' | 'show' | 'timeline' | 'outputs' | 'lighting' | 'alarms';

export class DeskLink {
  readonly link: ShowLink;
  show: ShowSummary | null = null;
  outputs: OutputView[] = [];
  lighting: LightingView | null = null;
  alarms: Alarm[] = [];
  private readonly listeners = new Map<Topic, (() => void)[]>();

  constructor(readonly token: string) {
    this.link = new ShowLink({ token, resetClockOnConnect: true });
    const l = this.link;
    l.on('connection', () => this.notify('connection'));
    l.on('transport', () => this.notify('transport'));
    l.on('timeline', () => this.notify('timeline'));
    l.on('hello', (hello) => {
      this.show = hello.show;
      if (hello.outputs) this.outputs = hello.outputs;
      if (hello.lighting) this.lighting = hello.lighting;
      if (hello.alarms) this.alarms = hello.alarms;
      for (const t of ['show', 'outputs', 'lighting', 'alarms'] as const) this.notify(t);
    });
    const s = this.socket;
    s.on(EVENTS.showLoaded, (show: ShowSummary) => {
      this.show = show;
      this.notify('show');
    });
    s.on(EVENTS.outputs, (outputs: OutputView[]) => {
      this.outputs = outputs;
      this.notify('outputs');
    });
    s.on(EVENTS.lighting, (lighting: LightingView) => {
      this.lighting = lighting;
      this.notify('lighting');
    });
    s.on(EVENTS.alarms, (alarms: Alarm[]) => {
      this.alarms = alarms;
      this.notify('alarms');
    });
  }

  get socket(): Socket {
    return this.link.socket;
  }
  get sync(): ClockSync {
    return this.link.sync;
  }
  get connected(): boolean {
    return this.link.connected;
  }
  get everConnected(): boolean {
    return this.link.everConnected;
  }
  get connectionError(): string | null {
    return this.link.connectionError;
  }
  get snapshot(): TransportSnapshot | null {
    return this.link.snapshot;
  }
  get timeline(): Timeline | null {
    return this.link.timeline;
  }

  on(topic: Topic, fn: () => void): void {
    const list = this.listeners.get(topic) ?? [];
    list.push(fn);
    this.listeners.set(topic, list);
  }

  private notify(topic: Topic): void {
    for (const fn of this.listeners.get(topic) ?? []) fn();
  }

  /** Show seconds now, from the last snapshot and the synced server clock. */
  showTime(): number {
    return this.link.showTime();
  }

  /** Server ms now as this desk estimates it. */
  serverNow(): number {
    return this.link.serverNow();
  }

  private ack<T>(event: string, payload: unknown): Promise<T> {
    return this.link.request<T>(event, payload);
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
