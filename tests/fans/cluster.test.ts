// Scale-out on a real engine: a redis-server started here, a primary `holostage serve --redis` and
// an edge `holostage serve --redis --edge` (both real child processes, same show). Viewers on the
// edge see the operator's GO on the primary in step with the clock; both answer GET /api/state
// alike; cheers from both arrive in one aggregate.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connectIo, type Socket } from 'socket.io-client';
import { ClockSync, ClockSyncLoop, CROWD_EVENTS, type CrowdFrame } from '../../protocol/index.ts';
import { EVENTS, showTimeAt, type TransportSnapshot } from '../../protocol/index.ts';
import { freePort, startRedisServer, type RedisProcess } from '../../server/src/fans/redis-process.ts';
import { copyDemoShow, emitAck, getJson, post, serveUntilExit, tempDir, waitUntil } from '../server/helpers.ts';

const repoRoot = join(import.meta.dirname, '../..');

interface Child {
  proc: ChildProcess;
  output: () => string;
}

async function serve(args: string[]): Promise<Child> {
  const proc = spawn(process.execPath, [join(repoRoot, 'bin/holostage.js'), 'serve', ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  await waitUntil(() => out.includes('fan viewer') || proc.exitCode !== null, 60_000, 'the server to start');
  if (proc.exitCode !== null) throw new Error(`serve exited ${proc.exitCode}:\n${out}`);
  return { proc, output: () => out };
}

function stop(child: Child | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (!child || child.proc.exitCode !== null || child.proc.signalCode !== null) return resolve();
    child.proc.once('exit', () => resolve());
    child.proc.kill('SIGTERM');
  });
}

/** A viewer as the browser runs it: socket, synced clock, latest transport snapshot, crowd frames. */
interface TestViewer {
  socket: Socket;
  clock: ClockSync;
  loop: ClockSyncLoop;
  snapshot: TransportSnapshot | null;
  crowd: CrowdFrame[];
  showTime: () => number;
}

function viewer(url: string, token: string): TestViewer {
  const socket = connectIo(url, { auth: { token }, transports: ['websocket'], forceNew: true, reconnection: false });
  const clock = new ClockSync({ now: () => performance.now() });
  const loop = new ClockSyncLoop(clock, socket, { burst: 24, intervalMs: 100 });
  const v: TestViewer = {
    socket, clock, loop, snapshot: null, crowd: [],
    showTime: () => (v.snapshot ? showTimeAt(v.snapshot, clock.serverNow()) : NaN),
  };
  const take = (s: TransportSnapshot): void => {
    if (!v.snapshot || s.revision >= v.snapshot.revision) v.snapshot = s;
  };
  socket.on('hello', (h: { transport: TransportSnapshot }) => take(h.transport));
  socket.on(EVENTS.transport, take);
  socket.on(CROWD_EVENTS.crowd, (f: CrowdFrame) => v.crowd.push(f));
  socket.on('connect', () => loop.start());
  return v;
}

describe('two server processes sharing one redis', { timeout: 120_000 }, () => {
  let redis: RedisProcess;
  let primary: Child;
  let edge: Child;
  let primaryUrl: string;
  let edgeUrl: string;
  let operator: string;
  let viewerToken: string;
  const viewers: TestViewer[] = [];

  beforeAll(async () => {
    redis = await startRedisServer();
    const showDir = copyDemoShow();
    const stateDir = join(tempDir(), 'state');
    const [p1, p2] = [await freePort(), await freePort()];
    primaryUrl = `http://127.0.0.1:${p1}`;
    edgeUrl = `http://127.0.0.1:${p2}`;
    primary = await serve(['--show', showDir, '--port', String(p1), '--state', stateDir, '--midi', 'null', '--no-pages', '--redis', redis.url, '--go-guard', '0']);
    edge = await serve(['--show', showDir, '--port', String(p2), '--state', join(tempDir(), 'edge-state'), '--no-pages', '--redis', redis.url, '--edge']);
    const tokens = JSON.parse(readFileSync(join(stateDir, 'tokens.json'), 'utf8')) as { operator: string; viewer: string };
    operator = tokens.operator;
    viewerToken = tokens.viewer;
  }, 120_000);

  afterAll(async () => {
    for (const v of viewers) {
      v.loop.stop();
      v.socket.close();
    }
    await stop(edge);
    await stop(primary);
    await redis?.stop();
  });

  it('the edge admits viewers with the primary\'s viewer token, and only viewers', async () => {
    expect(edge.output()).toContain(`/live?token=${viewerToken}`);
    expect(edge.output()).toMatch(/edge of primary-/);
    const health = await getJson(`${edgeUrl}/api/health`);
    expect((health.json.node as { role: string }).role).toBe('edge');
    // The operator's token means nothing on an edge: no transport there.
    expect((await post(`${edgeUrl}/api/transport/go`, operator)).status).toBe(401);
    const refused = connectIo(edgeUrl, { auth: { token: operator }, transports: ['websocket'], forceNew: true, reconnection: false });
    const err = await new Promise<Error>((resolve) => refused.once('connect_error', resolve));
    expect(err.message).toMatch(/unauthorized/);
    refused.close();
  });

  it('viewers on the edge see the operator\'s GO on the primary, in step with the clock; both answer /api/state alike', async () => {
    const onEdge = [viewer(edgeUrl, viewerToken), viewer(edgeUrl, viewerToken)];
    const onPrimary = viewer(primaryUrl, viewerToken);
    viewers.push(...onEdge, onPrimary);
    await waitUntil(() => viewers.every((v) => v.snapshot && v.clock.totalSamples >= 16), 20_000, 'viewers synced');
    const before = viewers.map((v) => v.snapshot!.revision);

    const desk = connectIo(primaryUrl, { auth: { token: operator }, transports: ['websocket'], forceNew: true, reconnection: false });
    await new Promise((r) => desk.once('hello', r));
    const go = await emitAck<{ ok: boolean; state: TransportSnapshot }>(desk, EVENTS.command, { command: 'go' });
    expect(go.ok).toBe(true);
    await waitUntil(() => viewers.every((v, i) => v.snapshot!.revision > before[i]! && v.snapshot!.playing), 10_000, 'every viewer to get the GO');
    for (const v of viewers) expect(v.snapshot).toEqual(go.state);

    // Everyone renders the same show time at the same instant (all clocks estimate the primary's).
    await new Promise((r) => setTimeout(r, 500));
    for (let k = 0; k < 5; k++) {
      const times = viewers.map((v) => v.showTime());
      const spread = Math.max(...times) - Math.min(...times);
      expect(spread).toBeLessThan(0.03);
      expect(times[0]).toBeGreaterThan(0.4);
      await new Promise((r) => setTimeout(r, 100));
    }

    // GET /api/state: the same state from both processes (show time moves on between the calls).
    const [a, b] = await Promise.all([getJson(`${primaryUrl}/api/state`), getJson(`${edgeUrl}/api/state`)]);
    for (const key of ['playing', 'mode', 'waiting', 'entryIndex', 'entryTitle', 'songDuration', 'showDuration', 'holdAt', 'revision', 'showRevision']) {
      expect(b.json[key], key).toEqual(a.json[key]);
    }
    const at = (s: Record<string, unknown>) => (s.showTime as number) - (s.serverTime as number) / 1000;
    expect(Math.abs(at(a.json) - at(b.json))).toBeLessThan(0.03);

    // HOLD on the primary: the edge's viewers stop at the same show time.
    const hold = await emitAck<{ ok: boolean; state: TransportSnapshot }>(desk, EVENTS.command, { command: 'hold' });
    expect(hold.ok).toBe(true);
    await waitUntil(() => onEdge.every((v) => v.snapshot!.revision === hold.state.revision), 10_000, 'the HOLD on the edge');
    for (const v of onEdge) expect(v.showTime()).toBe(hold.state.showTime);
    await waitUntil(async () => (await getJson(`${edgeUrl}/api/state`)).json.mode === 'held', 5000, 'the edge state to follow');
    desk.close();
  });

  it('cheers from viewers on both processes arrive in one aggregate, seen by the desk and by every viewer', async () => {
    const desk = connectIo(primaryUrl, { auth: { token: operator }, transports: ['websocket'], forceNew: true, reconnection: false });
    const frames: CrowdFrame[] = [];
    desk.on(CROWD_EVENTS.crowd, (f: CrowdFrame) => frames.push(f));
    await new Promise((r) => desk.once('hello', r));
    await waitUntil(() => frames.at(-1)?.viewers === 3 && frames.at(-1)?.nodes === 2, 10_000, 'the desk to count the viewers of both nodes');

    const [e1, e2, p] = viewers;
    const acks = await Promise.all([
      emitAck<{ ok: boolean }>(e1!.socket, CROWD_EVENTS.cheer, { colour: 'purple', waves: 3 }),
      emitAck<{ ok: boolean }>(e2!.socket, CROWD_EVENTS.cheer, { colour: 'purple', waves: 1 }),
      emitAck<{ ok: boolean }>(p!.socket, CROWD_EVENTS.cheer, { colour: 'orange', waves: 2 }),
    ]);
    expect(acks.every((a) => a.ok)).toBe(true);
    await waitUntil(() => frames.reduce((n, f) => n + f.waves, 0) === 6, 10_000, 'all six waves in the aggregate');
    const last = await waitUntil(() => {
      const f = frames.at(-1)!;
      return f.holding === 3 ? f : null;
    }, 5000, 'three fans holding lights');
    expect(last.viewers).toBe(3);
    expect(last.nodes).toBe(2);
    expect(last.colours.map((c) => [c.colour, c.fans])).toEqual([['purple', 2], ['orange', 1]]);
    // Viewers on the edge get the crowd too (through redis; viewers at most twice a second).
    await waitUntil(() => e1!.crowd.some((f) => f.holding === 3 && f.viewers === 3 && f.nodes === 2), 5000, 'the edge viewers to see the crowd');
    desk.close();
  });
});

describe('serve --redis / --edge refusals', { timeout: 60_000 }, () => {

  it('an edge without --redis is a usage error; an unreachable redis stops the start with the reason', async () => {
    const noRedis = await serveUntilExit(['--edge', '--no-pages', '--port', '0']);
    expect(noRedis.code).toBe(2);
    expect(noRedis.out).toMatch(/--edge needs --redis/);
    const port = await freePort(); // nothing listens there
    const unreachable = await serveUntilExit(['--show', copyDemoShow(), '--no-pages', '--midi', 'null', '--port', '0', '--state', join(tempDir(), 's'), '--redis', `redis://127.0.0.1:${port}`]);
    expect(unreachable.code).toBe(1);
    expect(unreachable.out).toMatch(/cannot reach redis at redis:\/\/127\.0\.0\.1:\d+ \(.*ECONNREFUSED/);
  });
});
