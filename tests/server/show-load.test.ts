// Loading a show from disk, the setlist over the desk socket, and a machine without MIDI: the
// show still runs and the desk gets the alarm.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Socket } from 'socket.io-client';
import { EVENTS, type CommandResult, type Alarm } from '../../protocol/index.ts';
import { ShowServer } from '../../server/src/server.ts';
import { EasymidiDriver, listMidiOutputs } from '../../server/src/lighting/easymidi-driver.ts';
import { connect, copyDemoShow, emitAck, once, post, tempDir } from './helpers.ts';

describe('a real show folder on a machine without MIDI', () => {
  let server: ShowServer;
  let showDir: string;
  const sockets: Socket[] = [];
  const open = (token: string): Socket => {
    const s = connect(server.url, token);
    sockets.push(s);
    return s;
  };

  beforeAll(async () => {
    showDir = copyDemoShow();
    // These tests GO more than once within 300 ms on a fast machine; the double-GO guard has its own tests.
    server = new ShowServer({ showDir, stateDir: tempDir(), lighting: new EasymidiDriver({ port: 'holostage', retryMs: 100 }), pages: false, transport: { goGuardMs: 0 } });
    await server.start();
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await server.close();
  });

  it('starts the demo with the MIDI port missing; the desk sees the alarm and the show still runs', async () => {
    const hello = await once<{ alarms: Alarm[]; lighting: { status: { connected: boolean; error: string } } }>(open(server.tokens.operator), 'hello');
    expect(hello.lighting.status.connected).toBe(false);
    const midiAlarm = hello.alarms.find((a) => a.key === 'midi');
    expect(midiAlarm).toMatchObject({ level: 'critical', active: true });
    if (!listMidiOutputs().ok) expect(midiAlarm!.message).toMatch(/Failed to initialise RtMidi/);
    else expect(midiAlarm!.message).toMatch(/MIDI port "holostage" not found/);
    const go = await post(`${server.url}/api/transport/go`, server.tokens.operator);
    expect(go.status).toBe(200);
    expect(go.json.state).toMatchObject({ playing: true });
  });

  it('setlist edits over the desk socket: refused while playing and for viewers; saved when stopped', async () => {
    const desk = open(server.tokens.operator);
    const viewer = open(server.tokens.viewer);
    await Promise.all([once(desk, 'hello'), once(viewer, 'hello')]);
    const setlist = (JSON.parse(readFileSync(join(showDir, 'show.json'), 'utf8')) as { setlist: unknown[] }).setlist;
    const shorter = [setlist[0], setlist[3]];
    const whilePlaying = await emitAck<{ ok: boolean; error: string }>(desk, EVENTS.setlistSave, { setlist: shorter });
    expect(whilePlaying).toEqual({ ok: false, error: 'setlist: stop the show before changing the setlist' });
    const fromViewer = await emitAck<{ ok: boolean; error: string }>(viewer, EVENTS.setlistSave, { setlist: shorter });
    expect(fromViewer.error).toBe('forbidden: a viewer cannot edit the setlist; only the operator can');
    expect((await emitAck<CommandResult>(desk, EVENTS.command, { command: 'stop' })).ok).toBe(true);
    const loaded = once<{ entries: { id: string }[] }>(viewer, EVENTS.showLoaded);
    const saved = await emitAck<{ ok: boolean; showRevision: number }>(desk, EVENTS.setlistSave, { setlist: shorter });
    expect(saved.ok).toBe(true);
    expect((await loaded).entries.map((e) => e.id)).toEqual(['sakura-signal', 'hello-hologram']);
    expect(server.timeline.entries.length).toBe(2);
  });

  it('load re-reads the show folder (stopped only) and refuses a broken one with its errors', async () => {
    const file = join(showDir, 'show.json');
    const show = JSON.parse(readFileSync(file, 'utf8')) as { title: string };
    writeFileSync(file, JSON.stringify({ ...show, title: 'Renamed Night' }, null, 2));
    const desk = open(server.tokens.operator);
    await once(desk, 'hello');
    const ok = await emitAck<CommandResult>(desk, EVENTS.command, { command: 'load' });
    expect(ok.ok).toBe(true);
    expect(server.timeline.show.title).toBe('Renamed Night');

    writeFileSync(file, JSON.stringify({ ...show, setlist: [] }, null, 2));
    const bad = await post(`${server.url}/api/transport/load`, server.tokens.operator);
    expect(bad.status).toBe(409);
    expect(bad.json.error).toMatch(/load: the show has 1 error\(s\)/);
    expect((bad.json.errors as { file: string; path: string; message: string }[])[0]).toMatchObject({ file: 'show.json', path: 'setlist', message: 'the setlist is empty' });
    expect(server.timeline.show.title).toBe('Renamed Night');

    writeFileSync(file, JSON.stringify({ ...show, title: 'Renamed Night' }, null, 2));
    expect((await post(`${server.url}/api/transport/go`, server.tokens.operator)).status).toBe(200);
    const whilePlaying = await post(`${server.url}/api/transport/load`, server.tokens.operator);
    expect(whilePlaying.json.error).toBe('load: stop the show before loading it again');
  });
});
