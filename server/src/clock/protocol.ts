// Wire types shared by the server, the stage, the desk and the viewer. Pure data and math: this file
// is imported by browser code, so it must never touch Node APIs.

export type TransportMode = 'stopped' | 'playing' | 'held';

/** Stage to black and audio faded out, started at `serverTime` over `fadeSeconds`. */
export interface Blackout {
  serverTime: number;
  fadeSeconds: number;
}

/**
 * The transport as broadcast to every client: where the show was at one server instant and how it
 * moves from there. Every client derives show time from this plus its synced clock, never from
 * when the message arrived.
 */
export interface TransportSnapshot {
  /** Increases with every change, so a client can drop a stale snapshot that arrives late. */
  revision: number;
  mode: TransportMode;
  playing: boolean;
  /** The setlist entry at `showTime` (the one that just ended while waiting for GO at a hold point). */
  entryIndex: number;
  /** Show time in seconds at `serverTime`. */
  showTime: number;
  /** Server clock in milliseconds (epoch based, monotonic within a server process). */
  serverTime: number;
  /** Show seconds per server second while playing. */
  rate: number;
  /** Show time where playback stops by itself: a hold point, the show end, or the end of a panic fade. */
  holdAt: number;
  /** Held at the end of an entry that waits for GO. */
  waiting: boolean;
  blackout: Blackout | null;
}

/** Show time (seconds) that a snapshot implies at a given server time (ms). */
export function showTimeAt(snapshot: TransportSnapshot, serverTime: number): number {
  if (!snapshot.playing) return snapshot.showTime;
  const t = snapshot.showTime + ((serverTime - snapshot.serverTime) / 1000) * snapshot.rate;
  return t < snapshot.holdAt ? t : snapshot.holdAt;
}

/** Socket.io event names, in one place so the server and every client agree. */
export const EVENTS = {
  /** client -> server, ack(serverTime): one clock-sync exchange. */
  clockPing: 'clock:ping',
  /** server -> client on connect: role, transport and show summary. */
  hello: 'hello',
  /** server -> all: the transport changed. */
  transport: 'transport',
  /** client -> server, ack(snapshot): ask for the current transport (after a reconnect). */
  snapshot: 'snapshot',
  /** operator -> server, ack(result): a transport command. */
  command: 'transport:command',
  /** any -> server, ack(timeline): the compiled show. */
  timeline: 'show:timeline',
  /** server -> all: a new show (or setlist) was loaded; fetch the timeline again. */
  showLoaded: 'show:loaded',
  /** output -> server: render health. */
  outputHealth: 'output:health',
  /** server -> operators: every configured output with its health. */
  outputs: 'outputs',
  /** operator -> server -> that output: live profile settings. */
  outputSettings: 'output:settings',
  /** server -> operators: lighting driver status and recent messages. */
  lighting: 'lighting',
  /** operator -> server, ack: fire one lighting cue now (test). */
  lightingTest: 'lighting:test',
  /** server -> operators: the alarm list. */
  alarms: 'alarms',
  /** operator -> server: acknowledge an alarm by id. */
  alarmAck: 'alarm:ack',
  /** operator -> server, ack(result): replace the setlist (saved atomically). */
  setlistSave: 'setlist:save',
} as const;

export type Role = 'operator' | 'output' | 'viewer';

export type TransportCommandName = 'go' | 'hold' | 'resume' | 'stop' | 'next' | 'previous' | 'panic' | 'seek';

export interface TransportCommand {
  command: TransportCommandName;
  /** For seek: entry index and time into that entry, seconds. */
  entry?: number;
  time?: number;
}

export type CommandResult = { ok: true; state: TransportSnapshot } | { ok: false; error: string; state?: TransportSnapshot };
