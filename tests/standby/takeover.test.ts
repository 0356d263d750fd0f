// Warm standby with both servers alive (real servers on loopback, real socket.io clients, lighting
// into recorders): what the standby mirrors (transport, setlist, token hashes), an operator's take
// over from either side (desk key, HTTP API), and a network partition of the replication link:
// the standby hears no heartbeat but the primary still answers, so only one server ever drives
// the lighting and the outputs.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { STANDBY_EVENTS, type TakeOverResult } from '../../protocol/index.ts';
import { ShowLink } from '../../client/show-link.ts';
import type { ShowServer } from '../../server/src/server.ts';
import type { RecorderDriver } from '../../server/src/lighting/recorder-driver.ts';
import { tokenHash } from '../../server/src/tokens.ts';
import { connect, copyDemoShow, emitAck, once, post, startTestServer, tempDir, waitUntil } from '../server/helpers.ts';
import { OscTestClient } from '../venue/osc-client.ts';
import { cuttableProxy } from './proxy.ts';

interface Running {
  server: ShowServer;
  recorder: RecorderDriver;
}

async function startPrimary(): Promise<Running> {
  return startTestServer(undefined, { showDir: copyDemoShow(), stateDir: join(tempDir(), 'state'), venue: { osc: { port: 0 } } });
}

async function startStandby(primaryUrl: string, operator: string): Promise<Running> {
  return startTestServer(undefined, { showDir: copyDemoShow(), stateDir: join(tempDir(), 'state'), standby: { of: `${primaryUrl}/desk?token=${operator}` }, venue: { osc: { port: 0 } } });
}

const fired = (r: RecorderDriver, label: string): boolean => r.messages.some((m) => m.label === label);
const chases = (r: RecorderDriver): string[] => r.messages.filter((m) => m.label?.startsWith('chase ')).map((m) => m.label!);

describe('warm standby with both servers alive', { timeout: 120_000 }, () => {
  let a: Running;
  let b: Running;
  let operator: string;
  let viewer: ShowLink;

  beforeAll(async () => {
    a = await startPrimary();
    operator = a.server.tokens.operator;
    b = await startStandby(a.server.url, operator);
    viewer = new ShowLink({ url: a.server.url, token: a.server.tokens.viewer });
  });
  afterAll(async () => {
    viewer?.socket.close();
    await b?.server.close();
    await a?.server.close();
  });

  it('mirrors the transport, the setlist and the tokens (as hashes), and sends outputs and viewers to the primary', async () => {
    expect(a.server.pair.role).toBe('primary');
    expect(b.server.pair.role).toBe('standby');
    // The standby knows the tokens only as SHA-256 hashes, and they are the primary's.
    const t = b.server.tokens;
    expect(t.operator).toBe('');
    expect(t.hashes).toEqual({ operator: tokenHash(operator), viewer: tokenHash(a.server.tokens.viewer), outputs: Object.fromEntries(Object.entries(a.server.tokens.outputs).map(([id, x]) => [id, tokenHash(x)])) });

    // A setlist saved on the primary is written into the standby's show folder: the same show on both.
    const setlist = JSON.parse(readFileSync(join(a.server.showDir, 'show.json'), 'utf8')).setlist as unknown[];
    const saved = await a.server.saveSetlist([setlist[0], setlist[2], setlist[1], setlist[3]], 'test');
    if (!saved.ok) throw new Error(JSON.stringify(saved));
    await waitUntil(() => b.server.controller.fingerprint === a.server.controller.fingerprint, 30_000, 'the standby on the primary\'s new show');
    expect(JSON.parse(readFileSync(join(b.server.showDir, 'show.json'), 'utf8')).setlist).toEqual(JSON.parse(readFileSync(join(a.server.showDir, 'show.json'), 'utf8')).setlist);
    expect(b.server.showRevision).toBe(a.server.showRevision);

    expect((await a.server.command({ command: 'seek', entry: 0, time: 35 }, 'test')).ok).toBe(true);
    expect((await a.server.command({ command: 'go' }, 'test')).ok).toBe(true);
    await waitUntil(() => b.server.state.mode === 'playing' && b.server.state.revision === a.server.state.revision, 5000, 'the standby mirroring GO');
    // The same transport: both give the same show time for the same instant (one clock read, since a
    // loaded machine can let a millisecond pass between two).
    const at = a.server.clock();
    expect(b.server.snapshot(at).showTime).toBeCloseTo(a.server.snapshot(at).showTime, 6);

    // The standby refuses to move the show, and turns viewers away toward the primary; its desk may connect.
    expect((await post(`${b.server.url}/api/transport/stop`, operator)).json.error).toMatch(/^standby:/);
    const fan = connect(b.server.url, a.server.tokens.viewer);
    const refused = await new Promise<Error>((r) => fan.once('connect_error', r));
    expect(refused.message).toBe(`standby: this server is the standby; the show is on ${a.server.url}`);
    fan.close();
    const desk = connect(b.server.url, operator);
    expect((await once<{ role: string }>(desk, 'hello')).role).toBe('operator');
    desk.close();
    expect(b.recorder.messages).toEqual([]);
  });

  it('the primary desk\'s take over hands the show to the standby: the old one stops, the new one chases once and plays on', async () => {
    await waitUntil(() => viewer.connected && viewer.failover.paired && viewer.snapshot?.playing, 10_000, 'the viewer on the primary');
    const desk = connect(a.server.url, operator);
    await once(desk, 'hello');
    const before = viewer.snapshot!;
    const result = await emitAck<TakeOverResult>(desk, STANDBY_EVENTS.takeOver, null);
    desk.close();
    expect(result).toMatchObject({ ok: true, note: expect.stringMatching(/^handed the show over to .* \(term 1\)$/) });
    // The primary answers once it has stood down; by then it fires nothing more.
    expect(a.server.pair.role).toBe('standby');
    const oldSent = a.recorder.messages.length;
    await waitUntil(() => b.server.pair.role === 'primary', 5000, 'the standby to take over');
    expect(b.server.pair.term).toBe(1);

    // The new primary sent the rig's state once, then fires the next cue (37.5 s) itself.
    await waitUntil(() => chases(b.recorder).length > 0, 5000, 'the new primary to chase the lighting state');
    expect(new Set(chases(b.recorder)).size).toBe(chases(b.recorder).length);
    await waitUntil(() => fired(b.recorder, 'interlude sweep'), 10_000, 'the new primary to fire the next cue');
    expect(a.recorder.messages.length).toBe(oldSent);
    expect(fired(a.recorder, 'interlude sweep')).toBe(false);

    // The viewer moved over by itself, on the same show time.
    await waitUntil(() => viewer.connected && viewer.failover.current === b.server.url && viewer.snapshot!.revision > before.revision, 15_000, 'the viewer on the new primary');
    const now = b.server.clock();
    expect(Math.abs(viewer.snapshot!.showTime + (now - viewer.snapshot!.serverTime) / 1000 - (before.showTime + (now - before.serverTime) / 1000))).toBeLessThan(1 / 60);
    await waitUntil(() => a.server.pair.view().peer?.live === true, 10_000, 'the old primary following the new one');
  });

  it('the API takes the show back: the standby (the old primary) takes over with the next term', async () => {
    const r = await post(`${a.server.url}/api/standby/take-over`, operator);
    expect(r.status).toBe(200);
    expect(r.json.note).toMatch(/took over .* \(term 2\)/);
    expect(a.server.pair.role).toBe('primary');
    await waitUntil(() => b.server.pair.role === 'standby', 5000, 'the other to stand down');
    expect(b.server.state.mode).toBe('playing');
    expect(a.server.state.mode).toBe('playing');
    await waitUntil(() => viewer.connected && viewer.failover.current === a.server.url, 15_000, 'the viewer back on the first server');
    // The next hand-over needs a standby to hand to: under load, re-following can still be under way.
    await waitUntil(() => b.server.pair.view().note.startsWith('mirroring') && (a.server.pair.view().silentMs ?? Infinity) < 1000, 10_000, 'the other following the first server again');
    // Only the operator may ask.
    const refused = await post(`${b.server.url}/api/standby/take-over`, 'not-a-token');
    expect(refused.status).toBe(401);
  });

  it('OSC /holostage/takeover on the primary hands the show to the standby (the venue protocols move with it)', async () => {
    expect(b.server.venue).toBeNull();
    const osc = await OscTestClient.open(a.server.venue!.osc!.status().port!);
    try {
      expect(await osc.ask('/connect', [operator])).toMatchObject({ status: 'ok' });
      // The primary may wait up to 3 s for its standby's answer (three hand-over timeouts): a
      // loaded machine can use them, so the client waits longer than the server does.
      const reply = await osc.ask('/holostage/takeover', [], 10_000);
      expect(reply).toMatchObject({ address: '/holostage/takeover', status: 'ok', data: { note: expect.stringMatching(/^handed the show over to .* \(term 3\)$/) } });
    } finally {
      osc.close();
    }
    await waitUntil(() => b.server.pair.role === 'primary' && b.server.venue?.osc?.status().listening, 5000, 'the standby to take over with its OSC');
    expect(a.server.pair.role).toBe('standby');
    expect(a.server.venue).toBeNull();
  });
});

describe('warm standby: a network partition of the replication link', { timeout: 120_000 }, () => {
  let a: Running;
  let b: Running;
  let proxy: Awaited<ReturnType<typeof cuttableProxy>>;

  beforeAll(async () => {
    a = await startPrimary();
    proxy = await cuttableProxy(Number(new URL(a.server.url).port));
    b = await startStandby(`http://127.0.0.1:${proxy.port}`, a.server.tokens.operator);
  });
  afterAll(async () => {
    await b?.server.close();
    await a?.server.close();
    await proxy?.close();
  });

  it('heartbeat lost, both alive: the standby does not take over, only the primary drives the lighting', async () => {
    expect((await a.server.command({ command: 'seek', entry: 0, time: 20 }, 'test')).ok).toBe(true);
    expect((await a.server.command({ command: 'go' }, 'test')).ok).toBe(true);
    await waitUntil(() => b.server.state.mode === 'playing', 5000, 'the standby mirroring GO');
    proxy.cut(true);
    // The standby notices the silence, asks the primary on its own address, and stays standby.
    await waitUntil(() => b.server.alarmList().some((x) => x.key === 'standby:link' && x.active), 20_000, 'the standby to raise the link alarm');
    expect(b.server.alarmList().find((x) => x.key === 'standby:link')!.message).toMatch(/the primary still answers: not taking over/);
    await waitUntil(() => fired(a.recorder, 'chorus'), 10_000, 'the primary to fire the chorus (22.5 s) during the partition');
    expect(b.server.pair.role).toBe('standby');
    expect(a.server.pair.role).toBe('primary');
    expect(b.recorder.messages).toEqual([]);
    const fan = connect(b.server.url, a.server.tokens.viewer);
    expect((await new Promise<Error>((r) => fan.once('connect_error', r))).message).toMatch(/^standby:/);
    fan.close();

    // The link heals: the standby mirrors again and the alarm clears.
    proxy.cut(false);
    await waitUntil(() => !b.server.alarmList().some((x) => x.key === 'standby:link' && x.active), 20_000, 'the link alarm to clear');
    await waitUntil(() => b.server.pair.view().peer?.live === true, 10_000, 'the standby hearing the primary again');
    expect(b.server.pair.role).toBe('standby');
    expect(b.recorder.messages).toEqual([]);
  });

  it('an operator forces a take over while the link is cut: the old primary finds the higher term and stands down', async () => {
    proxy.cut(true);
    await waitUntil(() => b.server.alarmList().some((x) => x.key === 'standby:link' && x.active), 20_000, 'the standby to see the link down');
    // The standby cannot ask the primary to stand down over the cut link: it takes over anyway (term 1).
    const forced = await post(`${b.server.url}/api/standby/take-over`, a.server.tokens.operator);
    expect(forced.status).toBe(200);
    expect(b.server.pair.role).toBe('primary');
    expect(b.server.pair.term).toBe(1);
    // The old primary asks its peer on its own address, sees a primary with a higher term, and stands down.
    await waitUntil(() => a.server.pair.role === 'standby', 10_000, 'the old primary to stand down');
    const sentByOld = a.recorder.messages.length;
    expect(a.server.alarmList().find((x) => x.key === 'standby:role')?.message).toMatch(/another primary with term 1 was found/);
    await waitUntil(() => a.server.pair.view().peer?.live === true && a.server.state.revision === b.server.state.revision, 10_000, 'the old primary mirroring the new one');
    await waitUntil(() => fired(b.recorder, 'interlude sweep'), 30_000, 'the new primary to fire the next cue (37.5 s)');
    expect(a.recorder.messages.length).toBe(sentByOld);
    proxy.cut(false);
  });
});
