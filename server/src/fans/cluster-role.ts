// This process's role in a cluster. A primary (or a lone server) owns tokens, lighting, the
// journal and the clock, and tells its edges its state on every change and every two seconds. An
// edge owns none of those: it follows the primary's transport state and clock over redis, takes
// the primary's viewer token, and compiles its own copy of the show when the primary's changes.

import type { Server as IoServer } from 'socket.io';
import { CLUSTER_EVENTS, type ClusterState, type ServerMs } from '../../../protocol/index.ts';
import type { ShowController } from '../show/controller.ts';
import { showFingerprint } from '../show/controller.ts';
import { initialState } from '../transport.ts';
import type { Tokens } from '../tokens.ts';
import { EdgeLink, servePrimary } from './cluster.ts';

/** Who may connect: the tokens and whether viewing is open (an edge takes both from its primary). */
export interface Access {
  tokens: Tokens;
  publicViewing: boolean;
}

export interface ClusterRoleOptions {
  io: IoServer;
  controller: ShowController;
  access: Access;
  node: { role: 'primary' | 'edge'; name: string };
  showDir: string;
  log: (line: string) => void;
  /** Shared with other processes over redis. */
  clustered: boolean;
  /** A whole server in a warm-standby pair: whether it drives the show now, and its term. */
  pair?: () => { mayDrive(): boolean; term: number };
}

export class ClusterRole {
  private edgeLink: EdgeLink | null = null;
  private push: ReturnType<typeof setInterval> | null = null;
  private reloading: string | null = null;
  private stopped = false;

  constructor(private readonly o: ClusterRoleOptions) {}

  /** Edge: the primary's clock as estimated over redis, once linked. */
  primaryNow(fallback: () => ServerMs): ServerMs {
    return this.edgeLink ? this.edgeLink.primaryNow() : fallback();
  }

  get primaryName(): string | null {
    return this.edgeLink?.latest?.node ?? null;
  }

  /** The primary: answer edges and keep them current. */
  servePrimary(clock: () => ServerMs): void {
    if (!this.o.clustered) return;
    servePrimary(this.o.io, clock, () => (this.driving() ? this.state() : null));
    // Edges also get the state every two seconds, so one that missed a change catches up.
    this.push = setInterval(() => this.publish(), 2000);
    this.push.unref();
  }

  /** An edge: follow the primary (resolves once its state and clock are known). */
  async follow(localClock: () => ServerMs, clock: () => ServerMs): Promise<void> {
    const c = this.o.controller;
    c.adopt(initialState(c.timeline, clock(), 0));
    this.edgeLink = new EdgeLink(this.o.io, localClock, (s) => this.onPrimaryState(s));
    await this.edgeLink.connect(15_000);
    this.o.log(`edge: following primary ${this.edgeLink.latest?.node} (clock offset ${this.edgeLink.sync.offset.toFixed(2)} ms, bound ±${this.edgeLink.sync.errorBound.toFixed(2)} ms)`);
  }

  /** A primary's change, told to the edges at once. */
  publish(): void {
    if (this.o.clustered && this.driving() && !this.stopped) this.o.io.serverSideEmit(CLUSTER_EVENTS.state, this.state());
  }

  private driving(): boolean {
    return this.o.node.role === 'primary' && (this.o.pair?.().mayDrive() ?? true);
  }

  stop(): void {
    this.stopped = true;
    if (this.push) clearInterval(this.push);
    this.edgeLink?.stop();
  }

  private state(): ClusterState {
    const c = this.o.controller;
    return { node: this.o.node.name, term: this.o.pair?.().term ?? 0, state: c.state, fingerprint: c.fingerprint, showRevision: c.showRevision, viewerToken: this.o.access.tokens.viewer, publicViewing: this.o.access.publicViewing };
  }

  /** The primary's state arrived. A different show means the primary reloaded: compile ours again. */
  private onPrimaryState(s: ClusterState): void {
    const { access, controller: c, log } = this.o;
    access.tokens = { ...access.tokens, viewer: s.viewerToken };
    access.publicViewing = s.publicViewing;
    c.adopt(s.state);
    if (s.fingerprint === c.fingerprint) {
      c.showRevision = s.showRevision;
      return;
    }
    if (this.reloading === s.fingerprint) return;
    this.reloading = s.fingerprint;
    log(`edge: the primary runs another show (${s.fingerprint}, ours ${c.fingerprint}); compiling ${this.o.showDir} again`);
    void c.compile(this.o.showDir).then((r) => {
      if (r.ok && r.timeline && showFingerprint(r.timeline) === s.fingerprint) {
        c.setTimeline(r.timeline);
        c.showRevision = this.edgeLink?.latest?.showRevision ?? c.showRevision;
        log('edge: now on the primary\'s show');
      } else log('edge: our show folder differs from the primary\'s; serve the same show folder on every node');
      this.reloading = null;
    }, (err: Error) => {
      log(`edge: compiling the show again failed: ${err.message}`);
      this.reloading = null;
    });
  }
}
