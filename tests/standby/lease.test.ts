// The primary lease in redis, on a real redis-server: the lease itself (one holder, a rising
// epoch, renewal, expiry of a dead holder, an operator's take-over request), then two real
// `holostage serve` processes sharing that redis as a warm-standby pair. The replication link
// between them runs through a proxy that can drop its traffic: with the link cut and both servers
// reaching redis, only the lease holder drives the lighting; the holder killed with SIGKILL, the
// other takes the lease and plays on; started again, the old holder stays standby; frozen
// (SIGSTOP) past its lease, a holder sends nothing when it wakes. An edge on the same redis
// follows whichever server holds the lease.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createClient } from 'redis';
import type { Alarm } from '../../protocol/index.ts';
import { startRedisServer, type RedisProcess } from '../../server/src/fans/redis-process.ts';
import { PrimaryLease, parseHolder, DEFAULT_LEASE_KEY, type LeaseHolder } from '../../server/src/standby/lease.ts';
import { connect, getJson, post, waitUntil } from '../server/helpers.ts';
import { kill, pairView, side, startServe, type ServeProcess, type Side } from './pair-process.ts';
import { cuttableProxy, type CuttableProxy } from './proxy.ts';

let redis: RedisProcess;
let peek: ReturnType<typeof createClient>;
const holderNow = async (): Promise<LeaseHolder | null> => parseHolder(await peek.get(DEFAULT_LEASE_KEY));

beforeAll(async () => {
  redis = await startRedisServer();
  peek = createClient({ url: redis.url });
  await peek.connect();
});
afterAll(async () => {
  await peek?.quit();
  await redis?.stop();
});

describe('the primary lease in redis', { timeout: 60_000 }, () => {
  const leases: PrimaryLease[] = [];
  const lost: { node: string; why: string }[] = [];
  const lease = async (node: string, ttlMs = 600): Promise<PrimaryLease> => {
    const l = new PrimaryLease({ url: redis.url, key: 'test:lease', node, selfUrl: () => `http://${node}.test:3000`, ttlMs, log: () => {}, onLost: (why) => lost.push({ node, why }) });
    await l.connect();
    leases.push(l);
    return l;
  };
  afterAll(async () => {
    for (const l of leases) await l.close().catch(() => {});
  });

  it('one holder at a time; renewed past its time to live; a dead holder\'s lease runs out and goes to the next with a higher epoch', async () => {
    const a = await lease('a');
    const b = await lease('b');
    const first = await a.tryAcquire(1);
    expect(first).toEqual({ acquired: true, holder: { epoch: 1, node: 'a', url: 'http://a.test:3000' } });
    expect(await b.tryAcquire(1)).toEqual({ acquired: false, holder: { epoch: 1, node: 'a', url: 'http://a.test:3000' } });
    expect(a.holds()).toBe(true);
    expect(b.holds()).toBe(false);
    // Renewed: still a's after three times its time to live (redis's own clock expires keys).
    const until = performance.now() + 1800;
    await waitUntil(() => performance.now() > until, 5000, 'three times the ttl');
    expect(a.holds()).toBe(true);
    expect(await b.tryAcquire(1)).toMatchObject({ acquired: false, holder: { node: 'a' } });
    // a dies without letting go (its client gone): the lease runs out and b gets it, epoch 2.
    await a.close();
    const got = await waitUntil(async () => ((await b.tryAcquire(1)).acquired ? b.held : null), 10_000, 'b to get the lease');
    expect(got).toEqual({ epoch: 2, node: 'b', url: 'http://b.test:3000' });
    // The epoch never goes below a floor the pair already knows (terms from before redis).
    await b.release();
    const c = await lease('c');
    expect((await c.tryAcquire(7)).holder?.epoch).toBe(7);
    await c.release();
    expect((await b.tryAcquire(1)).holder?.epoch).toBe(8);
    await b.release();
  });

  it('a take-over request lets the holder\'s lease run out: the holder gives up at once, the asker gets it', async () => {
    const holder = await lease('h');
    const asker = await lease('k');
    expect((await holder.tryAcquire(1)).acquired).toBe(true);
    expect(await asker.requestTakeOver()).toBe(true);
    await waitUntil(() => lost.some((l) => l.node === 'h'), 10_000, 'the holder to give up');
    expect(lost.find((l) => l.node === 'h')!.why).toMatch(/take over on k/);
    expect(holder.holds()).toBe(false);
    const got = await waitUntil(async () => ((await asker.tryAcquire(1)).acquired ? asker.held : null), 10_000, 'the asker to get the lease');
    expect(got?.node).toBe('k');
    await asker.release();
  });

  it('a holder that finds another value in redis (its lease was given away) loses it at the next renewal', async () => {
    const x = await lease('x');
    expect((await x.tryAcquire(1)).acquired).toBe(true);
    await peek.set('test:lease', `99 intruder http://intruder.test:3000`, { PX: 5000 });
    await waitUntil(() => lost.some((l) => l.node === 'x'), 10_000, 'x to see it lost the lease');
    expect(lost.find((l) => l.node === 'x')!.why).toMatch(/held by another server \(99 intruder/);
    expect(x.holds()).toBe(false);
    await peek.del('test:lease');
  });
});

describe('two servers on one redis: the lease decides which one drives', { timeout: 300_000 }, () => {
  let a: Side;
  let b: Side;
  let primary: ServeProcess | undefined;
  let standby: ServeProcess | undefined;
  let restarted: ServeProcess | undefined;
  let edge: ServeProcess | undefined;
  let edgeUrl: string;
  let proxy: CuttableProxy;
  let operator: string;
  let standbyAlarms: Alarm[] = [];
  let desk: ReturnType<typeof connect> | undefined;

  const lighting = async (url: string): Promise<{ label: string }[]> => ((await getJson(`${url}/api/lighting`, operator)).json as { recent: { label: string }[] }).recent;
  const fired = async (url: string, label: string): Promise<boolean> => (await lighting(url)).some((m) => m.label === label);
  const revision = async (url: string): Promise<number> => (await getJson(`${url}/api/state`, operator)).json.revision as number;
  /** The edge on the same redis follows the server that holds the lease. */
  const edgeFollows = (url: string): Promise<true> => waitUntil(async () => (await revision(edgeUrl)) === (await revision(url)) || null, 20_000, `the edge to follow ${url}`);

  beforeAll(async () => {
    a = await side(false);
    b = await side(false);
    a.args.push('--redis', redis.url);
    primary = await startServe(a.args);
    operator = (JSON.parse(readFileSync(join(a.stateDir, 'tokens.json'), 'utf8')) as { operator: string }).operator;
    // The standby dials its primary through the proxy (the replication link); redis it reaches directly.
    proxy = await cuttableProxy(a.port);
    b.args.push('--redis', redis.url, '--standby-of', `http://127.0.0.1:${proxy.port}/desk?token=${operator}`);
    standby = await startServe(b.args, /standby of/);
    // An edge serving viewers on the same redis: it follows whichever server drives.
    const e = await side(false);
    edgeUrl = e.url;
    edge = await startServe(['--show', e.showDir, '--port', String(e.port), '--state', e.stateDir, '--no-pages', '--redis', redis.url, '--edge'], /fan viewer/);
    desk = connect(b.url, operator, { reconnection: true });
    desk.on('hello', (h: { alarms?: Alarm[] }) => (standbyAlarms = h.alarms ?? standbyAlarms));
    desk.on('alarms', (list: Alarm[]) => (standbyAlarms = list));
  }, 240_000); // three server processes: slow to start on a busy machine
  afterAll(async () => {
    desk?.close();
    await kill(primary);
    await kill(standby);
    await kill(restarted);
    await kill(edge);
    await proxy?.close();
  });

  // The lease's epoch, as last seen. A renewal missed on a loaded machine lets the lease lapse and
  // the holder take it again with the next epoch, so the tests compare epochs, never count them.
  let epoch = 0;

  it('the primary holds the lease (epoch 1 or later); the standby follows it', async () => {
    const view = await waitUntil(() => pairView(a.url, operator), 10_000, 'the primary\'s pair view');
    expect(view.self.role).toBe('primary');
    expect(view.lease).toMatchObject({ held: true });
    expect((await pairView(b.url, operator))?.self.role).toBe('standby');
    const holder = await waitUntil(async () => ((await holderNow())?.url === a.url ? holderNow() : null), 10_000, 'the lease to name the primary\'s address');
    expect(holder.epoch).toBeGreaterThanOrEqual(1);
    epoch = holder.epoch;
  });

  it('partition: the link cut, both reaching redis: the standby does not take over, only the lease holder fires cues', async () => {
    expect((await post(`${a.url}/api/transport/seek`, operator, { entry: 0, time: 20 })).status).toBe(200);
    expect((await post(`${a.url}/api/transport/go`, operator)).status).toBe(200);
    await waitUntil(async () => (await getJson(`${b.url}/api/state`, operator)).json.mode === 'playing', 10_000, 'the standby mirroring GO');
    proxy.cut(true);
    // The standby hears nothing, tries the lease, finds it held and renewed, and says so.
    const alarm = await waitUntil(() => standbyAlarms.find((x) => x.key === 'standby:link' && x.active), 30_000, 'the standby\'s link alarm');
    expect(alarm.message).toMatch(/still holds the primary lease in redis \(epoch \d+\): not taking over/);
    await waitUntil(() => fired(a.url, 'chorus'), 20_000, 'the lease holder to fire the chorus (22.5 s) during the partition');
    await edgeFollows(a.url);
    expect((await pairView(b.url, operator))?.self.role).toBe('standby');
    expect((await pairView(a.url, operator))?.self.role).toBe('primary');
    expect(await lighting(b.url)).toEqual([]);
    const holder = await holderNow();
    expect(holder).toMatchObject({ url: a.url });
    expect(holder!.epoch).toBeGreaterThanOrEqual(epoch);
    epoch = holder!.epoch;

    // Healed: the standby mirrors again; still one primary.
    proxy.cut(false);
    await waitUntil(() => !standbyAlarms.some((x) => x.key === 'standby:link' && x.active), 30_000, 'the link alarm to clear');
    await waitUntil(async () => (await pairView(b.url, operator))?.peer?.live === true, 15_000, 'the standby hearing the primary again');
    expect((await pairView(b.url, operator))?.self.role).toBe('standby');
    expect(await lighting(b.url)).toEqual([]);
  });

  it('the lease holder killed (SIGKILL): the standby takes the lease (a higher epoch) and plays on; the old one, started again, stays standby', async () => {
    await kill(primary, 'SIGKILL');
    primary = undefined;
    const promoted = await waitUntil(async () => {
      const view = await pairView(b.url, operator);
      return view?.self.role === 'primary' && (await getJson(`${b.url}/api/state`, operator)).json.mode === 'playing' ? view : null;
    }, 30_000, 'the standby to take the lease and play');
    expect(promoted.self.term).toBeGreaterThan(epoch);
    expect(promoted.lease).toMatchObject({ held: true, epoch: promoted.self.term });
    epoch = promoted.self.term;
    const holder = await waitUntil(async () => ((await holderNow())?.url === b.url ? holderNow() : null), 10_000, 'the lease to name the new primary');
    expect(holder.epoch).toBeGreaterThanOrEqual(epoch);
    epoch = holder.epoch;
    // It sent the rig's state once, then fires the next cue itself.
    await waitUntil(async () => (await lighting(b.url)).some((m) => m.label.startsWith('chase ')), 10_000, 'the new primary to chase the lighting state');
    await waitUntil(() => fired(b.url, 'interlude sweep'), 30_000, 'the new primary to fire the next cue (37.5 s)');
    await edgeFollows(b.url);

    // Started again with its old command line (no --standby-of): the lease is held, so it follows the holder.
    restarted = await startServe(a.args, /standby of/);
    const back = await waitUntil(async () => {
      const v = await pairView(a.url, operator);
      return v?.peer?.live ? v : null;
    }, 30_000, 'the old primary following the new one');
    expect(back.self).toMatchObject({ role: 'standby' });
    expect(back.self.term).toBeGreaterThanOrEqual(epoch);
    expect(back.peer).toMatchObject({ url: b.url, role: 'primary' });
    await waitUntil(async () => (await pairView(b.url, operator))?.peer?.live === true, 30_000, 'the new primary to see its standby');
    // It stays standby while the show runs on: the holder fires its next cue, the returned one nothing.
    const cues = async (): Promise<number> => (await lighting(b.url)).filter((m) => !m.label.startsWith('chase ')).length;
    const firedBefore = await cues();
    await waitUntil(async () => (await cues()) > firedBefore, 60_000, 'the primary to fire a later cue');
    expect((await pairView(a.url, operator))?.self.role).toBe('standby');
    expect(await lighting(a.url)).toEqual([]);
    const after = await holderNow();
    expect(after).toMatchObject({ url: b.url });
    epoch = after!.epoch;
  });

  it('fencing: the holder frozen (SIGSTOP) past its lease: the other takes over (a higher epoch); woken, the frozen one sends nothing, stands down and says so', async () => {
    // b holds the lease and drives; a follows it directly. Freeze b as a long GC pause would.
    const frozenLog = JSON.stringify(await lighting(b.url));
    standby!.proc.kill('SIGSTOP');
    try {
      const promoted = await waitUntil(async () => {
        const view = await pairView(a.url, operator);
        return view?.self.role === 'primary' ? view : null;
      }, 30_000, 'a to take the lease from the frozen holder');
      expect(promoted.lease).toMatchObject({ held: true });
      expect(promoted.lease!.epoch).toBeGreaterThan(epoch);
      epoch = promoted.lease!.epoch;
      // A cue comes due while b is frozen: a fires it (b's plan held it too, and would send it late on waking).
      await waitUntil(async () => (await lighting(a.url)).some((m) => !m.label.startsWith('chase ')), 60_000, 'the new holder to fire a cue while b is frozen');
    } finally {
      standby!.proc.kill('SIGCONT');
    }
    // Woken: b finds its lease gone (fenced: its lighting thread drops what came due), stands down and follows a.
    const down = await waitUntil(async () => {
      const view = await pairView(b.url, operator);
      return view?.self.role === 'standby' && view.peer?.live ? view : null;
    }, 30_000, 'b to stand down and follow a');
    expect(down.self.term).toBeGreaterThanOrEqual(epoch);
    expect(down.lease).toMatchObject({ held: false });
    expect(JSON.stringify(await lighting(b.url))).toBe(frozenLog);
    const holder = await holderNow();
    expect(holder).toMatchObject({ url: a.url });
    epoch = holder!.epoch;
    await edgeFollows(a.url);
    // It says so: a desk alarm and its log.
    const bDesk = connect(b.url, operator);
    const hello = await new Promise<{ alarms?: Alarm[] }>((resolve) => bDesk.once('hello', resolve));
    bDesk.close();
    expect(hello.alarms?.find((x) => x.key === 'standby:lease')?.message).toMatch(/lost the primary lease .* and stood down; following http/);
    expect(standby!.output()).toMatch(/lease: lost: /);
  });

  it('an operator\'s take over on the standby: the holder stands down and gives the lease up, the standby takes it (a higher epoch)', async () => {
    const r = await post(`${b.url}/api/standby/take-over`, operator);
    expect(r.status).toBe(200);
    const term = Number(/took over .* \(term (\d+)\)/.exec(String(r.json.note))?.[1]);
    expect(term).toBeGreaterThan(epoch);
    expect((await pairView(b.url, operator))?.lease).toMatchObject({ held: true });
    expect((await pairView(b.url, operator))!.lease!.epoch).toBeGreaterThanOrEqual(term);
    await waitUntil(async () => (await pairView(a.url, operator))?.self.role === 'standby', 10_000, 'a to stand down');
    expect(await holderNow()).toMatchObject({ url: b.url });
    expect((await holderNow())!.epoch).toBeGreaterThanOrEqual(term);
    expect((await getJson(`${b.url}/api/state`, operator)).json.mode).toBe('playing');
  });
});
