// The DMX thread: runs the DMX loop (dmx-out.ts) and its transports away from the server's event
// loop, so a journal write, a socket.io broadcast or a vocal render does not delay a frame. Frames
// are due every 1000/44 ms on this thread's copy of the server clock; a timer wakes shortly before
// each and a blocking wait takes it to the instant. A frame more than one period late is skipped
// (the next carries the look of its own moment), never sent in a burst.
// Started through lighting/worker-boot.mjs by dmx-thread.ts (the main side and the messages).

import { workerData, parentPort } from 'node:worker_threads';
import { showTimeAt, type TransportSnapshot } from '../../../protocol/index.ts';
import { DmxOut, type DmxTransport } from './dmx-out.ts';
import { SacnTransport } from './sacn.ts';
import { ArtNetTransport } from './artnet.ts';
import type { DmxThreadData, FromDmxThread, ToDmxThread } from './dmx-thread.ts';

const data = workerData as DmxThreadData;
const port = parentPort!;
const hrMs = (): number => Number(process.hrtime.bigint()) / 1e6;
const clock = (): number => data.epochMs + hrMs();
const post = (m: FromDmxThread): void => port.postMessage(m);

let snapshot: TransportSnapshot | null = null;
const sacn = data.sacn ? new SacnTransport(data.sacn) : null;
const artnet = data.artnet ? new ArtNetTransport(data.artnet, { onNode: (node, present) => post({ type: 'node', node, present }), log: (line) => post({ type: 'log', line }) }, clock) : null;
const transports: DmxTransport[] = [sacn, artnet].filter((t): t is NonNullable<typeof t> => t !== null);
const out = new DmxOut(transports, () => (snapshot ? { showTime: showTimeAt(snapshot, clock()), blackout: snapshot.blackout !== null } : { showTime: 0, blackout: false }), clock);

const period = 1000 / data.rate;
const pause = new Int32Array(new SharedArrayBuffer(4));
let due = clock() + period;
let timer: ReturnType<typeof setTimeout> | null = null;
let skipped = 0;
/** Lateness of each frame (sent − due, ms) since the last status, for the bench. */
let lateness: number[] = [];

function status(): void {
  post({ type: 'status', frames: out.frames, skipped, lastFrameAt: out.lastFrameAt, sacnPackets: sacn?.packets ?? 0, artnetPackets: artnet?.packets ?? 0, artnetPort: artnet?.port ?? null, nodes: artnet?.list() ?? [], pollsAnswered: artnet?.pollsAnswered ?? 0, malformed: artnet?.malformed ?? 0, lateness });
  lateness = [];
}

function tick(): void {
  timer = null;
  const wait = due - clock();
  if (wait > 0.05) Atomics.wait(pause, 0, 0, wait);
  const now = clock();
  if (now - due > period) {
    // A stalled thread: carry on from now (the look is computed from the position, nothing is lost).
    skipped += Math.floor((now - due) / period);
    due = now;
  }
  out.frame();
  lateness.push(clock() - due);
  due += period;
  timer = setTimeout(tick, Math.max(0, due - clock() - 2));
}

port.on('message', (m: ToDmxThread) => {
  switch (m.type) {
    case 'events':
      out.setEvents(m.events);
      out.frame();
      return;
    case 'update':
      snapshot = m.snapshot;
      // A change of position: the whole look of the new moment goes out now, not at the next frame.
      out.frame();
      return;
    case 'close':
      if (timer) clearTimeout(timer);
      clearInterval(statusTimer);
      void out.close().then(() => post({ type: 'closed' }));
      return;
  }
});

const statusTimer = setInterval(status, data.statusMs);
void (async () => {
  const artnetPort = artnet ? await artnet.start().catch((err: Error) => (post({ type: 'log', line: `artnet: cannot listen (${err.message}); Art-Net is off` }), null)) : null;
  post({ type: 'ready', artnetPort });
  status();
  timer = setTimeout(tick, period);
})();
