// The show controller: the one owner of "what is playing and where are we". Every input that
// moves the show (desk socket, HTTP, MIDI, a hold point passing, a reload, a setlist save) goes
// through it, so rules like the double-GO guard hold whichever key was pressed. It asks the pure
// transport for a transition and runs that transition's effects: lighting, hold timer, journal,
// then the announcement (only once the change is on disk, so no client sees a state a crash could
// take back). It knows no sockets or HTTP: adapters call it, and it tells the world through
// `ShowEvents`, handing each announcement to every listener itself (no relay in between).

import { createHash } from 'node:crypto';
import type { CommandResult, ServerMs, SetlistSaveResult, ShowChangeResult, ShowSummary, StateView, TransportCommand, TransportSnapshot, TransportState } from '../../../protocol/index.ts';
import type { LeftOutSong } from '../../../show-files/src/load.ts';
import type { Timeline } from '../../../show-files/src/timeline.ts';
import { decide, initialState, positionAt, settle, snapshotOf, transitionOf, DEFAULT_TRANSPORT_CONFIG, type Transition, type TransportConfig } from '../transport.ts';
import { Journal, readJournal, recoverFromJournal } from '../journal.ts';
import type { ShowLighting } from '../lighting/show-lighting.ts';
import { withVocalAudio } from '../vocal-audio.ts';
import type { AlarmBoard } from './alarms.ts';
import type { LoadedShowResult, ShowCompiler } from './compiler.ts';
import { checkSetlist, writeSetlist } from './setlist-file.ts';
import { showSummaryOf, stateViewOf } from './views.ts';
import { leftOutAlarms } from './left-out.ts';

/** What the controller announces; the socket adapter, the cluster role, a standby's mirror and the venue hear it. */
export interface ShowEvents {
  transport(snapshot: TransportSnapshot): void;
  showLoaded(summary: ShowSummary): void;
}

export interface ShowControllerOptions {
  showDir: string;
  journalFile: string;
  clock: () => ServerMs;
  compile: ShowCompiler;
  lighting: ShowLighting;
  alarms: AlarmBoard;
  transport?: Partial<TransportConfig>;
  resumeWindowMs?: number;
  heartbeatMs?: number;
  log?: (line: string) => void;
}

export function showFingerprint(timeline: Timeline): string {
  return createHash('sha256').update(JSON.stringify(timeline)).digest('hex').slice(0, 16);
}

export class ShowController {
  timeline!: Timeline;
  state!: TransportState;
  fingerprint = '';
  /** Increases with every (re)load of the show. */
  showRevision = 0;
  warnings: string[] = [];
  /** Songs that failed to load or compile and are not in the running show (an alarm each). */
  leftOut: LeftOutSong[] = [];
  /** What the journal recovery did at start, if anything. */
  recoveryNote: string | null = null;
  /** Why this server may not move the show (it is a standby), or null on the primary. */
  readOnly: string | null = null;
  /**
   * Fencing (the pair's primary lease): why this server may not drive the show right now, checked
   * before every change takes effect, so a primary whose lease ran out moves nothing even before
   * it has stood down. And the term (lease epoch) every journal record of ours carries.
   */
  fence: () => string | null = () => null;
  term: () => number = () => 0;
  /** Who hears the announcements, in the order they started listening. */
  private readonly listeners = new Set<Partial<ShowEvents>>();
  private readonly log: (line: string) => void;

  private readonly journal: Journal;
  private readonly config: TransportConfig;
  private holdTimer: ReturnType<typeof setTimeout> | null = null;
  private heartbeat: ReturnType<typeof setInterval> | null = null;
  private saveChain: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(private readonly o: ShowControllerOptions) {
    this.journal = new Journal(o.journalFile);
    this.config = { ...DEFAULT_TRANSPORT_CONFIG, ...o.transport };
    this.log = o.log ?? (() => {});
  }

  /** Hear every announcement from now on (nothing is announced before the first listener); returns how to stop. */
  listen(listener: Partial<ShowEvents>): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  private announce(snapshot: TransportSnapshot): void {
    for (const l of this.listeners) l.transport?.(snapshot);
  }

  get lighting(): ShowLighting {
    return this.o.lighting;
  }

  /** Compile the show folder; a show that fails validation never starts. */
  compile(dirOrFile: string): Promise<LoadedShowResult> {
    return this.o.compile(dirOrFile);
  }

  /** Install a timeline (at start, or an edge following its primary). */
  setTimeline(timeline: Timeline, warnings = this.warnings): void {
    this.fingerprint = showFingerprint(timeline);
    this.timeline = withVocalAudio(timeline, this.fingerprint);
    this.o.lighting.setTimeline(timeline);
    this.warnings = warnings;
    this.showRevision++;
  }

  /** The songs left out of the running show: an alarm each, cleared for those that load again. */
  setLeftOut(leftOut: LeftOutSong[]): void {
    const before = this.leftOut;
    this.leftOut = leftOut;
    leftOutAlarms(this.o.alarms, before, leftOut, this.log);
  }

  /** The primary's start: recover from the journal (a crash within the resume window plays on), then keep a heartbeat. */
  async recover(): Promise<void> {
    const now = this.o.clock();
    const records = readJournal(this.journal.file);
    const recovery = recoverFromJournal(records, this.timeline, this.fingerprint, now, this.o.resumeWindowMs ?? 30_000);
    // Revisions keep rising across restarts, even into a different show, so clients that drop
    // stale snapshots by revision never drop the new server's.
    const lastRevision = records.reduce((m, r) => (r.type === 'state' && r.state.revision > m ? r.state.revision : m), -1);
    this.recoveryNote = recovery?.note ?? null;
    if (recovery) this.log(`journal: ${recovery.note}`);
    await this.begin(recovery ? recovery.state : initialState(this.timeline, now, lastRevision + 1), recovery ? `recovered: ${recovery.note}` : 'start', !!recovery?.resumedPlaying);
  }

  /**
   * A standby becomes primary with the state it mirrored: the same anchor (no jump for any
   * output), a newer revision, the rig's lighting state sent once, then our own journal.
   */
  async takeOver(mirrored: TransportState, reason: string): Promise<TransportSnapshot> {
    this.readOnly = null;
    await this.begin({ ...settle(this.timeline, mirrored, this.o.clock()), revision: mirrored.revision + 1 }, reason, !mirrored.blackout);
    const snapshot = this.snapshot();
    this.announce(snapshot);
    return snapshot;
  }

  /** Our state from here on: journal it, chase the lighting if asked, arm the timers. */
  private async begin(state: TransportState, reason: string, chase: boolean): Promise<void> {
    this.state = state;
    await this.journal.close().catch(() => {});
    await this.journal.open([{ type: 'state', at: this.o.clock(), show: this.fingerprint, state, reason, term: this.term() }]);
    // The lighting state of the moment it goes out (opening the journal takes a while on a busy disk).
    const now = this.o.clock();
    const start = transitionOf(this.timeline, state, state, now);
    if (chase) this.o.lighting.chase(start.snapshot.showTime);
    this.o.lighting.follow(start);
    this.armHoldTimer(start.holdDue);
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = setInterval(() => this.writeHeartbeat(), this.o.heartbeatMs ?? 1000);
  }

  /** This server stands down (the standby took over): nothing moves the show or the lights here any more. */
  standDown(why: string): void {
    this.readOnly = why;
    if (this.holdTimer) clearTimeout(this.holdTimer);
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.holdTimer = this.heartbeat = null;
    this.o.lighting.silence();
  }

  /** An edge: the state comes from the primary, as it is (no journal, no lighting). */
  adopt(state: TransportState): void {
    this.state = state;
  }

  snapshot(now = this.o.clock()): TransportSnapshot {
    return snapshotOf(this.timeline, this.state, now);
  }

  showTimeNow(): number {
    return positionAt(this.timeline, this.state, this.o.clock()).showTime;
  }

  showSummary(): ShowSummary {
    return showSummaryOf(this.timeline, this.showRevision, this.fingerprint, this.warnings);
  }

  stateView(now = this.o.clock()): StateView {
    return stateViewOf(this.timeline, this.state, this.showRevision, now);
  }

  /** The one gate every transport command passes through, whatever its source. */
  async command(cmd: TransportCommand, source: string): Promise<CommandResult> {
    const now = this.o.clock();
    const refused = this.readOnly ?? this.fence();
    if (refused) return { ok: false, error: refused, state: this.snapshot(now) };
    const decided = decide(this.timeline, this.state, cmd, now, this.config);
    if (!decided.ok) {
      this.log(`transport: ${cmd.command} from ${source} refused: ${decided.error}`);
      return { ok: false, error: decided.error, state: this.snapshot(now) };
    }
    // The fence was asked above, in this same turn: commit need not ask it again.
    return { ok: true, state: await this.commit(decided.transition, `${cmd.command} from ${source}`, now, null) };
  }

  /** The new state takes effect at once (lighting included); the broadcast follows once it is on disk. */
  private async commit(t: Transition, reason: string, now: ServerMs, fenced: string | null = this.fence()): Promise<TransportSnapshot> {
    const { state, snapshot } = t;
    if (fenced) {
      this.log(`transport: ${reason} not run: ${fenced}`);
      return this.snapshot(now);
    }
    this.state = state;
    this.log(`transport: ${reason} -> ${state.mode} at ${snapshot.showTime.toFixed(3)} s (entry ${snapshot.entryIndex + 1})`);
    this.o.lighting.apply(t);
    this.armHoldTimer(t.holdDue);
    try {
      await this.journal.append({ type: 'state', at: now, show: this.fingerprint, state, reason, term: this.term() });
    } catch (err) {
      this.o.alarms.raise('journal', 'critical', `journal write failed: ${(err as Error).message}; a restart may not resume this show`);
    }
    // A later change may have been committed while this one was being written: announce only the newest.
    if (this.state === state) this.announce(snapshot);
    return snapshot;
  }

  private armHoldTimer(due: ServerMs | null): void {
    if (this.holdTimer) clearTimeout(this.holdTimer);
    this.holdTimer = null;
    if (due === null || this.closed) return;
    this.holdTimer = setTimeout(() => this.settleNow(), Math.max(1, due - this.o.clock()));
  }

  private settleNow(): void {
    const now = this.o.clock();
    const settled = settle(this.timeline, this.state, now);
    if (settled === this.state) {
      this.armHoldTimer(transitionOf(this.timeline, this.state, this.state, now).holdDue);
      return;
    }
    const reason = this.state.blackout ? 'panic fade ended' : settled.waiting ? 'hold point reached' : 'settled';
    void this.commit(transitionOf(this.timeline, this.state, settled, now), reason, now);
  }

  private writeHeartbeat(): void {
    if (this.fence()) return;
    const now = this.o.clock();
    const pos = positionAt(this.timeline, this.state, now);
    this.journal.append({ type: 'heartbeat', at: now, show: this.fingerprint, showTime: pos.showTime, entryIndex: pos.entryIndex, mode: this.state.mode }).catch((err: Error) => {
      this.o.alarms.raise('journal', 'critical', `journal write failed: ${err.message}`);
    });
  }

  /** Reload the show folder from disk (stopped shows only). Never rejects: a failure is an answer. */
  async reload(source: string): Promise<ShowChangeResult> {
    try {
      if (this.readOnly) return { ok: false, error: this.readOnly };
      if (this.state.mode !== 'stopped') return { ok: false, error: 'load: stop the show before loading it again' };
      const result = await this.compile(this.o.showDir);
      if (!result.ok || !result.timeline) return { ok: false, error: `load: the show has ${result.errors.length} error(s)`, errors: result.errors };
      // GO may have been pressed while the show was compiling: a running show is never swapped out.
      if (this.state.mode !== 'stopped') return { ok: false, error: 'load: the show was started while loading; stop it and load again' };
      this.setLeftOut(result.leftOut ?? []);
      await this.install(result.timeline, result.warnings, `load from ${source}`);
      return { ok: true };
    } catch (err) {
      this.log(`load from ${source} failed: ${(err as Error).message}`);
      return { ok: false, error: `load: ${(err as Error).message}` };
    }
  }

  /** Replace the setlist in show.json (validated as a whole show first), then load it. */
  saveSetlist(setlist: unknown, source: string): Promise<SetlistSaveResult> {
    return this.exclusive(async (): Promise<SetlistSaveResult> => {
      if (this.readOnly) return { ok: false, error: this.readOnly };
      if (this.state.mode !== 'stopped') return { ok: false, error: 'setlist: stop the show before changing the setlist' };
      const checked = await checkSetlist(this.o.showDir, setlist, this.o.compile);
      if (!checked.ok) return checked;
      if (this.state.mode !== 'stopped') return { ok: false, error: 'setlist: the show was started while saving; stop it and save again' };
      writeSetlist(this.o.showDir, checked.text);
      await this.install(checked.result.timeline, checked.result.warnings, `setlist saved from ${source}`);
      return { ok: true, showRevision: this.showRevision };
    });
  }

  /** Runs writes to the show folder one at a time (setlist saves, songs added from the desk). */
  exclusive<T>(run: () => Promise<T>): Promise<T> {
    const next = this.saveChain.then(run, run);
    this.saveChain = next.catch(() => {});
    return next;
  }

  private async install(timeline: Timeline, warnings: string[], reason: string): Promise<void> {
    const before = this.state;
    this.setTimeline(timeline, warnings);
    const now = this.o.clock();
    const fresh = { ...initialState(timeline, now, before.revision + 1), lastGoAt: before.lastGoAt, blackout: before.blackout };
    const summary = this.showSummary();
    for (const l of this.listeners) l.showLoaded?.(summary);
    await this.commit(transitionOf(this.timeline, fresh, fresh, now), reason, now);
  }

  /** No more timers: nothing moves the show by itself after this. */
  stop(): void {
    this.closed = true;
    if (this.holdTimer) clearTimeout(this.holdTimer);
    if (this.heartbeat) clearInterval(this.heartbeat);
  }

  async close(): Promise<void> {
    this.stop();
    await this.journal.close().catch(() => {});
  }
}
