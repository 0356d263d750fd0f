// Budgets per client, tried as the attacks that found them missing: bodies sent without a token,
// a body parser error that used to answer with a stack, a show:timeline flood, oversized and
// rapid output health, unknown events, and 300 cheering sockets from one machine.

import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import { REPO_ROOT } from '../../server/src/pages.ts';
import { EVENTS, CROWD_EVENTS, type CrowdFrame } from '../../protocol/index.ts';
import type { ShowServer } from '../../server/src/server.ts';
import { connect, emitAck, once, startTestServer, waitUntil } from '../server/helpers.ts';
import { makeTimeline } from '../server/fixtures.ts';

let server: ShowServer | null = null;
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.close();
  await server?.close();
  server = null;
});

async function start(options = {}): Promise<ShowServer> {
  ({ server } = await startTestServer(makeTimeline([{ title: 'A', length: 60 }, { title: 'B', length: 60 }]), options));
  return server;
}

function open(token: string | undefined, localAddress = '127.0.0.1'): Socket {
  const s = connect(server!.url, token, { localAddress });
  sockets.push(s);
  return s;
}

/**
 * Announces a `declared`-byte body but sends only its first `sent` bytes, then waits for the answer:
 * a server that checks the token before reading the body answers without the rest.
 */
function partialBody(url: string, method: string, declared: number, sent: number, token?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers: { 'content-type': 'application/json', 'content-length': String(declared), ...(token ? { authorization: `Bearer ${token}` } : {}) } }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => {
        req.destroy();
        resolve({ status: res.statusCode ?? 0, body });
      });
    });
    req.on('error', (err: NodeJS.ErrnoException) => (err.code === 'ECONNRESET' ? undefined : reject(err)));
    req.write(Buffer.alloc(sent, 0x20));
    // The rest never comes: a server waiting for it would time the test out.
  });
}

async function send(url: string, method: string, body: string, token?: string): Promise<{ status: number; json: Record<string, unknown>; text: string }> {
  const res = await fetch(url, { method, headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body });
  const text = await res.text();
  return { status: res.status, json: JSON.parse(text) as Record<string, unknown>, text };
}

describe('HTTP bodies and errors', () => {
  it('answers a stranger\'s 2 MB body with 401 before reading it, on every route that takes a body', async () => {
    const s = await start();
    for (const [method, path] of [['PUT', '/api/setlist'], ['POST', '/api/transport/go'], ['POST', '/api/desk/songs']] as const) {
      const r = await partialBody(`${s.url}${path}`, method, 2_000_000, 16);
      expect(r.status, path).toBe(401);
      expect(JSON.parse(r.body)).toMatchObject({ ok: false });
      // A viewer token is no better: 403, body unread.
      const v = await partialBody(`${s.url}${path}`, method, 2_000_000, 16, s.tokens.viewer);
      expect(v.status, path).toBe(403);
    }
    // And nothing moved.
    expect(s.snapshot().playing).toBe(false);
  });

  it('refuses a stranger\'s body before any routing, on any path; the operator token in ?token= still reaches its route', async () => {
    const s = await start();
    const nowhere = await partialBody(`${s.url}/api/no-such-route`, 'POST', 2_000_000, 16);
    expect(nowhere.status).toBe(401);
    expect(JSON.parse(nowhere.body)).toMatchObject({ ok: false });
    const page = await partialBody(`${s.url}/desk/index.html`, 'POST', 2_000_000, 16, s.tokens.outputs[Object.keys(s.tokens.outputs)[0]!]);
    expect(page.status).toBe(403);
    const go = await send(`${s.url}/api/transport/go?token=${s.tokens.operator}`, 'POST', '{}');
    expect(go.status).toBe(200);
    expect(s.snapshot().playing).toBe(true);
  });

  it('limits each route\'s body, and answers parser errors and unknown routes as JSON without stacks or paths', async () => {
    const s = await start();
    const op = s.tokens.operator;
    const big = await send(`${s.url}/api/transport/seek`, 'POST', JSON.stringify({ entry: 0, time: 1, pad: 'x'.repeat(20_000) }), op);
    expect(big.status).toBe(413);
    expect(big.json).toEqual({ ok: false, error: 'request body too large for this route' });
    const bad = await send(`${s.url}/api/setlist`, 'PUT', '{"setlist": [', op);
    expect(bad.status).toBe(400);
    expect(bad.json).toEqual({ ok: false, error: 'request body is not valid JSON' });
    const missing = await send(`${s.url}/api/nothing/here`, 'POST', '{}', op);
    expect(missing.status).toBe(404);
    for (const r of [big, bad, missing]) {
      expect(r.text).not.toContain(REPO_ROOT);
      expect(r.text).not.toMatch(/node_modules|\bat \w+ \(|<pre>/);
    }
  });

  it('refuses a setlist with 20,000 unknown keys with a capped list of errors', async () => {
    const s = await start({ showDir: (await import('../server/helpers.ts')).copyDemoShow(), timeline: undefined, pages: false });
    const entry: Record<string, unknown> = { type: 'mc', title: 'Talk', duration: 10 };
    for (let i = 0; i < 20_000; i++) entry[`k${i}`] = 1;
    const body = JSON.stringify({ setlist: [entry] });
    expect(body.length).toBeGreaterThan(200_000);
    const r = await send(`${s.url}/api/setlist`, 'PUT', body, s.tokens.operator);
    expect(r.status).toBe(422);
    const errors = r.json.errors as { file: string; path: string; message: string }[];
    expect(errors).toHaveLength(101);
    expect(errors.some((e) => /and 19900 more error\(s\)/.test(e.message))).toBe(true);
    expect(errors.filter((e) => e.path.startsWith('setlist[0].k')).length).toBe(100);
    expect(errors.every((e) => e.file === 'show.json')).toBe(true);
  });
});

describe('socket budgets', () => {
  it('rate-limits show:timeline per socket while another client\'s clock pings are answered', async () => {
    const s = await start();
    const flooder = open(s.tokens.viewer, '127.0.0.2');
    const other = open(s.tokens.viewer, '127.0.0.3');
    await Promise.all([once(flooder, 'hello'), once(other, 'hello')]);
    const replies = await Promise.all(Array.from({ length: 60 }, () => emitAck<{ timeline?: unknown; ok?: boolean; error?: string }>(flooder, EVENTS.timeline)));
    const served = replies.filter((r) => r.timeline).length;
    expect(served).toBeGreaterThanOrEqual(1);
    expect(served).toBeLessThanOrEqual(5);
    expect(replies.filter((r) => r.ok === false && /rate limited/.test(r.error ?? '')).length).toBe(60 - served);
    // The other viewer is not charged for the flood.
    expect(((await emitAck<{ timeline?: unknown }>(other, EVENTS.timeline)).timeline)).toBeTruthy();
    const t = await emitAck<number>(other, EVENTS.clockPing, Date.now());
    expect(typeof t).toBe('number');
  });

  it('caps output health in size, keeps only its known fields, and relays it to the desk a few times a second', async () => {
    const s = await start();
    const outputId = Object.keys(s.tokens.outputs)[0]!;
    const desk = open(s.tokens.operator);
    const output = open(s.tokens.outputs[outputId]);
    await Promise.all([once(desk, 'hello'), once(output, 'hello')]);
    const pushes: { id: string; health: Record<string, unknown> | null }[][] = [];
    desk.on(EVENTS.outputs, (o: { id: string; health: Record<string, unknown> | null }[]) => pushes.push(o));

    output.emit(EVENTS.outputHealth, { fps: 60, junk: 'x'.repeat(100), nested: { deep: true } });
    await new Promise((r) => setTimeout(r, 400));
    const seen = pushes.at(-1)!.find((o) => o.id === outputId)!.health!;
    expect(seen).toEqual({ fps: 60 });

    output.emit(EVENTS.outputHealth, { fps: 30, profile: 'y'.repeat(10_000) });
    await new Promise((r) => setTimeout(r, 400));
    expect(pushes.at(-1)!.find((o) => o.id === outputId)!.health).toEqual({ fps: 60 });

    // A report 0.9 MB long is over socket.io's message limit: that connection is closed.
    const closed = new Promise<string>((r) => output.once('disconnect', (why: string) => r(why)));
    output.emit(EVENTS.outputHealth, { fps: 1, pad: 'z'.repeat(900_000) });
    expect(await closed).toMatch(/transport (close|error)/);

    // Many reports: the desk hears about them at most about 4 times a second.
    const again = open(s.tokens.outputs[outputId]);
    await once(again, 'hello');
    const before = pushes.length;
    for (let i = 0; i < 200; i++) again.emit(EVENTS.outputHealth, { fps: i });
    await new Promise((r) => setTimeout(r, 1000));
    expect(pushes.length - before).toBeLessThanOrEqual(6);
  });

  it('drops unknown events with a clear answer', async () => {
    const s = await start();
    const v = open(s.tokens.viewer);
    await once(v, 'hello');
    expect(await emitAck(v, 'admin:everything', {})).toEqual({ ok: false, error: 'unknown event "admin:everything"' });
  });

  it('counts 300 cheering sockets from one address as a few fans, not a crowd', async () => {
    const s = await start();
    const desk = open(s.tokens.operator);
    const frames: CrowdFrame[] = [];
    desk.on(CROWD_EVENTS.crowd, (f: CrowdFrame) => frames.push(f));
    await once(desk, 'hello');
    // Twenty fans, each on their own address, hold blue up.
    const fans = Array.from({ length: 20 }, (_, i) => open(s.tokens.viewer, `127.0.1.${i + 1}`));
    await Promise.all(fans.map((f) => once(f, 'hello')));
    await Promise.all(fans.map((f) => emitAck(f, CROWD_EVENTS.cheer, { colour: 'blue', waves: 1 })));
    // One machine opens 300 viewer sockets and cheers red from all of them.
    const attack = Array.from({ length: 300 }, () => open(s.tokens.viewer, '127.0.0.66'));
    const outcomes = await Promise.all(attack.map((a) => new Promise<string>((r) => {
      a.once('hello', () => r('in'));
      a.once('connect_error', (e: Error) => r(e.message));
    })));
    const admitted = attack.filter((_, i) => outcomes[i] === 'in');
    expect(admitted.length).toBe(64);
    expect(outcomes.filter((o) => o === 'too many connections for this address').length).toBe(236);
    const attackFrom = frames.length;
    for (let round = 0; round < 3; round++) await Promise.all(admitted.map((a) => emitAck(a, CROWD_EVENTS.cheer, { colour: 'red', waves: 4 })));
    // The twenty hold blue up again (a penlight held long ago fades), and the desk's crowd shows them on top.
    await Promise.all(fans.map((f) => emitAck(f, CROWD_EVENTS.cheer, { colour: 'blue', waves: 1 })));
    const redOf = (f: CrowdFrame): number => f.colours.find((c) => c.colour === 'red')?.fans ?? 0;
    // (A frame may go out between the attackers joining and their red waves: wait for one that counts both.)
    const shown = await waitUntil(() => frames.slice(attackFrom).find((f) => f.viewers === 20 + 4 && f.colours[0]?.colour === 'blue' && f.colours[0].fans === 20 && redOf(f) > 0), 30_000, 'a crowd frame with the twenty blue fans on top and the red ones counted');
    expect(redOf(shown)).toBeLessThanOrEqual(4);
    // In no frame since the attack did the 300 sockets count as more than four fans, yet they were counted.
    const reds = frames.slice(attackFrom).map(redOf);
    expect(Math.max(...reds)).toBeGreaterThan(0);
    expect(Math.max(...reds)).toBeLessThanOrEqual(4);
    expect(Math.max(...frames.slice(attackFrom).map((f) => f.viewers))).toBe(20 + 4);
  }, 60_000);
});
