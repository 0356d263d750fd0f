// The shared ShowLink against the real show server (socket.io on a random loopback port), in Node:
// it syncs the clock, takes the timeline once per revision, keeps the newest snapshot, and after
// the server closes the connection it dials again and takes the restarted revisions as they come.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ShowServer } from '../../server/src/server.ts';
import { ShowLink } from '../../client/show-link.ts';
import { makeTimeline } from '../server/fixtures.ts';
import { startTestServer, waitUntil } from '../server/helpers.ts';

describe('ShowLink', () => {
  let server: ShowServer;
  let link: ShowLink;
  const timelines: number[] = [];
  let transports = 0;

  beforeAll(async () => {
    ({ server } = await startTestServer(makeTimeline([{ title: 'One', length: 30 }, { title: 'Two', length: 30 }])));
    link = new ShowLink({ url: server.url, token: server.tokens.viewer });
    link.on('timeline', (_tl, revision) => timelines.push(revision));
    link.on('transport', () => transports++);
  });
  afterAll(async () => {
    link?.socket.close();
    link?.loop.stop();
    await server?.close();
  });

  it('connects, syncs the clock against the server and fetches the timeline', async () => {
    await waitUntil(() => link.connected && link.timeline && link.sync.totalSamples >= 8, 10_000, 'a synced link with a timeline');
    expect(link.hello?.role).toBe('viewer');
    expect(link.timeline!.entries.map((e) => e.title)).toEqual(['One', 'Two']);
    expect(timelines).toEqual([link.hello!.show.revision]);
    // Same machine, same clock: the estimate of the server's clock is within its error bound.
    expect(Math.abs(link.serverNow() - server.clock())).toBeLessThan(link.sync.errorBound + 5);
  });

  it('follows the transport and drops a snapshot older than the one it holds', async () => {
    const before = link.snapshot!.revision;
    await server.command({ command: 'go' }, 'test');
    await waitUntil(() => link.snapshot!.revision > before && link.snapshot!.playing, 5000, 'the GO snapshot');
    const current = link.snapshot!;
    expect(link.takeSnapshot({ ...current, revision: current.revision - 1, playing: false })).toBe(false);
    expect(link.snapshot).toBe(current);
    expect(link.takeSnapshot({ ...current, revision: current.revision + 1 })).toBe(true);
    expect(link.takeSnapshot(null)).toBe(false);
    expect(link.showTime()).toBeGreaterThan(0);
  });

  it('dials again after the server closes the connection, and fetches no timeline it already has', async () => {
    const held = link.snapshot!.revision;
    const seen = transports;
    server.io.disconnectSockets(true);
    await waitUntil(() => !link.connected, 5000, 'the drop');
    await waitUntil(() => link.connected && link.connects === 2, 10_000, 'the redial');
    // The guard was forgotten for the new connection: the server's current snapshot was taken even
    // though the test pushed the held revision past it.
    await waitUntil(() => transports > seen, 5000, 'a snapshot after the reconnect');
    expect(link.snapshot!.revision).toBeLessThan(held);
    expect(timelines).toHaveLength(1);
  });
});
