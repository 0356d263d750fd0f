// Cheers on one real server: viewers wave, the server aggregates per 100 ms and broadcasts the
// crowd to everyone (desk and stage outputs included); cheers are validated and rate limited per
// connection; viewers can never move the show; a public show admits viewers without a token.
import { afterEach, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import type { ShowServer } from '../../server/src/server.ts';
import { EVENTS, type CommandResult, type TransportSnapshot, CROWD_EVENTS, type CrowdFrame } from '../../protocol/index.ts';
import { connect, emitAck, getJson, once, post, startTestServer, waitUntil } from '../server/helpers.ts';
import { makeTimeline } from '../server/fixtures.ts';

let server: ShowServer | null = null;
const sockets: Socket[] = [];

afterEach(async () => {
  for (const s of sockets.splice(0)) s.close();
  await server?.close();
  server = null;
});

/** Each socket from its own loopback address, as each fan's phone has its own (fans are counted per address). */
function open(token: string | undefined): Socket {
  const s = connect(server!.url, token, { localAddress: `127.0.0.${10 + sockets.length}` });
  sockets.push(s);
  return s;
}

/** Collects crowd frames a socket receives. */
function crowdLog(s: Socket): CrowdFrame[] {
  const frames: CrowdFrame[] = [];
  s.on(CROWD_EVENTS.crowd, (f: CrowdFrame) => frames.push(f));
  return frames;
}

describe('penlights on one server', () => {
  it('aggregates cheers from all viewers into one crowd frame that the desk and the outputs get', async () => {
    ({ server } = await startTestServer(makeTimeline([{ title: 'A', length: 60 }])));
    const desk = open(server.tokens.operator);
    const output = open(server.tokens.outputs.main);
    const deskFrames = crowdLog(desk);
    const outputFrames = crowdLog(output);
    await Promise.all([once(desk, 'hello'), once(output, 'hello')]);
    const viewers = Array.from({ length: 5 }, () => open(server!.tokens.viewer));
    await Promise.all(viewers.map((v) => once(v, 'hello')));
    await waitUntil(() => deskFrames.at(-1)?.viewers === 5, 5000, 'the desk to count 5 viewers');

    const viewerFrames = crowdLog(viewers[1]!);
    const colours = ['cyan', 'cyan', 'cyan', 'pink', 'yellow'];
    const acks = await Promise.all(viewers.map((v, i) => emitAck<{ ok: boolean }>(v, CROWD_EVENTS.cheer, { colour: colours[i], waves: 2 })));
    expect(acks.every((a) => a.ok)).toBe(true);
    const withWaves = await waitUntil(() => {
      const total = deskFrames.reduce((n, f) => n + f.waves, 0);
      return total >= 10 ? deskFrames : null;
    }, 5000, 'the 10 waves to arrive in crowd frames');
    expect(withWaves.reduce((n, f) => n + f.waves, 0)).toBe(10);
    const last = deskFrames.at(-1)!;
    expect(last.viewers).toBe(5);
    expect(last.holding).toBe(5);
    expect(last.colours.map((c) => [c.colour, c.fans])).toEqual([['cyan', 3], ['pink', 1], ['yellow', 1]]);
    expect(Math.max(...deskFrames.map((f) => f.energy))).toBeGreaterThan(0);
    // The stage outputs get the very same frames.
    await waitUntil(() => outputFrames.reduce((n, f) => n + f.waves, 0) === 10, 3000, 'the stage output to get the same crowd');
    expect(outputFrames.find((f) => f.waves > 0)).toEqual(deskFrames.find((f) => f.waves > 0));
    // Frames are at least a window apart.
    const times = deskFrames.map((f) => f.serverTime);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(90);

    // Viewers get the crowd too, but at most twice a second (it is most of their traffic).
    await waitUntil(() => viewerFrames.some((f) => f.holding === 5), 3000, 'the viewers to see the crowd');
    const vt = viewerFrames.map((f) => f.serverTime);
    for (let i = 1; i < vt.length; i++) expect(vt[i]! - vt[i - 1]!).toBeGreaterThanOrEqual(490);

    const health = await getJson(`${server.url}/api/health`);
    expect((health.json.crowd as CrowdFrame).viewers).toBe(5);
    expect((health.json.clients as { viewer: number }).viewer).toBe(5);

    viewers[0]!.close();
    await waitUntil(() => deskFrames.at(-1)?.viewers === 4, 5000, 'the count to drop when a viewer leaves');
  });

  it('refuses invalid cheers and cheers beyond the rate limit, per connection', async () => {
    ({ server } = await startTestServer(makeTimeline([{ title: 'A', length: 60 }]), { cheerRate: 1, cheerBurst: 5 }));
    const desk = open(server.tokens.operator);
    const frames = crowdLog(desk);
    await once(desk, 'hello');
    const flooder = open(server.tokens.viewer);
    const calm = open(server.tokens.viewer);
    await Promise.all([once(flooder, 'hello'), once(calm, 'hello')]);

    const bad = await Promise.all([
      emitAck<{ ok: boolean; error?: string }>(flooder, CROWD_EVENTS.cheer, { colour: 'plaid' }),
      emitAck<{ ok: boolean; error?: string }>(flooder, CROWD_EVENTS.cheer, { colour: 'cyan', waves: 1000 }),
      emitAck<{ ok: boolean; error?: string }>(flooder, CROWD_EVENTS.cheer, 'cyan'),
    ]);
    expect(bad.map((b) => b.ok)).toEqual([false, false, false]);
    expect(bad[0]!.error).toMatch(/colour must be one of/);
    expect(bad[1]!.error).toMatch(/waves must be/);

    // 40 cheers at once: the bucket (5, less the 3 invalid ones already spent, plus 1 a second
    // refilled) lets only a few through.
    const floodStart = Date.now();
    const flood = await Promise.all(Array.from({ length: 40 }, () => emitAck<{ ok: boolean; error?: string }>(flooder, CROWD_EVENTS.cheer, { colour: 'red' })));
    const passed = flood.filter((r) => r.ok).length;
    expect(passed).toBeGreaterThanOrEqual(1);
    expect(passed).toBeLessThanOrEqual(2 + Math.ceil((Date.now() - floodStart + 500) / 1000));
    expect(flood.filter((r) => !r.ok).every((r) => /rate limited/.test(r.error!))).toBe(true);
    // The other viewer is not affected by the flooder's limit.
    const calmAck = await emitAck<{ ok: boolean }>(calm, CROWD_EVENTS.cheer, { colour: 'green' });
    expect(calmAck.ok).toBe(true);
    await waitUntil(() => frames.reduce((n, f) => n + f.waves, 0) === passed + 1 && frames.some((f) => f.refused > 0), 5000, 'the crowd to count only accepted waves');
    expect(frames.reduce((n, f) => n + f.refused, 0)).toBe(3 + 40 - passed);
    expect(server.fans.accepted).toBe(passed + 1);

    // The operator and outputs do not cheer.
    const deskCheer = await emitAck<{ ok: boolean; error: string }>(desk, CROWD_EVENTS.cheer, { colour: 'cyan' });
    expect(deskCheer).toEqual({ ok: false, error: expect.stringMatching(/only viewers cheer/) });
  });

  it('a viewer can never move the show, whatever it sends', async () => {
    ({ server } = await startTestServer(makeTimeline([{ title: 'A', length: 60 }])));
    const viewer = open(server.tokens.viewer);
    const hello = await once<{ transport: TransportSnapshot; role: string }>(viewer, 'hello');
    expect(hello.role).toBe('viewer');
    for (const command of ['go', 'seek', 'panic', 'load', 'next']) {
      const r = await emitAck<CommandResult>(viewer, EVENTS.command, { command, entry: 0, time: 10 });
      expect(r.ok).toBe(false);
    }
    const setlist = await emitAck<{ ok: boolean }>(viewer, EVENTS.setlistSave, { setlist: [] });
    expect(setlist.ok).toBe(false);
    const settings = await emitAck<{ ok: boolean }>(viewer, EVENTS.outputSettings, { id: 'main', settings: { gain: 0 } });
    expect(settings.ok).toBe(false);
    expect((await post(`${server.url}/api/transport/go`, server.tokens.viewer)).status).toBe(403);
    const state = await getJson(`${server.url}/api/state`);
    expect(state.json.mode).toBe('stopped');
    expect(state.json.revision).toBe(hello.transport.revision);
  });

  it('a private show refuses a viewer without a token; a public show admits one as a viewer only', async () => {
    ({ server } = await startTestServer(makeTimeline([{ title: 'A', length: 60 }])));
    await expect(once(open(undefined), 'hello')).rejects.toThrow(/unauthorized/);
    expect((await getJson(`${server.url}/api/timeline`)).status).toBe(401);
    await server.close();

    ({ server } = await startTestServer(makeTimeline([{ title: 'A', length: 60 }]), { publicViewing: true }));
    const anon = open(undefined);
    const hello = await once<{ role: string }>(anon, 'hello');
    expect(hello.role).toBe('viewer');
    expect((await getJson(`${server.url}/api/timeline`)).status).toBe(200);
    expect((await emitAck<CommandResult>(anon, EVENTS.command, { command: 'go' })).ok).toBe(false);
    expect((await emitAck<{ ok: boolean }>(anon, CROWD_EVENTS.cheer, { colour: 'white' })).ok).toBe(true);
    // A wrong token is still refused, public or not.
    await expect(once(open('not-a-token'), 'hello')).rejects.toThrow(/unauthorized/);
  });
});
