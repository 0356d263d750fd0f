import { describe, expect, it } from 'vitest';
import { applyCommand, holdDueAt, initialState, positionAt, settle, snapshotOf } from '../../server/src/transport.ts';
import { showTimeAt, type TransportCommand, type TransportState } from '../../protocol/index.ts';
import { makeTimeline } from './fixtures.ts';

// Three entries: A 0-10 s (waits for GO after it), B 10-30 s, C 25-40 s (5 s crossfade in).
const timeline = makeTimeline([
  { title: 'A', length: 10, holdAfter: true },
  { title: 'B', length: 20 },
  { title: 'C', length: 15, crossfade: 5 },
]);
const config = { goGuardMs: 300, panicFadeSeconds: 2 };

function run(state: TransportState, cmd: TransportCommand | TransportCommand['command'], now: number): TransportState {
  const result = applyCommand(timeline, state, typeof cmd === 'string' ? { command: cmd } : cmd, now, config);
  if (!result.ok) throw new Error(result.error);
  return result.state;
}
function refuse(state: TransportState, cmd: TransportCommand | TransportCommand['command'], now: number): string {
  const result = applyCommand(timeline, state, typeof cmd === 'string' ? { command: cmd } : cmd, now, config);
  if (result.ok) throw new Error(`expected ${JSON.stringify(cmd)} to be refused`);
  return result.error;
}

describe('transport state machine', () => {
  it('starts stopped at the first entry and GO plays it in real time', () => {
    const s0 = initialState(timeline, 1000);
    expect(positionAt(timeline, s0, 5000)).toMatchObject({ showTime: 0, entryIndex: 0, playing: false });
    const s1 = run(s0, 'go', 2000);
    expect(s1.mode).toBe('playing');
    expect(positionAt(timeline, s1, 4500)).toMatchObject({ showTime: 2.5, entryIndex: 0, songTime: 2.5, playing: true });
    expect(s1.revision).toBeGreaterThan(s0.revision);
  });

  it('stops by itself at the end of a holdAfter entry and GO starts the next one', () => {
    const s1 = run(initialState(timeline, 0), 'go', 0);
    expect(s1.holdAt).toBe(10);
    expect(holdDueAt(s1)).toBe(10_000);
    // Past the hold point the position is clamped, before and after the server settles it.
    expect(positionAt(timeline, s1, 12_000)).toMatchObject({ showTime: 10, entryIndex: 0 });
    const held = settle(timeline, s1, 12_000);
    expect(held).toMatchObject({ mode: 'held', waiting: true, entryIndex: 0, anchorShowTime: 10 });
    expect(refuse(held, 'resume', 12_500)).toMatch(/waiting for GO after "A"/);
    const s2 = run(held, 'go', 13_000);
    expect(positionAt(timeline, s2, 14_000)).toMatchObject({ showTime: 11, entryIndex: 1, songTime: 1 });
  });

  it('runs on through a crossfade: the later entry is current during the overlap', () => {
    const s = run(initialState(timeline, 0), { command: 'seek', entry: 1, time: 0 }, 0);
    const playing = run(s, 'go', 0);
    expect(positionAt(timeline, playing, 16_000)).toMatchObject({ showTime: 26, entryIndex: 2, songTime: 1 });
    // No hold point after B: playback stops only at the show end.
    expect(playing.holdAt).toBe(40);
    const end = settle(timeline, playing, 60_000);
    expect(end).toMatchObject({ mode: 'held', waiting: true, entryIndex: 2, anchorShowTime: 40 });
    expect(refuse(end, 'go', 61_000)).toMatch(/last entry/);
  });

  it('double-GO guard: a second GO within 300 ms is refused and nothing moves', () => {
    const s1 = run(initialState(timeline, 0), 'go', 1000);
    expect(refuse(s1, 'go', 1299)).toMatch(/GO ignored: only 299 ms after the previous GO \(guard 300 ms\)/);
    // At 300 ms it is accepted: GO while playing moves on to the next entry.
    const s2 = run(s1, 'go', 1300);
    expect(positionAt(timeline, s2, 1300)).toMatchObject({ showTime: 10, entryIndex: 1 });
  });

  it('hold freezes the position and resume continues from exactly there', () => {
    const s1 = run(initialState(timeline, 0), 'go', 0);
    const held = run(s1, 'hold', 3_250);
    expect(positionAt(timeline, held, 99_000)).toMatchObject({ showTime: 3.25, playing: false });
    expect(refuse(held, 'hold', 4_000)).toMatch(/not playing \(held\)/);
    const resumed = run(held, 'resume', 10_000);
    expect(positionAt(timeline, resumed, 11_000).showTime).toBeCloseTo(4.25, 9);
    expect(refuse(resumed, 'resume', 11_000)).toMatch(/nothing to resume \(playing\)/);
  });

  it('GO on a held (not waiting) show resumes it', () => {
    const held = run(run(initialState(timeline, 0), 'go', 0), 'hold', 2_000);
    const s = run(held, 'go', 5_000);
    expect(positionAt(timeline, s, 6_000)).toMatchObject({ showTime: 3, entryIndex: 0, playing: true });
  });

  it('next and previous keep playing; at the ends they refuse', () => {
    const s1 = run(initialState(timeline, 0), 'go', 0);
    const s2 = run(s1, 'next', 1_000);
    expect(positionAt(timeline, s2, 2_000)).toMatchObject({ showTime: 11, entryIndex: 1, playing: true });
    const s3 = run(s2, 'previous', 2_000);
    expect(positionAt(timeline, s3, 2_000)).toMatchObject({ showTime: 0, entryIndex: 0, playing: true });
    expect(refuse(s3, 'previous', 2_100)).toMatch(/first entry/);
    const last = run(run(s3, 'next', 2_200), 'next', 2_300);
    expect(refuse(last, 'next', 2_400)).toMatch(/last entry/);
  });

  it('next while stopped moves the cursor: GO then starts that entry', () => {
    const s = run(initialState(timeline, 0), 'next', 0);
    expect(s).toMatchObject({ mode: 'stopped', entryIndex: 1 });
    const playing = run(s, 'go', 100);
    expect(positionAt(timeline, playing, 1_100)).toMatchObject({ showTime: 11, entryIndex: 1 });
  });

  it('seek cues up a position; out-of-range seeks are refused', () => {
    const s = run(initialState(timeline, 0), { command: 'seek', entry: 1, time: 7.5 }, 0);
    expect(s).toMatchObject({ mode: 'held', entryIndex: 1, anchorShowTime: 17.5 });
    expect(refuse(s, { command: 'seek', entry: 3, time: 0 }, 0)).toMatch(/entry must be an integer from 0 to 2, got 3/);
    expect(refuse(s, { command: 'seek', entry: 0, time: 11 }, 0)).toMatch(/time must be from 0 to 10.000 s into "A", got 11/);
    expect(refuse(s, { command: 'seek', entry: 0, time: -1 }, 0)).toMatch(/got -1/);
  });

  it('stop returns to the start of the current entry', () => {
    const s = run(run(initialState(timeline, 0), { command: 'seek', entry: 1, time: 4 }, 0), 'go', 0);
    const stopped = run(s, 'stop', 3_000);
    expect(stopped).toMatchObject({ mode: 'stopped', entryIndex: 1, anchorShowTime: 10 });
    expect(refuse(stopped, 'stop', 4_000)).toMatch(/already stopped/);
  });

  it('panic fades over the panic time, holds where the fade ends, and resume continues from there', () => {
    const s1 = run(initialState(timeline, 0), 'go', 0);
    const panicked = run(s1, 'panic', 4_000);
    expect(panicked.blackout).toEqual({ serverTime: 4_000, fadeSeconds: 2 });
    expect(panicked.holdAt).toBe(6);
    // During the fade the clock runs so audio can fade out; then it stops at 6 s.
    expect(positionAt(timeline, panicked, 5_000).showTime).toBe(5);
    const afterFade = settle(timeline, panicked, 9_000);
    expect(afterFade).toMatchObject({ mode: 'held', waiting: false, anchorShowTime: 6 });
    expect(afterFade.blackout).not.toBeNull();
    const resumed = run(afterFade, 'resume', 20_000);
    expect(resumed.blackout).toBeNull();
    expect(resumed.holdAt).toBe(10);
    expect(positionAt(timeline, resumed, 21_000).showTime).toBe(7);
  });

  it('panic while stopped blacks out at once; resume lifts it', () => {
    const s = run(initialState(timeline, 0), 'panic', 100);
    expect(s).toMatchObject({ mode: 'stopped', blackout: { serverTime: 100, fadeSeconds: 2 } });
    const lifted = run(s, 'resume', 200);
    expect(lifted).toMatchObject({ mode: 'stopped', blackout: null });
  });

  it('unknown commands and empty setlists give clear errors', () => {
    expect(refuse(initialState(timeline, 0), { command: 'jump' as never }, 0)).toMatch(/unknown transport command "jump"/);
    const empty = { ...timeline, entries: [] };
    const r = applyCommand(empty, initialState(empty, 0), { command: 'go' }, 0, config);
    expect(r).toEqual({ ok: false, error: 'the show has no setlist entries' });
  });

  it('snapshots give clients the same show time as the server, including the clamp at the hold point', () => {
    const s1 = run(initialState(timeline, 0), 'go', 1_000);
    const snap = snapshotOf(timeline, s1, 3_000);
    expect(snap).toMatchObject({ playing: true, showTime: 2, serverTime: 3_000, rate: 1, holdAt: 10, entryIndex: 0 });
    for (const t of [3_000, 7_777, 10_999, 11_000, 50_000]) {
      expect(showTimeAt(snap, t)).toBeCloseTo(positionAt(timeline, s1, t).showTime, 9);
    }
  });
});
