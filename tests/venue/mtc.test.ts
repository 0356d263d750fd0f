// MTC out: quarter frames recorded from the lighting output path, reassembled by a decoder written
// here from the MIDI spec, land on the show time within one frame at every rate; a locate sends a
// full frame; drop-frame labels follow SMPTE's rule.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import midiFile from 'midi-file';
import { LightingThread } from '../../server/src/lighting/lighting-thread.ts';
import { showTimeAt, type TransportSnapshot } from '../../protocol/index.ts';
import { MtcPlan } from '../../server/src/venue/mtc-plan.ts';
import { RecorderDriver } from '../../server/src/lighting/recorder-driver.ts';
import type { SendInfo } from '../../server/src/lighting/driver.ts';
import { serverClock, type ShowServer } from '../../server/src/server.ts';
import { frameToTimecode, parseTimecode, timecodeToFrame, type MtcRate } from '../../server/src/venue/timecode.ts';
import { makeTimeline } from '../server/fixtures.ts';
import { sleep, startTestServer, tempDir } from '../server/helpers.ts';

/** A recorder that also stamps each message with the server time of its send (the recorder's own
 * times count from open(), and a pause between that and a second clock reading would shift them all). */
class StampedRecorder extends RecorderDriver {
  private readonly sentAt: number[] = [];
  constructor() {
    super(null, serverClock);
  }
  override send(bytes: readonly number[], info?: SendInfo): boolean {
    this.sentAt.push(serverClock());
    return super.send(bytes, info);
  }
  serverTimes(): { at: number; bytes: number[] }[] {
    return this.messages.map((m, i) => ({ at: this.sentAt[i]!, bytes: m.bytes }));
  }
}

// ---------------------------------------------------------------- the test's own MTC decoder

const RATE_OF_CODE: Record<number, { nominal: number; real: number; drop: boolean }> = {
  0: { nominal: 24, real: 24, drop: false },
  1: { nominal: 25, real: 25, drop: false },
  2: { nominal: 30, real: 30000 / 1001, drop: true },
  3: { nominal: 30, real: 30, drop: false },
};

/** Seconds since 00:00:00:00 of a label (drop frame: two labels skipped per minute but every tenth). */
function labelSeconds(h: number, m: number, s: number, f: number, code: number): number {
  const r = RATE_OF_CODE[code]!;
  const minutes = h * 60 + m;
  const frames = (minutes * 60 + s) * r.nominal + f - (r.drop ? 2 * (minutes - Math.floor(minutes / 10)) : 0);
  return frames / r.real;
}

interface Decoded {
  /** Server time of the eighth quarter frame. */
  at: number;
  /** The time it means (the label + 2 frames, as a receiver reads it), seconds. */
  seconds: number;
  rateCode: number;
}

function decodeQuarterFrames(messages: { at: number; bytes: number[] }[]): Decoded[] {
  const out: Decoded[] = [];
  let pieces: number[] = [];
  for (const m of messages) {
    if (m.bytes[0] !== 0xf1 || m.bytes.length !== 2) continue;
    const piece = m.bytes[1]! >> 4;
    const value = m.bytes[1]! & 0x0f;
    if (piece !== pieces.length) pieces = [];
    if (piece !== pieces.length) continue; // wait for piece 0
    pieces.push(value);
    if (pieces.length < 8) continue;
    const [fl, fh, sl, sh, ml, mh, hl, hh] = pieces as [number, number, number, number, number, number, number, number];
    const code = (hh >> 1) & 3;
    const label = labelSeconds(hl | ((hh & 1) << 4), ml | (mh << 4), sl | (sh << 4), fl | (fh << 4), code);
    out.push({ at: m.at, seconds: label + 2 / RATE_OF_CODE[code]!.real, rateCode: code });
    pieces = [];
  }
  return out;
}

function decodeFullFrames(messages: { at: number; bytes: number[] }[]): { at: number; seconds: number }[] {
  return messages
    .filter((m) => m.bytes.length === 10 && m.bytes[0] === 0xf0 && m.bytes[1] === 0x7f && m.bytes[3] === 0x01 && m.bytes[4] === 0x01 && m.bytes[9] === 0xf7)
    .map((m) => ({ at: m.at, seconds: labelSeconds(m.bytes[5]! & 0x1f, m.bytes[6]!, m.bytes[7]!, m.bytes[8]!, (m.bytes[5]! >> 5) & 3) }));
}

// ---------------------------------------------------------------- tests

let server: ShowServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

const timeline = makeTimeline([
  { title: 'One', length: 30 },
  { title: 'Two', length: 30 },
]);
const CODES: Record<MtcRate, number> = { 24: 0, 25: 1, 29.97: 2, 30: 3 };
/** A lighting cue at a known show time: the reference clock in a recording made on the lighting thread. */
const REFERENCE_CUE = 0.25;
const cued = makeTimeline([
  { title: 'One', length: 30, lighting: [{ time: REFERENCE_CUE, kind: 'noteOn', channel: 1, bytes: [0x90, 60, 127], label: 'reference' }] },
  { title: 'Two', length: 30 },
]);

/** Every message of a recorded SMF with its time (1 tick = 1 ms), read with midi-file's parser. */
function readRecording(file: string): { at: number; bytes: number[] }[] {
  const smf = midiFile.parseMidi(readFileSync(file));
  const out: { at: number; bytes: number[] }[] = [];
  let t = 0;
  for (const e of smf.tracks[0]!) {
    t += e.deltaTime;
    const ev = e as unknown as { type: string; data?: number[]; noteNumber?: number; velocity?: number; channel?: number };
    if (ev.type === 'endSysEx') out.push({ at: t, bytes: [...ev.data!] });
    else if (ev.type === 'sysEx') out.push({ at: t, bytes: [0xf0, ...ev.data!] });
    else if (ev.type === 'noteOn') out.push({ at: t, bytes: [0x90 | ev.channel!, ev.noteNumber!, ev.velocity!] });
  }
  return out;
}

describe('MTC out on the lighting thread (what serve uses)', { timeout: 30_000 }, () => {
  it.each([24, 25, 29.97, 30] as MtcRate[])('quarter frames at %s fps in the recorded SMF reassemble to the show time within one frame', async (rate) => {
    const file = join(tempDir('holostage-mtc-'), 'lighting.mid');
    const lighting = new LightingThread({ kind: 'recorder', file }, { priority: 'realtime' });
    const offset = 3600;
    ({ server } = await startTestServer(cued, { lighting, venue: { mtc: { rate, offsetSeconds: offset } } }));
    expect(server.venue!.status().mtc!.thread).toBe('lighting');
    expect((await server.command({ command: 'go' }, 'test')).ok).toBe(true);
    // Two seconds of playing: the lighting worker may take most of the first to start on a busy CI machine.
    await sleep(2000);
    await server.command({ command: 'hold' }, 'test');
    await server.close();
    server = null;
    const messages = readRecording(file);
    // Show time of a recorded message: from the reference cue, fired by the same thread at 0.25 s.
    const cue = messages.find((m) => m.bytes[0] === 0x90)!;
    expect(cue).toBeDefined();
    const showTimeOf = (at: number): number => REFERENCE_CUE + (at - cue.at) / 1000;
    const decoded = decodeQuarterFrames(messages);
    const frame = 1 / RATE_OF_CODE[CODES[rate]]!.real;
    // A second of playing is fps / 2 complete times (eight quarter frames, two frames, make one).
    expect(decoded.length).toBeGreaterThanOrEqual(Math.floor(rate * 0.4));
    for (const d of decoded) {
      expect(d.rateCode).toBe(CODES[rate]);
      // The SMF rounds times to 1 ms.
      expect(Math.abs(d.seconds - offset - showTimeOf(d.at))).toBeLessThan(frame);
    }
    const full = decodeFullFrames(messages);
    expect(full.length).toBeGreaterThanOrEqual(1);
    expect(Math.abs(full[0]!.seconds - offset)).toBeLessThan(2 * frame);
  });
});

describe('MTC out on the main thread (any other driver)', () => {
  it.each([25, 29.97] as MtcRate[])('quarter frames at %s fps reassemble to the show time within one frame', async (rate) => {
    const recorder = new StampedRecorder();
    const offset = 3600; // the show starts at 01:00:00:00
    ({ server } = await startTestServer(timeline, { lighting: recorder, venue: { mtc: { rate, offsetSeconds: offset } } }));
    expect((await server.command({ command: 'go' }, 'test')).ok).toBe(true);
    await sleep(1500);
    const playing = server.snapshot();
    await server.command({ command: 'hold' }, 'test');
    const decoded = decodeQuarterFrames(recorder.serverTimes());
    const frame = 1 / RATE_OF_CODE[CODES[rate]]!.real;
    // 1.5 s is fps × 0.75 complete times; a busy event loop (other tests, a loaded machine) skips
    // some, which is why serve times MTC on the lighting thread.
    expect(decoded.length).toBeGreaterThanOrEqual(2);
    for (const d of decoded) {
      expect(d.rateCode).toBe(CODES[rate]);
      const showTime = showTimeAt(playing, d.at);
      expect(Math.abs(d.seconds - offset - showTime)).toBeLessThan(frame);
    }
    // The GO was a locate: a full frame at the start.
    const full = decodeFullFrames(recorder.serverTimes());
    expect(full.length).toBeGreaterThanOrEqual(1);
    expect(full[0]!.seconds - offset).toBeCloseTo(0, 1);
  });

  it('a seek while playing sends a full frame at the new position, and quarter frames follow from there', async () => {
    const file = join(tempDir('holostage-mtc-'), 'lighting.mid');
    const lighting = new LightingThread({ kind: 'recorder', file }, { priority: 'realtime' });
    // A reference cue 0.25 s after the seek target (entry 2 starts at 30 s).
    const jumpTo = makeTimeline([
      { title: 'One', length: 30 },
      { title: 'Two', length: 30, lighting: [{ time: 10.25, kind: 'noteOn', channel: 1, bytes: [0x90, 61, 127], label: 'after the seek' }] },
    ]);
    ({ server } = await startTestServer(jumpTo, { lighting, venue: { mtc: { rate: 25, offsetSeconds: 0 } } }));
    await server.command({ command: 'go' }, 'test');
    await sleep(300);
    await server.command({ command: 'seek', entry: 1, time: 10 }, 'test');
    // Two seconds of play: on two busy cores the lighting thread may lose some of the first.
    await sleep(2000);
    await server.command({ command: 'hold' }, 'test');
    await sleep(200);
    await server.close();
    server = null;
    const messages = readRecording(file);
    const cue = messages.find((m) => m.bytes[0] === 0x90)!;
    const showTimeOf = (at: number): number => 40.25 + (at - cue.at) / 1000;
    // Full frames: the start (stopped at 0), the GO at 0, the seek at 40 s, the hold about 2 s later.
    const full = decodeFullFrames(messages);
    expect(full.map((f) => Math.floor(f.seconds)).slice(0, 3)).toEqual([0, 0, 40]);
    expect(full).toHaveLength(4);
    expect(full[3]!.seconds).toBeGreaterThan(40.5);
    expect(Math.abs(full[2]!.seconds - showTimeOf(full[2]!.at))).toBeLessThan(1 / 25);
    const after = decodeQuarterFrames(messages.filter((m) => m.at > full[2]!.at));
    expect(after.length).toBeGreaterThanOrEqual(6); // 2 s at 25 fps: 25 complete times
    for (const d of after) expect(Math.abs(d.seconds - showTimeOf(d.at))).toBeLessThan(1 / 25);
    // Held: the last quarter frame is before the hold's full frame.
    const lastQuarter = messages.filter((m) => m.bytes[0] === 0xf1).at(-1)!;
    expect(lastQuarter.at).toBeLessThanOrEqual(full[3]!.at);
  });

  it('drop-frame labels skip ;00 and ;01 each minute except every tenth', () => {
    expect(frameToTimecode(1799, 29.97)).toEqual({ hours: 0, minutes: 0, seconds: 59, frames: 29 });
    expect(frameToTimecode(1800, 29.97)).toEqual({ hours: 0, minutes: 1, seconds: 0, frames: 2 });
    expect(frameToTimecode(17982, 29.97)).toEqual({ hours: 0, minutes: 10, seconds: 0, frames: 0 });
    for (let f = 0; f < 120_000; f += 7) expect(timecodeToFrame(frameToTimecode(f, 29.97), 29.97)).toBe(f);
    expect(parseTimecode('01:00:00:00', 25)).toBe(3600);
    expect(parseTimecode('01:00:00;00', 29.97)).toBeCloseTo(3600, 1); // drop frame keeps labels on the wall clock
    expect(parseTimecode('25:00:00:00', 25)).toBeNull();
    expect(parseTimecode('00:00:00:25', 25)).toBeNull();
  });
});

describe('the MTC plan', () => {
  it('skips a quarter frame whose message took past its quarter to build (a garbage-collection pause), and goes on from the next piece 0', () => {
    const plan = new MtcPlan({ rate: 25, offsetSeconds: 0 });
    const snap: TransportSnapshot = { revision: 1, mode: 'playing', playing: true, entryIndex: 0, showTime: 0, serverTime: 1000, rate: 1, holdAt: 60, waiting: false, blackout: null };
    plan.update(snap, 1000);
    const sent: number[][] = [];
    const record = (bytes: number[]): void => void sent.push(bytes);
    plan.fireDue(() => 1000, record); // the locate's full frame, then quarter frame 0, due now
    expect(sent.map((b) => b.length)).toEqual([10, 2]);
    // Quarter frame 1 is due at 1010 ms: the plan looks at 1011, then the clock reads 1160.
    const readings = [1011, 1160];
    plan.fireDue(() => readings.shift() ?? 1160, record);
    expect(sent).toHaveLength(2);
    expect(plan.counts.skipped).toBe(15); // quarters 1-15: the next piece 0 at or after 1160 ms is quarter 16
    expect(plan.nextDue()).toBe(1000 + 16 * 10);
  });
});
