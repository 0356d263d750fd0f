// The socket adapter: admits each socket (token, role, connection budget), answers its events by
// calling the controller and the monitors, and pushes what changed to the right rooms. It decides
// nothing about the show itself.

import type { Server as IoServer, Socket } from 'socket.io';
import { EVENTS, type Alarm, type Hello, type LightingView, type OutputHealth, type Role, type ShowSummary, type TransportCommand, type TransportSnapshot, type VenueView } from '../../../protocol/index.ts';
import type { OutputSettings } from '../../../show-files/src/timeline.ts';
import { hex } from '../../../show-files/src/midi.ts';
import { clientAddress, identityKey, sanitizeHealth, type ClientBudgets } from '../budgets.ts';
import type { ShowController } from '../show/controller.ts';
import type { AlarmBoard } from '../show/alarms.ts';
import type { OutputMonitor } from '../show/outputs.ts';
import type { ShowLighting } from '../lighting/show-lighting.ts';
import type { FanHub } from '../fans/hub.ts';
import type { Access } from '../fans/cluster-role.ts';
import { identify, type Identity } from '../tokens.ts';
import { carriedToken, forbiddenFor } from './auth.ts';
import { directFrames } from '../fans/direct-frames.ts';

/** The desk's output list is pushed at most this often for health reports. */
const OUTPUTS_PUSH_MS = 250;

export interface SocketAdapterDeps {
  io: IoServer;
  access: Access;
  budgets: ClientBudgets;
  controller: ShowController;
  alarms: AlarmBoard;
  outputs: OutputMonitor;
  lighting: ShowLighting;
  fans: () => FanHub;
  clock: () => number;
  trustProxy: boolean;
  /** Why this server turns an identity away (a standby sends outputs and viewers to its primary), or null. */
  refuse?: (identity: Identity) => string | null;
}

type Reply = (reply: unknown) => void;
const replyOf = (ack: unknown): Reply => (typeof ack === 'function' ? (ack as Reply) : () => {});

export class SocketAdapter {
  private outputsPushTimer: ReturnType<typeof setTimeout> | null = null;
  private outputsPushedAt = 0;
  private closed = false;

  constructor(private readonly d: SocketAdapterDeps) {}

  // ---------------------------------------------------------------- what the show tells clients

  /** `local`: this server's own clients only (a standby's mirrored state, never the cluster's). */
  transport(snapshot: TransportSnapshot, local = false): void {
    (local ? this.d.io.local : this.d.io).emit(EVENTS.transport, snapshot);
  }

  showLoaded(summary: ShowSummary): void {
    this.d.io.emit(EVENTS.showLoaded, summary);
  }

  alarms(list: readonly Alarm[]): void {
    this.d.io.local.to('operator').emit(EVENTS.alarms, list);
  }

  lighting(view: LightingView): void {
    this.d.io.local.to('operator').emit(EVENTS.lighting, view);
  }

  /** The venue protocols' status (OSC, Art-Net, sACN, MTC) for the desk's panel. */
  venue(view: VenueView): void {
    this.d.io.local.to('operator').emit(EVENTS.venue, view);
  }

  pushOutputs(): void {
    this.outputsPushedAt = performance.now();
    this.d.io.local.to('operator').emit(EVENTS.outputs, this.d.outputs.view());
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

  /** Open sockets per output (a stage page's clock-sync worker socket counts once with its page). */
  connections(): Map<string, number> {
    const connections = new Map<string, number>();
    for (const s of this.d.io.of('/').sockets.values()) {
      const id = (s.data as { identity?: Identity }).identity;
      if (s.handshake.query.purpose === 'clock') continue;
      if (id?.role === 'output' && id.outputId) connections.set(id.outputId, (connections.get(id.outputId) ?? 0) + 1);
    }
    return connections;
  }

  clientCounts(): Record<Role, number> {
    const counts: Record<Role, number> = { operator: 0, output: 0, viewer: 0 };
    for (const s of this.d.io.of('/').sockets.values()) {
      const id = (s.data as { identity?: Identity }).identity;
      if (id) counts[id.role]++;
    }
    return counts;
  }

  close(): void {
    this.closed = true;
    if (this.outputsPushTimer) clearTimeout(this.outputsPushTimer);
  }

  // ---------------------------------------------------------------- admission and events

  attach(): void {
    const { io, access, budgets } = this.d;
    io.use((socket, next) => {
      const { auth, headers, query } = socket.handshake;
      const token = carriedToken({ auth: (auth as { token?: unknown } | undefined)?.token, authorization: headers.authorization, query: query.token });
      // A public show lets anyone in as a viewer (an open link); a token given must still be valid.
      const open = access.publicViewing && (token === undefined || token === '');
      const identity = open ? { role: 'viewer' as const } : identify(access.tokens, token);
      if (!identity) return next(new Error('unauthorized: missing or unknown token'));
      const refused = this.d.refuse?.(identity);
      if (refused) return next(new Error(refused));
      const address = clientAddress(socket.handshake.address, socket.handshake.headers['x-forwarded-for'], this.d.trustProxy);
      const key = identityKey(identity.role, identity.outputId, address);
      if (!budgets.admit(key, identity.role)) return next(new Error(`too many connections for this ${identity.role === 'viewer' ? 'address' : 'token'}`));
      Object.assign(socket.data as object, { identity, address, budgetKey: key });
      next();
    });
    io.on('connection', (socket) => this.onConnection(socket));
  }

  private onConnection(socket: Socket): void {
    const { controller: c, outputs, alarms, lighting, clock } = this.d;
    const { identity, address, budgetKey } = socket.data as { identity: Identity; address: string; budgetKey: string };
    const { role, outputId } = identity;
    // Every event passes its budget (rate and size, per socket and per identity) before any handler.
    this.d.budgets.guard(socket, budgetKey);
    void socket.join(role);
    // Viewers only: they are the thousands; desks and outputs keep socket.io's own path.
    if (role === 'viewer' && process.env.HOLOSTAGE_DIRECT_FRAMES !== '0') directFrames(socket);
    if (outputId) void socket.join(`output:${outputId}`);
    this.d.fans().attach(socket, role, address);
    const operatorOnly = (ack: unknown, what: string): Reply | null => {
      const reply = replyOf(ack);
      if (role === 'operator') return reply;
      reply(forbiddenFor(role, what));
      return null;
    };

    // Clock sync first: it is the hot path, answered with the server time on arrival.
    socket.on(EVENTS.clockPing, (_clientTime: unknown, ack: unknown) => {
      if (typeof ack === 'function') ack(clock());
    });
    const hello: Hello = {
      role,
      outputId: outputId ?? null,
      serverTime: clock(),
      transport: c.snapshot(),
      show: c.showSummary(),
      settings: outputId ? outputs.settingsOf(outputId) : null,
      ...(role === 'operator' ? { outputs: outputs.view(), lighting: lighting.view(), alarms: alarms.current } : {}),
    };
    socket.emit(EVENTS.hello, hello);
    socket.on(EVENTS.snapshot, (ack: unknown) => replyOf(ack)(c.snapshot()));
    socket.on(EVENTS.timeline, (ack: unknown) => replyOf(ack)({ revision: c.showRevision, timeline: c.timeline }));

    socket.on(EVENTS.command, (cmd: unknown, ack: unknown) => {
      const reply = operatorOnly(ack, 'move the show');
      if (!reply) return;
      if (!cmd || typeof cmd !== 'object' || typeof (cmd as { command?: unknown }).command !== 'string') return reply({ ok: false, error: 'expected { command: "go" | "hold" | ... }' });
      const x = cmd as TransportCommand;
      if ((x.command as string) === 'load') return void c.reload('desk').then((r) => reply(r.ok ? { ok: true, state: c.snapshot() } : r));
      void c.command({ command: x.command, entry: x.entry, time: x.time }, 'desk').then(reply);
    });
    socket.on(EVENTS.setlistSave, (payload: unknown, ack: unknown) => {
      const reply = operatorOnly(ack, 'edit the setlist');
      if (reply) void c.saveSetlist((payload as { setlist?: unknown } | null)?.setlist, 'desk').then(reply, (err: Error) => reply({ ok: false, error: err.message }));
    });
    socket.on(EVENTS.outputSettings, (payload: unknown, ack: unknown) => {
      const reply = operatorOnly(ack, 'change output settings');
      if (!reply) return;
      const p = payload as { id?: unknown; settings?: unknown } | null;
      const changed = p?.settings && typeof p.settings === 'object' ? outputs.changeSettings(p.id, p.settings as Partial<OutputSettings>) : null;
      if (!changed) return reply({ ok: false, error: `unknown output "${String(p?.id)}" or missing settings` });
      this.d.io.to(`output:${changed.id}`).emit(EVENTS.outputSettings, changed.settings);
      this.pushOutputs();
      reply({ ok: true, settings: changed.settings });
    });
    socket.on(EVENTS.outputHealth, (raw: unknown) => {
      if (role !== 'output' || !outputId) return;
      // Only the known fields, checked, go on to the desk (and at most a few times a second).
      const health = sanitizeHealth(raw) as OutputHealth | null;
      if (!health) return;
      outputs.report(outputId, health);
      this.pushOutputsSoon();
    });
    socket.on(EVENTS.lightingTest, (payload: unknown, ack: unknown) => {
      const reply = operatorOnly(ack, 'fire lighting cues');
      if (!reply) return;
      const p = payload as { song?: unknown; cue?: unknown } | null;
      const event = c.timeline.songs[Number(p?.song)]?.tracks.lighting.find((e) => e.cue === Number(p?.cue));
      if (!event) return reply({ ok: false, error: `no lighting cue ${String(p?.cue)} in song ${String(p?.song)}` });
      const delivered = lighting.send(event.bytes, `test ${event.label}`);
      reply({ ok: delivered, bytes: hex(event.bytes), ...(delivered ? {} : { error: lighting.driver.status().error ?? 'not delivered' }) });
    });
    socket.on(EVENTS.alarmAck, (id: unknown, ack: unknown) => {
      const reply = operatorOnly(ack, 'acknowledge alarms');
      if (reply) reply({ ok: alarms.acknowledge(Number(id)) });
    });

    if (role === 'output' && outputId) {
      outputs.connected(outputId);
      this.pushOutputs();
    }
    socket.on('disconnect', () => {
      if (role !== 'output' || !outputId || this.closed) return;
      outputs.disconnected(outputId);
      this.pushOutputs();
    });
  }
}
