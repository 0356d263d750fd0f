// sACN (E1.31) DMX out: DMX cues compiled from a song file, levels with fades, and real packets on
// 127.0.0.1 parsed by the test's own E1.31 parser (field by field, from the standard's layout).

import { createSocket, type Socket } from 'node:dgram';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { compileShowFolder } from '../../show-files/src/compile.ts';
import type { DmxEvent } from '../../show-files/src/timeline.ts';
import { dmxLevelsAt } from '../../show-files/src/dmx-levels.ts';
import type { ShowServer } from '../../server/src/server.ts';
import { makeTimeline } from '../server/fixtures.ts';
import { copyDemoShow, startTestServer, waitUntil } from '../server/helpers.ts';

interface E131 {
  priority: number;
  sequence: number;
  universe: number;
  sourceName: string;
  syncAddress: number;
  levels: number[];
}

/** Parse and check an E1.31 data packet; throws on any field out of the standard. */
function parseE131(b: Buffer): E131 {
  const fail = (what: string): never => {
    throw new Error(`not E1.31: ${what}`);
  };
  if (b.length < 126) fail(`only ${b.length} bytes`);
  if (b.readUInt16BE(0) !== 0x10 || b.readUInt16BE(2) !== 0) fail('preamble/postamble');
  if (b.toString('latin1', 4, 16) !== 'ASC-E1.17\0\0\0') fail('ACN packet identifier');
  const flagsLength = (at: number, from: number): void => {
    const v = b.readUInt16BE(at);
    if (v >> 12 !== 0x7 || (v & 0x0fff) !== b.length - from) fail(`flags/length at ${at}`);
  };
  flagsLength(16, 16);
  if (b.readUInt32BE(18) !== 4) fail('root vector');
  flagsLength(38, 38);
  if (b.readUInt32BE(40) !== 2) fail('framing vector');
  flagsLength(115, 115);
  if (b[117] !== 0x02 || b[118] !== 0xa1 || b.readUInt16BE(119) !== 0 || b.readUInt16BE(121) !== 1) fail('DMP layer');
  const count = b.readUInt16BE(123);
  if (count !== b.length - 125 || b[125] !== 0) fail('property count / start code');
  const name = b.toString('utf8', 44, 108);
  return { priority: b[108]!, sequence: b[111]!, universe: b.readUInt16BE(113), sourceName: name.slice(0, name.indexOf('\0')), syncAddress: b.readUInt16BE(109), levels: [...b.subarray(126)] };
}

/** An E1.31 synchronization packet (root vector 8, framing vector 1, 49 bytes): its sequence and sync address. */
function parseE131Sync(b: Buffer): { sequence: number; syncAddress: number } {
  const fail = (what: string): never => {
    throw new Error(`not an E1.31 sync packet: ${what}`);
  };
  if (b.length !== 49) fail(`${b.length} bytes`);
  if (b.readUInt16BE(0) !== 0x10 || b.toString('latin1', 4, 16) !== 'ASC-E1.17\0\0\0') fail('preamble / ACN identifier');
  if (b.readUInt16BE(16) !== (0x7000 | 33) || b.readUInt32BE(18) !== 8) fail('root layer');
  if (b.readUInt16BE(38) !== (0x7000 | 11) || b.readUInt32BE(40) !== 1) fail('framing layer');
  if (b.readUInt16BE(47) !== 0) fail('reserved');
  return { sequence: b[44]!, syncAddress: b.readUInt16BE(45) };
}

const dmx: DmxEvent[] = [
  { time: 0, universe: 1, channels: [{ channel: 1, from: null, to: 255 }, { channel: 2, from: 50, to: 250 }], fade: 2, label: 'open', cue: 0 },
  { time: 4, universe: 1, channels: [{ channel: 2, from: null, to: 0 }], fade: 0, label: 'cut', cue: 1 },
  { time: 6, universe: 2, channels: [{ channel: 512, from: null, to: 10 }], fade: 0, label: 'u2', cue: 2 },
];

let server: ShowServer | null = null;
let receiver: Socket | null = null;
afterEach(async () => {
  receiver?.close();
  receiver = null;
  await server?.close();
  server = null;
});

describe('DMX cues', () => {
  it('compile from a song file, and a bad channel is refused with its line', async () => {
    const show = copyDemoShow();
    const file = join(show, 'songs', 'hello-hologram.json');
    const song = JSON.parse(readFileSync(file, 'utf8'));
    song.cues.lighting.push({ at: 0, type: 'dmx', universe: 1, channels: { '1': 255, '2': [0, 255] }, fade: 2 });
    writeFileSync(file, JSON.stringify(song, null, 2));
    const r = await compileShowFolder(show);
    if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('\n'));
    const withDmx = r.timeline.songs.find((s) => s.tracks.dmx)!;
    expect(withDmx.tracks.dmx).toEqual([{ time: withDmx.start, universe: 1, channels: [{ channel: 1, from: null, to: 255 }, { channel: 2, from: 0, to: 255 }], fade: 2, label: 'DMX u1', cue: song.cues.lighting.length - 1 }]);
    // The MIDI cues are unchanged by it.
    expect(withDmx.tracks.lighting.length).toBe(song.cues.lighting.length - 1);

    song.cues.lighting.push({ at: 0, type: 'dmx', universe: 1, channels: { '513': 1 } });
    writeFileSync(file, JSON.stringify(song, null, 2));
    const bad = await compileShowFolder(show);
    if (bad.ok) throw new Error('channel 513 compiled');
    expect(bad.errors.map((e) => `${e.file}:${e.line} ${e.message}`).join('\n')).toMatch(/songs\/hello-hologram\.json:\d+ expected a DMX channel "1" to "512", got "513"/);
  });

  it('levels follow fades, a cue without "from" fades from where the channel is', () => {
    expect([...dmxLevelsAt(dmx, 0).get(1)!.subarray(0, 3)]).toEqual([0, 50, 0]);
    expect([...dmxLevelsAt(dmx, 1).get(1)!.subarray(0, 3)]).toEqual([128, 150, 0]);
    expect([...dmxLevelsAt(dmx, 3).get(1)!.subarray(0, 2)]).toEqual([255, 250]);
    expect(dmxLevelsAt(dmx, 4).get(1)![1]).toBe(0);
    expect(dmxLevelsAt(dmx, 5).get(2)![511]).toBe(0);
    expect(dmxLevelsAt(dmx, 6).get(2)![511]).toBe(10);
    const midFade: DmxEvent[] = [dmx[0]!, { time: 1, universe: 1, channels: [{ channel: 2, from: null, to: 0 }], fade: 1, label: 'down', cue: 1 }];
    // at 1 s channel 2 is at 150; from there to 0 over 1 s: 75 half way.
    expect(dmxLevelsAt(midFade, 1.5).get(1)![1]).toBe(75);
  });
});

describe('sACN out', () => {
  it('sends valid E1.31 packets with the cued levels, the whole look after a seek, and black on panic', async () => {
    receiver = createSocket('udp4');
    const packets: E131[] = [];
    receiver.on('message', (m) => packets.push(parseE131(m)));
    await new Promise<void>((r) => receiver!.bind(0, '127.0.0.1', () => r()));
    const timeline = makeTimeline([{ title: 'Lights', length: 20 }]);
    timeline.songs[0]!.tracks.dmx = dmx;
    ({ server } = await startTestServer(timeline, { venue: { sacn: { unicast: ['127.0.0.1'], port: receiver.address().port, priority: 150, sourceName: 'holostage test' } } }));
    await waitUntil(() => packets.some((p) => p.universe === 2), 15_000, 'packets for both universes');
    const first = packets.find((p) => p.universe === 1)!;
    expect(first).toMatchObject({ priority: 150, sourceName: 'holostage test' });
    expect(first.levels).toHaveLength(512);
    // Stopped at the show's start: the look of time 0.
    expect(first.levels.slice(0, 3)).toEqual([0, 50, 0]);

    await server.command({ command: 'seek', entry: 0, time: 1 }, 'test');
    // The DMX loop runs on the venue thread and gets the seek by message: packets already on their way show the old look.
    await waitUntil(() => packets.filter((p) => p.universe === 1).at(-1)?.levels[0] === 128, 15_000, 'the look of 1 s');
    packets.length = 0;
    await waitUntil(() => packets.filter((p) => p.universe === 1).length >= 3, 15_000, 'packets after the seek');
    const u1 = packets.filter((p) => p.universe === 1);
    for (const p of u1) expect(p.levels.slice(0, 2)).toEqual([128, 150]);
    // Sequence numbers count up per universe.
    for (let i = 1; i < u1.length; i++) expect(u1[i]!.sequence).toBe((u1[i - 1]!.sequence + 1) & 0xff);

    await server.command({ command: 'seek', entry: 0, time: 7 }, 'test');
    await waitUntil(() => packets.filter((p) => p.universe === 1).at(-1)?.levels[1] === 0, 15_000, 'the look of 7 s');
    packets.length = 0;
    await waitUntil(() => packets.filter((p) => p.universe === 2).length >= 2, 15_000, 'universe 2');
    expect(packets.find((p) => p.universe === 2)!.levels[511]).toBe(10);
    expect(packets.find((p) => p.universe === 1)!.levels.slice(0, 2)).toEqual([255, 0]);

    await server.command({ command: 'resume' }, 'test');
    await server.command({ command: 'panic' }, 'test');
    await waitUntil(() => packets.filter((p) => p.universe === 1).at(-1)?.levels[0] === 0, 15_000, 'black');
    packets.length = 0;
    await waitUntil(() => packets.length >= 4, 15_000, 'packets after panic');
    for (const p of packets) expect(p.levels.every((l) => l === 0)).toBe(true);
  });
});

describe('sACN universe sync', () => {
  it('data packets name the sync universe, and one sync packet follows every frame of both universes', async () => {
    receiver = createSocket('udp4');
    const log: ({ kind: 'data' } & E131 | { kind: 'sync'; sequence: number; syncAddress: number })[] = [];
    receiver.on('message', (m) => log.push(m.length === 49 ? { kind: 'sync', ...parseE131Sync(m) } : { kind: 'data', ...parseE131(m) }));
    await new Promise<void>((r) => receiver!.bind(0, '127.0.0.1', () => r()));
    const timeline = makeTimeline([{ title: 'Lights', length: 20 }]);
    timeline.songs[0]!.tracks.dmx = dmx;
    ({ server } = await startTestServer(timeline, { venue: { sacn: { unicast: ['127.0.0.1'], port: receiver.address().port, sync: 7 } } }));
    await waitUntil(() => log.filter((p) => p.kind === 'sync').length >= 6, 15_000, 'sync packets');
    const data = log.filter((p) => p.kind === 'data');
    expect(data.length).toBeGreaterThan(0);
    for (const p of data) expect(p.syncAddress).toBe(7);
    const syncs = log.filter((p) => p.kind === 'sync');
    for (const p of syncs) expect(p.syncAddress).toBe(7);
    for (let i = 1; i < syncs.length; i++) expect(syncs[i]!.sequence).toBe((syncs[i - 1]!.sequence + 1) & 0xff);
    // Between two sync packets: one data packet per universe (UDP on loopback keeps the order of one sender).
    const first = log.findIndex((p) => p.kind === 'sync');
    const second = log.findIndex((p, i) => i > first && p.kind === 'sync');
    expect(log.slice(first + 1, second).map((p) => (p.kind === 'data' ? p.universe : -1)).sort()).toEqual([1, 2]);
    expect(server!.venue!.status().sacn).toMatchObject({ sync: 7, universes: [1, 2] });
  });
});
