// Chasing an external clock: timecode readings (MTC from the MIDI input, LTC from audio) move the
// show's transport onto the timecode, through the controller's one gate like any other command
// (journal, double-GO guard, announcements), so the show clock stays the one clock every output
// reads. The chase only commands: a seek onto the timecode, then resume (or GO from a stopped
// entry start); a seek again when the show drifts more than a frame; a hold when the timecode has
// been gone longer than the freewheel time. It never lifts a panic, and an operator's hold, stop
// or panic wins until the timecode stops and starts again.
//
// The timecode's position is estimated from the recent readings together (the mean of timecode
// minus arrival time), so the jitter of single MIDI bytes or audio chunks averages out.

import { showTimeAt, type ChaseLockState, type ChaseView, type CommandResult, type TransportCommand, type TransportSnapshot } from '../../../protocol/index.ts';
import type { Timeline } from '../../../show-files/src/timeline.ts';
import { entryIndexAt } from '../transport.ts';
import { formatTimecode } from './timecode.ts';
import type { TimecodeReading } from './mtc-in.ts';

export interface ChaseConfig {
  source: 'mtc' | 'ltc';
  /** Seconds of timecode at show time 0 (the show's timecode.start). */
  offsetSeconds: number;
  /** How long the show plays on by itself after the timecode stops (default 2 s), then holds. */
  freewheelSeconds?: number;
  /** No reading for this long means the timecode stopped (default 250 ms). */
  dropoutMs?: number;
}

export interface ChaseDeps {
  clock: () => number;
  snapshot: () => TransportSnapshot;
  timeline: () => Timeline;
  command: (cmd: TransportCommand) => Promise<CommandResult>;
  alarm: (message: string | null) => void;
  changed: (view: ChaseView) => void;
  log: (line: string) => void;
}

/** Readings older than this leave the position estimate. */
const WINDOW_MS = 400;
/** A reading this far from the estimate is a jump in the timecode: start the estimate again. */
const JUMP_SECONDS = 0.1;
/** Readings needed (running, consistent) before the show is moved. */
const MIN_READINGS = 3;

export class Chase {
  private state: ChaseLockState = 'waiting';
  private window: { offset: number; at: number }[] = [];
  private last: TimecodeReading | null = null;
  private lastRunningAt = -Infinity;
  private busy = false;
  /** The revision of the chase's own last command, and whether it left the show playing. */
  private ownRevision = -1;
  private playedByChase = false;
  private drifting = 0;
  private refines = 0;
  private lastParkAt = -Infinity;
  private errorMs: number | null = null;
  private readings = 0;
  private relocks = 0;
  private message = 'waiting for timecode';
  rejected = 0;

  constructor(
    private readonly config: ChaseConfig,
    readonly input: string,
    private readonly d: ChaseDeps,
  ) {}

  private get freewheelMs(): number {
    return (this.config.freewheelSeconds ?? 2) * 1000;
  }
  private get dropoutMs(): number {
    return this.config.dropoutMs ?? 250;
  }

  view(): ChaseView {
    const l = this.last;
    return {
      source: this.config.source,
      input: this.input,
      state: this.state,
      rate: l?.rate ?? null,
      timecode: l ? formatTimecode(l.label, l.rate) : null,
      showTime: l ? l.seconds - this.config.offsetSeconds : null,
      errorMs: this.errorMs,
      lastAt: l?.at ?? null,
      freewheelSeconds: this.freewheelMs / 1000,
      readings: this.readings,
      rejected: this.rejected,
      relocks: this.relocks,
      message: this.message,
    };
  }

  private set(state: ChaseLockState, message: string): void {
    const changed = state !== this.state || message !== this.message;
    this.state = state;
    this.message = message;
    if (changed) this.d.changed(this.view());
  }

  /** A timecode reading from the source adapter. */
  reading(r: TimecodeReading): void {
    this.readings++;
    this.last = r;
    if (r.kind === 'locate') {
      this.window = [];
      if (this.state !== 'overridden') void this.park(r.seconds - this.config.offsetSeconds);
      return;
    }
    this.lastRunningAt = r.at;
    const offset = r.seconds - r.at / 1000;
    const estimate = this.estimate();
    if (estimate !== null && Math.abs(offset - estimate) > JUMP_SECONDS) this.window = [];
    this.window.push({ offset, at: r.at });
    while (this.window.length > 0 && this.window[0]!.at < r.at - WINDOW_MS) this.window.shift();
    if (this.state === 'overridden') return;
    if (this.state === 'freewheel' || this.state === 'lost') this.d.alarm(null);
    if (this.state !== 'locked' && this.state !== 'outside') this.set('locking', `timecode running at ${formatTimecode(r.label, r.rate)}`);
    if (this.window.length >= MIN_READINGS) this.follow();
  }

  private estimate(): number | null {
    if (this.window.length === 0) return null;
    let sum = 0;
    for (const w of this.window) sum += w.offset;
    return sum / this.window.length;
  }

  /** The show time the timecode means at server time `now`. */
  private target(now: number): number | null {
    const e = this.estimate();
    return e === null ? null : e + now / 1000 - this.config.offsetSeconds;
  }

  private follow(): void {
    if (this.busy) return;
    const now = this.d.clock();
    const target = this.target(now)!;
    const timeline = this.d.timeline();
    const first = timeline.entries[0];
    if (!first || target < first.start || target >= timeline.duration) {
      this.set('outside', `timecode ${this.view().timecode} is ${target < (first?.start ?? 0) ? 'before the show\'s start' : 'after the show\'s end'}: the show is not moved`);
      return;
    }
    const snap = this.d.snapshot();
    if (this.takenByOperator(snap)) return;
    if (snap.blackout) {
      this.set('overridden', 'a panic is on: the chase will not lift it; it waits for the timecode to stop and start again');
      return;
    }
    const frame = 1 / (this.last?.rate ?? 30);
    if (!snap.playing) {
      void this.relock(target);
      return;
    }
    const error = showTimeAt(snap, now) - target;
    this.errorMs = error * 1000;
    // Locking: a seek from a stop lands late by the time its resume took (a journal write), so a
    // seek while playing (exact) refines it to a quarter frame, three tries at most; once locked,
    // only drift beyond a frame moves the show.
    const tolerance = this.state === 'locked' || this.refines >= 3 ? frame : frame / 4;
    if (Math.abs(error) > tolerance) {
      this.drifting++;
      // A jump moves at once; a small drift must show twice (one late MIDI byte is not drift).
      if (Math.abs(error) > 0.25 || this.drifting >= 2) {
        if (this.state !== 'locked') this.refines++;
        void this.relock(target);
      }
      return;
    }
    this.drifting = 0;
    this.refines = 0;
    if (this.state !== 'locked') this.d.log(`chase: locked to ${this.config.source.toUpperCase()} at ${this.view().timecode} (show clock ${this.errorMs.toFixed(1)} ms from it)`);
    this.set('locked', `locked to ${this.config.source.toUpperCase()} at ${this.last!.rate} fps`);
  }

  /** Move the show onto the timecode and play: a seek (exact, when playing), then resume or GO. */
  private async relock(target: number): Promise<void> {
    this.busy = true;
    this.drifting = 0;
    this.relocks++;
    try {
      const timeline = this.d.timeline();
      const at = this.target(this.d.clock()) ?? target;
      const index = entryIndexAt(timeline, at);
      const entry = timeline.entries[index]!;
      const time = Math.min(Math.max(0, at - entry.start), entry.end - entry.start);
      const seek = await this.own({ command: 'seek', entry: index, time });
      if (!seek.ok) return this.refused(seek.error);
      if (seek.state.playing) return;
      const start = await this.own({ command: seek.state.mode === 'stopped' ? 'go' : 'resume' });
      if (!start.ok) this.refused(start.error);
    } finally {
      this.busy = false;
    }
  }

  /** A full frame (a locate): cue the show there, held, unless it is playing or out of range. */
  private async park(showTime: number): Promise<void> {
    const snap = this.d.snapshot();
    const timeline = this.d.timeline();
    if (this.busy || snap.playing || snap.blackout || showTime < (timeline.entries[0]?.start ?? 0) || showTime >= timeline.duration) return;
    // One locate per 100 ms at most: a flood of full frames is not a flood of seeks.
    const now = this.d.clock();
    if (Math.abs(snap.showTime - showTime) < 1e-3 || now - this.lastParkAt < 100) return;
    this.lastParkAt = now;
    this.busy = true;
    try {
      const index = entryIndexAt(timeline, showTime);
      const entry = timeline.entries[index]!;
      const r = await this.own({ command: 'seek', entry: index, time: Math.min(showTime - entry.start, entry.end - entry.start) });
      if (!r.ok) this.refused(r.error);
    } finally {
      this.busy = false;
    }
  }

  /** A command of the chase's own, remembered so a later change can be told apart as someone else's. */
  private async own(cmd: TransportCommand): Promise<CommandResult> {
    const r = await this.d.command(cmd);
    if (r.ok) {
      this.ownRevision = r.state.revision;
      this.playedByChase = r.state.playing;
    }
    return r;
  }

  private refused(error: string): void {
    this.d.log(`chase: the transport refused: ${error}`);
    this.message = `the transport refused: ${error}`;
  }

  /** The transport changed (from anywhere): an operator's hold, stop or panic takes the show from the chase. */
  transport(snap: TransportSnapshot): void {
    // While a command of ours is on its way its own announcement arrives first; the next reading checks again.
    if (!this.busy) this.takenByOperator(snap);
  }

  /** A change after the chase's last command that held, stopped or blacked out the show it was playing. */
  private takenByOperator(snap: TransportSnapshot): boolean {
    const chasing = this.state === 'locking' || this.state === 'locked' || this.state === 'freewheel';
    if (!chasing || !this.playedByChase || snap.revision <= this.ownRevision) return false;
    if (!snap.blackout && (snap.playing || snap.waiting)) return false;
    this.playedByChase = false;
    this.d.log('chase: the operator took the show; chasing again when the timecode stops and starts');
    this.set('overridden', 'the operator took the show (hold, stop or panic): the chase waits for the timecode to stop and start again');
    return true;
  }

  /** Called every few tens of ms: notices a timecode that stopped, freewheels, then holds. */
  tick(): void {
    const now = this.d.clock();
    const silent = now - this.lastRunningAt;
    if (silent <= this.dropoutMs) return;
    const tc = this.view().timecode ?? '';
    const src = this.config.source.toUpperCase();
    if (this.state === 'overridden' || this.state === 'outside') {
      this.window = [];
      this.set('waiting', `timecode stopped at ${tc}; waiting for it to start`);
      return;
    }
    if (this.state === 'locking' || this.state === 'locked') {
      this.window = [];
      this.errorMs = null;
      if (this.d.snapshot().playing) {
        this.d.alarm(`${src} timecode stopped at ${tc}: the show plays on by itself for ${this.freewheelMs / 1000} s, then holds`);
        this.set('freewheel', `timecode stopped at ${tc}: freewheeling`);
      } else {
        this.d.alarm(`${src} timecode stopped at ${tc}`);
        this.set('lost', `timecode stopped at ${tc}`);
      }
      return;
    }
    if (this.state === 'freewheel' && silent > this.dropoutMs + this.freewheelMs && !this.busy) {
      this.busy = true;
      this.set('lost', `timecode lost at ${tc}: the show is held`);
      this.d.alarm(`${src} timecode lost at ${tc}: the show is held (freewheel ${this.freewheelMs / 1000} s ran out)`);
      void this.own({ command: 'hold' })
        .then((r) => (r.ok ? undefined : this.refused(r.error)))
        .finally(() => (this.busy = false));
    }
  }
}
