// The show server, composed: the controller (the one gate for the show), the monitors around it
// (alarms, outputs, lighting log), the cluster role, and the adapters that reach it (HTTP, sockets,
// MIDI in). Like a plugin host, this file only wires parts together; each part says what it does.

import { createServer, type Server as HttpServer } from 'node:http';
import { join, resolve } from 'node:path';
import express from 'express';
import { Server as IoServer } from 'socket.io';
import type { Alarm, CommandResult, LightingView, OutputView, Role, ShowSummary, StateView, TransportCommand, TransportSnapshot, TransportState } from '../../protocol/index.ts';
import type { Timeline } from '../../show-files/src/timeline.ts';
import type { LeftOutSong } from '../../show-files/src/load.ts';
import type { TransportConfig } from './transport.ts';
import { accessUrls, identify, loadOrCreateTokens, type Tokens } from './tokens.ts';
import { requestToken } from './adapters/auth.ts';
import type { LightingDriver } from './lighting/driver.ts';
import { ShowLighting } from './lighting/show-lighting.ts';
import type { MidiInputMapping } from './lighting/midi-input.ts';
import { mountPages, type PagesMode } from './pages.ts';
import { ensurePagesBuilt } from './pages-build.ts';
import { registerDeskApi, type DeskApi } from './desk-api.ts';
import { mountVocalAudio } from './vocal-audio.ts';
import { lockStateDir, sweepTempFiles } from './state-lock.ts';
import { apiNotFound, BODY_LIMITS, jsonErrors, refuseStrangerBodies } from './http-guard.ts';
import { ClientBudgets } from './budgets.ts';
import { FanHub } from './fans/hub.ts';
import { mountStudio, type Studio } from './studio/routes.ts';
import { attachRedisAdapter, nodeName } from './fans/cluster.ts';
import { ClusterRole, type Access } from './fans/cluster-role.ts';
import { ShowController } from './show/controller.ts';
import { AlarmBoard } from './show/alarms.ts';
import { OutputMonitor } from './show/outputs.ts';
import { defaultCompiler, type LoadedShowResult, type ShowCompiler } from './show/compiler.ts';
import { fallbackShow, LastGoodShow } from './show/last-good.ts';
import { SocketAdapter } from './adapters/sockets.ts';
import { mountShowApi, operatorBody } from './adapters/http.ts';
import { MidiInputAdapter } from './adapters/midi.ts';
import { Venue, type VenueOptions } from './venue/venue.ts';
import { StandbyRole, type StandbyOptions } from './standby/role.ts';
import { isLoopback, listeningUrl } from './listen.ts';
import { FollowedClock, MonotonicClock, serverClock, type ServerClock } from './clock.ts';

export { defaultCompiler, type LoadedShowResult, type ShowCompiler } from './show/compiler.ts';
export { DRIFT_MARGIN_SECONDS } from './show/outputs.ts';
export { isLoopback } from './listen.ts';
export { serverClock } from './clock.ts';

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
  /** Venue protocols on the primary: OSC remote control, MTC out (server/src/venue, docs/venue.md). */
  venue?: VenueOptions;
  /** Warm standby: `of` makes this server the standby of that primary (server/src/standby, docs/SCALING.md). */
  standby?: StandbyOptions;
}

export class ShowServer {
  readonly app = express();
  readonly http: HttpServer;
  readonly io: IoServer;
  readonly showDir: string;
  readonly stateDir: string;
  /** The server clock (clock.ts): `time` is the object every part reads, `clock` its `now`. */
  readonly time: ServerClock;
  readonly clock: () => number;
  /** This process in a cluster: primary (or a lone server) or edge. */
  readonly node: { role: 'primary' | 'edge'; name: string };
  readonly controller: ShowController;
  readonly alarms: AlarmBoard;
  readonly outputs: OutputMonitor;
  readonly showLighting: ShowLighting;
  readonly sockets: SocketAdapter;
  readonly midi: MidiInputAdapter;
  /** Primary or standby of a pair (a lone server is a primary without a standby). */
  readonly pair: StandbyRole;
  /** OSC and timecode (started on the primary when options.venue asks for them). */
  venue: Venue | null = null;
  /** Viewers, cheers and the crowd (server/src/fans). */
  fans!: FanHub;
  /** The desk's library, upload and vocal preview routes. */
  deskApi: DeskApi | null = null;
  /** The creators' studio: drafts, submissions and the review queue (server/src/studio). */
  studio: Studio | null = null;
  url = '';

  private readonly access: Access = { tokens: { operator: '', viewer: '', outputs: {} }, publicViewing: false };
  private readonly cluster: ClusterRole;
  private readonly budgets: ClientBudgets;
  private readonly lastGood: LastGoodShow;
  private readonly pagesFailed = new Map<string, string>();
  private pagesClose: (() => Promise<void>) | null = null;
  private redis: { close: () => Promise<void> } | null = null;
  private releaseLock: (() => void) | null = null;
  private closed = false;

  constructor(private readonly options: ShowServerOptions) {
    this.showDir = resolve(options.showDir);
    this.stateDir = resolve(options.stateDir ?? join(this.showDir, '.holostage'));
    if (options.edge && !options.redisUrl) throw new Error('an edge server needs --redis <url> to reach its primary');
    if (options.pages === 'dev' && !isLoopback(options.host ?? '127.0.0.1')) throw new Error('--dev serves the pages through vite\'s dev server, which is for this machine only: use --host 127.0.0.1 (or drop --dev)');
    const log = options.log ?? (() => {});
    const baseClock = options.clock ?? serverClock;
    // An edge runs on the primary's clock, as estimated over redis; a standby moves this one onto its primary's, over its link.
    this.time = options.edge ? new FollowedClock(() => this.cluster.primaryNow(baseClock)) : options.clock ? new FollowedClock(options.clock) : new MonotonicClock();
    this.clock = this.time.now.bind(this.time);
    this.node = { role: options.edge ? 'edge' : 'primary', name: nodeName(options.edge ? 'edge' : 'primary') };
    this.access.publicViewing = options.publicViewing ?? false;
    this.http = createServer(refuseStrangerBodies((t) => (identify(this.access.tokens, t)?.role === 'operator' || this.studio?.creators.identify(t) ? true : identify(this.access.tokens, t) ? 403 : 401), this.app));
    // destroyUpgrade off: other websocket upgrades on this port (the pages' vite client) are not socket.io's to kill.
    // One socket message is at most 256 kB (a setlist); the default 1 MB lets anyone make us parse 1 MB.
    this.io = new IoServer(this.http, { serveClient: false, pingInterval: 5000, pingTimeout: 5000, destroyUpgrade: false, maxHttpBufferSize: 256 * 1024 });
    this.budgets = new ClientBudgets(() => performance.now(), options.connectionLimits);

    this.alarms = new AlarmBoard(this.clock, (list) => {
      this.sockets.alarms(list);
      this.venue?.alarms(list);
    });
    this.lastGood = new LastGoodShow(this.stateDir, this.alarms, log);
    this.showLighting = new ShowLighting(options.lighting, this.time, () => this.controller.showTimeNow(), (view) => this.sockets.lighting(view));
    this.controller = new ShowController({
      showDir: this.showDir,
      journalFile: join(this.stateDir, 'journal.jsonl'),
      clock: this.clock,
      compile: this.lastGood.keeping(options.compile ?? defaultCompiler),
      lighting: this.showLighting,
      alarms: this.alarms,
      transport: options.transport,
      resumeWindowMs: options.resumeWindowMs,
      heartbeatMs: options.heartbeatMs,
      log: options.log,
    });
    this.outputs = new OutputMonitor({
      outputs: () => this.controller.timeline.outputs,
      alarms: this.alarms,
      clock: this.clock,
      playingShowTime: () => (this.controller.state.mode === 'playing' ? this.controller.showTimeNow() : null),
      connections: () => this.sockets.connections(),
    });
    this.sockets = new SocketAdapter({ io: this.io, access: this.access, budgets: this.budgets, controller: this.controller, alarms: this.alarms, outputs: this.outputs, lighting: this.showLighting, fans: () => this.fans, clock: this.clock, trustProxy: options.trustProxy ?? false, refuse: (id) => this.pair.refuses(id) });
    this.cluster = new ClusterRole({ io: this.io, controller: this.controller, access: this.access, node: this.node, showDir: this.showDir, log, clustered: !!options.redisUrl, pair: () => this.pair });
    // The controller hands each announcement to every listener itself (the venue listens while it runs, a standby's mirror too).
    this.controller.listen(this.sockets);
    this.controller.listen({ transport: this.cluster.publish.bind(this.cluster) });
    this.midi = new MidiInputAdapter(this.controller, this.alarms, options.midiInputNotes);
    this.pair = new StandbyRole({ io: this.io, app: this.app, controller: this.controller, alarms: this.alarms, access: this.access, stateDir: this.stateDir, showDir: this.showDir, name: this.node.name, url: () => this.url, baseClock, clock: this.time, log, announce: (snap) => this.sockets.transport(snap, true), primaryOnly: { start: () => this.primaryOnly(true), stop: () => this.primaryOnly(false) } }, { ...options.standby, redis: options.edge ? undefined : (options.standby?.redis ?? options.redisUrl) });
  }

  /** Load the show, recover from the journal, open the lighting, listen. */
  async start(): Promise<void> {
    const o = this.options;
    const log = o.log ?? (() => {});
    if (o.redisUrl) this.redis = await attachRedisAdapter(this.io, o.redisUrl, log);
    // A show that fails as a whole: the last good one (or an empty stage) and an alarm naming the file.
    const compiled: LoadedShowResult = o.timeline ? { ok: true, timeline: o.timeline, errors: [], warnings: [] } : await this.controller.compile(this.showDir);
    const { timeline, warnings, leftOut = [] } = compiled.ok && compiled.timeline ? { ...compiled, timeline: compiled.timeline } : fallbackShow(this.stateDir, compiled, this.alarms, log);
    this.controller.setTimeline(timeline, warnings);
    // The crowd is merged by whichever server drives (primaryOnly): a standby on the primary's redis counts like an edge.
    this.fans = new FanHub({ io: this.io, clock: this.clock, node: this.node.name, merging: false, clustered: !!o.redisUrl, cheerRate: o.cheerRate, cheerBurst: o.cheerBurst, fansPerAddress: o.fansPerAddress });
    if (o.edge) await this.cluster.follow(o.clock ?? serverClock, this.clock);
    else await this.startPrimary(timeline);
    this.fans.start();
    this.controller.setLeftOut(leftOut);

    if ((o.pages ?? 'auto') === 'auto') {
      const built = await ensurePagesBuilt(o.pagesRoot, log);
      for (const f of built.failed) {
        this.pagesFailed.set(f.route, f.error);
        this.alarms.raise(`page:${f.route}`, 'critical', `the ${f.route} page could not be built: ${f.error}`);
      }
    }
    this.mountHttp(log);
    this.sockets.attach();
    await new Promise<void>((res, rej) => {
      this.http.once('error', rej);
      this.http.listen(o.port ?? 0, o.host ?? '127.0.0.1', () => res());
    });
    this.url = listeningUrl(this.http, o.host ?? '127.0.0.1', o.port);
    this.pair.listening();
  }

  /** The primary (or a lone server): tokens, lighting, the journal and the clock are ours. */
  private async startPrimary(timeline: Timeline): Promise<void> {
    this.access.tokens = loadOrCreateTokens(this.stateDir, timeline.outputs.map((o) => o.id));
    // One server per state folder: its journal has one writer (and a refused second server never
    // opens the MIDI port).
    this.releaseLock = lockStateDir(this.stateDir);
    this.lastGood.own();
    // Half-written files from a server killed mid-save: ours to clear now that we hold the lock.
    const swept = sweepTempFiles([this.stateDir, this.showDir]);
    if (swept.length) this.options.log?.(`cleaned up ${swept.length} temp file(s) a stopped server left: ${swept.join(', ')}`);
    const standby = await this.pair.prepare();
    await this.showLighting.open((s) => {
      if (s.connected) this.alarms.clear('midi');
      else this.alarms.raise('midi', 'critical', s.error ?? `lighting driver ${s.driver} is not connected`);
      this.showLighting.log.pushNow();
    });
    // A standby on the primary's redis answers edges too (with nothing until it drives).
    if (standby) return this.cluster.servePrimary(this.clock);
    await this.controller.recover();
    await this.primaryOnly(true);
    this.cluster.servePrimary(this.clock);
  }

  /** MIDI in, the venue protocols and the crowd's merging run on the primary only: started on taking over, stopped on standing down. */
  private async primaryOnly(on: boolean): Promise<void> {
    const o = this.options;
    this.fans.setMerging(on);
    if (!on) return void (this.midi.close(), await this.venue?.close(), (this.venue = null));
    if (o.midiInputPort) this.midi.open(o.midiInputPort);
    if (!o.venue) return;
    this.venue = new Venue(o.venue, { controller: this.controller, lighting: o.lighting, host: o.host ?? '127.0.0.1', operatorToken: () => this.pair.operatorToken, alarms: this.alarms, clock: this.clock, log: o.log ?? (() => {}), takeOver: (from) => this.pair.takeOver(from), midiIn: this.midi, toOperators: (event, payload) => this.io.to('operator').emit(event, payload), publish: (view) => this.sockets.venue(view) });
    await this.venue.start();
  }

  private mountHttp(log: (line: string) => void): void {
    const app = this.app;
    app.disable('x-powered-by');
    mountShowApi({
      app,
      access: this.access,
      controller: this.controller,
      alarms: this.alarms,
      lighting: this.showLighting,
      showDir: this.showDir,
      clock: this.clock,
      trustProxy: this.options.trustProxy ?? false,
      health: () => ({ clients: this.sockets.clientCounts(), recovery: this.controller.recoveryNote, node: this.node, crowd: this.fans.lastFrame }),
      accessUrls: () => this.accessUrls(),
    });
    // The desk's library, score upload and vocal preview routes (before the pages' catch-alls).
    this.deskApi = registerDeskApi(app, { showDir: this.showDir, access: this.access, alarms: this.alarms, exclusive: (run) => this.controller.exclusive(run) }, operatorBody(this.access, BODY_LIMITS.upload));
    this.studio = mountStudio(app, { stateDir: this.stateDir, isOperator: (req) => identify(this.access.tokens, requestToken(req))?.role === 'operator', library: () => this.deskApi?.library ?? null, exclusive: (run) => this.controller.exclusive(run), log, toPreviewOutputs: (event, payload) => this.toPreviewOutputs(event, payload) });
    const vocals = mountVocalAudio(app, () => ({ timeline: this.controller.timeline, fingerprint: this.controller.fingerprint, showDir: this.showDir }), log, this.alarms);
    if (this.options.warmVocals) void vocals.warm();
    this.pagesClose = mountPages(app, { mode: this.options.pages ?? 'auto', http: this.http, showDir: this.showDir, stateDir: this.stateDir, repoRoot: this.options.pagesRoot, failed: this.pagesFailed });
    app.get('/', (_req, res) => {
      res.type('html').send('<!doctype html><title>holostage</title><h1>holostage</h1><p>Pages: <a href="/desk">/desk</a> (operator), <a href="/stage">/stage</a> (outputs), <a href="/live">/live</a> (fans). Each needs its token: run <code>holostage tokens</code>.</p>');
    });
    app.use('/api', apiNotFound);
    app.use(jsonErrors(log));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.controller.stop();
    this.pair.close();
    this.sockets.close();
    this.midi.close();
    await this.venue?.close();
    this.cluster.stop();
    this.fans?.stop();
    this.showLighting.stop();
    this.io.disconnectSockets(true);
    // Keep-alive connections (browsers) would hold http.close() open for ever: cut them.
    const ioClosed = new Promise<void>((res) => this.io.close(() => res()));
    this.http.closeAllConnections();
    await Promise.race([ioClosed, new Promise((res) => setTimeout(res, 2000).unref())]);
    await this.pagesClose?.().catch(() => {});
    await this.controller.close();
    this.releaseLock?.();
    await this.options.lighting.close();
    await this.redis?.close();
  }

  // ---------------------------------------------------------------- the composed parts, for tools and tests

  get tokens(): Tokens {
    return this.access.tokens;
  }
  get publicViewing(): boolean {
    return this.access.publicViewing;
  }
  get lighting(): LightingDriver {
    return this.options.lighting;
  }
  /** Studio previews go to the show's outputs of kind "preview" only. */
  private toPreviewOutputs(event: string, payload?: unknown): { defined: string[]; connected: string[] } {
    const previews = this.outputs.view().filter((o) => o.kind === 'preview');
    for (const o of previews) this.io.to(`output:${o.id}`).emit(event, payload);
    return { defined: previews.map((o) => o.id), connected: previews.filter((o) => o.connected).map((o) => o.id) };
  }

  get timeline(): Timeline {
    return this.controller.timeline;
  }
  get state(): TransportState {
    return this.controller.state;
  }
  get warnings(): string[] {
    return this.controller.warnings;
  }
  get leftOut(): LeftOutSong[] {
    return this.controller.leftOut;
  }
  get showRevision(): number {
    return this.controller.showRevision;
  }
  get recoveryNote(): string | null {
    return this.controller.recoveryNote;
  }
  /** Edge: the primary it follows. */
  get primaryName(): string | null {
    return this.cluster.primaryName;
  }
  command(cmd: TransportCommand, source: string): Promise<CommandResult> {
    return this.controller.command(cmd, source);
  }
  midiInput(bytes: readonly number[]): Promise<CommandResult> | null {
    return this.midi.receive(bytes);
  }
  snapshot(now?: number): TransportSnapshot {
    return this.controller.snapshot(now);
  }
  showSummary(): ShowSummary {
    return this.controller.showSummary();
  }
  stateView(now?: number): StateView {
    return this.controller.stateView(now);
  }
  saveSetlist(setlist: unknown, source: string): ReturnType<ShowController['saveSetlist']> {
    return this.controller.saveSetlist(setlist, source);
  }
  reloadShow(source: string): ReturnType<ShowController['reload']> {
    return this.controller.reload(source);
  }
  alarmList(): Alarm[] {
    return this.alarms.list();
  }
  outputsView(): OutputView[] {
    return this.outputs.view();
  }
  lightingView(): LightingView {
    return this.showLighting.view();
  }
  clientCounts(): Record<Role, number> {
    return this.sockets.clientCounts();
  }
  accessUrls(): { label: string; url: string }[] {
    return accessUrls(this.url, this.access.tokens, this.controller.timeline.outputs.map((o) => o.id));
  }
}

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
