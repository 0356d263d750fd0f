// The show controller: express + socket.io around the pure transport, with the journal, the
// lighting drivers and the show clock. Every input (desk socket, HTTP, MIDI) goes through one
// command gate, so rules like the double-GO guard hold whichever key was pressed.

import { createHash } from 'node:crypto';
import { createServer, type Server as HttpServer } from 'node:http';
import { networkInterfaces } from 'node:os';
import { existsSync, readFileSync, unlinkSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import express, { type Request, type RequestHandler, type Response } from 'express';
import { Server as IoServer, type Socket } from 'socket.io';
import type { LightingEvent, OutputSettings, Timeline } from '../../show-files/src/timeline.ts';
import { formatError, type ValidationError } from '../../show-files/src/errors.ts';
import type { LeftOutSong } from '../../show-files/src/load.ts';
import {
  CLUSTER_EVENTS,
  EVENTS,
  TRANSPORT_COMMANDS,
  type Alarm,
  type ClusterState,
  type Hello,
  type ShowSummary,
  type StateView,
  type LightingView,
  type CommandResult,
  type LightingDriverStatus,
  type LightingMessageLog,
  type OutputHealth,
  type OutputView,
  type Role,
  type TransportCommand,
  type TransportCommandName,
  type TransportSnapshot,
  type TransportState,
} from '../../protocol/index.ts';
import { applyCommand, holdDueAt, initialState, positionAt, settle, snapshotOf, DEFAULT_TRANSPORT_CONFIG, type TransportConfig } from './transport.ts';
import { Journal, readJournal, recoverFromJournal } from './journal.ts';
import { accessUrls, identify, loadOrCreateTokens, type Identity, type Tokens } from './tokens.ts';
import type { LightingDriver } from './lighting/driver.ts';
import { CueScheduler, type CueRunner, type FiredCue } from './lighting/scheduler.ts';
import { schedulesItself } from './lighting/lighting-thread.ts';
import { collectLightingEvents, lightingStateAt, panicMessages } from './lighting/cues.ts';
import { writeFileAtomic } from './atomic.ts';
import { hex } from '../../show-files/src/midi.ts';
import { mountPages, type PagesMode } from './pages.ts';
import { ensurePagesBuilt } from './pages-build.ts';
import { registerDeskApi, type DeskApi } from './desk-api.ts';
import { mountVocalAudio, withVocalAudio } from './vocal-audio.ts';
import { commandFromMidi, DEFAULT_MIDI_INPUT_NOTES, openMidiInput, type MidiInputMapping } from './lighting/midi-input.ts';
import { lockStateDir, sweepTempFiles } from './state-lock.ts';
import { apiNotFound, BODY_LIMITS, jsonBody, jsonErrors, perAddressLimit, refuseUnread } from './http-guard.ts';
import { ClientBudgets, clientAddress, identityKey, sanitizeHealth } from './budgets.ts';
import { FanHub } from './fans/hub.ts';
import { attachRedisAdapter, EdgeLink, nodeName, servePrimary } from './fans/cluster.ts';

export interface LoadedShowResult {
  ok: boolean;
  timeline?: Timeline;
  errors: ValidationError[];
  warnings: string[];
  /** Songs that failed and were left out of the show (the rest plays). */
  leftOut?: LeftOutSong[];
}

/** Compiles a show folder (or a show file inside one). */
export type ShowCompiler = (dirOrFile: string) => Promise<LoadedShowResult>;

export interface ShowServerOptions {
  /** The show folder (holds show.json; setlist edits are saved there). */
  showDir: string;
  /** A compiled timeline to start with; without it the show folder is compiled. */
  timeline?: Timeline;
  compile?: ShowCompiler;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Tokens and journal; default `<showDir>/.holostage`. */
  stateDir?: string;
  /** A server restarted within this long of its last heartbeat resumes a playing show. */
  resumeWindowMs?: number;
  heartbeatMs?: number;
  transport?: Partial<TransportConfig>;
  /**
   * Where lighting goes. A LightingThread (what `serve` uses) fires cues from its own thread; any
   * other driver (a recorder in tests, a null driver) is driven by a scheduler on this thread.
   */
  lighting: LightingDriver;
  pages?: PagesMode;
  /** Where the page folders (stage/, control-desk/, viewer/) and assets/ are; default the repository. */
  pagesRoot?: string;
  /** A MIDI input port whose MSC / note messages drive the transport (opened fail-soft, retried). */
  midiInputPort?: string;
  /** Note triggers on that input (default DEFAULT_MIDI_INPUT_NOTES on the show's lighting channel). */
  midiInputNotes?: MidiInputMapping['notes'];
  /** Server clock, ms; epoch based so it carries across restarts. */
  clock?: () => number;
  log?: (line: string) => void;
  /** Render every song's vocal in the background at start, so sound outputs load without waiting. */
  warmVocals?: boolean;
  /** A public show: /live and viewer sockets need no token (an open link). */
  publicViewing?: boolean;
  /** Share broadcasts and cheers with other processes through redis (socket.io redis adapter). */
  redisUrl?: string;
  /** With redisUrl: serve viewers only, following the primary's transport and clock. */
  edge?: boolean;
  /** Cheers per second per viewer connection (average) and the burst allowed. */
  cheerRate?: number;
  cheerBurst?: number;
  /** Fans one address counts as at most (a household or a small NAT); default 4. */
  fansPerAddress?: number;
  /** Sockets one token (or, for viewers, one address) may hold open; defaults in budgets.ts. */
  connectionLimits?: Partial<Record<Role, number>>;
  /** Behind a reverse proxy (TLS): take a viewer's address from X-Forwarded-For. */
  trustProxy?: boolean;
}

/** How far an output's show time may stray beyond its round trip and latency offset before the desk is told. */
export const DRIFT_MARGIN_SECONDS = 0.25;

/** The desk's output list is pushed at most this often for health reports. */
const OUTPUTS_PUSH_MS = 250;

export const serverClock = (): number => performance.timeOrigin + performance.now();

function showFingerprint(timeline: Timeline): string {
  return createHash('sha256').update(JSON.stringify(timeline)).digest('hex').slice(0, 16);
}

export class ShowServer {
  readonly app = express();
  readonly http: HttpServer;
  readonly io: IoServer;
  readonly showDir: string;
  readonly stateDir: string;
  readonly clock: () => number;
  tokens!: Tokens;
  timeline!: Timeline;
  warnings: string[] = [];
  /** Songs that failed to load or compile and are not in the running show (an alarm each). */
  leftOut: LeftOutSong[] = [];
  /** Increases with every (re)load of the show. */
  showRevision = 0;
  state!: TransportState;
  url = '';
  /** What the journal recovery did at start, if anything. */
  recoveryNote: string | null = null;

  private fingerprint = '';
  private lightingEvents: LightingEvent[] = [];
  private readonly scheduler: CueRunner;
  private readonly journal: Journal;
  private readonly config: TransportConfig;
  private readonly resumeWindowMs: number;
  private readonly heartbeatMs: number;
  private holdTimer: ReturnType<typeof setTimeout> | null = null;
  private heartbeat: ReturnType<typeof setInterval> | null = null;
  private readonly outputHealth = new Map<string, { health: OutputHealth; lastSeen: number }>();
  private readonly outputSettings = new Map<string, OutputSettings>();
  private readonly alarms: Alarm[] = [];
  private alarmSeq = 0;
  private readonly recentLighting: LightingMessageLog[] = [];
  private lightingPushTimer: ReturnType<typeof setTimeout> | null = null;
  private saveChain: Promise<unknown> = Promise.resolve();
  private readonly log: (line: string) => void;
  private readonly compile: ShowCompiler | undefined;
  private closed = false;
  private releaseLock: (() => void) | null = null;
  /** Viewers, cheers and the crowd (server/src/fans). */
  fans!: FanHub;
  /** This process in a cluster: primary (or a lone server) or edge. */
  readonly node: { role: 'primary' | 'edge'; name: string };
  publicViewing: boolean;
  private edgeLink: EdgeLink | null = null;
  private redis: { close: () => Promise<void> } | null = null;
  private clusterPush: ReturnType<typeof setInterval> | null = null;
  private edgeReloading: string | null = null;

  constructor(private readonly options: ShowServerOptions) {
    this.showDir = resolve(options.showDir);
    this.stateDir = resolve(options.stateDir ?? join(this.showDir, '.holostage'));
    const baseClock = options.clock ?? serverClock;
    // An edge runs on the primary's clock, as estimated over redis.
    this.clock = options.edge ? () => (this.edgeLink ? this.edgeLink.primaryNow() : baseClock()) : baseClock;
    this.node = { role: options.edge ? 'edge' : 'primary', name: nodeName(options.edge ? 'edge' : 'primary') };
    this.publicViewing = options.publicViewing ?? false;
    if (options.edge && !options.redisUrl) throw new Error('an edge server needs --redis <url> to reach its primary');
    if (options.pages === 'dev' && !isLoopback(options.host ?? '127.0.0.1')) throw new Error('--dev serves the pages through vite\'s dev server, which is for this machine only: use --host 127.0.0.1 (or drop --dev)');
    this.config = { ...DEFAULT_TRANSPORT_CONFIG, ...options.transport };
    this.resumeWindowMs = options.resumeWindowMs ?? 30_000;
    this.heartbeatMs = options.heartbeatMs ?? 1000;
    this.log = options.log ?? (() => {});
    this.compile = options.compile;
    this.journal = new Journal(join(this.stateDir, 'journal.jsonl'));
    this.http = createServer(this.app);
    // destroyUpgrade off: other websocket upgrades on this port (the pages' vite client) are not socket.io's to kill.
    // One socket message is at most 256 kB (a setlist); the default 1 MB lets anyone make us parse 1 MB.
    this.io = new IoServer(this.http, { serveClient: false, pingInterval: 5000, pingTimeout: 5000, destroyUpgrade: false, maxHttpBufferSize: 256 * 1024 });
    this.budgets = new ClientBudgets(() => performance.now(), options.connectionLimits);
    // The lighting thread times cues away from this event loop; any other driver gets a scheduler here.
    const onFire = (f: FiredCue): void => this.logFired(f);
    this.scheduler = schedulesItself(options.lighting) ? options.lighting.createScheduler(this.clock, onFire) : new CueScheduler(options.lighting, this.clock, { onFire });
  }

  get lighting(): LightingDriver {
    return this.options.lighting;
  }

  /** Load the show, recover from the journal, open the lighting, listen. */
  async start(): Promise<void> {
    if (this.options.redisUrl) this.redis = await attachRedisAdapter(this.io, this.options.redisUrl, this.log);
    let timeline = this.options.timeline;
    if (!timeline) {
      const result = await this.compileShow(this.showDir);
      if (!result.ok || !result.timeline) throw new ShowInvalidError(result.errors);
      timeline = result.timeline;
      this.warnings = result.warnings;
      this.leftOut = result.leftOut ?? [];
    }
    this.setTimeline(timeline);
    this.fans = new FanHub({ io: this.io, clock: this.clock, node: this.node.name, merging: !this.options.edge, clustered: !!this.options.redisUrl, cheerRate: this.options.cheerRate, cheerBurst: this.options.cheerBurst, fansPerAddress: this.options.fansPerAddress });
    if (this.options.edge) await this.startEdge(baseClockOf(this.options));
    else await this.startPrimary(timeline);
    this.fans.start();
    this.alarmLeftOut([]);

    if ((this.options.pages ?? 'auto') === 'auto') {
      const built = await ensurePagesBuilt(this.options.pagesRoot, this.log);
      for (const f of built.failed) {
        this.pagesFailed.set(f.route, f.error);
        this.raiseAlarm(`page:${f.route}`, 'critical', `the ${f.route} page could not be built: ${f.error}`);
      }
    }
    this.setupHttp();
    this.setupSockets();
    await new Promise<void>((res, rej) => {
      this.http.once('error', rej);
      this.http.listen(this.options.port ?? 0, this.options.host ?? '127.0.0.1', () => res());
    });
    const addr = this.http.address();
    const port = typeof addr === 'object' && addr ? addr.port : this.options.port;
    const host = this.options.host ?? '127.0.0.1';
    // Listening on every interface: print an address the venue network can reach.
    const shown = host === '0.0.0.0' || host === '::' ? (lanAddress() ?? '127.0.0.1') : host;
    this.url = `http://${shown.includes(':') ? `[${shown}]` : shown}:${port}`;
  }

  /** The primary (or a lone server): tokens, lighting, the journal and the clock are ours. */
  private async startPrimary(timeline: Timeline): Promise<void> {
    this.tokens = loadOrCreateTokens(this.stateDir, timeline.outputs.map((o) => o.id));

    // One server per state folder: its journal has one writer (and a refused second server never
    // opens the MIDI port).
    this.releaseLock = lockStateDir(this.stateDir);
    // Half-written files from a server killed mid-save: ours to clear now that we hold the lock.
    const swept = sweepTempFiles([this.stateDir, this.showDir]);
    if (swept.length) this.log(`cleaned up ${swept.length} temp file(s) a stopped server left: ${swept.join(', ')}`);

    const lighting = this.options.lighting;
    lighting.onStatusChange((s) => this.onLightingStatus(s));
    lighting.open();
    if (schedulesItself(lighting)) await lighting.whenOpen();
    this.onLightingStatus(lighting.status());

    const now = this.clock();
    const records = readJournal(this.journal.file);
    const recovery = recoverFromJournal(records, timeline, this.fingerprint, now, this.resumeWindowMs);
    // Revisions keep rising across restarts, even into a different show, so clients that drop
    // stale snapshots by revision never drop the new server's.
    const lastRevision = records.reduce((m, r) => (r.type === 'state' && r.state.revision > m ? r.state.revision : m), -1);
    this.state = recovery ? recovery.state : initialState(timeline, now, lastRevision + 1);
    this.recoveryNote = recovery?.note ?? null;
    await this.journal.open([{ type: 'state', at: now, show: this.fingerprint, state: this.state, reason: recovery ? `recovered: ${recovery.note}` : 'start' }]);
    if (recovery) this.log(`journal: ${recovery.note}`);
    if (recovery?.resumedPlaying) this.chaseLighting();
    this.scheduler.update(this.snapshot(now), true);
    this.armHoldTimer();
    this.heartbeat = setInterval(() => this.writeHeartbeat(), this.heartbeatMs);
    if (this.options.midiInputPort) this.openMidiInput(this.options.midiInputPort);
    if (this.options.redisUrl) {
      servePrimary(this.io, this.clock, () => this.clusterState());
      // Edges also get the state every two seconds, so one that missed a change catches up.
      this.clusterPush = setInterval(() => this.publishClusterState(), 2000);
      this.clusterPush.unref();
    }
  }

  /**
   * An edge: no tokens of its own but the primary's viewer token, no lighting, no journal; the
   * transport state and the clock come from the primary over redis.
   */
  private async startEdge(localClock: () => number): Promise<void> {
    this.tokens = { operator: '', viewer: '', outputs: {} };
    this.state = initialState(this.timeline, this.clock(), 0);
    this.edgeLink = new EdgeLink(this.io, localClock, (s) => this.onClusterState(s));
    await this.edgeLink.connect(15_000);
    this.log(`edge: following primary ${this.edgeLink.latest?.node} (clock offset ${this.edgeLink.sync.offset.toFixed(2)} ms, bound ±${this.edgeLink.sync.errorBound.toFixed(2)} ms)`);
  }

  /** Edge: the primary it follows. */
  get primaryName(): string | null {
    return this.edgeLink?.latest?.node ?? null;
  }

  private clusterState(): ClusterState {
    return { node: this.node.name, state: this.state, fingerprint: this.fingerprint, showRevision: this.showRevision, viewerToken: this.tokens.viewer, publicViewing: this.publicViewing };
  }

  private publishClusterState(): void {
    if (this.redis && !this.options.edge && !this.closed) this.io.serverSideEmit(CLUSTER_EVENTS.state, this.clusterState());
  }

  /** Edge: the primary's state arrived. A different show means the primary reloaded: compile ours again. */
  private onClusterState(s: ClusterState): void {
    this.tokens = { ...this.tokens, viewer: s.viewerToken };
    this.publicViewing = s.publicViewing;
    this.state = s.state;
    if (s.fingerprint === this.fingerprint) {
      this.showRevision = s.showRevision;
      return;
    }
    if (this.edgeReloading === s.fingerprint) return;
    this.edgeReloading = s.fingerprint;
    this.log(`edge: the primary runs another show (${s.fingerprint}, ours ${this.fingerprint}); compiling ${this.showDir} again`);
    void this.compileShow(this.showDir).then((r) => {
      if (r.ok && r.timeline && showFingerprint(r.timeline) === s.fingerprint) {
        this.setTimeline(r.timeline);
        this.showRevision = this.edgeLink?.latest?.showRevision ?? this.showRevision;
        this.log('edge: now on the primary\'s show');
      } else this.log('edge: our show folder differs from the primary\'s; serve the same show folder on every node');
      this.edgeReloading = null;
    }, (err: Error) => {
      this.log(`edge: compiling the show again failed: ${err.message}`);
      this.edgeReloading = null;
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.holdTimer) clearTimeout(this.holdTimer);
    if (this.heartbeat) clearInterval(this.heartbeat);
    if (this.lightingPushTimer) clearTimeout(this.lightingPushTimer);
    if (this.outputsPushTimer) clearTimeout(this.outputsPushTimer);
    if (this.midiInputRetry) clearTimeout(this.midiInputRetry);
    if (this.clusterPush) clearInterval(this.clusterPush);
    this.fans?.stop();
    this.edgeLink?.stop();
    this.midiInputClose?.();
    this.scheduler.stop();
    this.deskApi?.close();
    this.io.disconnectSockets(true);
    // Keep-alive connections (browsers) would hold http.close() open for ever: cut them.
    const ioClosed = new Promise<void>((res) => this.io.close(() => res()));
    this.http.closeAllConnections();
    await Promise.race([ioClosed, new Promise((res) => setTimeout(res, 2000).unref())]);
    await this.pagesClose?.().catch(() => {});
    await this.journal.close().catch(() => {});
    this.releaseLock?.();
    await this.options.lighting.close();
    await this.redis?.close();
  }

  private pagesClose: (() => Promise<void>) | null = null;
  private readonly pagesFailed = new Map<string, string>();
  private readonly budgets: ClientBudgets;
  private outputsPushTimer: ReturnType<typeof setTimeout> | null = null;
  private outputsPushedAt = 0;
  /** The desk's library, upload and vocal preview routes (mounted in setupHttp). */
  deskApi: DeskApi | null = null;
  private midiInputClose: (() => void) | null = null;
  private midiInputRetry: ReturnType<typeof setTimeout> | null = null;

  private openMidiInput(port: string): void {
    const opened = openMidiInput(port, (bytes) => this.midiInput(bytes));
    if (opened.ok) {
      this.midiInputClose = opened.close;
      this.clearAlarm('midi-in');
      return;
    }
    this.raiseAlarm('midi-in', 'warning', `${opened.error}; MIDI GO is off until it appears`);
    this.midiInputRetry = setTimeout(() => this.openMidiInput(port), 5000);
    this.midiInputRetry.unref();
  }

  /** A MIDI message from the console: mapped to a transport command through the same gate as the desk. */
  midiInput(bytes: readonly number[]): Promise<CommandResult> | null {
    const mapping: MidiInputMapping = {
      mscDeviceId: this.timeline.lighting.mscDeviceId,
      channel: this.timeline.lighting.channel,
      notes: this.options.midiInputNotes ?? DEFAULT_MIDI_INPUT_NOTES,
    };
    const command = commandFromMidi(bytes, mapping);
    return command ? this.command({ command }, 'midi') : null;
  }

  accessUrls(): { label: string; url: string }[] {
    return accessUrls(this.url, this.tokens, this.timeline.outputs.map((o) => o.id));
  }

  // ------------------------------------------------------------------ show and transport

  private async compileShow(dirOrFile: string): Promise<LoadedShowResult> {
    const compile = this.compile ?? defaultCompiler;
    return compile(dirOrFile);
  }

  private setTimeline(timeline: Timeline): void {
    this.fingerprint = showFingerprint(timeline);
    this.timeline = withVocalAudio(timeline, this.fingerprint);
    this.lightingEvents = collectLightingEvents(timeline);
    this.scheduler.setEvents(this.lightingEvents);
    this.showRevision++;
  }

  snapshot(now = this.clock()): TransportSnapshot {
    return snapshotOf(this.timeline, this.state, now);
  }

  /**
   * The one gate every transport command passes through, whatever its source. The new state takes
   * effect at once (lighting included); the acknowledgement and the broadcast follow as soon as the
   * change is on disk, so no client ever sees a state that a crash could take back.
   */
  async command(cmd: TransportCommand, source: string): Promise<CommandResult> {
    const now = this.clock();
    const before = this.state;
    const result = applyCommand(this.timeline, before, cmd, now, this.config);
    if (!result.ok) {
      this.log(`transport: ${cmd.command} from ${source} refused: ${result.error}`);
      return { ok: false, error: result.error, state: this.snapshot(now) };
    }
    const snap = await this.commit(result.state, `${cmd.command} from ${source}`, now, before);
    return { ok: true, state: snap };
  }

  private async commit(state: TransportState, reason: string, now: number, before: TransportState): Promise<TransportSnapshot> {
    this.state = state;
    const snap = this.snapshot(now);
    this.log(`transport: ${reason} -> ${state.mode} at ${snap.showTime.toFixed(3)} s (entry ${snap.entryIndex + 1})`);

    // Lighting follows: panic blacks out; a jump or the end of a blackout re-sends the rig state.
    const posBefore = positionAt(this.timeline, before, now);
    const jumped = Math.abs(posBefore.showTime - snap.showTime) > 1e-9;
    if (state.blackout && !before.blackout) {
      this.scheduler.stop();
      for (const m of panicMessages(this.lightingEvents, this.timeline.lighting)) this.sendLighting(m.bytes, `PANIC ${m.label}`);
    } else if ((before.blackout && !state.blackout) || (jumped && state.mode !== 'stopped')) {
      this.chaseLighting(snap.showTime);
    }
    this.scheduler.update(snap, !jumped);
    this.armHoldTimer();

    try {
      await this.journal.append({ type: 'state', at: now, show: this.fingerprint, state, reason });
    } catch (err) {
      this.raiseAlarm('journal', 'critical', `journal write failed: ${(err as Error).message}; a restart may not resume this show`);
    }
    // A later change may have been committed while this one was being written: announce only the newest.
    if (this.state === state) {
      this.io.emit(EVENTS.transport, snap);
      this.publishClusterState();
    }
    return snap;
  }

  /** Re-send the rig state for the current position (cues strictly before it; the scheduler fires the rest). */
  private chaseLighting(showTime = positionAt(this.timeline, this.state, this.clock()).showTime): void {
    for (const e of lightingStateAt(this.lightingEvents, showTime, false)) this.sendLighting(e.bytes, `chase ${e.label}`);
  }

  private sendLighting(bytes: readonly number[], label: string): boolean {
    const delivered = this.options.lighting.send(bytes, { label });
    this.pushLightingLog({ at: this.clock(), showTime: positionAt(this.timeline, this.state, this.clock()).showTime, label, bytes: hex(bytes), delivered });
    return delivered;
  }

  private logFired(f: FiredCue): void {
    this.pushLightingLog({ at: f.firedAt, showTime: f.event.time, label: f.event.label, bytes: hex(f.event.bytes), delivered: f.delivered, lateMs: f.firedAt - f.due });
  }

  private pushLightingLog(entry: LightingMessageLog): void {
    this.recentLighting.push(entry);
    if (this.recentLighting.length > 50) this.recentLighting.shift();
    // The desk sees the list at most ten times a second, however dense the cues.
    if (!this.lightingPushTimer) {
      this.lightingPushTimer = setTimeout(() => {
        this.lightingPushTimer = null;
        this.io.to('operator').emit(EVENTS.lighting, this.lightingView());
      }, 100);
    }
  }

  lightingView(): LightingView {
    return { status: this.options.lighting.status(), recent: [...this.recentLighting] };
  }

  private onLightingStatus(s: LightingDriverStatus): void {
    if (s.connected) this.clearAlarm('midi');
    else this.raiseAlarm('midi', 'critical', s.error ?? `lighting driver ${s.driver} is not connected`);
    this.io?.to('operator').emit(EVENTS.lighting, this.lightingView());
  }

  private armHoldTimer(): void {
    if (this.holdTimer) clearTimeout(this.holdTimer);
    this.holdTimer = null;
    const due = holdDueAt(this.state);
    if (due === null || this.closed) return;
    this.holdTimer = setTimeout(() => this.settleNow(), Math.max(1, due - this.clock()));
  }

  private settleNow(): void {
    const now = this.clock();
    const settled = settle(this.timeline, this.state, now);
    if (settled === this.state) {
      this.armHoldTimer();
      return;
    }
    const reason = this.state.blackout ? 'panic fade ended' : settled.waiting ? 'hold point reached' : 'settled';
    void this.commit(settled, reason, now, this.state);
  }

  private writeHeartbeat(): void {
    const now = this.clock();
    const pos = positionAt(this.timeline, this.state, now);
    this.journal.append({ type: 'heartbeat', at: now, show: this.fingerprint, showTime: pos.showTime, entryIndex: pos.entryIndex, mode: this.state.mode }).catch((err: Error) => {
      this.raiseAlarm('journal', 'critical', `journal write failed: ${err.message}`);
    });
  }

  /** Reload the show folder from disk (stopped shows only). Never rejects: a failure is an answer. */
  async reloadShow(source: string): Promise<{ ok: true } | { ok: false; error: string; errors?: ValidationError[] }> {
    try {
      if (this.state.mode !== 'stopped') return { ok: false, error: 'load: stop the show before loading it again' };
      const result = await this.compileShow(this.showDir);
      if (!result.ok || !result.timeline) return { ok: false, error: `load: the show has ${result.errors.length} error(s)`, errors: result.errors };
      // GO may have been pressed while the show was compiling: a running show is never swapped out.
      if (this.state.mode !== 'stopped') return { ok: false, error: 'load: the show was started while loading; stop it and load again' };
      const before = this.leftOut;
      this.leftOut = result.leftOut ?? [];
      this.alarmLeftOut(before);
      await this.installTimeline(result.timeline, result.warnings, `load from ${source}`);
      return { ok: true };
    } catch (err) {
      this.log(`load from ${source} failed: ${(err as Error).message}`);
      return { ok: false, error: `load: ${(err as Error).message}` };
    }
  }

  /** One critical alarm per song left out of the show, naming its file and first error; cleared when it loads again. */
  private alarmLeftOut(before: LeftOutSong[]): void {
    for (const song of before) if (!this.leftOut.some((l) => l.file === song.file)) this.clearAlarm(`left-out:${song.file}`);
    for (const song of this.leftOut) {
      const first = song.errors[0];
      const more = song.errors.length > 1 ? ` (+${song.errors.length - 1} more)` : '';
      const message = `${song.file} left out of the show: ${first ? formatError(first) : 'failed to load'}${more}`;
      this.raiseAlarm(`left-out:${song.file}`, 'critical', message);
      this.log(message);
    }
  }

  private async installTimeline(timeline: Timeline, warnings: string[], reason: string): Promise<void> {
    const before = this.state;
    this.setTimeline(timeline);
    this.warnings = warnings;
    const now = this.clock();
    const fresh = { ...initialState(timeline, now, before.revision + 1), lastGoAt: before.lastGoAt, blackout: before.blackout };
    this.io.emit(EVENTS.showLoaded, this.showSummary());
    await this.commit(fresh, reason, now, fresh);
  }

  /**
   * Replace the setlist in show.json. The candidate is validated as a whole show first (written
   * beside show.json so relative paths resolve), then renamed over show.json: a crash at any
   * point leaves either the old or the new file, never half of one.
   */
  saveSetlist(setlist: unknown, source: string): Promise<{ ok: true; showRevision: number } | { ok: false; error: string; errors?: ValidationError[] }> {
    const run = async (): Promise<{ ok: true; showRevision: number } | { ok: false; error: string; errors?: ValidationError[] }> => {
      if (this.state.mode !== 'stopped') return { ok: false, error: 'setlist: stop the show before changing the setlist' };
      if (!Array.isArray(setlist)) return { ok: false, error: 'setlist: expected an array of entries' };
      const showFile = join(this.showDir, 'show.json');
      if (!existsSync(showFile)) return { ok: false, error: `setlist: no show.json in ${this.showDir}` };
      let show: Record<string, unknown>;
      try {
        show = JSON.parse(readFileSync(showFile, 'utf8')) as Record<string, unknown>;
      } catch (err) {
        return { ok: false, error: `setlist: show.json is not valid JSON (${(err as Error).message})` };
      }
      show.setlist = setlist;
      const text = `${JSON.stringify(show, null, 2)}\n`;
      const candidate = join(this.showDir, `.show.candidate-${process.pid}.json`);
      writeFileAtomic(candidate, text);
      let result: LoadedShowResult;
      try {
        result = await this.compileShow(candidate);
      } catch (err) {
        unlinkSync(candidate);
        throw err;
      }
      unlinkSync(candidate);
      if (!result.ok || !result.timeline) {
        const name = basename(candidate);
        const errors = result.errors.map((e) => (e.file === name ? { ...e, file: 'show.json' } : e));
        return { ok: false, error: `setlist: not saved, the show would have ${errors.length} error(s)`, errors };
      }
      if (this.state.mode !== 'stopped') return { ok: false, error: 'setlist: the show was started while saving; stop it and save again' };
      writeFileAtomic(showFile, text);
      await this.installTimeline(result.timeline, result.warnings, `setlist saved from ${source}`);
      return { ok: true, showRevision: this.showRevision };
    };
    return this.exclusive(run);
  }

  /** Runs writes to the show folder one at a time (setlist saves, songs added from the desk). */
  exclusive<T>(run: () => Promise<T>): Promise<T> {
    const next = this.saveChain.then(run, run);
    this.saveChain = next.catch(() => {});
    return next;
  }

  showSummary(): ShowSummary {
    const t = this.timeline;
    return {
      revision: this.showRevision,
      fingerprint: this.fingerprint,
      title: t.show.title,
      date: t.show.date,
      venue: t.show.venue,
      duration: t.duration,
      outputs: t.outputs.map((o) => ({ id: o.id, kind: o.kind })),
      lighting: t.lighting,
      entries: t.entries.map((e) => ({ index: e.index, kind: e.kind, id: e.id, title: e.title, start: e.start, end: e.end, encore: e.encore, holdAfter: e.holdAfter, transition: e.transition })),
      songs: t.songs.map((s) => ({ id: s.id, title: s.title, credits: s.credits, license: s.license, duration: s.duration, key: s.key, tempo: s.tempo[0]?.bpm })),
      validation: { ok: true, errors: [], warnings: this.warnings },
    };
  }

  stateView(now = this.clock()): StateView {
    const pos = positionAt(this.timeline, this.state, now);
    const entry = this.timeline.entries[pos.entryIndex];
    return {
      playing: pos.playing,
      mode: this.state.mode,
      waiting: this.state.waiting,
      entryIndex: pos.entryIndex,
      entryTitle: entry?.title ?? null,
      songTime: pos.songTime,
      songDuration: entry ? entry.end - entry.start : 0,
      showTime: pos.showTime,
      showDuration: this.timeline.duration,
      serverTime: now,
      holdAt: this.state.holdAt,
      blackout: this.state.blackout,
      revision: this.state.revision,
      showRevision: this.showRevision,
    };
  }

  // ------------------------------------------------------------------ alarms and outputs

  raiseAlarm(key: string, level: Alarm['level'], message: string): void {
    const open = this.alarms.find((a) => a.key === key);
    if (open) {
      open.message = message;
      open.active = true;
    } else this.alarms.push({ id: ++this.alarmSeq, key, level, message, at: this.clock(), active: true });
    this.io?.to('operator').emit(EVENTS.alarms, this.alarms);
  }

  clearAlarm(key: string): void {
    const open = this.alarms.find((a) => a.key === key);
    if (!open || !open.active) return;
    open.active = false;
    this.io?.to('operator').emit(EVENTS.alarms, this.alarms);
  }

  /** Alarms stay until acknowledged; one acknowledged while its condition lasts comes back on the next raise. */
  acknowledgeAlarm(id: number): boolean {
    const i = this.alarms.findIndex((a) => a.id === id);
    if (i < 0) return false;
    this.alarms.splice(i, 1);
    this.io.to('operator').emit(EVENTS.alarms, this.alarms);
    return true;
  }

  alarmList(): Alarm[] {
    return [...this.alarms];
  }

  outputsView(): OutputView[] {
    const connections = new Map<string, number>();
    for (const s of this.io.of('/').sockets.values()) {
      const id = (s.data as { identity?: Identity }).identity;
      // A stage page keeps a second socket for clock sync in a worker: count the page once.
      if (s.handshake.query.purpose === 'clock') continue;
      if (id?.role === 'output' && id.outputId) connections.set(id.outputId, (connections.get(id.outputId) ?? 0) + 1);
    }
    return this.timeline.outputs.map((o) => {
      const h = this.outputHealth.get(o.id);
      const n = connections.get(o.id) ?? 0;
      return { id: o.id, kind: o.kind, connected: n > 0, connections: n, lastSeen: h?.lastSeen ?? null, health: h?.health ?? null, settings: this.outputSettings.get(o.id) ?? o.settings };
    });
  }

  /**
   * An output whose rendered show time is further from the server's than its report could have
   * travelled (round trip), its latency offset and a margin allow (a frozen or lagging renderer)
   * raises a `render:<id>` alarm. (The desk API watches the clock offset itself under `drift:<id>`.)
   */
  private checkDrift(outputId: string, health: OutputHealth): void {
    if (typeof health.showTime !== 'number' || this.state.mode !== 'playing') return;
    // Still loading the show's assets: it isn't rendering yet, and its progress bar says so.
    if (typeof health.assetsTotal === 'number' && (health.assetsLoaded ?? 0) < health.assetsTotal) return;
    const server = positionAt(this.timeline, this.state, this.clock()).showTime;
    const settings = this.outputSettings.get(outputId) ?? this.timeline.outputs.find((o) => o.id === outputId)?.settings;
    const allowance = DRIFT_MARGIN_SECONDS + (settings?.latencyMs ?? 0) / 1000 + (health.roundTripMs ?? 0) / 1000;
    const drift = health.showTime - server;
    if (Math.abs(drift) > allowance) {
      this.raiseAlarm(`render:${outputId}`, 'warning', `output "${outputId}" renders ${Math.round(Math.abs(drift) * 1000)} ms ${drift > 0 ? 'ahead of' : 'behind'} the show clock`);
    } else this.clearAlarm(`render:${outputId}`);
  }

  private pushOutputs(): void {
    this.outputsPushedAt = performance.now();
    this.io.to('operator').emit(EVENTS.outputs, this.outputsView());
  }

  /** Health reports reach the desk at most every OUTPUTS_PUSH_MS, however many outputs report. */
  private pushOutputsSoon(): void {
    if (this.outputsPushTimer || this.closed) return;
    const wait = Math.max(0, this.outputsPushedAt + OUTPUTS_PUSH_MS - performance.now());
    this.outputsPushTimer = setTimeout(() => {
      this.outputsPushTimer = null;
      if (!this.closed) this.pushOutputs();
    }, wait);
  }

  clientCounts(): Record<Role, number> {
    const counts: Record<Role, number> = { operator: 0, output: 0, viewer: 0 };
    for (const s of this.io.of('/').sockets.values()) {
      const id = (s.data as { identity?: Identity }).identity;
      if (id) counts[id.role]++;
    }
    return counts;
  }

  // ------------------------------------------------------------------ HTTP

  private bearer(req: Request): Identity | null {
    const header = req.get('authorization') ?? '';
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    const token = m?.[1] ?? (typeof req.query.token === 'string' ? req.query.token : undefined);
    return identify(this.tokens, token);
  }

  /** 401 without a valid token, 403 for the wrong role; returns the identity when allowed. */
  private authorize(req: Request, res: Response, roles: readonly Role[]): Identity | null {
    const who = this.bearer(req);
    if (!who) {
      res.status(401).set('WWW-Authenticate', 'Bearer').json({ ok: false, error: 'unauthorized: send the token as "Authorization: Bearer <token>"' });
      return null;
    }
    if (!roles.includes(who.role)) {
      res.status(403).json({ ok: false, error: `forbidden: the ${who.role} token cannot do this (needs ${roles.join(' or ')})` });
      return null;
    }
    return who;
  }

  private setupHttp(): void {
    const app = this.app;
    app.disable('x-powered-by');
    // No body is parsed here: each route that takes one checks the token first (operatorBody).
    const operatorBody = (limit: string): RequestHandler[] => [
      (req, res, next) => {
        // Refused with a body still on the way: close the connection after the answer rather than read it.
        if (this.bearer(req)?.role !== 'operator') refuseUnread(req, res);
        if (this.authorize(req, res, ['operator'])) next();
      },
      jsonBody(limit),
    ];

    app.get('/api/health', (_req, res) => {
      res.json({
        ok: true,
        show: this.timeline.show.title,
        uptimeSeconds: Math.round(process.uptime()),
        serverTime: this.clock(),
        clients: this.clientCounts(),
        lighting: this.options.lighting.status(),
        alarms: this.alarms.filter((a) => a.active).length,
        recovery: this.recoveryNote,
        node: this.node,
        crowd: this.fans.lastFrame,
      });
    });
    app.get('/api/show', (_req, res) => res.json(this.showSummary()));
    app.get('/api/state', (_req, res) => res.json(this.stateView()));
    const timelineLimit = perAddressLimit(1, 10, (req) => clientAddress(req.socket.remoteAddress ?? '', req.get('x-forwarded-for'), this.options.trustProxy ?? false));
    app.get('/api/timeline', timelineLimit, (req, res) => {
      if (!(this.publicViewing && !this.bearer(req)) && !this.authorize(req, res, ['operator', 'output', 'viewer'])) return;
      res.json({ revision: this.showRevision, timeline: this.timeline });
    });
    app.get('/api/setlist', (req, res) => {
      if (!this.authorize(req, res, ['operator'])) return;
      try {
        const show = JSON.parse(readFileSync(join(this.showDir, 'show.json'), 'utf8')) as { setlist?: unknown };
        res.json({ ok: true, setlist: show.setlist ?? [] });
      } catch (err) {
        res.status(500).json({ ok: false, error: (err as Error).message });
      }
    });
    app.put('/api/setlist', ...operatorBody(BODY_LIMITS.setlist), async (req, res) => {
      const body = req.body as { setlist?: unknown } | undefined;
      const result = await this.saveSetlist(body?.setlist, 'http');
      res.status(result.ok ? 200 : result.errors ? 422 : 409).json(result);
    });
    app.get('/api/desk/access', (req, res) => {
      if (!this.authorize(req, res, ['operator'])) return;
      const urls = this.accessUrls();
      res.json({
        ok: true,
        desk: urls[0]!.url,
        outputs: this.timeline.outputs.map((o, i) => ({ id: o.id, kind: o.kind, url: urls[i + 1]!.url })),
        viewer: urls[urls.length - 1]!.url,
      });
    });
    app.get('/api/lighting', (req, res) => {
      if (!this.authorize(req, res, ['operator'])) return;
      res.json(this.lightingView());
    });
    app.post('/api/transport/:command', ...operatorBody(BODY_LIMITS.command), async (req, res) => {
      const name = String(req.params.command);
      if (name === 'load') {
        const r = await this.reloadShow('http');
        res.status(r.ok ? 200 : 409).json(r.ok ? { ok: true, state: this.snapshot(), show: this.showSummary() } : r);
        return;
      }
      if (!TRANSPORT_COMMANDS.includes(name as TransportCommandName)) {
        res.status(404).json({ ok: false, error: `unknown transport command "${name}"; use ${TRANSPORT_COMMANDS.join(', ')} or load` });
        return;
      }
      const body = (req.body ?? {}) as { entry?: unknown; time?: unknown };
      const cmd: TransportCommand = { command: name as TransportCommandName };
      if (name === 'seek') {
        cmd.entry = Number(body.entry ?? req.query.entry);
        cmd.time = Number(body.time ?? req.query.time ?? 0);
      }
      const result = await this.command(cmd, 'http');
      res.status(result.ok ? 200 : 409).json(result);
    });

    // The desk's library, score upload and vocal preview routes (before the pages' catch-alls).
    this.deskApi = registerDeskApi(app, this, operatorBody(BODY_LIMITS.upload));
    const vocals = mountVocalAudio(app, () => ({ timeline: this.timeline, fingerprint: this.fingerprint, showDir: this.showDir }), this.log);
    if (this.options.warmVocals) void vocals.warm();
    this.pagesClose = mountPages(app, { mode: this.options.pages ?? 'auto', http: this.http, showDir: this.showDir, stateDir: this.stateDir, repoRoot: this.options.pagesRoot, failed: this.pagesFailed });
    app.get('/', (_req, res) => {
      res.type('html').send('<!doctype html><title>holostage</title><h1>holostage</h1><p>Pages: <a href="/desk">/desk</a> (operator), <a href="/stage">/stage</a> (outputs), <a href="/live">/live</a> (fans). Each needs its token: run <code>holostage tokens</code>.</p>');
    });
    app.use('/api', apiNotFound);
    app.use(jsonErrors(this.log));
  }

  // ------------------------------------------------------------------ sockets

  private setupSockets(): void {
    this.io.use((socket, next) => {
      const auth = socket.handshake.auth as { token?: unknown } | undefined;
      const token = auth?.token ?? socket.handshake.query.token;
      // A public show lets anyone in as a viewer (an open link); a token given must still be valid.
      const open = this.publicViewing && (token === undefined || token === '');
      const identity = open ? { role: 'viewer' as const } : identify(this.tokens, token);
      if (!identity) {
        next(new Error('unauthorized: missing or unknown token'));
        return;
      }
      const address = clientAddress(socket.handshake.address, socket.handshake.headers['x-forwarded-for'], this.options.trustProxy ?? false);
      const key = identityKey(identity.role, identity.outputId, address);
      if (!this.budgets.admit(key, identity.role)) {
        next(new Error(`too many connections for this ${identity.role === 'viewer' ? 'address' : 'token'}`));
        return;
      }
      Object.assign(socket.data as object, { identity, address, budgetKey: key });
      next();
    });
    this.io.on('connection', (socket) => this.onConnection(socket));
  }

  private onConnection(socket: Socket): void {
    const identity = (socket.data as { identity: Identity }).identity;
    const { role, outputId } = identity;
    const { address, budgetKey } = socket.data as { address: string; budgetKey: string };
    // Every event passes its budget (rate and size, per socket and per identity) before any handler.
    this.budgets.guard(socket, budgetKey);
    void socket.join(role);
    if (outputId) void socket.join(`output:${outputId}`);
    this.fans.attach(socket, role, address);

    const forbidden = (what: string): { ok: false; error: string } => ({ ok: false, error: `forbidden: a ${role} cannot ${what}; only the operator can` });
    const isAck = (ack: unknown): ack is (reply: unknown) => void => typeof ack === 'function';

    // Clock sync first: it is the hot path, answered with the server time on arrival.
    socket.on(EVENTS.clockPing, (_clientTime: unknown, ack: unknown) => {
      if (isAck(ack)) ack(this.clock());
    });

    const hello: Hello = {
      role,
      outputId: outputId ?? null,
      serverTime: this.clock(),
      transport: this.snapshot(),
      show: this.showSummary(),
      settings: outputId ? (this.outputSettings.get(outputId) ?? this.timeline.outputs.find((o) => o.id === outputId)?.settings ?? null) : null,
      ...(role === 'operator' ? { outputs: this.outputsView(), lighting: this.lightingView(), alarms: this.alarms } : {}),
    };
    socket.emit(EVENTS.hello, hello);

    socket.on(EVENTS.snapshot, (ack: unknown) => {
      if (isAck(ack)) ack(this.snapshot());
    });
    socket.on(EVENTS.timeline, (ack: unknown) => {
      if (isAck(ack)) ack({ revision: this.showRevision, timeline: this.timeline });
    });

    socket.on(EVENTS.command, (cmd: unknown, ack: unknown) => {
      const reply = isAck(ack) ? ack : () => {};
      if (role !== 'operator') return reply(forbidden('move the show'));
      if (!cmd || typeof cmd !== 'object' || typeof (cmd as { command?: unknown }).command !== 'string') return reply({ ok: false, error: 'expected { command: "go" | "hold" | ... }' });
      const c = cmd as TransportCommand;
      if ((c.command as string) === 'load') {
        void this.reloadShow('desk').then((r) => reply(r.ok ? { ok: true, state: this.snapshot() } : r));
        return;
      }
      void this.command({ command: c.command, entry: c.entry, time: c.time }, 'desk').then(reply);
    });

    socket.on(EVENTS.setlistSave, (payload: unknown, ack: unknown) => {
      const reply = isAck(ack) ? ack : () => {};
      if (role !== 'operator') return reply(forbidden('edit the setlist'));
      void this.saveSetlist((payload as { setlist?: unknown } | null)?.setlist, 'desk').then(reply, (err: Error) => reply({ ok: false, error: err.message }));
    });

    socket.on(EVENTS.outputSettings, (payload: unknown, ack: unknown) => {
      const reply = isAck(ack) ? ack : () => {};
      if (role !== 'operator') return reply(forbidden('change output settings'));
      const p = payload as { id?: unknown; settings?: unknown } | null;
      const output = this.timeline.outputs.find((o) => o.id === p?.id);
      if (!output || !p?.settings || typeof p.settings !== 'object') return reply({ ok: false, error: `unknown output "${String(p?.id)}" or missing settings` });
      const merged = { ...(this.outputSettings.get(output.id) ?? output.settings), ...(p.settings as Partial<OutputSettings>) };
      this.outputSettings.set(output.id, merged);
      this.io.to(`output:${output.id}`).emit(EVENTS.outputSettings, merged);
      this.pushOutputs();
      reply({ ok: true, settings: merged });
    });

    socket.on(EVENTS.outputHealth, (raw: unknown) => {
      if (role !== 'output' || !outputId) return;
      // Only the known fields, checked, go on to the desk (and at most a few times a second).
      const health = sanitizeHealth(raw) as OutputHealth | null;
      if (!health) return;
      this.outputHealth.set(outputId, { health, lastSeen: this.clock() });
      this.checkDrift(outputId, health);
      this.pushOutputsSoon();
    });

    socket.on(EVENTS.lightingTest, (payload: unknown, ack: unknown) => {
      const reply = isAck(ack) ? ack : () => {};
      if (role !== 'operator') return reply(forbidden('fire lighting cues'));
      const p = payload as { song?: unknown; cue?: unknown } | null;
      const song = this.timeline.songs[Number(p?.song)];
      const event = song?.tracks.lighting.find((e) => e.cue === Number(p?.cue));
      if (!event) return reply({ ok: false, error: `no lighting cue ${String(p?.cue)} in song ${String(p?.song)}` });
      const delivered = this.sendLighting(event.bytes, `test ${event.label}`);
      reply({ ok: delivered, bytes: hex(event.bytes), ...(delivered ? {} : { error: this.options.lighting.status().error ?? 'not delivered' }) });
    });

    socket.on(EVENTS.alarmAck, (id: unknown, ack: unknown) => {
      const reply = isAck(ack) ? ack : () => {};
      if (role !== 'operator') return reply(forbidden('acknowledge alarms'));
      reply({ ok: this.acknowledgeAlarm(Number(id)) });
    });

    if (role === 'output' && outputId) {
      this.clearAlarm(`output:${outputId}`);
      this.pushOutputs();
    }
    socket.on('disconnect', () => {
      if (role !== 'output' || !outputId || this.closed) return;
      const still = this.outputsView().find((o) => o.id === outputId);
      if (still && !still.connected) this.raiseAlarm(`output:${outputId}`, 'critical', `output "${outputId}" lost`);
      this.pushOutputs();
    });
  }
}

function baseClockOf(options: ShowServerOptions): () => number {
  return options.clock ?? serverClock;
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** The first non-internal IPv4 address of this machine, if any. */
function lanAddress(): string | null {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return null;
}

export class ShowInvalidError extends Error {
  constructor(readonly errors: ValidationError[]) {
    super(`the show has ${errors.length} validation error(s)`);
  }
}

/** The foundation's compiler, loaded on first use. */
export const defaultCompiler: ShowCompiler = async (dirOrFile) => {
  const { compileShowFolder } = await import('../../show-files/src/compile.ts');
  const r = await compileShowFolder(dirOrFile, { leaveOutBrokenSongs: true });
  return r.ok ? { ok: true, timeline: r.timeline, errors: [], warnings: r.warnings, leftOut: r.leftOut } : { ok: false, errors: r.errors, warnings: r.warnings, leftOut: r.leftOut };
};

export async function startShowServer(options: ShowServerOptions): Promise<ShowServer> {
  const server = new ShowServer(options);
  try {
    await server.start();
  } catch (err) {
    await server.close().catch(() => {});
    throw err;
  }
  return server;
}
