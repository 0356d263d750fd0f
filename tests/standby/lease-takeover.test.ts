// An operator's take over on one redis while the pair's link is cut (real servers in this process,
// lighting into recorders, a real redis-server): the standby cannot ask the primary over the link,
// so it leaves a take-over request in redis; the primary's next renewal finds it, the primary
// stands down at once and lets its lease run out, and the standby takes the lease with the next
// epoch. At no point do both drive the lighting, nor merge the crowd (the desk would see two
// crowds in turn, the standby's without the primary's viewers).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { ShowServer } from '../../server/src/server.ts';
import type { RecorderDriver } from '../../server/src/lighting/recorder-driver.ts';
import { startRedisServer, type RedisProcess } from '../../server/src/fans/redis-process.ts';
import type { Socket } from 'socket.io-client';
import { CROWD_EVENTS, type CrowdFrame } from '../../protocol/index.ts';
import { connect, copyDemoShow, sleep, startTestServer, tempDir, waitUntil } from '../server/helpers.ts';
import { cuttableProxy, type CuttableProxy } from './proxy.ts';

interface Running {
  server: ShowServer;
  recorder: RecorderDriver;
}

const cues = (r: RecorderDriver): string[] => r.messages.filter((m) => m.label && !m.label.startsWith('chase ')).map((m) => m.label!);

describe('an operator\'s take over on one redis during a cut link', { timeout: 120_000 }, () => {
  let redis: RedisProcess;
  let a: Running;
  let b: Running;
  let proxy: CuttableProxy;
  const sockets: Socket[] = [];
  /** The pair's tokens, as the first server made them (a server that stood down keeps only their hashes). */
  let tokens: { operator: string; viewer: string };

  /**
   * A desk and one viewer on `url`; once the desk counts the viewer, the crowd frames it gets over
   * 4.5 s (unchanged crowds are re-sent every 2 s by a merging node: two rounds of every merger).
   */
  async function crowdSeenBy(url: string): Promise<CrowdFrame[]> {
    const frames: CrowdFrame[] = [];
    const desk = connect(url, tokens.operator);
    sockets.push(desk, connect(url, tokens.viewer));
    desk.on(CROWD_EVENTS.crowd, (f: CrowdFrame) => frames.push(f));
    await waitUntil(() => frames.some((f) => f.viewers === 1), 10_000, `the desk on ${url} to see its viewer`);
    const from = frames.length;
    await sleep(4500);
    return frames.slice(from);
  }

  /** One merger: every frame counts the viewer, in one rising sequence. */
  function expectOneCrowd(seen: CrowdFrame[]): void {
    expect(seen.length).toBeGreaterThanOrEqual(2);
    expect(seen.map((f) => f.viewers)).toEqual(seen.map(() => 1));
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.seq).toBeGreaterThan(seen[i - 1]!.seq);
  }

  beforeAll(async () => {
    redis = await startRedisServer();
    a = await startTestServer(undefined, { showDir: copyDemoShow(), stateDir: join(tempDir(), 'state'), redisUrl: redis.url });
    tokens = { operator: a.server.tokens.operator, viewer: a.server.tokens.viewer };
    proxy = await cuttableProxy(Number(new URL(a.server.url).port));
    b = await startTestServer(undefined, { showDir: copyDemoShow(), stateDir: join(tempDir(), 'state'), redisUrl: redis.url, standby: { of: `http://127.0.0.1:${proxy.port}/desk?token=${a.server.tokens.operator}` } });
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await b?.server.close();
    await a?.server.close();
    await proxy?.close();
    await redis?.stop();
  });

  it('only the lease holder merges the crowd: the desk sees one crowd, with the holder\'s viewer in it', async () => {
    expectOneCrowd(await crowdSeenBy(a.server.url));
    expect([a.server.fans.merging, b.server.fans.merging]).toEqual([true, false]);
  });

  it('the holder gives the lease up at its next renewal and stands down; the standby takes it (epoch 2) and drives alone', async () => {
    expect(a.server.pair.view().lease).toMatchObject({ held: true, epoch: 1 });
    expect((await a.server.command({ command: 'seek', entry: 0, time: 20 }, 'test')).ok).toBe(true);
    expect((await a.server.command({ command: 'go' }, 'test')).ok).toBe(true);
    await waitUntil(() => b.server.state.mode === 'playing', 5000, 'the standby mirroring GO');
    proxy.cut(true);
    await waitUntil(() => b.server.alarmList().some((x) => x.key === 'standby:link' && x.active), 20_000, 'the standby to see the link down');
    expect(b.server.pair.role).toBe('standby');

    // Meanwhile the standby's watch keeps trying on its own, refused while the primary renews the
    // lease. An operator's take over that meets one of those attempts in flight waits it out and
    // makes its own (it once answered with the watch's refusal: 409 on a busy machine).
    const watchOwn = b.server.pair.promote('the watch, in the test', false);
    const forced = await b.server.pair.takeOver('the API');
    expect((await watchOwn).ok).toBe(false);
    expect(forced.ok, JSON.stringify(forced)).toBe(true);
    expect(forced.ok && forced.note).toMatch(/took over .* \(term 2\)/);
    expect(b.server.pair.role).toBe('primary');
    expect(b.server.pair.view().lease).toMatchObject({ held: true, epoch: 2 });
    // The old holder stood down before the standby could get the lease, and says why.
    expect(a.server.pair.role).toBe('standby');
    expect(a.server.alarmList().find((x) => x.key === 'standby:lease')?.message).toMatch(/lost the primary lease \(an operator's take over on .* asked this server to give up the lease\) and stood down/);
    const sentByOld = a.recorder.messages.length;
    // The new holder chases the rig's state once and fires the next cue (37.5 s); the old one nothing more.
    await waitUntil(() => b.recorder.messages.some((m) => m.label?.startsWith('chase ')), 5000, 'the new primary to chase');
    await waitUntil(() => cues(b.recorder).includes('interlude sweep'), 30_000, 'the new primary to fire the next cue');
    expect(a.recorder.messages.length).toBe(sentByOld);
    expect(await a.server.command({ command: 'stop' }, 'test')).toMatchObject({ ok: false });
    proxy.cut(false);

    // The crowd is merged by the new holder now; the old one, a standby on the same redis, sends none of its own.
    expect([a.server.fans.merging, b.server.fans.merging]).toEqual([false, true]);
    expectOneCrowd(await crowdSeenBy(b.server.url));
  });
});
