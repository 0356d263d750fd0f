// OSC remote control over real UDP on 127.0.0.1: QLab-style addresses through the controller's
// gate, replies and pushed updates decoded by the test's own OSC decoder, passcodes, and bad input.

import { afterEach, describe, expect, it } from 'vitest';
import type { ShowServer, ShowServerOptions } from '../../server/src/server.ts';
import { makeTimeline } from '../server/fixtures.ts';
import { sleep, startTestServer, waitUntil } from '../server/helpers.ts';
import { connect as connectTcp } from 'node:net';
import { decodeOsc, oscBundle, oscPacket, OscTestClient } from './osc-client.ts';

const timeline = makeTimeline([
  { title: 'Opening', length: 20 },
  { title: 'Second', length: 30 },
  { title: 'Encore', length: 10 },
]);

let server: ShowServer | null = null;
const clients: OscTestClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await server?.close();
  server = null;
});

async function start(osc: NonNullable<ShowServerOptions['venue']>['osc'] = { port: 0 }): Promise<{ server: ShowServer; client: () => Promise<OscTestClient> }> {
  const started = await startTestServer(timeline, { venue: { osc } });
  server = started.server;
  const port = server.venue!.osc!.status().port!;
  return {
    server,
    client: async () => {
      const c = await OscTestClient.open(port);
      clients.push(c);
      return c;
    },
  };
}

describe('OSC server (UDP)', () => {
  it('/go from a connected operator plays the show and the reply arrives', async () => {
    const { server, client } = await start();
    const c = await client();
    const connected = await c.ask('/connect', [server.tokens.operator]);
    expect(connected).toMatchObject({ address: '/connect', status: 'ok', data: { role: 'operator' } });
    const go = await c.ask('/go');
    expect(go.address).toBe('/go');
    expect(go.status).toBe('ok');
    expect(go.data).toMatchObject({ mode: 'playing', playing: true, entryIndex: 0 });
    expect(server.state.mode).toBe('playing');
    // The double-GO guard holds for OSC as for every other input.
    const again = await c.ask('/go');
    expect(again.status).toBe('error');
    expect(again.data.error).toMatch(/GO ignored/);
    expect(server.snapshot().entryIndex).toBe(0);
  });

  it('without /connect, or with a wrong passcode, OSC is read-only', async () => {
    const { server, client } = await start({ port: 0, passcode: 'stage-left' });
    const c = await client();
    const denied = await c.ask('/go');
    expect(denied).toMatchObject({ address: '/go', status: 'denied' });
    expect(denied.data.error).toMatch(/read-only/);
    expect((await c.ask('/connect', ['wrong'])).status).toBe('denied');
    // With a show passcode set, the operator token is not it.
    expect((await c.ask('/connect', [server.tokens.operator])).status).toBe('denied');
    expect((await c.ask('/cue/2/start')).status).toBe('denied');
    expect(server.state.mode).toBe('stopped');
    // Reading is allowed.
    const state = await c.ask('/holostage/state');
    expect(state).toMatchObject({ status: 'ok', data: { mode: 'stopped', entryTitle: 'Opening' } });
    expect((await c.ask('/connect', ['stage-left'])).status).toBe('ok');
    expect((await c.ask('/go')).status).toBe('ok');
    expect(server.state.mode).toBe('playing');
  });

  it('cue, playhead, seek, pause, resume, stop, reset and panic move the show through the controller', async () => {
    const { server, client } = await start();
    const c = await client();
    await c.ask('/connect', [server.tokens.operator]);
    const playhead = await c.ask('/playhead/3');
    expect(playhead.status).toBe('ok');
    expect(server.snapshot().entryIndex).toBe(2);
    expect(server.state.mode).not.toBe('playing');
    const cue = await c.ask('/cue/2/start');
    expect(cue.status).toBe('ok');
    expect(server.snapshot()).toMatchObject({ entryIndex: 1, playing: true });
    expect((await c.ask('/playhead/1')).data.error).toMatch(/playing/);
    const seek = await c.ask('/holostage/seek', [2, { float: 12.5 }]);
    expect(seek.status).toBe('ok');
    expect(seek.data.showTime).toBeCloseTo(20 + 12.5, 1);
    expect((await c.ask('/pause')).data.mode).toBe('held');
    expect((await c.ask('/resume')).data.mode).toBe('playing');
    const panic = await c.ask('/panic');
    expect(panic.status).toBe('ok');
    expect(panic.data.blackout).not.toBeNull();
    expect((await c.ask('/stop')).data.mode).toBe('stopped');
    const reset = await c.ask('/reset');
    expect(reset.status, JSON.stringify(reset.data)).toBe('ok');
    expect(server.snapshot()).toMatchObject({ entryIndex: 0, showTime: 0, playing: false });
    // Out of range: a clear error, nothing moves.
    const bad = await c.ask('/cue/9/start');
    expect(bad.status).toBe('error');
    expect(bad.data.error).toMatch(/entry number from 1 to 3/);
    expect(server.snapshot().entryIndex).toBe(0);
  });

  it('/updates 1 pushes transport, entry and song time', async () => {
    const { server, client } = await start();
    const watcher = await client();
    const subscribed = await watcher.ask('/updates', [1]);
    expect(subscribed.status).toBe('ok');
    const first = JSON.parse((await watcher.next('/update/transport')).args[0] as string);
    expect(first).toMatchObject({ mode: 'stopped', entry: 1 });

    const operator = await client();
    await operator.ask('/connect', [server.tokens.operator]);
    await operator.ask('/cue/2/start');
    const pushed = JSON.parse((await watcher.next('/update/transport', 3000, (r) => JSON.parse(r.args[0] as string).playing)).args[0] as string);
    expect(pushed).toMatchObject({ mode: 'playing', entry: 2, title: 'Second' });
    const entry = JSON.parse((await watcher.next('/update/entry', 3000, (r) => JSON.parse(r.args[0] as string).entry === 2)).args[0] as string);
    expect(entry).toMatchObject({ entry: 2, title: 'Second', duration: 30 });
    const time = JSON.parse((await watcher.next('/update/time', 2500)).args[0] as string);
    expect(time.entry).toBe(2);
    expect(time.songTime).toBeGreaterThan(0);
    expect(time.songTime).toBeLessThan(5);

    // Alarms are pushed too.
    server.alarms.raise('test-peer', 'warning', 'console went away');
    const alarms = JSON.parse((await watcher.next('/update/alarms')).args[0] as string);
    expect(alarms).toContainEqual({ key: 'test-peer', level: 'warning', message: 'console went away' });

    // Unsubscribed: no more pushes.
    await watcher.ask('/updates', [0]);
    watcher.received.length = 0;
    await operator.ask('/pause');
    await sleep(300);
    expect(watcher.received.filter((r) => r.address.startsWith('/update/'))).toEqual([]);
  });

  it('a subscriber that goes quiet raises an alarm on the desk, cleared when it subscribes again', async () => {
    const { server, client } = await start({ port: 0, subscriptionMs: 300 });
    const c = await client();
    await c.ask('/updates', [1]);
    const alarm = await waitUntil(() => server.alarmList().find((a) => a.key.startsWith('osc:udp 127.0.0.1:') && a.active), 4000, 'the osc peer alarm');
    expect(alarm.message).toMatch(/went quiet/);
    await c.ask('/updates', [1]);
    expect(server.alarmList().find((a) => a.key === alarm.key)!.active).toBe(false);
  });

  it('a bundle runs each of its messages', async () => {
    const { server, client } = await start();
    const c = await client();
    const replies = [c.next('/reply/connect'), c.next('/reply/go')];
    c.sendRaw(oscBundle(oscPacket('/connect', [server.tokens.operator]), oscPacket('/go')));
    const [connect, go] = (await Promise.all(replies)).map((r) => JSON.parse(r.args[0] as string));
    expect(connect.status).toBe('ok');
    expect(go.status).toBe('ok');
    expect(server.state.mode).toBe('playing');
  });

  it('malformed packets and unknown addresses get a clear error reply; the show never notices', async () => {
    const { server, client } = await start();
    const c = await client();
    await c.ask('/connect', [server.tokens.operator]);
    await c.ask('/go');
    const garbage: Buffer[] = [
      Buffer.from([1, 2, 3]), // not a multiple of 4
      Buffer.from('/go\0', 'latin1'), // a message without a type tag string is legal OSC 1.0 ...
      Buffer.from('nope\0\0\0\0', 'latin1'), // no leading slash
      Buffer.concat([oscPacket('/x').subarray(0, 4), Buffer.from(',i\0\0')]), // an int32 promised, none there
      Buffer.concat([Buffer.from('/x\0\0,q\0\0', 'latin1')]), // unknown type tag
      Buffer.concat([Buffer.from('#bundle\0', 'latin1'), Buffer.alloc(8), Buffer.from([0x7f, 0xff, 0xff, 0xf0])]), // element larger than the packet
      Buffer.alloc(16, 0xff),
      Buffer.alloc(9000, 0x2f),
    ];
    for (const g of garbage) c.sendRaw(g);
    const errors = [];
    for (let i = 0; i < garbage.length - 1; i++) errors.push(JSON.parse((await c.next('/reply/error')).args[0] as string));
    // ... so that one is answered as /go (refused by the double-GO guard or accepted), not as an error.
    expect(errors.every((e) => e.status === 'error' && /malformed OSC|packet of/.test(e.data.error))).toBe(true);
    expect(errors.map((e) => e.data.error).join('\n')).toMatch(/multiple of 4/);
    expect(errors.map((e) => e.data.error).join('\n')).toMatch(/unsupported OSC type tag "q"/);
    expect(errors.map((e) => e.data.error).join('\n')).toMatch(/at most 8192/);
    const unknown = await c.ask('/cue/1/explode');
    expect(unknown.status).toBe('error');
    expect(unknown.data.error).toMatch(/unknown address/);
    expect((await c.ask('/thump')).data).toBe('thump');
    expect(server.state.mode).toBe('playing');
  });

  it('a flood is dropped past its budget, and the same peer is heard again once it calms down', async () => {
    const { server, client } = await start();
    const flooder = await client();
    const packet = oscPacket('/thump');
    for (let i = 0; i < 2000; i++) flooder.sendRaw(packet);
    await waitUntil(() => server.venue!.osc!.status().dropped > 0, 3000, 'dropped messages');
    await sleep(300);
    const answered = flooder.received.filter((r) => r.address === '/reply/thump').length;
    expect(answered).toBeGreaterThan(50);
    expect(answered).toBeLessThan(400);
    // Another peer is not starved by the flood.
    const other = await client();
    expect((await other.ask('/thump')).status).toBe('ok');
    await sleep(200);
    expect((await flooder.ask('/thump')).status).toBe('ok');
  });
});

/** SLIP (RFC 1055), written here apart from the server's: END C0, ESC DB, ESC_END DC, ESC_ESC DD. */
function slip(packet: Buffer): Buffer {
  const out = [0xc0];
  for (const b of packet) out.push(...(b === 0xc0 ? [0xdb, 0xdc] : b === 0xdb ? [0xdb, 0xdd] : [b]));
  out.push(0xc0);
  return Buffer.from(out);
}

function unslip(stream: Buffer): Buffer[] {
  const frames: Buffer[] = [];
  let cur: number[] = [];
  for (let i = 0; i < stream.length; i++) {
    const b = stream[i]!;
    if (b === 0xc0) {
      if (cur.length) frames.push(Buffer.from(cur));
      cur = [];
    } else if (b === 0xdb) cur.push(stream[++i] === 0xdc ? 0xc0 : 0xdb);
    else cur.push(b);
  }
  return frames;
}

describe('OSC over TCP (SLIP)', () => {
  it('runs commands from SLIP frames on the same port and answers in frames; an endless frame closes only that connection', async () => {
    const { server } = await start();
    const port = server.venue!.oscTcpPort!;
    expect(port).toBe(server.venue!.osc!.status().port);
    const conn = connectTcp(port, '127.0.0.1');
    await new Promise((r) => conn.once('connect', r));
    let received = Buffer.alloc(0);
    conn.on('data', (d: Buffer) => (received = Buffer.concat([received, d])));
    const replies = async (n: number): Promise<{ address: string; json: any }[]> => {
      await waitUntil(() => unslip(received).length >= n, 3000, `${n} TCP replies`);
      return unslip(received).map((f) => decodeOsc(f)).map((m) => ({ address: m.address, json: JSON.parse(m.args[0] as string) }));
    };
    // Two frames in one write, then an int whose bytes need escaping (0x0000C0DB).
    conn.write(Buffer.concat([slip(oscPacket('/connect', [server.tokens.operator])), slip(oscPacket('/go'))]));
    const first = await replies(2);
    expect(first.map((r) => [r.address, r.json.status])).toEqual([['/reply/connect', 'ok'], ['/reply/go', 'ok']]);
    expect(server.state.mode).toBe('playing');
    conn.write(slip(oscPacket('/holostage/seek', [0xc0db])));
    const seek = (await replies(3))[2]!;
    expect(seek.json.status).toBe('error');
    expect(seek.json.data.error).toContain('49371');

    const closed = new Promise((r) => conn.once('close', r));
    conn.write(Buffer.alloc(9000, 0x41));
    await closed;
    const udp = await OscTestClient.open(port);
    clients.push(udp);
    expect((await udp.ask('/thump')).status).toBe('ok');
    expect(server.state.mode).toBe('playing');
  });
});
