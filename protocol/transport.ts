// The transport on the wire: the snapshot every client derives show time from, the commands the
// operator sends and their answer. Pure data and math, imported by browser code: no Node APIs.

/** Show time: seconds on the compiled timeline (what the show files and the renderer count in). */
export type ShowSeconds = number;
/** Server clock: epoch-based milliseconds (what snapshots, alarms and clock sync count in). */
export type ServerMs = number;

export type TransportMode = 'stopped' | 'playing' | 'held';

/** Stage to black and audio faded out, started at `serverTime` over `fadeSeconds`. */
export interface Blackout {
  serverTime: ServerMs;
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
  showTime: ShowSeconds;
  /** Server clock in milliseconds (epoch based, monotonic within a server process). */
  serverTime: ServerMs;
  /** Show seconds per server second while playing. */
  rate: number;
  /** Show time where playback stops by itself: a hold point, the show end, or the end of a panic fade. */
  holdAt: ShowSeconds;
  /** Held at the end of an entry that waits for GO. */
  waiting: boolean;
  blackout: Blackout | null;
}

/** Show time (seconds) that a snapshot implies at a given server time (ms). */
export function showTimeAt(snapshot: TransportSnapshot, serverTime: ServerMs): ShowSeconds {
  if (!snapshot.playing) return snapshot.showTime;
  const t = snapshot.showTime + ((serverTime - snapshot.serverTime) / 1000) * snapshot.rate;
  return t < snapshot.holdAt ? t : snapshot.holdAt;
}

export type TransportCommandName = 'go' | 'hold' | 'resume' | 'stop' | 'next' | 'previous' | 'panic' | 'seek';

export const TRANSPORT_COMMANDS: readonly TransportCommandName[] = ['go', 'hold', 'resume', 'stop', 'next', 'previous', 'panic', 'seek'];

export interface TransportCommand {
  command: TransportCommandName;
  /** For seek: entry index and time into that entry, seconds. */
  entry?: number;
  time?: number;
}

export type CommandResult = { ok: true; state: TransportSnapshot } | { ok: false; error: string; state?: TransportSnapshot };

/**
 * The transport's full record: what the pure state machine (server/src/transport.ts) works on,
 * what the journal stores and what a primary replicates to its edges. Clients get the snapshot.
 */
export interface TransportState {
  revision: number;
  mode: TransportMode;
  /** The entry the position belongs to when not playing (the cursor when stopped). */
  entryIndex: number;
  anchorShowTime: ShowSeconds;
  anchorServerTime: ServerMs;
  rate: number;
  holdAt: ShowSeconds;
  /** Entry whose end is `holdAt` (-1 when holdAt is a panic fade end). */
  holdEntry: number;
  /** Held at a hold point (entry end / show end): GO moves on to the next entry. */
  waiting: boolean;
  blackout: Blackout | null;
  /** Server ms of the last accepted GO, for the double-GO guard. */
  lastGoAt: ServerMs;
}
