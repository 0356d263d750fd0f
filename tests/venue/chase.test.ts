// Chasing external timecode: a real show server with `--chase mtc` (the MIDI input path) and
// `--chase ltc` (a WAV file played in real time), fed by a sender written here from the MIDI and
// SMPTE specs. The transport locks to the timecode through the controller's gate (the journal
// says so), freewheels when it stops, then holds with an alarm; absurd timecode and floods are
// counted and dropped, never a crash.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { showTimeAt, type ChaseView } from '../../protocol/index.ts';
import { serverClock, type ShowServer } from '../../server/src/server.ts';
import { ltcSamples } from '../../server/src/venue/ltc.ts';
import { encodeWav } from '../../vocal/wav.ts';
import { makeTimeline } from '../server/fixtures.ts';
import { sleep, startTestServer, tempDir, waitUntil } from '../server/helpers.ts';
import { FPS, MtcSender, quarterFrameAt } from './mtc-sender.ts';
import { MtcReader } from '../../server/src/venue/mtc-in.ts';
import { main } from '../../cli/main.ts';

let server: ShowServer | null = null;
let sender: MtcSender | null = null;
afterEach(async () => {
  sender?.stop();
  sender = null;
  await server?.close();
  server = null;
});

const timeline = makeTimeline([
  { title: 'One', length: 30 },
  { title: 'Two', length: 30 },
]);

function chaseView(): ChaseView {
  return server!.venue!.status().chase!;
}

function journalReasons(): string[] {
  return readFileSync(join(server!.stateDir, 'journal.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { reason?: string })
    .flatMap((r) => (r.reason ? [r.reason] : []));
}

describe('serve --chase mtc', { timeout: 60_000 }, () => {
  it('locks to an MTC source started at 01:00:00:00, freewheels when it stops, then holds with an alarm', async () => {
    ({ server } = await startTestServer(timeline, { venue: { chase: { source: 'mtc', offsetSeconds: 3600, freewheelSeconds: 0.5, midiInputName: 'console' } } }));
    expect(chaseView().state).toBe('waiting');
    const s = server;
    sender = new MtcSender((bytes) => void s.midiInput(bytes), 3600 * FPS);
    await waitUntil(() => chaseView().state === 'locked', 20_000, 'the chase to lock');
    const view = chaseView();
    expect(view.rate).toBe(25);
    expect(view.timecode).toMatch(/^01:00:0\d:\d\d$/);
    // The show clock follows the sender: measured now, against the sender's own position.
    const now = serverClock();
    const snap = server.snapshot(now);
    expect(snap.playing).toBe(true);
    expect(Math.abs(showTimeAt(snap, now) - (sender.position(now) - 3600)), 'show time vs timecode').toBeLessThan(2 / FPS);
    // It moved through the one gate: the journal records the chase's commands.
    expect(journalReasons().some((r) => /from chase:mtc/.test(r))).toBe(true);

    await sleep(300);
    sender.stop();
    const stoppedAt = sender.position(serverClock()) - 3600;
    await waitUntil(() => chaseView().state === 'freewheel', 10_000, 'freewheel');
    expect(server.snapshot().playing).toBe(true);
    expect(server.alarmList().find((a) => a.key === 'chase' && a.active)?.message).toMatch(/MTC timecode stopped at 01:00:0/);
    await waitUntil(() => chaseView().state === 'lost' && server!.snapshot().mode === 'held', 10_000, 'the hold');
    const held = server.snapshot();
    // Held after the freewheel time, not before.
    expect(held.showTime).toBeGreaterThanOrEqual(stoppedAt + 0.5);
    expect(server.alarmList().find((a) => a.key === 'chase' && a.active)?.message).toMatch(/lost at .*the show is held/);
    // The state changes before its journal line is on disk: wait for the line.
    await waitUntil(() => journalReasons().at(-1) === 'hold from chase:mtc', 5000, 'the hold in the journal');

    // The timecode comes back elsewhere (01:00:20:00): the show jumps there and plays; the alarm clears.
    sender = new MtcSender((bytes) => void s.midiInput(bytes), (3600 + 20) * FPS);
    await waitUntil(() => chaseView().state === 'locked', 20_000, 'the chase to lock again');
    const back = serverClock();
    expect(Math.abs(server.snapshot(back).showTime + (back - server.snapshot(back).serverTime) / 1000 - (sender.position(back) - 3600))).toBeLessThan(2 / FPS);
    expect(server.snapshot().entryIndex).toBe(0);
    expect(server.alarmList().find((a) => a.key === 'chase')?.active).toBe(false);
  });

  it('an operator\'s hold wins over the timecode, and a panic is never lifted by it', async () => {
    ({ server } = await startTestServer(timeline, { log: (l) => process.env.DEBUG_CHASE && console.log(serverClock() % 100000, l), venue: { chase: { source: 'mtc', offsetSeconds: 3600, freewheelSeconds: 0.5 } } }));
    const s = server;
    sender = new MtcSender((bytes) => void s.midiInput(bytes), 3600 * FPS);
    await waitUntil(() => chaseView().state === 'locked', 20_000, 'the chase to lock');
    expect((await server.command({ command: 'hold' }, 'desk')).ok).toBe(true);
    await waitUntil(() => chaseView().state === 'overridden', 5000, 'the chase to stand back');
    await sleep(500);
    expect(server.snapshot().mode).toBe('held');
    // Timecode stops and starts again: the chase takes the show back.
    sender.stop();
    await waitUntil(() => chaseView().state === 'waiting', 5000, 'the chase to wait');
    sender = new MtcSender((bytes) => void s.midiInput(bytes), 3605 * FPS);
    await waitUntil(() => chaseView().state === 'locked' && server!.snapshot().playing, 20_000, 'the chase to lock again');
    // A panic: the chase stands back and does not resume through the blackout.
    expect((await server.command({ command: 'panic' }, 'desk')).ok).toBe(true);
    await waitUntil(() => chaseView().state === 'overridden', 5000, 'the chase to stand back after a panic');
    await waitUntil(() => server!.snapshot().mode === 'held', 10_000, 'the panic fade to end');
    await sleep(300);
    expect(server.snapshot().mode).toBe('held');
    expect(server.snapshot().blackout).not.toBeNull();
  });

  it('absurd timecode and floods are counted and dropped: the show does not move and the server answers', async () => {
    ({ server } = await startTestServer(timeline, { venue: { chase: { source: 'mtc', offsetSeconds: 3600, freewheelSeconds: 0.5 } } }));
    // Hour 31, minute 63, frame 30 at 25 fps, as quarter frames.
    const sequence = (f: number, s: number, m: number, h: number, code: number): number[][] =>
      [f & 15, f >> 4, s & 15, s >> 4, m & 15, m >> 4, h & 15, (h >> 4) | (code << 1)].map((n, piece) => [0xf1, (piece << 4) | n]);
    for (let i = 0; i < 50; i++) {
      for (const m of [...sequence(0, 0, 0, 31, 1), ...sequence(0, 0, 63, 1, 1), ...sequence(30, 0, 0, 1, 1), ...sequence(0, 0, 1, 0, 2)]) server.midiInput(m);
    }
    // Full frames with impossible fields, and short or overlong garbage.
    server.midiInput([0xf0, 0x7f, 0x7f, 0x01, 0x01, 0x3f, 99, 99, 99, 0xf7]);
    server.midiInput([0xf0, 0x7f, 0x7f, 0x01, 0x01, 0xff, 0xff, 0xff, 0xff, 0xf7]);
    const view = chaseView();
    expect(view.rejected).toBeGreaterThanOrEqual(150);
    expect(view.state).toBe('waiting');
    expect(server.snapshot().playing).toBe(false);
    // A flood of random bytes (some are note-ons the MIDI input maps to GO: the show may move, the chase must not lock).
    let seed = 3;
    const rand = (): number => ((seed = (seed * 16807) % 2147483647), seed % 256);
    for (let i = 0; i < 100_000; i++) server.midiInput(Array.from({ length: 1 + (i % 12) }, rand));
    expect(chaseView().state).not.toBe('locked');
    await server.command({ command: 'stop' }, 'test');
    const res = await fetch(`${server.url}/api/state`, { headers: { authorization: `Bearer ${server.tokens.operator}` } });
    expect(res.status).toBe(200);
    // Timecode before the show's start (00:59:00:00) does not move the show.
    const s = server;
    sender = new MtcSender((bytes) => void s.midiInput(bytes), 3540 * FPS);
    await waitUntil(() => chaseView().state === 'outside', 10_000, 'outside the show');
    expect(chaseView().message).toMatch(/before the show's start/);
    expect(server.snapshot().playing).toBe(false);
  });
});

describe('serve --chase ltc', { timeout: 60_000 }, () => {
  it('locks to LTC from a WAV file played in real time, then holds when the file ends', async () => {
    const file = join(tempDir('holostage-ltc-'), 'ltc.wav');
    // 01:00:05:00 for 3 s at 30 fps: the show (timecode start 01:00:00:00) chases from 5 s.
    writeFileSync(file, encodeWav([ltcSamples({ rate: 30, startFrame: 3605 * 30, frames: 90, sampleRate: 48000 })], 48000));
    const openedAt = serverClock();
    ({ server } = await startTestServer(timeline, { venue: { chase: { source: 'ltc', ltcInput: file, offsetSeconds: 3600, freewheelSeconds: 0.3 } } }));
    expect(chaseView().input).toContain('ltc.wav');
    await waitUntil(() => chaseView().state === 'locked', 20_000, 'the chase to lock to LTC');
    expect(chaseView().rate).toBe(30);
    const now = serverClock();
    // The file started playing when the server opened it; the show follows it within two frames.
    const position = 5 + (now - openedAt) / 1000;
    expect(showTimeAt(server.snapshot(now), now)).toBeLessThanOrEqual(position + 2 / 30);
    expect(showTimeAt(server.snapshot(now), now)).toBeGreaterThan(5);
    await waitUntil(() => chaseView().state === 'lost' && server!.snapshot().mode === 'held', 20_000, 'the hold after the file ends');
    expect(server.snapshot().showTime).toBeGreaterThan(8);
    expect(server.alarmList().find((a) => a.key === 'chase' && a.active)?.message).toMatch(/LTC timecode lost/);
  });

  it('a sound card that cannot be opened is an alarm, not a crash', async () => {
    ({ server } = await startTestServer(timeline, { venue: { chase: { source: 'ltc', ltcInput: 'alsa:holostage-no-such-device', offsetSeconds: 0 } } }));
    const alarm = await waitUntil(() => server!.alarmList().find((a) => a.key === 'chase-input' && a.active), 10_000, 'the input alarm');
    expect(alarm.message).toMatch(/LTC input alsa:holostage-no-such-device: (arecord is not installed|arecord ended).*trying again every 5 s/);
    expect(server.snapshot().playing).toBe(false);
  });
});

describe('reading MTC (the chase\'s reader)', () => {
  it('places every quarter frame after the first whole sequence exactly, and waits out a broken one', () => {
    const reader = new MtcReader();
    const start = (3600 + 59 * 60 + 58) * FPS; // 01:59:58:00, across the hour
    const quarter = 1000 / (4 * FPS);
    const readings = [];
    for (let q = 0; q < 800; q++) {
      const r = reader.receive(quarterFrameAt(start, q), q * quarter);
      if (r) readings.push(r);
    }
    // The first seven pieces carry nothing yet; from piece 7 on every quarter frame is a reading.
    expect(readings.length).toBe(800 - 7);
    for (const r of readings) {
      expect(r.kind).toBe('running');
      expect(r.rate).toBe(25);
      expect(Math.abs(r.seconds - (start / FPS + r.at / 1000))).toBeLessThan(1e-9);
    }
    expect(readings.some((r) => r.label.hours === 2)).toBe(true);
    // A lost byte (piece 3 missing): nothing until the next whole sequence.
    const broken = new MtcReader();
    const got: number[] = [];
    for (let q = 0; q < 40; q++) if (q !== 11 && broken.receive(quarterFrameAt(start, q), q * quarter)) got.push(q);
    expect(got[0]).toBe(7);
    expect(got.filter((q) => q > 11 && q < 23)).toEqual([]);
    expect(got).toContain(23);
    // The sender stops after a piece 7 and starts again a second later at 01:00:20:00: its piece 0
    // is not the next one of the old sequence, so nothing is read at the old place.
    const restarted = new MtcReader();
    for (let q = 0; q < 16; q++) restarted.receive(quarterFrameAt(3600 * FPS, q), q * quarter);
    const after: number[] = [];
    for (let q = 0; q < 16; q++) {
      const r = restarted.receive(quarterFrameAt((3600 + 20) * FPS, q), 1000 + 16 * quarter + q * quarter);
      if (r) after.push(r.seconds);
    }
    expect(after.length).toBe(9);
    expect(Math.min(...after)).toBeGreaterThanOrEqual(3620);
    // A full frame is a locate at its label.
    const locate = new MtcReader().receive([0xf0, 0x7f, 0x7f, 0x01, 0x01, (1 << 5) | 1, 2, 3, 4, 0xf7], 0);
    expect(locate).toMatchObject({ kind: 'locate', rate: 25, label: { hours: 1, minutes: 2, seconds: 3, frames: 4 } });
    expect(locate!.seconds).toBeCloseTo(3723 + 4 / 25, 9);
  });
});

describe('serve --chase flags', () => {
  it('are checked before anything starts, with the nearest flag for a typo', async () => {
    const errors: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => (errors.push(String(chunk)), true)) as typeof process.stderr.write;
    try {
      expect(await main(['serve', '--chase', 'smpte'])).toBe(2);
      expect(await main(['serve', '--chase', 'mtc'])).toBe(2);
      expect(await main(['serve', '--chase', 'ltc'])).toBe(2);
      expect(await main(['serve', '--chase', 'ltc', '--ltc-input', '/no/such.wav'])).toBe(2);
      expect(await main(['serve', '--chase', 'ltc', '--ltc-input', '-', '--chase-freewheel', '-1'])).toBe(2);
      expect(await main(['serve', '--chse', 'mtc'])).toBe(2);
    } finally {
      process.stderr.write = write;
    }
    const text = errors.join('');
    expect(text).toContain('--chase: expected mtc or ltc, got "smpte"');
    expect(text).toContain('--chase mtc reads MIDI Time Code from a MIDI input: add --midi-in <name>');
    expect(text).toContain('--chase ltc needs --ltc-input');
    expect(text).toContain('--ltc-input: no such file "/no/such.wav"');
    expect(text).toContain('--chase-freewheel: expected seconds from 0 to 600');
    expect(text).toContain('unknown flag --chse (did you mean --chase?)');
  });
});
