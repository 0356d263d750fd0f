// Clock sync in a worker: the page's main thread can be busy for a whole frame (software GL,
// a big avatar), and a ping answered while it is busy comes back with a long, lopsided round trip.
// A worker's event loop is free, so its round trips stay short and the offset stays accurate. It
// posts the offset against the epoch (server clock minus wall clock), which the page can use with
// its own performance.timeOrigin.

import { io } from 'socket.io-client';
import { ClockSync, ClockSyncLoop } from '../../../protocol/index.ts';
import { EVENTS } from '../../../protocol/index.ts';
import { Failover } from '../../../client/failover.ts';

export interface ClockWorkerStart { url: string; token: string; output: string }
export interface ClockWorkerReport { offsetEpochMs: number; roundTripMs: number; samples: number; connected: boolean }

const scope = self as unknown as { onmessage: ((e: MessageEvent<ClockWorkerStart>) => void) | null; postMessage(m: ClockWorkerReport): void };

scope.onmessage = (e) => {
  const { url, token, output } = e.data;
  const socket = io(url, { auth: { token }, query: { token, output, purpose: 'clock' }, transports: ['websocket'] });
  const sync = new ClockSync({ now: () => performance.now(), window: 48, best: 4 });
  const loop = new ClockSyncLoop(sync, socket, { burst: 24, intervalMs: 500 });
  // Follows the page to the standby when it takes over (the new primary runs on the same clock).
  const failover = new Failover(socket, url);
  let connected = false;
  socket.on('connect', () => {
    connected = true;
    loop.restart();
  });
  socket.on('disconnect', (reason) => {
    connected = false;
    loop.stop();
    if (reason === 'io server disconnect') failover.serverClosed(1000);
  });
  let last = -1;
  let lastConnected = false;
  setInterval(() => {
    if (sync.totalSamples === last && connected === lastConnected) return;
    last = sync.totalSamples;
    lastConnected = connected;
    if (!sync.synced) return;
    scope.postMessage({ offsetEpochMs: sync.offset - performance.timeOrigin, roundTripMs: sync.roundTrip, samples: sync.totalSamples, connected });
  }, 50);
};
