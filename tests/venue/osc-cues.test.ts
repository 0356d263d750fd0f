// Outgoing OSC cues: a song's {"type": "osc"} cue is validated with its line, compiled, and sent on
// time from the venue thread to a UDP listener on 127.0.0.1, where the test's own OSC decoder
// (tests/venue/osc-client.ts, written from the spec apart from the server's codec) reads it. A host
// that does not resolve raises an alarm before the cue is due.

import { createSocket, type Socket } from 'node:dgram';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { compileShowFolder } from '../../show-files/src/compile.ts';
import type { OscCueEvent } from '../../show-files/src/timeline.ts';
import type { ShowServer } from '../../server/src/server.ts';
import { makeTimeline } from '../server/fixtures.ts';
import { copyDemoShow, startTestServer, waitUntil } from '../server/helpers.ts';
import { decodeOsc, type Received } from './osc-client.ts';

let server: ShowServer | null = null;
let listener: Socket | null = null;
afterEach(async () => {
  listener?.close();
  listener = null;
  await server?.close();
  server = null;
});

function songWithCues(show: string, cues: unknown[]): string {
  const file = join(show, 'songs', 'hello-hologram.json');
  const song = JSON.parse(readFileSync(file, 'utf8'));
  song.cues.lighting.push(...cues);
  writeFileSync(file, JSON.stringify(song, null, 2));
  return file;
}

async function errorsOf(cue: unknown): Promise<string> {
  const show = copyDemoShow();
  songWithCues(show, [cue]);
  const r = await compileShowFolder(show);
  if (r.ok) throw new Error(`compiled: ${JSON.stringify(cue)}`);
  return r.errors.map((e) => `${e.file}:${e.line} ${e.message}`).join('\n');
}

describe('OSC cues in song files', () => {
  it('compile into the song\'s osc track, apart from the MIDI cues', async () => {
    const show = copyDemoShow();
    songWithCues(show, [{ at: 1.5, type: 'osc', host: 'qlab.local', port: 53000, address: '/cue/5/start', args: [1, 0.5, 'go', true, null, { type: 'f', value: 2 }], label: 'QLab 5' }]);
    const r = await compileShowFolder(show);
    if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('\n'));
    const song = r.timeline.songs.find((s) => s.tracks.osc)!;
    expect(song.tracks.osc).toEqual([{ time: song.start + 1.5, host: 'qlab.local', port: 53000, address: '/cue/5/start', args: [1, 0.5, 'go', true, null, { type: 'f', value: 2 }], label: 'QLab 5', cue: expect.any(Number) }]);
    expect(song.tracks.lighting.some((e) => e.label === 'QLab 5')).toBe(false);
  });

  it('a bad host, port, address or argument is an error with its file and line', async () => {
    const base = { at: 0, type: 'osc', host: '10.0.0.5', port: 53000, address: '/go' };
    const line = /songs\/hello-hologram\.json:\d+ /;
    expect(await errorsOf({ ...base, host: '10.0.0.300' })).toMatch(new RegExp(`${line.source}expected the receiver's host \\(an IP address or a name such as "qlab.local"\\), got "10.0.0.300"`));
    expect(await errorsOf({ ...base, host: 'my host' })).toMatch(/got "my host"/);
    expect(await errorsOf({ ...base, port: 70000 })).toMatch(new RegExp(`${line.source}expected 1-65535, got 70000`));
    expect(await errorsOf({ ...base, address: 'go' })).toMatch(/expected an OSC address starting with "\/" \(printable characters, no spaces\), got "go"/);
    expect(await errorsOf({ ...base, address: '/a b' })).toMatch(/no spaces/);
    expect(await errorsOf({ ...base, args: [2 ** 40] })).toMatch(/a whole number beyond 32 bits does not fit OSC's int32: write \{"type": "d", "value": 1099511627776\}/);
    expect(await errorsOf({ ...base, args: [{ level: 1 }] })).toMatch(/expected an OSC argument/);
    expect(await errorsOf({ ...base, args: [{ type: 'i', value: 1.5 }] })).toMatch(/an "i" argument must be a whole number within 32 bits/);
    expect(await errorsOf({ ...base, type: 'oscc' })).toMatch(/expected "type": one of noteOn, noteOff, cc, program, msc, osc, dmx, got "oscc"/);
  });
});

describe('OSC cues on the show', () => {
  it('reach a UDP listener at their time, once, and again after a seek back', async () => {
    listener = createSocket('udp4');
    const got: { r: Received; at: number }[] = [];
    listener.on('message', (m) => got.push({ r: decodeOsc(m), at: Date.now() }));
    await new Promise<void>((r) => listener!.bind(0, '127.0.0.1', () => r()));
    const port = listener.address().port;
    const timeline = makeTimeline([{ title: 'Cues', length: 30 }]);
    const osc: OscCueEvent[] = [
      { time: 0.5, host: '127.0.0.1', port, address: '/cue/1/start', args: [], label: 'first', cue: 0 },
      { time: 1.0, host: 'localhost', port, address: '/mixer/fader', args: [7, 0.25, 'vocals', { type: 'f', value: 1 }], label: 'second', cue: 1 },
    ];
    timeline.songs[0]!.tracks.osc = osc;
    ({ server } = await startTestServer(timeline, { venue: {} }));
    await waitUntil(() => server!.venue!.thread, 10_000, 'the venue thread');
    await server.command({ command: 'go' }, 'test');
    await waitUntil(() => got.length >= 2, 10_000, 'both OSC cues');
    expect(got.map((g) => g.r)).toEqual([
      { address: '/cue/1/start', args: [] },
      { address: '/mixer/fader', args: [7, 0.25, 'vocals', 1] },
    ]);
    await waitUntil(() => server!.venue!.status().oscCues?.sent === 2, 15_000, 'sends counted');
    // A seek back before the first cue plays both again.
    got.length = 0;
    await server.command({ command: 'seek', entry: 0, time: 0.2 }, 'test');
    await server.command({ command: 'resume' }, 'test');
    await waitUntil(() => got.length >= 2, 10_000, 'both cues again');
    expect(got.map((g) => g.r.address)).toEqual(['/cue/1/start', '/mixer/fader']);
  });

  it('a venue thread killed mid-song comes back without firing the cues it missed in a burst', async () => {
    listener = createSocket('udp4');
    const got: number[] = [];
    listener.on('message', (m) => got.push(decodeOsc(m).args[0] as number));
    await new Promise<void>((r) => listener!.bind(0, '127.0.0.1', () => r()));
    const port = listener.address().port;
    const timeline = makeTimeline([{ title: 'Cues', length: 60 }]);
    // A cue every 0.25 s: the thread's restart (0.5 s pause, then its start) misses several.
    timeline.songs[0]!.tracks.osc = Array.from({ length: 200 }, (_, k) => ({ time: 0.5 + k * 0.25, host: '127.0.0.1', port, address: '/tick', args: [k], label: `tick ${k}`, cue: k }));
    ({ server } = await startTestServer(timeline, { venue: {} }));
    const thread = await waitUntil(() => server!.venue!.thread, 10_000, 'the venue thread');
    await server.command({ command: 'go' }, 'test');
    await waitUntil(() => got.length >= 2, 15_000, 'the first cues');
    await thread.worker!.terminate();
    const before = got.length;
    await waitUntil(() => thread.restarts === 1 && got.length >= before + 3, 20_000, 'cues from the restarted thread');
    // Each cue at most once, in order, and the ones due while no thread ran were left out, not sent late.
    for (let i = 1; i < got.length; i++) expect(got[i]!).toBeGreaterThan(got[i - 1]!);
    const missed = got[got.length - 1]! + 1 - got.length;
    expect(missed).toBeGreaterThan(0);
  });

  it('a host that does not resolve raises an alarm naming the cue and the host, and the show plays on', async () => {
    const timeline = makeTimeline([{ title: 'Cues', length: 30 }]);
    timeline.songs[0]!.tracks.osc = [{ time: 0.2, host: 'no-such-host.invalid', port: 9000, address: '/go', args: [], label: 'lost cue', cue: 0 }];
    ({ server } = await startTestServer(timeline, { venue: {} }));
    const alarm = await waitUntil(() => server!.alarms.current.find((a) => a.key === 'osc-cue:no-such-host.invalid:9000'), 15_000, 'the alarm');
    expect(alarm.message).toMatch(/OSC cue "lost cue" to no-such-host\.invalid:9000: cannot resolve "no-such-host\.invalid": (ENOTFOUND|EAI_AGAIN)/);
    expect((await server.command({ command: 'go' }, 'test')).ok).toBe(true);
  });
});
