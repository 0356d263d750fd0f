// The lighting thread: owns the lighting driver and fires the cue plan, away from the server's
// event loop. Long waits use a timer (so the driver's own timers, such as the MIDI watchdog, keep
// running); the last few milliseconds before a cue block on Atomics.wait, which wakes within tens
// of microseconds on a quiet machine, then spin to the exact instant. The main thread bumps a shared counter after
// every message it posts, so a new plan or a panic interrupts that block at once.
// Started through worker-boot.mjs (see lighting-thread.ts for the main side and the messages).

import { receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import { CuePlan } from './scheduler.ts';
import { raiseThreadPriority } from './thread-priority.ts';
import { MtcPlan } from '../venue/mtc-plan.ts';
import { createDriver } from './driver-spec.ts';
import { type LightingDriverStatus, type TransportSnapshot } from '../../../protocol/index.ts';
import type { LightingThreadData, ToLightingThread, FromLightingThread } from './lighting-thread.ts';

const data = workerData as LightingThreadData;
const port: MessagePort = data.port;
const signal = new Int32Array(data.signal);
/** Fencing (the pair's primary lease): nothing goes out after this hrtime instant. */
const fence = new Float64Array(data.fence);
/** Timers wake this long before a cue; the rest is a blocking wait. */
const TIMER_LEAD_MS = data.timerLeadMs;
/** The last stretch before a cue is a busy spin (Atomics.wait oversleeps by tens of µs). */
const SPIN_MS = data.spinMs;

// The server clock (timeOrigin + performance.now() on the main thread), from this thread's
// monotonic clock: the main thread measured its offset from process.hrtime, which every thread shares.
const hrMs = (): number => Number(process.hrtime.bigint()) / 1e6;
const clockBase = data.epochMs + hrMs() - performance.now();
const clock = (): number => clockBase + performance.now();
const fenced = (): boolean => hrMs() > fence[0]!;

const driver = createDriver(data.spec, clock);
const plan = new CuePlan();
/** MTC out, when the show sends timecode; it follows the same snapshots as the cue plan. */
let mtc: MtcPlan | null = null;
let lastSnapshot: TransportSnapshot | null = null;
/** Which list of events the plan holds (fired reports name it, so the main thread maps indexes to the right list). */
let eventsRevision = 0;
let timer: ReturnType<typeof setTimeout> | null = null;
let closing = false;

function post(message: FromLightingThread): void {
  port.postMessage(message);
}
const counts = (): { sent: number; failed: number } => {
  const s = driver.status();
  return { sent: s.sent, failed: s.failed };
};

driver.onStatusChange((status: LightingDriverStatus) => post({ type: 'status', status }));

/** Apply one message from the main thread; true when the plan may have changed. */
function apply(message: ToLightingThread): boolean {
  switch (message.type) {
    case 'events':
      plan.setEvents(message.events);
      eventsRevision = message.revision;
      return true;
    case 'update':
      plan.update(message.snapshot, message.continuous);
      lastSnapshot = message.snapshot;
      mtc?.update(message.snapshot, clock());
      return true;
    case 'timecode':
      mtc = message.config ? new MtcPlan(message.config) : null;
      if (mtc && lastSnapshot) mtc.update(lastSnapshot, clock());
      return true;
    case 'stop':
      plan.stop();
      return true;
    case 'send': {
      const delivered = !fenced() && driver.send(message.bytes, { label: message.label });
      post({ type: 'sent', delivered, ...counts() });
      return false;
    }
    case 'close':
      closing = true;
      plan.stop();
      if (timer) clearTimeout(timer);
      void driver.close().finally(() => {
        post({ type: 'closed', ...counts() });
        port.close();
      });
      return false;
  }
}

function drain(): void {
  for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) apply(m.message as ToLightingThread);
}

/** A new plan (or a message that may have changed it): drop the pending timer and look again. */
function schedule(): void {
  if (timer) clearTimeout(timer);
  approach();
}

/** Close in on the next cue without yielding, fire it, and go on while the next one is near. */
function approach(): void {
  timer = null;
  // The main thread bumps the counter after every message it posts: take messages only when it
  // moved (not on every turn of the spin), and wait on the value read before taking them, so a
  // message posted meanwhile makes the wait return at once.
  let seen = Number.NaN;
  for (;;) {
    const now = Atomics.load(signal, 0);
    if (now !== seen) {
      seen = now;
      drain();
    }
    if (closing) return;
    const due = earliest(plan.nextDue(), mtc?.nextDue() ?? null);
    if (due === null) return;
    const remaining = due - clock();
    if (remaining > TIMER_LEAD_MS + 0.5) {
      // Nothing near (the timer woke early, or the plan moved): back to the event loop.
      timer = setTimeout(approach, remaining - TIMER_LEAD_MS);
      return;
    }
    if (remaining > SPIN_MS) {
      Atomics.wait(signal, 0, seen, remaining - SPIN_MS);
      continue;
    }
    if (remaining > 0) continue;
    if (fenced()) {
      // Past the fence: the due cues are dropped, not sent late (a new plan comes with the next primary term).
      plan.stop();
      mtc?.stop();
      continue;
    }
    plan.fireDue(clock, (event, index, dueAt, firedAt) => {
      const delivered = driver.send(event.bytes, { label: event.label });
      post({ type: 'fired', revision: eventsRevision, index, due: dueAt, firedAt, delivered, ...counts() });
    });
    mtc?.fireDue(clock, (bytes, label) => driver.send(bytes, { label }));
  }
}

function earliest(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.min(a, b);
}

port.on('message', (message: ToLightingThread) => {
  if (apply(message)) schedule();
});

post({ type: 'note', text: raiseThreadPriority('lighting thread', data.priority) });
driver.open();
post({ type: 'status', status: driver.status() });
