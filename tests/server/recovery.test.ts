// The show survives its server: a real `holostage serve` child process is killed with SIGKILL
// mid-song and started again. Within the resume window it comes back still playing on the same
// clock (no jump for any output) and re-sends the rig's lighting state; after a longer outage it
// comes back held at the heartbeat position, ready for GO. Setlist edits survive a restart.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { io as connectIo, type Socket } from 'socket.io-client';
import { showTimeAt, type TransportSnapshot } from '../../protocol/index.ts';
import { collectLightingEvents, lightingStateAt } from '../../server/src/lighting/cues.ts';
import { compileShowFolder } from '../../show-files/src/compile.ts';
import { readJournal } from '../../server/src/journal.ts';
import { hex } from '../../show-files/src/midi.ts';
import { copyDemoShow, getJson, post, sleep, tempDir, waitUntil } from './helpers.ts';
import { freePort, killServe as kill, startServe, type ServeChild as Child } from './serve-process.ts';

const serverClock = (): number => performance.timeOrigin + performance.now();

describe('journal recovery with a real server process', { timeout: 240_000 }, () => {
  let showDir: string;
  let stateDir: string;
  let port: number;
  let base: string;
  let operator: string;
  let viewer: string;
  let viewerSocket: Socket;
  const children: Child[] = [];
  let latest: TransportSnapshot | null = null;
  let hellos = 0;

  const serveArgs = (extra: string[] = []): string[] => ['--show', showDir, '--port', String(port), '--state', stateDir, '--midi', 'null', '--heartbeat', '100', '--no-pages', ...extra];

  beforeAll(async () => {
    showDir = copyDemoShow();
    stateDir = join(tempDir(), 'state');
    port = await freePort();
    base = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    viewerSocket?.close();
    for (const c of children) await kill(c, 'SIGKILL');
  });

  it('resumes a show killed with SIGKILL mid-song: still playing, same entry, no jump, lighting state re-sent', async () => {
    const a = await startServe(serveArgs());
    children.push(a);
    const tokens = JSON.parse(readFileSync(join(stateDir, 'tokens.json'), 'utf8')) as { operator: string; viewer: string };
    operator = tokens.operator;
    viewer = tokens.viewer;
    expect(a.output()).toContain(`/desk?token=${operator}`);

    // An output-like client that reconnects on its own, as the stage does.
    viewerSocket = connectIo(base, { auth: { token: viewer }, transports: ['websocket'], reconnectionDelay: 100, reconnectionDelayMax: 200 });
    viewerSocket.on('hello', (h: { transport: TransportSnapshot }) => {
      latest = h.transport;
      hellos++;
    });
    viewerSocket.on('transport', (s: TransportSnapshot) => (latest = s));
    await waitUntil(() => hellos === 1, 5000, 'hello');

    expect((await post(`${base}/api/transport/seek`, operator, { entry: 0, time: 10 })).status).toBe(200);
    expect((await post(`${base}/api/transport/go`, operator)).status).toBe(200);
    await waitUntil(() => latest?.playing, 3000, 'playing broadcast');
    await sleep(700);
    const beforeKill = latest!;

    await kill(a, 'SIGKILL');
    await sleep(300);
    // The window is what's under test, not how fast a busy machine starts a process: make it roomy.
    const b = await startServe(serveArgs(['--resume-window', '600']));
    children.push(b);
    await waitUntil(() => hellos === 2, 30_000, 'the client to reconnect');
    const after = latest!;

    expect(after.playing).toBe(true);
    expect(after.mode).toBe('playing');
    expect(after.entryIndex).toBe(beforeKill.entryIndex);
    // The same instant seen through the old and the new snapshot: no jump.
    const now = serverClock();
    const jumpMs = Math.abs(showTimeAt(after, now) - showTimeAt(beforeKill, now)) * 1000;
    expect(jumpMs).toBeLessThan(5);
    expect(showTimeAt(after, now)).toBeGreaterThan(11);

    // The lighting state of that moment went out again: the last cue on every channel.
    const lighting = await getJson(`${base}/api/lighting`, operator);
    const chased = (lighting.json.recent as { label: string; bytes: string; showTime: number }[]).filter((m) => m.label.startsWith('chase '));
    expect(chased.length).toBeGreaterThan(0);
    const compiled = await compileShowFolder(showDir);
    if (!compiled.ok) throw new Error('demo does not compile');
    const expected = lightingStateAt(collectLightingEvents(compiled.timeline), chased[0]!.showTime, false);
    expect(chased.map((m) => m.bytes)).toEqual(expected.map((e) => hex(e.bytes)));
    expect(chased.map((m) => m.label)).toEqual(expected.map((e) => `chase ${e.label}`));
    const health = await getJson(`${base}/api/health`);
    expect(health.json.recovery).toMatch(/resumed the running show after a \d+\.\d s outage/);
  });

  it('after an outage longer than the resume window the show is held at the heartbeat position, ready for GO', async () => {
    const b = children.at(-1)!;
    const lastPlaying = latest!;
    await kill(b, 'SIGKILL');
    const killedAt = serverClock();
    // What the dead server had on disk: its last record is the heartbeat the restart must go by.
    const records = readJournal(join(stateDir, 'journal.jsonl'));
    const lastAt = Math.max(...records.map((r) => r.at));
    expect(records.some((r) => r.type === 'heartbeat')).toBe(true);
    await sleep(1500);
    const c = await startServe(serveArgs(['--resume-window', '1']));
    children.push(c);
    await waitUntil(() => hellos === 3, 30_000, 'the client to reconnect');
    const held = latest!;
    expect(held).toMatchObject({ mode: 'held', playing: false, waiting: false, entryIndex: lastPlaying.entryIndex });
    // Held exactly where the last heartbeat said the show was, which is at or before the kill.
    expect(held.showTime).toBeCloseTo(showTimeAt(lastPlaying, lastAt), 6);
    expect(held.showTime).toBeLessThanOrEqual(showTimeAt(lastPlaying, killedAt));
    expect((await getJson(`${base}/api/health`)).json.recovery).toMatch(/longer than 1 s: the show is held at/);

    const go = await post(`${base}/api/transport/go`, operator);
    expect(go.status).toBe(200);
    expect(go.json.state).toMatchObject({ mode: 'playing', showTime: held.showTime });
  });

  it('a setlist saved from the desk is written atomically and survives a restart', async () => {
    expect((await post(`${base}/api/transport/stop`, operator)).status).toBe(200);
    const current = (await getJson(`${base}/api/setlist`, operator)).json.setlist as { type: string; song?: string; title?: string }[];
    const reordered = [current[2], current[1], { ...current[0], transition: { type: 'crossfade', seconds: 2 } }, current[3]].map((e, i) => (i === 0 ? { ...e, transition: undefined } : e));
    const body = JSON.parse(JSON.stringify({ setlist: reordered }));
    const res = await fetch(`${base}/api/setlist`, { method: 'PUT', headers: { authorization: `Bearer ${operator}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const saved = (await res.json()) as { ok: boolean };
    expect(res.status).toBe(200);
    expect(saved.ok).toBe(true);

    // A broken setlist is refused with the validator's errors and leaves the file alone.
    const badRes = await fetch(`${base}/api/setlist`, { method: 'PUT', headers: { authorization: `Bearer ${operator}`, 'content-type': 'application/json' }, body: JSON.stringify({ setlist: [{ type: 'song', song: 'no-such-song' }] }) });
    const bad = (await badRes.json()) as { ok: boolean; errors: { file: string; path: string; message: string }[] };
    expect(badRes.status).toBe(422);
    expect(bad.errors[0]).toMatchObject({ file: 'show.json', path: 'setlist[0].song' });
    expect(bad.errors[0]!.message).toMatch(/unknown song "no-such-song"/);

    await kill(children.at(-1)!, 'SIGKILL');
    const d = await startServe(serveArgs());
    children.push(d);
    const show = (await getJson(`${base}/api/show`)).json as { entries: { id: string; title: string }[] };
    expect(show.entries.map((e) => e.id)).toEqual(['neon-lullaby', show.entries[1]!.id, 'sakura-signal', 'hello-hologram']);
    expect(show.entries[1]!.id).toMatch(/^mc/);
    const onDisk = JSON.parse(readFileSync(join(showDir, 'show.json'), 'utf8')) as { setlist: unknown[] };
    expect(onDisk.setlist).toEqual(body.setlist);
    // No temp files left behind.
    expect(readdirSync(showDir).filter((f) => f.includes('.tmp') || f.includes('candidate'))).toEqual([]);
    await kill(d, 'SIGTERM');
  });
});
