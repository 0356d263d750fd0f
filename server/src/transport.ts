// The show transport as a pure state machine: (timeline, state, command, now) -> new state or a
// clear error. No sockets, timers or clocks inside; the server passes `now` (server ms) in, so the
// same inputs always give the same answer and every rule is testable without waiting.
//
// Position model: while playing, show time = anchorShowTime + (now - anchorServerTime) * rate,
// clamped at holdAt — the point where playback stops by itself (the end of an entry marked
// holdAfter, the end of the show, or the end of a panic fade). Clients get the same anchor and
// holdAt, so they all stop at exactly the same show time even before the server says so.

import type { Timeline } from '../../show-files/src/timeline.ts';
import { entryAt } from '../../show-files/src/timeline.ts';
import type { Blackout, ServerMs, ShowSeconds, TransportCommand, TransportSnapshot, TransportState } from '../../protocol/index.ts';

export interface TransportConfig {
  /** Minimum time between two accepted GOs, ms. */
  goGuardMs: number;
  /** Panic: stage to black and audio fade over this long, then hold there. */
  panicFadeSeconds: number;
}

export const DEFAULT_TRANSPORT_CONFIG: TransportConfig = { goGuardMs: 300, panicFadeSeconds: 2 };

export type TransportResult = { ok: true; state: TransportState } | { ok: false; error: string };

export interface Position {
  showTime: number;
  entryIndex: number;
  /** Seconds into the current entry. */
  songTime: number;
  playing: boolean;
}

export function initialState(timeline: Timeline, now: number, revision = 0): TransportState {
  const first = timeline.entries[0];
  return {
    revision,
    mode: 'stopped',
    entryIndex: 0,
    anchorShowTime: first ? first.start : 0,
    anchorServerTime: now,
    rate: 1,
    holdAt: first ? first.start : 0,
    holdEntry: 0,
    waiting: false,
    blackout: null,
    lastGoAt: -Infinity,
  };
}

/** Where the show is at server time `now`. */
export function positionAt(timeline: Timeline, state: TransportState, now: number): Position {
  if (state.mode !== 'playing') {
    return { showTime: state.anchorShowTime, entryIndex: state.entryIndex, songTime: songTimeOf(timeline, state.entryIndex, state.anchorShowTime), playing: false };
  }
  const raw = state.anchorShowTime + ((now - state.anchorServerTime) / 1000) * state.rate;
  const showTime = raw < state.holdAt ? raw : state.holdAt;
  let entryIndex: number;
  if (showTime >= state.holdAt && state.holdEntry >= 0) entryIndex = state.holdEntry;
  else entryIndex = entryIndexAt(timeline, showTime);
  return { showTime, entryIndex, songTime: songTimeOf(timeline, entryIndex, showTime), playing: true };
}

/** Entry at show time t; before the first entry -> 0, after the last -> the last. */
export function entryIndexAt(timeline: Timeline, t: number): number {
  const found = entryAt(timeline, t);
  if (found >= 0) return found;
  const entries = timeline.entries;
  if (entries.length === 0) return 0;
  if (t < entries[0]!.start) return 0;
  // In a gap between entries or past the end: the last entry that has started.
  for (let i = entries.length - 1; i >= 0; i--) if (entries[i]!.start <= t) return i;
  return 0;
}

function songTimeOf(timeline: Timeline, entryIndex: number, showTime: number): number {
  const entry = timeline.entries[entryIndex];
  return entry ? showTime - entry.start : showTime;
}

/** The hold point for playback starting inside entry `from`: the first holdAfter entry end, or the show end. */
function holdPointFrom(timeline: Timeline, from: number): { holdAt: number; holdEntry: number } {
  const entries = timeline.entries;
  for (let i = Math.max(0, from); i < entries.length; i++) {
    if (entries[i]!.holdAfter) return { holdAt: entries[i]!.end, holdEntry: i };
  }
  const last = entries.length - 1;
  return { holdAt: last >= 0 ? Math.max(timeline.duration, entries[last]!.end) : timeline.duration, holdEntry: last };
}

function playFrom(timeline: Timeline, state: TransportState, showTime: number, entryIndex: number, now: number): TransportState {
  const hold = holdPointFrom(timeline, entryIndex);
  return {
    ...state,
    revision: state.revision + 1,
    mode: 'playing',
    entryIndex,
    anchorShowTime: showTime,
    anchorServerTime: now,
    holdAt: hold.holdAt,
    holdEntry: hold.holdEntry,
    waiting: false,
    blackout: null,
  };
}

function parkAt(state: TransportState, mode: 'held' | 'stopped', showTime: number, entryIndex: number, now: number, waiting = false): TransportState {
  return {
    ...state,
    revision: state.revision + 1,
    mode,
    entryIndex,
    anchorShowTime: showTime,
    anchorServerTime: now,
    holdAt: showTime,
    holdEntry: entryIndex,
    waiting,
  };
}

/** The show held (ready for GO / resume) at a position: used when recovering after a long outage. */
export function heldAt(state: TransportState, showTime: number, entryIndex: number, now: number): TransportState {
  return parkAt(state, 'held', showTime, entryIndex, now);
}

/**
 * Playback that has reached its hold point becomes held there. The server calls this when the hold
 * point passes (and before every command), so the state on record matches what clients show.
 */
export function settle(timeline: Timeline, state: TransportState, now: number): TransportState {
  if (state.mode !== 'playing') return state;
  const pos = positionAt(timeline, state, now);
  if (pos.showTime < state.holdAt) return state;
  // A panic fade ends in an ordinary hold (resume continues); an entry end waits for GO.
  const waiting = state.holdEntry >= 0 && state.blackout === null;
  return parkAt(state, 'held', state.holdAt, pos.entryIndex, now, waiting);
}

/** Server time (ms) at which a playing state reaches its hold point, or null if not playing. */
export function holdDueAt(state: TransportState): number | null {
  if (state.mode !== 'playing' || state.rate <= 0) return null;
  return state.anchorServerTime + ((state.holdAt - state.anchorShowTime) / state.rate) * 1000;
}

export function applyCommand(timeline: Timeline, current: TransportState, cmd: TransportCommand, now: number, config: TransportConfig = DEFAULT_TRANSPORT_CONFIG): TransportResult {
  const entries = timeline.entries;
  if (entries.length === 0) return { ok: false, error: 'the show has no setlist entries' };
  const state = settle(timeline, current, now);
  const pos = positionAt(timeline, state, now);

  switch (cmd.command) {
    case 'go': {
      const sinceLast = now - state.lastGoAt;
      if (sinceLast < config.goGuardMs) {
        return { ok: false, error: `GO ignored: only ${Math.round(sinceLast)} ms after the previous GO (guard ${config.goGuardMs} ms)` };
      }
      let next: TransportState;
      if (state.mode === 'stopped') {
        const entry = entries[state.entryIndex] ?? entries[0]!;
        next = playFrom(timeline, state, entry.start, entry.index, now);
      } else if (state.mode === 'held' && !state.waiting) {
        next = playFrom(timeline, state, pos.showTime, pos.entryIndex, now);
      } else {
        // Waiting at a hold point, or playing: GO moves on to the next entry.
        const target = pos.entryIndex + 1;
        if (target >= entries.length) return { ok: false, error: 'GO: this is the last entry of the show; stop, previous or seek to go on' };
        next = playFrom(timeline, state, entries[target]!.start, target, now);
      }
      return { ok: true, state: { ...next, lastGoAt: now } };
    }
    case 'hold': {
      if (state.mode !== 'playing') return { ok: false, error: `hold: the show is not playing (${describe(state)})` };
      return { ok: true, state: parkAt(state, 'held', pos.showTime, pos.entryIndex, now) };
    }
    case 'resume': {
      if (state.mode === 'held' && !state.waiting) return { ok: true, state: playFrom(timeline, state, pos.showTime, pos.entryIndex, now) };
      if (state.blackout) {
        if (state.mode === 'playing') return { ok: true, state: playFrom(timeline, state, pos.showTime, pos.entryIndex, now) };
        return { ok: true, state: { ...state, revision: state.revision + 1, blackout: null } };
      }
      if (state.mode === 'held') return { ok: false, error: `resume: waiting for GO after "${entries[state.entryIndex]?.title ?? ''}"; press GO to start the next entry` };
      return { ok: false, error: `resume: nothing to resume (${describe(state)})` };
    }
    case 'stop': {
      if (state.mode === 'stopped' && pos.showTime === entries[state.entryIndex]!.start) return { ok: false, error: 'stop: already stopped' };
      const entry = entries[pos.entryIndex]!;
      return { ok: true, state: parkAt(state, 'stopped', entry.start, entry.index, now) };
    }
    case 'next':
    case 'previous': {
      const target = pos.entryIndex + (cmd.command === 'next' ? 1 : -1);
      if (target < 0) return { ok: false, error: 'previous: already at the first entry' };
      if (target >= entries.length) return { ok: false, error: 'next: already at the last entry' };
      return { ok: true, state: moveTo(timeline, state, target, 0, now) };
    }
    case 'seek': {
      const index = cmd.entry;
      const time = cmd.time ?? 0;
      if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= entries.length) {
        return { ok: false, error: `seek: entry must be an integer from 0 to ${entries.length - 1}, got ${String(index)}` };
      }
      const entry = entries[index]!;
      const length = entry.end - entry.start;
      if (typeof time !== 'number' || !Number.isFinite(time) || time < 0 || time > length) {
        return { ok: false, error: `seek: time must be from 0 to ${length.toFixed(3)} s into "${entry.title}", got ${String(time)}` };
      }
      return { ok: true, state: moveTo(timeline, state, index, time, now) };
    }
    case 'panic': {
      const blackout: Blackout = { serverTime: now, fadeSeconds: config.panicFadeSeconds };
      if (state.mode === 'playing') {
        // Keep running through the fade so audio fades rather than cuts, then hold where it ends.
        const fadeEnd = Math.min(state.holdAt, pos.showTime + config.panicFadeSeconds * state.rate);
        return {
          ok: true,
          state: { ...state, revision: state.revision + 1, anchorShowTime: pos.showTime, anchorServerTime: now, holdAt: fadeEnd, holdEntry: -1, blackout },
        };
      }
      return { ok: true, state: { ...state, revision: state.revision + 1, blackout } };
    }
    default:
      return { ok: false, error: `unknown transport command "${String((cmd as { command: unknown }).command)}"; use go, hold, resume, stop, next, previous, seek or panic` };
  }
}

/** Cue up `time` seconds into entry `index`, keeping the show playing if it was. */
function moveTo(timeline: Timeline, state: TransportState, index: number, time: number, now: number): TransportState {
  const entry = timeline.entries[index]!;
  const showTime = entry.start + time;
  // A move does not lift a panic blackout (only resume or GO does): during one, it cues up held.
  if (state.mode === 'playing' && !state.blackout) return playFrom(timeline, state, showTime, index, now);
  if (state.mode === 'playing') return parkAt(state, 'held', showTime, index, now);
  // Stopped at an entry start stays stopped (GO starts it); anywhere else the show is held there.
  const mode = state.mode === 'stopped' && time === 0 ? 'stopped' : 'held';
  return parkAt(state, mode, showTime, index, now);
}

function describe(state: TransportState): string {
  if (state.mode === 'held') return state.waiting ? 'waiting for GO' : 'held';
  return state.mode;
}

/** The broadcast form of the state at server time `now`. */
export function snapshotOf(timeline: Timeline, state: TransportState, now: number): TransportSnapshot {
  const pos = positionAt(timeline, state, now);
  return {
    revision: state.revision,
    mode: state.mode,
    playing: state.mode === 'playing',
    entryIndex: pos.entryIndex,
    showTime: pos.showTime,
    serverTime: now,
    rate: state.rate,
    holdAt: state.holdAt,
    waiting: state.waiting,
    blackout: state.blackout,
  };
}

/** What the lighting must do when the state changes: nothing, black out, or re-send the rig state. */
export type LightingEffect = 'none' | 'panic' | 'chase';

/**
 * One accepted change, with everything the controller has to act on: the new state, where the
 * show now is, whether the position jumped, what the lighting does, and when the hold timer is due.
 * The controller runs these effects; it never works them out again.
 */
export interface Transition {
  state: TransportState;
  snapshot: TransportSnapshot;
  /** The position moved discontinuously (seek, next, GO to the next entry, a reload). */
  jumped: boolean;
  lighting: LightingEffect;
  /** Server time the hold point is reached (null when not playing). */
  holdDue: ServerMs | null;
}

/** The transition from `before` to `after` at server time `now`. */
export function transitionOf(timeline: Timeline, before: TransportState, after: TransportState, now: ServerMs): Transition {
  const snapshot = snapshotOf(timeline, after, now);
  const from: ShowSeconds = positionAt(timeline, before, now).showTime;
  const jumped = Math.abs(from - snapshot.showTime) > 1e-9;
  // Panic blacks out; a jump or the end of a blackout re-sends the rig state for the new position.
  let lighting: LightingEffect = 'none';
  if (after.blackout && !before.blackout) lighting = 'panic';
  else if ((before.blackout && !after.blackout) || (jumped && after.mode !== 'stopped')) lighting = 'chase';
  return { state: after, snapshot, jumped, lighting, holdDue: holdDueAt(after) };
}

export type DecideResult = { ok: true; transition: Transition } | { ok: false; error: string };

/** A command judged: refused with the reason, or the transition it makes. */
export function decide(timeline: Timeline, current: TransportState, cmd: TransportCommand, now: ServerMs, config: TransportConfig = DEFAULT_TRANSPORT_CONFIG): DecideResult {
  const result = applyCommand(timeline, current, cmd, now, config);
  return result.ok ? { ok: true, transition: transitionOf(timeline, current, result.state, now) } : result;
}
