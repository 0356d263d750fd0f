// The moving parts of the fans benchmarks: server processes (bench/fans-node.ts), viewer processes
// (bench/fans-viewers.ts) and the desk that moves the show, plus the arithmetic on what they
// measured. Every part runs in a process of its own, so the bench process itself only steers.

import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { io as connectIo, type Socket } from 'socket.io-client';
import { EVENTS, type TransportCommand } from '../protocol/index.ts';
import type { NodeStats } from './fans-node.ts';
import type { ClientKind, ClientLoad, Target, ViewerCommand, ViewerReport } from './fans-viewers.ts';

const repoRoot = join(import.meta.dirname, '..');
const runTs = join(repoRoot, 'bin/run-ts.js');

export interface ServerNode {
  proc: ChildProcess;
  url: string;
  viewer: string;
  operator: string;
  stats: () => Promise<NodeStats>;
}

/** A show server in its own process; `--redis URL`, `--edge`, `--soak` as bench/fans-node.ts takes them. */
export async function startNode(extra: string[] = [], o: { execArgv?: string[]; env?: Record<string, string> } = {}): Promise<ServerNode> {
  const proc = fork(runTs, [join(repoRoot, 'bench/fans-node.ts'), ...extra], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe', 'ipc'], execArgv: o.execArgv ?? [], env: { ...process.env, ...o.env } });
  let out = '';
  let err = '';
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const info = await new Promise<Omit<ServerNode, 'proc' | 'stats'>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`bench node did not start:\n${err}`)), 60_000);
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) {
        clearTimeout(timer);
        resolve(JSON.parse(line) as Omit<ServerNode, 'proc' | 'stats'>);
      }
    });
    proc.once('exit', (code) => reject(new Error(`bench node exited ${code}:\n${err}`)));
  });
  const stats = (): Promise<NodeStats> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('bench node did not answer stats in 60 s')), 60_000);
      const on = (m: { type: string; stats?: NodeStats }): void => {
        if (m.type !== 'stats') return;
        clearTimeout(timer);
        proc.off('message', on);
        resolve(m.stats!);
      };
      proc.on('message', on);
      proc.send({ type: 'stats' });
    });
  return { proc, ...info, stats };
}

export function stopProcess(proc: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
    proc.once('exit', () => resolve());
    proc.kill('SIGTERM');
    setTimeout(() => proc.kill('SIGKILL'), 5000).unref();
  });
}

/** Viewers spread over `processes` child processes; the pool speaks to all of them at once. */
export class ViewerPool {
  private constructor(private readonly procs: ChildProcess[]) {}

  static async start(processes: number): Promise<ViewerPool> {
    const procs = await Promise.all(
      Array.from({ length: processes }, () =>
        new Promise<ChildProcess>((resolve, reject) => {
          const proc = fork(runTs, [join(repoRoot, 'bench/fans-viewers.ts')], { cwd: repoRoot, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
          proc.once('message', (m: ViewerReport) => (m.type === 'ready' ? resolve(proc) : reject(new Error(`viewer process said ${m.type}`))));
          proc.once('exit', (code) => reject(new Error(`viewer process exited ${code}`)));
        }),
      ),
    );
    for (const p of procs) p.removeAllListeners('exit');
    return new ViewerPool(procs);
  }

  private ask<T extends ViewerReport['type']>(cmd: ViewerCommand, answer: T, timeoutMs = 120_000): Promise<Extract<ViewerReport, { type: T }>[]> {
    return Promise.all(
      this.procs.map(
        (p) =>
          new Promise<Extract<ViewerReport, { type: T }>>((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error(`viewer process did not answer ${cmd.type} in ${timeoutMs} ms`)), timeoutMs);
            const on = (m: ViewerReport): void => {
              if (m.type !== answer) return;
              clearTimeout(timer);
              p.off('message', on);
              resolve(m as Extract<ViewerReport, { type: T }>);
            };
            p.on('message', on);
            p.send(cmd);
          }),
      ),
    );
  }

  private tell(cmd: ViewerCommand): void {
    for (const p of this.procs) p.send(cmd);
  }

  /** Connect `count` viewers (split evenly), each process round robin over the targets. */
  async connect(targets: Target[], count: number, client: ClientKind = 'wire'): Promise<{ connected: number; seconds: number }> {
    const share = Math.ceil(count / this.procs.length);
    const replies = await Promise.all(
      this.procs.map((p, i) => {
        const n = Math.max(0, Math.min(share, count - i * share));
        return new Promise<Extract<ViewerReport, { type: 'connected' }>>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error('viewers did not connect in 180 s')), 180_000);
          const on = (m: ViewerReport): void => {
            if (m.type !== 'connected') return;
            clearTimeout(timer);
            p.off('message', on);
            resolve(m);
          };
          p.on('message', on);
          // Ids keep the processes' viewers apart (and so their addresses); targets rotate by id.
          p.send({ type: 'connect', targets, count: n, firstId: i * 1_000_000 + i, client } satisfies ViewerCommand);
        });
      }),
    );
    return { connected: replies.reduce((a, r) => a + r.connected, 0), seconds: Math.max(...replies.map((r) => r.seconds)) };
  }

  measure(on: boolean): void {
    this.tell({ type: 'measure', on });
  }

  churn(leavePerSecond: number, cheersPerSecond: number): void {
    const n = this.procs.length;
    this.tell({ type: 'churn', leavePerSecond: leavePerSecond / n, cheersPerSecond: cheersPerSecond / n });
  }

  /** The latencies every process gathered since the last collect, merged by transport revision. */
  async collect(): Promise<{ byRevision: Map<number, number[]>; connected: number; joined: number; left: number; cheers: number; errors: number; dropped: Record<string, number>; loads: ClientLoad[] }> {
    const replies = await this.ask({ type: 'collect' }, 'latencies');
    const byRevision = new Map<number, number[]>();
    for (const r of replies) {
      for (const [rev, list] of Object.entries(r.byRevision)) {
        const all = byRevision.get(Number(rev));
        if (all) all.push(...list);
        else byRevision.set(Number(rev), list);
      }
    }
    const sum = (k: 'connected' | 'joined' | 'left' | 'cheers' | 'errors'): number => replies.reduce((a, r) => a + r[k], 0);
    const dropped: Record<string, number> = {};
    for (const r of replies) for (const [why, n] of Object.entries(r.dropped)) dropped[why] = (dropped[why] ?? 0) + n;
    return { byRevision, connected: sum('connected'), joined: sum('joined'), left: sum('left'), cheers: sum('cheers'), errors: sum('errors'), dropped, loads: replies.map((r) => r.load) };
  }

  async close(): Promise<void> {
    await this.ask({ type: 'close' }, 'closed', 30_000).catch(() => {});
    await Promise.all(this.procs.map(stopProcess));
  }
}

/** The operator's desk: sends transport commands and waits for their acknowledgement. */
export async function openDesk(node: ServerNode): Promise<{ command: (c: TransportCommand) => Promise<{ ok: boolean; error?: string } | null>; close: () => void }> {
  const desk: Socket = connectIo(node.url, { auth: { token: node.operator }, transports: ['websocket'], forceNew: true, reconnection: false });
  await new Promise((r) => desk.once('hello', r));
  return {
    command: async (c) => {
      try {
        return (await desk.timeout(20_000).emitWithAck(EVENTS.command, c)) as { ok: boolean; error?: string };
      } catch {
        return null; // not even acknowledged within 20 s: overloaded
      }
    },
    close: () => desk.close(),
  };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export interface LatencySummary {
  received: number;
  p50: number;
  p99: number;
  max: number;
  /** p99 of (latency − the first viewer's latency for the same change): the fan-out alone. */
  fanoutP99: number;
  /** Median over changes of the first viewer's latency: the server's delay before it sends. */
  serverDelayMedian: number;
  /** Median over changes of the last viewer's latency: how long a typical change takes to reach everyone. */
  lastViewerMedian: number;
}

export function summarize(byRevision: Map<number, number[]>): LatencySummary {
  const all = [...byRevision.values()].flat().sort((a, b) => a - b);
  const firsts: number[] = [];
  const lasts: number[] = [];
  const spread: number[] = [];
  for (const list of byRevision.values()) {
    let first = Infinity;
    let last = -Infinity;
    for (const x of list) {
      first = Math.min(first, x);
      last = Math.max(last, x);
    }
    firsts.push(first);
    lasts.push(last);
    for (const x of list) spread.push(x - first);
  }
  firsts.sort((a, b) => a - b);
  lasts.sort((a, b) => a - b);
  spread.sort((a, b) => a - b);
  return { received: all.length, p50: percentile(all, 50), p99: percentile(all, 99), max: all.at(-1) ?? NaN, fanoutP99: percentile(spread, 99), serverDelayMedian: percentile(firsts, 50), lastViewerMedian: percentile(lasts, 50) };
}

export const ms = (x: number): string => `${x.toFixed(1)} ms`;

/**
 * How long this process was kept from running while the probe ran: a 10 ms timer's lateness,
 * largest and total over 20 ms. On a shared virtual machine a process can be held off its core
 * for a hundred milliseconds and more whatever its priority; such a stall during a walk lands in
 * that change's latencies, and the probe says whether one happened.
 */
export function stallProbe(): { stop: () => { max: number; over20: number } } {
  let max = 0;
  let over20 = 0;
  let due = performance.now() + 10;
  const timer = setInterval(() => {
    const late = performance.now() - due;
    max = Math.max(max, late);
    if (late > 20) over20 += late;
    due = performance.now() + 10;
  }, 10);
  return {
    stop: () => {
      clearInterval(timer);
      return { max, over20 };
    },
  };
}
export const wait = (msec: number): Promise<void> => new Promise((r) => setTimeout(r, msec));
