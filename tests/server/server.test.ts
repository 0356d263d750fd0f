import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import { EVENTS, showTimeAt, type CommandResult, type TransportSnapshot } from '../../protocol/index.ts';
import { positionAt } from '../../server/src/transport.ts';
import type { ShowServer } from '../../server/src/server.ts';
import type { RecorderDriver } from '../../server/src/lighting/recorder-driver.ts';
import { controlChange, noteOn, programChange, showControl } from '../../show-files/src/midi.ts';
import { makeTimeline } from './fixtures.ts';
import { connect, emitAck, getJson, once, post, sleep, startTestServer, waitUntil } from './helpers.ts';

const timeline = makeTimeline([
  {
    title: 'Opening',
    length: 30,
    lighting: [
      { time: 0, kind: 'program', channel: 1, bytes: programChange(1, 3), label: 'look 3' },
      { time: 0.2, kind: 'noteOn', channel: 2, bytes: noteOn(2, 36, 127), label: 'strobe' },
      { time: 0.4, kind: 'msc', channel: 0, bytes: showControl(1, 'GO', '5'), label: 'MSC GO 5' },
    ],
  },
  { title: 'Second', length: 30, lighting: [{ time: 0, kind: 'cc', channel: 1, bytes: controlChange(1, 7, 64), label: 'dim' }] },
]);

describe('show server: roles, HTTP API and transport over sockets', () => {
  let server: ShowServer;
  let recorder: RecorderDriver;
  const sockets: Socket[] = [];
  const open = (token: string | undefined): Socket => {
    const s = connect(server.url, token);
    sockets.push(s);
    return s;
  };

  beforeAll(async () => {
    // A long GO guard, so the "second GO" below lands inside it however slow the machine is (the
    // 300 ms default itself is checked in transport.test.ts).
    ({ server, recorder } = await startTestServer(timeline, { transport: { goGuardMs: 10_000, panicFadeSeconds: 0.5 } }));
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await server.close();
  });

  it('serves health, show and state without a token', async () => {
    const health = await getJson(`${server.url}/api/health`);
    expect(health.status).toBe(200);
    expect(health.json).toMatchObject({ ok: true, show: 'Test show', lighting: { driver: 'recorder', connected: true } });
    const show = await getJson(`${server.url}/api/show`);
    expect(show.json).toMatchObject({ title: 'Test show', duration: 60, validation: { ok: true } });
    expect((show.json.entries as unknown[]).length).toBe(2);
    const state = await getJson(`${server.url}/api/state`);
    expect(state.json).toMatchObject({ playing: false, mode: 'stopped', entryIndex: 0, songTime: 0, showTime: 0 });
  });

  it('refuses sockets with a missing or unknown token', async () => {
    await expect(once(open(undefined), 'hello')).rejects.toThrow(/unauthorized: missing or unknown token/);
    await expect(once(open('not-a-token'), 'hello')).rejects.toThrow(/unauthorized/);
  });

  it('gives each token its role; the output token names its output', async () => {
    const hv = await once<{ role: string }>(open(server.tokens.viewer), 'hello');
    expect(hv.role).toBe('viewer');
    const ho = await once<{ role: string; outputId: string; settings: { width: number } }>(open(server.tokens.outputs.holo!), 'hello');
    expect(ho).toMatchObject({ role: 'output', outputId: 'holo', settings: { width: 1280 } });
    const hop = await once<{ role: string; outputs: { id: string; connected: boolean }[]; alarms: unknown[] }>(open(server.tokens.operator), 'hello');
    expect(hop.role).toBe('operator');
    expect(hop.outputs.find((o) => o.id === 'holo')?.connected).toBe(true);
    expect(hop.outputs.find((o) => o.id === 'main')?.connected).toBe(false);
  });

  it('HTTP transport: 401 without a token, 403 for viewer/output tokens, nothing moves', async () => {
    const before = server.state.revision;
    const none = await post(`${server.url}/api/transport/go`);
    expect(none.status).toBe(401);
    expect(none.json.error).toMatch(/unauthorized/);
    expect((await post(`${server.url}/api/transport/go`, 'wrong')).status).toBe(401);
    const viewer = await post(`${server.url}/api/transport/go`, server.tokens.viewer);
    expect(viewer.status).toBe(403);
    expect(viewer.json.error).toMatch(/forbidden: the viewer token/);
    expect((await post(`${server.url}/api/transport/go`, server.tokens.outputs.main)).status).toBe(403);
    expect(server.state.revision).toBe(before);
    expect((await post(`${server.url}/api/transport/jump`, server.tokens.operator)).status).toBe(404);
  });

  it('a viewer or output sending a transport command gets an error and nothing moves', async () => {
    const viewer = open(server.tokens.viewer);
    await once(viewer, 'hello');
    const before = server.state.revision;
    const r = await emitAck<CommandResult>(viewer, EVENTS.command, { command: 'go' });
    expect(r).toEqual({ ok: false, error: 'forbidden: a viewer cannot move the show; only the operator can' });
    const output = open(server.tokens.outputs.main);
    await once(output, 'hello');
    const r2 = await emitAck<CommandResult>(output, EVENTS.command, { command: 'panic' });
    expect(r2.ok).toBe(false);
    expect(server.state.revision).toBe(before);
    expect(server.state.mode).toBe('stopped');
  });

  it('operator GO is acknowledged with the new state and broadcast to every client; the double-GO guard covers desk and HTTP together', async () => {
    const desk = open(server.tokens.operator);
    const viewer = open(server.tokens.viewer);
    await Promise.all([once(desk, 'hello'), once(viewer, 'hello')]);
    const broadcast = once<TransportSnapshot>(viewer, EVENTS.transport);
    const ack = await emitAck<CommandResult>(desk, EVENTS.command, { command: 'go' });
    expect(ack.ok).toBe(true);
    if (!ack.ok) return;
    expect(ack.state).toMatchObject({ mode: 'playing', playing: true, entryIndex: 0, showTime: 0, rate: 1 });
    const seen = await broadcast;
    expect(seen.revision).toBe(ack.state.revision);
    // A bounced key: a second GO from another input within the guard is refused, the show stays in entry 1.
    const again = await post(`${server.url}/api/transport/go`, server.tokens.operator);
    expect(again.status).toBe(409);
    expect(again.json.error).toMatch(/GO ignored/);
    expect(server.state.revision).toBe(ack.state.revision);
    // ...and so is one from the lighting console over MIDI (MSC GO).
    const midi = await server.midiInput(showControl(1, 'GO', '9'));
    expect(midi).toMatchObject({ ok: false, error: expect.stringMatching(/GO ignored/) });
    expect(server.state.revision).toBe(ack.state.revision);
    // The cues at 0, 0.2 and 0.4 s went out on time through the lighting driver.
    await waitUntil(() => recorder.messages.length >= 3, 3000, 'three cues');
    expect(recorder.messages.slice(0, 3).map((m) => m.bytes)).toEqual([programChange(1, 3), noteOn(2, 36, 127), showControl(1, 'GO', '5')]);
  });

  it('a client connecting mid-song gets a snapshot and is in step at once', async () => {
    const late = open(server.tokens.outputs.main);
    const hello = await once<{ transport: TransportSnapshot }>(late, 'hello');
    expect(hello.transport.playing).toBe(true);
    const now = server.clock();
    expect(showTimeAt(hello.transport, now)).toBeCloseTo(positionAt(server.timeline, server.state, now).showTime, 6);
    const snap = await emitAck<TransportSnapshot>(late, EVENTS.snapshot);
    expect(snap.revision).toBe(hello.transport.revision);
  });

  it('GET /api/state reports playing, entry and song time in seconds', async () => {
    const { json } = await getJson(`${server.url}/api/state`);
    expect(json).toMatchObject({ playing: true, mode: 'playing', entryIndex: 0, entryTitle: 'Opening' });
    expect(json.songTime as number).toBeGreaterThan(0);
    expect(json.songTime as number).toBeLessThan(30);
  });

  it('HTTP commands: hold, resume, seek with a body, next; a refused command is a 409 with the reason', async () => {
    await sleep(310);
    const hold = await post(`${server.url}/api/transport/hold`, server.tokens.operator);
    expect(hold.status).toBe(200);
    expect(hold.json.state).toMatchObject({ mode: 'held', playing: false });
    const again = await post(`${server.url}/api/transport/hold`, server.tokens.operator);
    expect(again).toMatchObject({ status: 409, json: { ok: false, error: 'hold: the show is not playing (held)' } });
    const seek = await post(`${server.url}/api/transport/seek`, server.tokens.operator, { entry: 1, time: 12.5 });
    expect(seek.json.state).toMatchObject({ mode: 'held', entryIndex: 1, showTime: 42.5 });
    const bad = await post(`${server.url}/api/transport/seek`, server.tokens.operator, { entry: 7, time: 0 });
    expect(bad.status).toBe(409);
    expect(bad.json.error).toMatch(/entry must be an integer from 0 to 1, got 7/);
    const resume = await post(`${server.url}/api/transport/resume`, server.tokens.operator);
    expect(resume.json.state).toMatchObject({ mode: 'playing', entryIndex: 1 });
  });

  it('panic: all notes off on every used channel and MSC ALL_OFF go out, the stage gets the blackout, resume lifts it', async () => {
    const viewer = open(server.tokens.viewer);
    await once(viewer, 'hello');
    const from = recorder.messages.length;
    const seen = once<TransportSnapshot>(viewer, EVENTS.transport);
    const r = await post(`${server.url}/api/transport/panic`, server.tokens.operator);
    expect(r.status).toBe(200);
    const snap = await seen;
    expect(snap.blackout).toMatchObject({ fadeSeconds: 0.5 });
    const sent = recorder.messages.slice(from).map((m) => m.bytes);
    expect(sent).toEqual([
      [0xb0, 123, 0], [0xb0, 120, 0],
      [0xb1, 123, 0], [0xb1, 120, 0],
      [0xf0, 0x7f, 0x01, 0x02, 0x01, 0x08, 0xf7],
    ]);
    // After the fade the show holds where it ended.
    await waitUntil(() => server.state.mode === 'held', 3000, 'hold after the panic fade');
    const resumed = await post(`${server.url}/api/transport/resume`, server.tokens.operator);
    expect(resumed.json.state).toMatchObject({ mode: 'playing', blackout: null });
    // Resuming re-sends the rig state of the moment (strictly before it): Second's "dim" cue at 30 s.
    expect(recorder.messages.at(-1)!.bytes).toEqual(controlChange(1, 7, 64));
    expect(recorder.messages.at(-1)!.label).toMatch(/^chase /);
  });

  it('outputs report health to the desk; a lost output raises an alarm that stays until acknowledged', async () => {
    const desk = open(server.tokens.operator);
    await once(desk, 'hello');
    const output = open(server.tokens.outputs.holo);
    await once(output, 'hello');
    const outputsSeen = new Promise<{ id: string; health: { fps: number } | null }[]>((resolve) => {
      desk.on(EVENTS.outputs, (list: { id: string; health: { fps: number } | null }[]) => {
        if (list.find((o) => o.id === 'holo')?.health?.fps === 59) resolve(list);
      });
    });
    output.emit(EVENTS.outputHealth, { fps: 59, droppedFrames: 1, clockOffsetMs: 0.3 });
    await outputsSeen;
    // Close every holo connection; the alarm appears.
    for (const s of sockets) if ((s.auth as { token?: string }).token === server.tokens.outputs.holo) s.close();
    const alarm = await waitUntil(() => server.alarmList().find((a) => a.key === 'output:holo' && a.active), 3000, 'output alarm');
    expect(alarm.message).toBe('output "holo" lost');
    const ack = await emitAck<{ ok: boolean }>(desk, EVENTS.alarmAck, alarm.id);
    expect(ack.ok).toBe(true);
    expect(server.alarmList().find((a) => a.key === 'output:holo')).toBeUndefined();
  });

  it('an output rendering far from the show clock raises a render alarm; back in step clears it', async () => {
    const output = open(server.tokens.outputs.main);
    await once(output, 'hello');
    expect(server.state.mode).toBe('playing');
    const now = positionAt(server.timeline, server.state, server.clock()).showTime;
    output.emit(EVENTS.outputHealth, { fps: 60, showTime: now - 2, roundTripMs: 1 });
    const alarm = await waitUntil(() => server.alarmList().find((a) => a.key === 'render:main'), 3000, 'render alarm');
    expect(alarm.message).toMatch(/^output "main" renders (19|20)\d\d ms behind the show clock$/);
    const inStep = positionAt(server.timeline, server.state, server.clock()).showTime;
    output.emit(EVENTS.outputHealth, { fps: 60, showTime: inStep, roundTripMs: 1 });
    await waitUntil(() => !server.alarmList().find((a) => a.key === 'render:main')?.active, 3000, 'render alarm cleared');
  });

  it('live output settings from the desk go to that output only', async () => {
    const desk = open(server.tokens.operator);
    const main = open(server.tokens.outputs.main);
    await Promise.all([once(desk, 'hello'), once(main, 'hello')]);
    const got = once<{ mirror: { horizontal: boolean } }>(main, EVENTS.outputSettings);
    const r = await emitAck<{ ok: boolean }>(desk, EVENTS.outputSettings, { id: 'main', settings: { mirror: { horizontal: true, vertical: false } } });
    expect(r.ok).toBe(true);
    expect((await got).mirror.horizontal).toBe(true);
    const refused = await emitAck<{ ok: boolean; error: string }>(main, EVENTS.outputSettings, { id: 'main', settings: {} });
    expect(refused.error).toMatch(/forbidden/);
  });
});
