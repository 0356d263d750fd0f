// The venue thread: the DMX loop (dmx-out.ts) with its transports, and the outgoing OSC cues
// (osc-cues.ts), away from the server's event loop, so a journal write, a socket.io broadcast or a
// vocal render does not delay a frame or a cue. DMX frames are due every 1000/44 ms on this
// thread's copy of the server clock; a timer wakes shortly before each frame or cue and a blocking
// wait takes it to the instant. A frame more than one period late is skipped (the next carries the
// look of its own moment), never sent in a burst.
// Started through lighting/worker-boot.mjs by venue-thread.ts (the main side and the messages).

import { workerData, parentPort } from 'node:worker_threads';
import { showTimeAt, type TransportSnapshot } from '../../../protocol/index.ts';
import { DmxOut, type DmxTransport } from './dmx-out.ts';
import { SacnTransport } from './sacn.ts';
import { ArtNetTransport } from './artnet.ts';
import { OscCueSender } from './osc-cues.ts';
import type { VenueThreadData, FromVenueThread, ToVenueThread } from './venue-thread.ts';
import { raiseThreadPriority } from '../lighting/thread-priority.ts';

const data = workerData as VenueThreadData;
const port = parentPort!;
const hrMs = (): number => Number(process.hrtime.bigint()) / 1e6;
const clock = (): number => data.epochMs + hrMs();
const post = (m: FromVenueThread): void => port.postMessage(m);
/** A timer wakes this long before a frame or a cue; a blocking wait does the rest. */
const LEAD_MS = 2;
const pause = new Int32Array(new SharedArrayBuffer(4));
const waitUntil = (due: number): void => {
  const wait = due - clock();
  if (wait > 0.05) Atomics.wait(pause, 0, 0, wait);
};

let snapshot: TransportSnapshot | null = null;
const sacn = data.sacn ? new SacnTransport(data.sacn) : null;
const artnet = data.artnet ? new ArtNetTransport(data.artnet, { onNode: (node, present) => (post({ type: 'node', node, present }), status()), log: (line) => post({ type: 'log', line }) }, clock) : null;
const transports: DmxTransport[] = [sacn, artnet].filter((t): t is NonNullable<typeof t> => t !== null);
const dmx = new DmxOut(transports, () => (snapshot ? { showTime: showTimeAt(snapshot, clock()), blackout: snapshot.blackout !== null } : { showTime: 0, blackout: false }), clock);
const osc = new OscCueSender(clock, (report) => post({ type: 'osc-cue', report }));

// ------------------------------------------------------------------ DMX frames
const period = 1000 / data.rate;
let due = clock() + period;
let frameTimer: ReturnType<typeof setTimeout> | null = null;
let skipped = 0;
/** Lateness of each frame (sent − due, ms) since the last status, for the bench. */
let lateness: number[] = [];

function frame(): void {
  frameTimer = null;
  waitUntil(due);
  const now = clock();
  if (now - due > period) {
    // A stalled thread: carry on from now (the look is computed from the position, nothing is lost).
    skipped += Math.floor((now - due) / period);
    due = now;
  }
  dmx.frame();
  lateness.push(clock() - due);
  due += period;
  frameTimer = setTimeout(frame, Math.max(0, due - clock() - LEAD_MS));
}

// ------------------------------------------------------------------ OSC cues
let oscTimer: ReturnType<typeof setTimeout> | null = null;
function armOsc(): void {
  if (oscTimer) clearTimeout(oscTimer);
  oscTimer = null;
  const next = osc.nextDue();
  if (next === null) return;
  oscTimer = setTimeout(() => {
    oscTimer = null;
    const again = osc.nextDue();
    if (again === null) return;
    if (again - clock() > LEAD_MS + 1) return armOsc(); // woke early (timers round to whole ms)
    waitUntil(again);
    osc.fireDue();
    armOsc();
  }, Math.max(0, next - clock() - LEAD_MS));
}

function status(): void {
  post({ type: 'status', frames: dmx.frames, skipped, lastFrameAt: dmx.lastFrameAt, sacnPackets: sacn?.packets ?? 0, artnetPackets: artnet?.packets ?? 0, artnetPort: artnet?.port ?? null, nodes: artnet?.list() ?? [], pollsAnswered: artnet?.pollsAnswered ?? 0, malformed: artnet?.malformed ?? 0, oscCuesSent: osc.sent, oscCuesFailed: osc.failed, lateness });
  lateness = [];
}

port.on('message', (m: ToVenueThread) => {
  switch (m.type) {
    case 'events':
      dmx.setEvents(m.dmx);
      osc.setEvents(m.osc);
      if (snapshot) osc.update(snapshot, false);
      armOsc();
      dmx.frame();
      return;
    case 'update':
      snapshot = m.snapshot;
      osc.update(m.snapshot, m.continuous);
      armOsc();
      // A change of position: the whole look of the new moment goes out now, not at the next frame.
      dmx.frame();
      return;
    case 'close':
      if (frameTimer) clearTimeout(frameTimer);
      if (oscTimer) clearTimeout(oscTimer);
      clearInterval(statusTimer);
      osc.close();
      void dmx.close().then(() => post({ type: 'closed' }));
      return;
  }
});

const statusTimer = setInterval(status, data.statusMs);
post({ type: 'log', line: `venue: ${raiseThreadPriority('venue thread', data.priority)}` });
void (async () => {
  const artnetPort = artnet ? await artnet.start().catch((err: Error) => (post({ type: 'log', line: `artnet: cannot listen (${err.message}); Art-Net is off` }), null)) : null;
  post({ type: 'ready', artnetPort });
  status();
  if (transports.length) frameTimer = setTimeout(frame, period);
})();
