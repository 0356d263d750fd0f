// The lighting thread: the driver and the cue timing on a worker of their own, so a busy server
// event loop can't hold a cue back. Real worker, real recorder file, real easymidi.

import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import midiFile from 'midi-file';
import { LightingThread } from '../../server/src/lighting/lighting-thread.ts';
import { CueScheduler, type FiredCue } from '../../server/src/lighting/scheduler.ts';
import { NullDriver } from '../../server/src/lighting/driver.ts';
import { MonotonicClock } from '../../server/src/clock.ts';
import type { LightingDriverStatus, TransportSnapshot } from '../../protocol/index.ts';
import { serverClock } from '../../server/src/server.ts';
import { waitUntil } from './helpers.ts';
import { noteOn } from '../../show-files/src/midi.ts';
import { panicMessages } from '../../server/src/lighting/cues.ts';
import type { LightingEvent } from '../../show-files/src/timeline.ts';

const threads: LightingThread[] = [];
afterEach(async () => {
  await Promise.all(threads.splice(0).map((t) => t.close()));
});

async function openThread(...args: ConstructorParameters<typeof LightingThread>): Promise<LightingThread> {
  const thread = new LightingThread(...args);
  threads.push(thread);
  thread.open();
  await thread.whenOpen();
  return thread;
}

function cues(times: number[], firstNote = 60): LightingEvent[] {
  return times.map((time, i) => ({ time, kind: 'noteOn', channel: 1, bytes: noteOn(1, firstNote + i, 100), label: `cue ${i}`, cue: i }));
}

function playingFrom(showTime: number, over: Partial<TransportSnapshot> = {}): TransportSnapshot {
  return { revision: 1, mode: 'playing', playing: true, entryIndex: 0, showTime, serverTime: serverClock(), rate: 1, holdAt: 1e6, waiting: false, blackout: null, ...over };
}

function busyFor(ms: number): number {
  const end = serverClock() + ms;
  while (serverClock() < end) {
    /* the server's event loop, busy (a vocal render, a broadcast to thousands) */
  }
  return serverClock();
}

/** Note numbers and times (ms from the first) of the note-ons in an SMF written by the recorder. */
function recorded(file: string): { note: number; tick: number; label?: string }[] {
  const parsed = midiFile.parseMidi(readFileSync(file));
  const out: { note: number; tick: number; label?: string }[] = [];
  let tick = 0;
  let label: string | undefined;
  for (const e of parsed.tracks[0]!) {
    tick += e.deltaTime;
    if (e.type === 'marker') label = e.text;
    if (e.type === 'noteOn') {
      out.push({ note: e.noteNumber, tick, label });
      label = undefined;
    }
  }
  return out;
}

describe('lighting thread', () => {
  it('fires the cues while the server thread is blocked; a scheduler on that thread waits for it', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'holostage-lt-')), 'lighting.mid');
    const fired: FiredCue[] = [];
    const thread = await openThread({ kind: 'recorder', file });
    const runner = thread.createScheduler(serverClock, (f) => fired.push(f));
    const events = cues([0.05, 0.1, 0.15, 0.2]);
    runner.setEvents(events);
    runner.update(playingFrom(0));
    const unblocked = busyFor(400);
    await new Promise((r) => setTimeout(r, 100));
    expect(fired.map((f) => f.event.label)).toEqual(['cue 0', 'cue 1', 'cue 2', 'cue 3']);
    // Every cue went out before this thread was free again, none early.
    for (const f of fired) {
      expect(f.firedAt).toBeGreaterThanOrEqual(f.due);
      expect(f.firedAt).toBeLessThan(unblocked);
    }

    // The same plan timed on this thread: nothing can fire until the loop is free.
    const late: FiredCue[] = [];
    const driver = new NullDriver();
    driver.open();
    const local = new CueScheduler(driver, new MonotonicClock(), { onFire: (f) => late.push(f) });
    local.setEvents(events);
    local.update(playingFrom(0));
    const freed = busyFor(400);
    await new Promise((r) => setTimeout(r, 100));
    expect(late).toHaveLength(4);
    for (const f of late) expect(f.firedAt).toBeGreaterThanOrEqual(freed);

    // The recorder (on the lighting thread) wrote what it sent, in order, with the labels and its times.
    await thread.close();
    const got = recorded(file);
    expect(got.map((m) => [m.note, m.label])).toEqual([[60, 'cue 0'], [61, 'cue 1'], [62, 'cue 2'], [63, 'cue 3']]);
    // In time order (the labels above give the order): a thread starved by a busy machine may send
    // two overdue cues within the same millisecond, so equal ticks are allowed.
    for (let i = 1; i < got.length; i++) expect(got[i]!.tick).toBeGreaterThanOrEqual(got[i - 1]!.tick);
  });

  it('sends direct messages (panic, chase) at once and in order with the plan, and mirrors the driver status', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'holostage-lt-')), 'lighting.mid');
    const thread = await openThread({ kind: 'recorder', file });
    expect(thread.name).toBe('recorder');
    expect(thread.status()).toMatchObject({ driver: 'recorder', connected: true, error: null, port: file });
    // It asked the OS to run it ahead of other work, and says what it got (root here in CI: real-time).
    expect(thread.note).toMatch(/^lighting thread at (real-time priority \(SCHED_FIFO 10\)|nice -10|normal priority \(could not raise it: .+\))/);
    const runner = thread.createScheduler(serverClock, () => {});
    const events = cues([0.03, 0.5], 70);
    runner.setEvents(events);
    runner.update(playingFrom(0));
    await new Promise((r) => setTimeout(r, 100));
    // A panic: the plan stops, then the blackout goes out; the cue at 0.5 s never fires.
    runner.stop();
    const panic = panicMessages(events, { port: 'rig', channel: 1, mscDeviceId: 1 });
    expect(panic).toHaveLength(2);
    for (const m of panic) expect(thread.send(m.bytes, { label: m.label })).toBe(true);
    await new Promise((r) => setTimeout(r, 600));
    expect(thread.status().sent).toBe(3);
    await thread.close();
    const parsed = midiFile.parseMidi(readFileSync(file));
    const types = parsed.tracks[0]!.filter((e) => e.type !== 'marker' && !('meta' in e && e.meta)).map((e) => e.type);
    expect(types).toEqual(['noteOn', 'controller', 'controller']);
  });

  it('can be left at normal priority', async () => {
    const thread = await openThread({ kind: 'null' }, { priority: 'normal' });
    expect(thread.note).toBe('lighting thread at normal priority');
  });

  it('on a machine without that MIDI port: the show goes on, the status says why, nothing crashes', async () => {
    const changes: LightingDriverStatus[] = [];
    const thread = new LightingThread({ kind: 'easymidi', port: 'holostage-no-such-port', retryMs: 200 });
    threads.push(thread);
    thread.onStatusChange((s) => changes.push(s));
    thread.open();
    await thread.whenOpen();
    const status = thread.status();
    expect(status.driver).toBe('easymidi');
    expect(status.connected).toBe(false);
    expect(status.error).toMatch(/MIDI|port|holostage-no-such-port/i);
    expect(changes.at(-1)?.connected).toBe(false);
    // Sends are refused (false), not thrown, and the thread keeps retrying behind the scenes.
    expect(thread.send(noteOn(1, 60, 1))).toBe(false);
    await new Promise((r) => setTimeout(r, 500));
    expect(thread.restarts).toBe(0);
  });

  it('a thread that dies is started again and re-planned from the show position now, without a burst of late cues', async () => {
    const fired: FiredCue[] = [];
    const logs: string[] = [];
    const thread = await openThread({ kind: 'null' }, { restartMs: 50, log: (l) => logs.push(l) });
    const statuses: LightingDriverStatus[] = [];
    thread.onStatusChange((s) => statuses.push(s));
    const runner = thread.createScheduler(serverClock, (f) => fired.push(f));
    // Cues every 40 ms for 12 s: enough left after the restart however long a loaded machine takes to boot the thread.
    const count = 250;
    const plan = Array.from({ length: count }, (_, i) => cues([0.04 * (i + 1)], i % 128)[0]!).map((c, i) => ({ ...c, cue: i, label: `cue ${i}` }));
    runner.setEvents(plan);
    runner.update(playingFrom(0));
    await waitUntil(() => fired.length > 3, 20_000, 'cues before the kill');
    const before = fired.length;
    // Kill the worker the hard way.
    await (thread as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
    const killedAt = serverClock();
    await waitUntil(() => thread.restarts === 1 && thread.status().connected && fired.length >= before + 10, 30_000, 'the restarted thread firing cues');
    expect(logs.join('\n')).toMatch(/lighting: thread stopped/);
    expect(statuses.map((s) => s.connected)).toEqual([false, true]);
    // Fired after the restart, in order, none repeated. The cues due while no thread was alive (at
    // least the 50 ms restart delay) were skipped, not fired late in a burst when it came back.
    const after = fired.slice(before);
    for (const f of after) {
      expect(f.firedAt).toBeGreaterThan(killedAt);
      expect(f.due < killedAt || f.due > killedAt + 50).toBe(true);
    }
    expect(after.filter((f) => f.due < killedAt).length).toBe(0);
    await waitUntil(() => fired.some((f) => f.event.cue === count - 1), 30_000, 'the last cue');
    const dues = fired.map((f) => f.due);
    expect(new Set(dues).size).toBe(dues.length);
    expect([...dues].sort((a, b) => a - b)).toEqual(dues);
    expect(fired.length).toBeLessThan(count);
  }, 60_000);
});
