// Songs that once killed the server, played as the attack: an MSC cue with a list and no cue, a
// cue number of 1e21, a note 1e11 ticks long. Each is refused by validation with its file and
// position; a running server leaves that song out with an alarm and plays the rest; `serve`
// starts anyway and says which file is wrong.

import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { compileShowFolder } from '../../show-files/src/compile.ts';
import { formatError } from '../../show-files/src/errors.ts';
import { ShowServer } from '../../server/src/server.ts';
import type { Alarm } from '../../protocol/index.ts';
import { RecorderDriver } from '../../server/src/lighting/recorder-driver.ts';
import { connect, copyDemoShow, emitAck, getJson, once, tempDir } from '../server/helpers.ts';

const BIN = join(import.meta.dirname, '../../bin/holostage.js');

function editJson(file: string, edit: (data: Record<string, unknown>) => void): void {
  const data = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  edit(data);
  writeFileSync(file, JSON.stringify(data, null, 2));
}

function addLightingCue(showDir: string, cue: Record<string, unknown>): void {
  editJson(join(showDir, 'songs', 'neon-lullaby.json'), (song) => {
    const cues = (song.cues ??= {}) as { lighting?: unknown[] };
    (cues.lighting ??= []).push(cue);
  });
}

describe('a song that cannot play', () => {
  let server: ShowServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it.each([
    ['an MSC cue list without a cue', { at: 0, type: 'msc', command: 'GO', list: 1 }, /cues\.lighting\[\d+\]\.list: a cue "list" needs a "cue" number too/],
    ['an MSC cue number of 1e21', { at: 0, type: 'msc', command: 'GO', cue: 1e21 }, /cues\.lighting\[\d+\]\.cue: expected a cue number .* got 1e\+21/],
  ])('refuses %s at validation, with file, line and path', async (_what, cue, message) => {
    const showDir = copyDemoShow();
    addLightingCue(showDir, cue);
    const r = await compileShowFolder(showDir);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map(formatError).join('\n')).toMatch(new RegExp(`^songs/neon-lullaby\\.json:\\d+:\\d+ ${message.source}`, 'm'));
  });

  it('refuses a note 1e11 long in a score, naming the score and its line', async () => {
    const showDir = copyDemoShow();
    let last = 0;
    editJson(join(showDir, 'scores', 'neon-lullaby.json'), (score) => {
      const notes = score.notes as { length: number }[];
      last = notes.length - 1;
      notes[last]!.length = 1e11;
    });
    const r = await compileShowFolder(showDir);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.map(formatError).join('\n')).toMatch(new RegExp(`^scores/neon-lullaby\\.json:\\d+:1 notes\\[${last}\\]: note ${last + 1} .*ends after 3600 s`, 'm'));
  });

  it('leaves the broken song out of a desk load, raises an alarm naming it, and keeps serving the library', async () => {
    const showDir = copyDemoShow();
    server = new ShowServer({ showDir, stateDir: tempDir(), lighting: new RecorderDriver(null), pages: false, port: 0, transport: { goGuardMs: 0 } });
    await server.start();
    expect(server.timeline.songs.map((s) => s.id)).toEqual(['sakura-signal', 'neon-lullaby', 'hello-hologram']);
    const desk = connect(server.url, server.tokens.operator);
    await once(desk, 'hello');
    const alarms: Alarm[][] = [];
    desk.on('alarms', (a: Alarm[]) => alarms.push(a));

    addLightingCue(showDir, { at: 0, type: 'msc', command: 'GO', list: 1 });
    const reply = await emitAck<{ ok: boolean }>(desk, 'transport:command', { command: 'load' });
    expect(reply.ok).toBe(true);
    expect(server.timeline.songs.map((s) => s.id)).toEqual(['sakura-signal', 'hello-hologram']);
    // The setlist closes up around the hole: the encore now follows the MC with a cut.
    expect(server.timeline.entries.map((e) => e.kind)).toEqual(['song', 'mc', 'song']);
    const alarm = server.alarmList().find((a) => a.key === 'left-out:songs/neon-lullaby.json');
    expect(alarm?.level).toBe('critical');
    expect(alarm?.message).toMatch(/songs\/neon-lullaby\.json left out of the show: songs\/neon-lullaby\.json:\d+:\d+ cues\.lighting\[\d+\]\.list/);
    expect(alarms.flat().some((a) => a.key === 'left-out:songs/neon-lullaby.json')).toBe(true);

    // The library lists it with its errors; its routes answer, none with a 500.
    const lib = await getJson(`${server.url}/api/desk/library`, server.tokens.operator);
    expect(lib.status).toBe(200);
    const listed = (lib.json.songs as { id: string; valid: boolean; errors: { file: string; path: string }[] }[]).find((s) => s.id === 'neon-lullaby');
    expect(listed?.valid).toBe(false);
    expect(listed?.errors[0]?.path).toMatch(/^cues\.lighting\[\d+\]\.list$/);
    expect((await getJson(`${server.url}/api/desk/library/neon-lullaby`, server.tokens.operator)).status).toBe(200);
    expect((await fetch(`${server.url}/api/desk/library/neon-lullaby/vocal.wav`, { headers: { authorization: `Bearer ${server.tokens.operator}` } })).status).toBe(422);

    // The show plays on, and fixing the file brings the song back and clears the alarm.
    expect((await emitAck<{ ok: boolean }>(desk, 'transport:command', { command: 'go' })).ok).toBe(true);
    expect((await emitAck<{ ok: boolean }>(desk, 'transport:command', { command: 'stop' })).ok).toBe(true);
    editJson(join(showDir, 'songs', 'neon-lullaby.json'), (song) => {
      (song.cues as { lighting: unknown[] }).lighting.pop();
    });
    expect((await emitAck<{ ok: boolean }>(desk, 'transport:command', { command: 'load' })).ok).toBe(true);
    expect(server.timeline.songs).toHaveLength(3);
    expect(server.alarmList().find((a) => a.key === 'left-out:songs/neon-lullaby.json')?.active).toBe(false);
    desk.close();
  });

  it('a vocal that cannot be rendered raises an alarm for its song and answers 500 without details', async () => {
    const showDir = copyDemoShow();
    const compiled = await compileShowFolder(showDir);
    if (!compiled.ok) throw new Error('the demo show must compile');
    // A voicebank that went away after the show was compiled.
    const broken = { ...compiled.timeline, songs: compiled.timeline.songs.map((s, i) => (i === 0 ? { ...s, voice: { ...s.voice, bank: 'voices/removed-bank' } } : s)) };
    server = new ShowServer({ showDir, stateDir: tempDir(), timeline: broken, lighting: new RecorderDriver(null), pages: false, port: 0 });
    await server.start();
    const song = server.timeline.songs[0]!;
    const res = await fetch(`${server.url}${song.vocalAudio}`);
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ ok: false, error: 'vocal render failed (the desk shows an alarm with the reason)' });
    expect(text).not.toContain(showDir);
    const alarm = server.alarmList().find((a) => a.key === `vocal:${song.id}`);
    expect(alarm?.level).toBe('critical');
    expect(alarm?.message).toContain(`the vocal of "${song.title}" could not be rendered (`);
    expect(alarm?.message).toMatch(/the show goes on without it$/);
    expect((await getJson(`${server.url}/api/state`)).status).toBe(200);
  });

  it('serve starts with a broken song and says which file is wrong', async () => {
    const showDir = copyDemoShow();
    editJson(join(showDir, 'scores', 'sakura-signal.json'), (score) => {
      const notes = score.notes as { length: number }[];
      notes[notes.length - 1]!.length = 1e11;
    });
    const proc = spawn(process.execPath, [BIN, 'serve', '--show', showDir, '--port', '0', '--midi', 'null', '--no-pages', '--state', tempDir()], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
    const started = Date.now();
    while (!/fan viewer/.test(out) && proc.exitCode === null && Date.now() - started < 60_000) await new Promise((r) => setTimeout(r, 50));
    expect(out).toMatch(/left out: songs\/sakura-signal\.json/);
    expect(out).toMatch(/scores\/sakura-signal\.json:\d+:1 notes\[\d+\]: note \d+ .*ends after 3600 s/);
    expect(out).toMatch(/fan viewer/);
    proc.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 90_000);
});

describe('a show.json that does not load', () => {
  let server: ShowServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });
  const start = async (showDir: string, stateDir: string): Promise<ShowServer> => {
    server = new ShowServer({ showDir, stateDir, lighting: new RecorderDriver(null), pages: false, port: 0, transport: { goGuardMs: 0 } });
    await server.start();
    return server;
  };

  it('starts on an empty stage the first time, with an alarm naming file and line, and takes the mended file on LOAD', async () => {
    const showDir = copyDemoShow();
    const showFile = join(showDir, 'show.json');
    const good = readFileSync(showFile, 'utf8');
    writeFileSync(showFile, good.replace('"type": "song"', '"type": "sng"'));
    const s = await start(showDir, tempDir());
    const alarm = s.alarmList().find((a) => a.key === 'show');
    expect(alarm?.level).toBe('critical');
    expect(alarm?.message).toMatch(/^the show does not load: show\.json:\d+:\d+ setlist\[0\]\.type: .*nothing to play until it is mended/);
    expect(s.timeline.songs).toEqual([]);
    // The server answers like any other: state, a GO into the empty stage, a stop.
    expect((await getJson(`${s.url}/api/state`)).status).toBe(200);
    const desk = connect(s.url, s.tokens.operator);
    await once(desk, 'hello');
    expect((await emitAck<{ ok: boolean }>(desk, 'transport:command', { command: 'go' })).ok).toBe(true);
    expect((await emitAck<{ ok: boolean }>(desk, 'transport:command', { command: 'stop' })).ok).toBe(true);
    // A LOAD of the still-broken file is refused with its errors; the mended one loads and clears the alarm.
    const refused = await emitAck<{ ok: boolean; errors?: unknown[] }>(desk, 'transport:command', { command: 'load' });
    expect(refused.ok).toBe(false);
    expect(refused.errors?.length).toBeGreaterThan(0);
    writeFileSync(showFile, good);
    expect((await emitAck<{ ok: boolean }>(desk, 'transport:command', { command: 'load' })).ok).toBe(true);
    expect(s.timeline.songs.map((song) => song.id)).toEqual(['sakura-signal', 'neon-lullaby', 'hello-hologram']);
    expect(s.alarmList().find((a) => a.key === 'show')?.active).toBe(false);
    desk.close();
  });

  it('keeps the last good show across a restart with a broken show.json', async () => {
    const showDir = copyDemoShow();
    const stateDir = tempDir();
    const first = await start(showDir, stateDir);
    const entries = first.timeline.entries.map((e) => e.id);
    const fingerprint = (await getJson(`${first.url}/api/show`)).json.fingerprint;
    await first.close();
    // Half a file, as a copy cut short would leave it.
    const showFile = join(showDir, 'show.json');
    writeFileSync(showFile, readFileSync(showFile, 'utf8').slice(0, 200));
    const s = await start(showDir, stateDir);
    expect(s.timeline.entries.map((e) => e.id)).toEqual(entries);
    expect((await getJson(`${s.url}/api/show`)).json.fingerprint).toBe(fingerprint);
    expect(s.alarmList().find((a) => a.key === 'show')?.message).toMatch(/^the show does not load: show\.json:\d+:\d+ invalid JSON: .*playing the last good show, saved 20\d\d-/);
  });
});
