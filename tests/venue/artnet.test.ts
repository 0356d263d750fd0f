// Art-Net out: a node simulated on 127.0.0.1 answers holostage's ArtPoll and receives ArtDmx with
// the cued levels; holostage answers a poll; a node that stops answering raises an alarm; the venue
// thread killed mid-show comes back and re-sends the whole look; garbage and floods change nothing.
// Every packet is read and written by the test's own Art-Net code, from the Art-Net 4 spec's tables
// (not the encoder under test).

import { createSocket, type Socket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import type { DmxEvent } from '../../show-files/src/timeline.ts';
import type { ShowServer } from '../../server/src/server.ts';
import { makeTimeline } from '../server/fixtures.ts';
import { startTestServer, waitUntil } from '../server/helpers.ts';
import { ID, TestNode, parsePollReply, nodeReply, type ArtDmx, type PollReply } from './artnet-node.ts';

const dmx: DmxEvent[] = [
  { time: 0, universe: 1, channels: [{ channel: 1, from: null, to: 255 }, { channel: 2, from: 50, to: 250 }], fade: 2, label: 'open', cue: 0 },
  { time: 4, universe: 1, channels: [{ channel: 2, from: null, to: 0 }], fade: 0, label: 'cut', cue: 1 },
  { time: 6, universe: 2, channels: [{ channel: 3, from: null, to: 77 }], fade: 0, label: 'u2', cue: 2 },
];

let server: ShowServer | null = null;
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.close();
  await server?.close();
  server = null;
});

async function serve(node: TestNode, pollMs = 300): Promise<ShowServer> {
  const timeline = makeTimeline([{ title: 'Lights', length: 20 }]);
  timeline.songs[0]!.tracks.dmx = dmx;
  ({ server } = await startTestServer(timeline, { venue: { artnet: { broadcast: '127.0.0.1', nodePort: node.port, bindHost: '127.0.0.1', bindPort: 0, pollMs } } }));
  return server!;
}

const lastFor = (node: TestNode, portAddress: number): ArtDmx | undefined => node.dmx.filter((d) => d.portAddress === portAddress).at(-1);

describe('Art-Net out', () => {
  it('finds a node by ArtPoll and sends it only its universe, with the cued levels, the whole look after a seek, black on panic', async () => {
    const node = await TestNode.open(0); // port-address 0 = holostage universe 1
    sockets.push(node.socket);
    const s = await serve(node);
    await waitUntil(() => node.dmx.length >= 3, 15_000, 'ArtDmx after the node answered a poll');
    expect(node.polls).toBeGreaterThan(0);
    // Universe 2 has no node: nothing goes out for it.
    expect(node.dmx.every((d) => d.portAddress === 0)).toBe(true);
    expect(lastFor(node, 0)!.levels).toHaveLength(512);
    expect(lastFor(node, 0)!.levels.slice(0, 3)).toEqual([0, 50, 0]);
    expect(s.venue!.status().artnet!.nodes).toMatchObject([{ ip: '127.0.0.1', shortName: 'TESTNODE', universes: [1] }]);

    await s.command({ command: 'seek', entry: 0, time: 1 }, 'test');
    // The venue thread gets the seek by message: packets already on their way show the old look.
    await waitUntil(() => lastFor(node, 0)?.levels[0] === 128, 15_000, 'the look of 1 s');
    node.dmx.length = 0;
    await waitUntil(() => node.dmx.length >= 3, 15_000, 'ArtDmx after the seek');
    for (const d of node.dmx) expect(d.levels.slice(0, 2)).toEqual([128, 150]);
    // Sequence runs 1-255 per universe (0 would switch the node's reordering off).
    for (let i = 1; i < node.dmx.length; i++) expect(node.dmx[i]!.sequence).toBe((node.dmx[i - 1]!.sequence % 255) + 1);

    await s.command({ command: 'seek', entry: 0, time: 7 }, 'test');
    await s.command({ command: 'resume' }, 'test');
    await s.command({ command: 'panic' }, 'test');
    await waitUntil(() => lastFor(node, 0)?.levels[0] === 0, 15_000, 'black');
    node.dmx.length = 0;
    await waitUntil(() => node.dmx.length >= 3, 15_000, 'ArtDmx after panic');
    for (const d of node.dmx) expect(d.levels.every((l) => l === 0)).toBe(true);
  });

  it('answers an ArtPoll with an ArtPollReply per universe it sends', async () => {
    const node = await TestNode.open(0);
    sockets.push(node.socket);
    const s = await serve(node);
    const port = await waitUntil(() => s.venue!.status().artnet!.port, 15_000, 'the Art-Net port');
    const poller = createSocket('udp4');
    sockets.push(poller);
    const replies: PollReply[] = [];
    poller.on('message', (m) => replies.push(parsePollReply(m)));
    await new Promise<void>((r) => poller.bind(0, '127.0.0.1', () => r()));
    const poll = Buffer.alloc(14);
    poll.write(ID, 0, 'latin1');
    poll.writeUInt16LE(0x2000, 8);
    poll[11] = 14;
    poller.send(poll, port, '127.0.0.1');
    await waitUntil(() => replies.length >= 2, 15_000, 'two ArtPollReplies (universes 1 and 2)');
    for (const r of replies) expect(r).toMatchObject({ ip: [127, 0, 0, 1], port: 6454, shortName: 'holostage', numPorts: 1, style: 1 });
    // Input ports (DMX onto the network) on port-addresses 0 and 1, bind indexes 1 and 2.
    expect(replies.map((r) => [r.portType & 0x40, r.portAddress, r.bindIndex]).sort()).toEqual([[0x40, 0, 1], [0x40, 1, 2]]);
  });

  it('raises an alarm when a node stops answering polls, and clears it when it is back', async () => {
    const node = await TestNode.open(0);
    sockets.push(node.socket);
    const s = await serve(node, 200);
    await waitUntil(() => node.dmx.length > 0, 15_000, 'DMX to the node');
    node.answering = false;
    const alarm = await waitUntil(() => s.alarms.current.find((a) => a.key === 'artnet:127.0.0.1' && a.active), 10_000, 'the node-gone alarm');
    expect(alarm.message).toMatch(/Art-Net node TESTNODE \(127\.0\.0\.1\) stopped answering polls/);
    expect(s.venue!.status().artnet!.nodes).toEqual([]);
    node.answering = true;
    await waitUntil(() => !s.alarms.current.some((a) => a.key === 'artnet:127.0.0.1' && a.active), 10_000, 'the alarm cleared');
  });

  it('a killed venue thread comes back and re-sends the whole current look', async () => {
    const node = await TestNode.open(0);
    sockets.push(node.socket);
    const s = await serve(node);
    await s.command({ command: 'seek', entry: 0, time: 3 }, 'test');
    await waitUntil(() => lastFor(node, 0)?.levels[0] === 255, 15_000, 'the look at 3 s');
    const thread = s.venue!.thread!;
    await thread.worker!.terminate();
    node.dmx.length = 0;
    await waitUntil(() => thread.restarts === 1 && node.dmx.length > 0, 10_000, 'DMX from the restarted thread');
    expect(node.dmx[0]!.levels.slice(0, 2)).toEqual([255, 250]);
  });

  it('malformed packets and a flood are dropped: the thread still answers polls and sends DMX', async () => {
    const node = await TestNode.open(0);
    sockets.push(node.socket);
    const s = await serve(node);
    const port = await waitUntil(() => s.venue!.status().artnet!.port, 15_000, 'the Art-Net port');
    const attacker = createSocket('udp4');
    sockets.push(attacker);
    await new Promise<void>((r) => attacker.bind(0, '127.0.0.1', () => r()));
    const shortReply = Buffer.from(nodeReply(0, 'X').subarray(0, 40));
    const hugePorts = nodeReply(0, 'BIG');
    hugePorts.writeUInt16BE(0xffff, 172);
    const junk = [Buffer.alloc(0), Buffer.from('hello'), Buffer.from('Art-Net\0'), Buffer.from('Art-Net\0\x00\x20'), shortReply, Buffer.alloc(60_000, 0xff), hugePorts];
    for (let i = 0; i < 2000; i++) attacker.send(junk[i % junk.length]!, port, '127.0.0.1');
    await waitUntil(() => s.venue!.thread!.counts.malformed > 0, 15_000, 'malformed packets counted');
    const replies: Buffer[] = [];
    attacker.on('message', (m) => replies.push(m));
    const poll = Buffer.alloc(14);
    poll.write(ID, 0, 'latin1');
    poll.writeUInt16LE(0x2000, 8);
    poll[11] = 14;
    // UDP: a poll sent while the flood still fills the socket's receive buffer is dropped by the
    // kernel, so the test polls again every half second, as a controller polls on an interval.
    let polledAt = 0;
    await waitUntil(() => {
      if (replies.length > 0) return true;
      if (Date.now() - polledAt >= 500) {
        polledAt = Date.now();
        attacker.send(poll, port, '127.0.0.1');
      }
      return false;
    }, 30_000, 'a poll answered after the flood');
    node.dmx.length = 0;
    await waitUntil(() => node.dmx.length > 2, 15_000, 'DMX still flowing');
    expect(s.venue!.thread!.restarts).toBe(0);
  });
});
