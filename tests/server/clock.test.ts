import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import { ClockSync, ClockSyncLoop } from '../../protocol/index.ts';
import { EVENTS, showTimeAt, type TransportSnapshot } from '../../protocol/index.ts';
import { positionAt } from '../../server/src/transport.ts';
import type { ShowServer } from '../../server/src/server.ts';
import { startDelayProxy, type DelayProxy } from '../../server/src/tools/delay-proxy.ts';
import { makeTimeline } from './fixtures.ts';
import { connect, once, startTestServer } from './helpers.ts';

describe('ClockSync (pure)', () => {
  it('recovers a known offset from samples with asymmetric delays by trusting the fastest round trips', () => {
    const trueOffset = 5000.25;
    let clientNow = 0;
    const sync = new ClockSync({ now: () => clientNow });
    // Legs of 10-30 ms each; the fastest exchanges have nearly equal short legs.
    const legs = [[30, 10], [12, 28], [10.5, 10.7], [25, 25], [11, 10.4], [29, 11], [10.2, 10.9], [20, 14]];
    for (const [up, down] of legs) {
      const t0 = clientNow;
      const serverTime = t0 + up! + trueOffset;
      clientNow = t0 + up! + down!;
      sync.addSample(t0, serverTime, clientNow);
      clientNow += 100;
    }
    // Single samples are up to 10 ms off; the intersection of their intervals is set by the fastest
    // outbound leg (10.2) and the fastest return leg (10): the estimate is 0.1 ms off.
    expect(sync.offset - trueOffset).toBeCloseTo(0.1, 6);
    expect(sync.errorBound).toBeCloseTo(10.1, 6);
    expect(sync.roundTrip).toBeCloseTo(21.1, 6);
    expect(sync.serverNow()).toBeCloseTo(clientNow + sync.offset, 9);
  });

  it('follows a server clock that jumps: stale samples are dropped', () => {
    let clientNow = 0;
    const sync = new ClockSync({ now: () => clientNow });
    const exchange = (offset: number, up: number, down: number): void => {
      const t0 = clientNow;
      clientNow += up + down;
      sync.addSample(t0, t0 + up + offset, clientNow);
      clientNow += 50;
    };
    for (let i = 0; i < 10; i++) exchange(1000, 10 + (i % 3), 10 + ((i + 1) % 4));
    expect(Math.abs(sync.offset - 1000)).toBeLessThan(1);
    for (let i = 0; i < 12; i++) exchange(1080, 10 + (i % 3), 10 + ((i + 1) % 4));
    expect(Math.abs(sync.offset - 1080)).toBeLessThan(1);
  });
});

describe('one clock over a jittery network (loopback proxy, 20 ± 10 ms each way)', () => {
  let server: ShowServer;
  let proxy: DelayProxy;
  const sockets: Socket[] = [];
  const loops: ClockSyncLoop[] = [];

  beforeAll(async () => {
    ({ server } = await startTestServer(makeTimeline([{ title: 'Long song', length: 600 }])));
    proxy = await startDelayProxy({ targetPort: Number(new URL(server.url).port) });
    const r = await server.command({ command: 'go' }, 'test');
    expect(r.ok).toBe(true);
  });
  afterAll(async () => {
    for (const l of loops) l.stop();
    for (const s of sockets) s.close();
    await proxy.close();
    await server.close();
  });

  it('each client estimates the server show time within 2 ms', async () => {
    const clients = [0, 1, 2].map((i) => {
      // Every client's own clock has an arbitrary offset from the server's: sync has to find it.
      const skew = -1.7e12 + i * 12_345.678;
      const clock = new ClockSync({ now: () => performance.now() + skew });
      const socket = connect(`http://127.0.0.1:${proxy.port}`, server.tokens.viewer);
      sockets.push(socket);
      const loop = new ClockSyncLoop(clock, socket, { burst: 40, intervalMs: 50 });
      loops.push(loop);
      let snapshot: TransportSnapshot | null = null;
      socket.on('hello', (h: { transport: TransportSnapshot }) => {
        snapshot = h.transport;
        loop.start();
      });
      socket.on(EVENTS.transport, (s: TransportSnapshot) => (snapshot = s));
      return { clock, loop, socket, skew, snapshot: () => snapshot };
    });
    await Promise.all(clients.map((c) => once(c.socket, 'connect')));
    await Promise.all(clients.map((c) => c.loop.waitForSamples(60)));

    for (const c of clients) {
      const snap = c.snapshot();
      expect(snap).not.toBeNull();
      // Both views at one instant, from one clock reading: the client's estimate of show time, and
      // the server's position at that same instant (server clock = timeOrigin + performance.now(),
      // client clock = performance.now() + skew), so a preemption between two reads can't skew it.
      const errors: number[] = [];
      for (let i = 0; i < 5; i++) {
        const clientNow = c.clock.clientNow();
        const clientView = showTimeAt(snap!, clientNow + c.clock.offset);
        const serverView = positionAt(server.timeline, server.state, performance.timeOrigin + (clientNow - c.skew)).showTime;
        errors.push(Math.abs(clientView - serverView) * 1000);
      }
      expect(c.clock.roundTrip).toBeGreaterThanOrEqual(20);
      if (process.env.HOLOSTAGE_DEBUG) console.log(`sync error ms: ${Math.max(...errors).toFixed(3)}, bound ${c.clock.errorBound.toFixed(3)}`);
      expect(Math.max(...errors)).toBeLessThan(2);
    }
  });
});
