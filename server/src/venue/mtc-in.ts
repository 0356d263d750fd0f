// Reading incoming MIDI Time Code, for chasing: quarter frames (F1 0nnn dddd) and full frames
// (F0 7F <device> 01 01 hh mm ss ff F7) in, timecode readings out. Piece k of a sequence is sent
// k quarter frames after the start of the frame it carries (F), so once a whole sequence is known
// every later quarter frame places the sender exactly: piece k of the next sequence is F + 2 + k/4
// frames. Out-of-order pieces (a dropped byte, a reverse play) and impossible times (hour 25,
// frame 30 at 25 fps) break the sequence: counted, never read. So does a pause: a sender that
// stopped after piece 7 and starts again elsewhere sends a piece 0 that only looks like the next
// one in order. Pure: bytes and times in.

import { framesPerSecond, frameToTimecode, timecodeToFrame, type MtcRate, type Timecode } from './timecode.ts';

export interface TimecodeReading {
  /** Seconds of timecode at `at`. */
  seconds: number;
  /** Server ms the message arrived (or the sample was heard). */
  at: number;
  rate: MtcRate;
  /** running: timecode moving (quarter frames, LTC words); locate: a full frame, a jump while stopped. */
  kind: 'running' | 'locate';
  /** The label last read. */
  label: Timecode;
}

export interface MtcInCounts {
  quarterFrames: number;
  fullFrames: number;
  rejected: number;
}

const RATE_CODES: MtcRate[] = [24, 25, 29.97, 30];
/** Quarter frames come every 8-10 ms; a longer pause than this (MIDI jitter included) ends the sequence. */
const SEQUENCE_GAP_MS = 100;

/** A label that exists at a rate, or null (drop frame has no ;00 and ;01 but every tenth minute). */
export function validLabel(tc: Timecode, rate: MtcRate): boolean {
  const nominal = rate === 29.97 ? 30 : rate;
  if (tc.hours > 23 || tc.minutes > 59 || tc.seconds > 59 || tc.frames >= nominal) return false;
  return !(rate === 29.97 && tc.seconds === 0 && tc.frames < 2 && tc.minutes % 10 !== 0);
}

export class MtcReader {
  readonly counts: MtcInCounts = { quarterFrames: 0, fullFrames: 0, rejected: 0 };
  private pieces: number[] = [];
  /** Frame count and rate of the last whole sequence, while the pieces keep coming in order. */
  private synced: { frame: number; rate: MtcRate } | null = null;
  private lastQuarterAt = -Infinity;

  /** One MIDI message; a reading when it places the sender in time. */
  receive(bytes: readonly number[], at: number): TimecodeReading | null {
    if (bytes.length === 2 && bytes[0] === 0xf1) return this.quarterFrame(bytes[1]!, at);
    if (bytes.length === 10 && bytes[0] === 0xf0 && bytes[1] === 0x7f && bytes[3] === 0x01 && bytes[4] === 0x01 && bytes[9] === 0xf7) return this.fullFrame(bytes, at);
    return null;
  }

  private quarterFrame(data: number, at: number): TimecodeReading | null {
    if (data > 0x7f) return this.reject();
    this.counts.quarterFrames++;
    const piece = data >> 4;
    const paused = at - this.lastQuarterAt > SEQUENCE_GAP_MS;
    this.lastQuarterAt = at;
    if (piece !== this.pieces.length || paused) {
      this.pieces = [];
      this.synced = null;
      if (piece !== 0) return null;
    }
    this.pieces.push(data & 0x0f);
    let reading: TimecodeReading | null = null;
    if (this.synced && piece < 7) reading = this.at(this.synced.frame + 2, piece, this.synced.rate, at);
    if (this.pieces.length === 8) {
      const [fl, fh, sl, sh, ml, mh, hl, hh] = this.pieces as [number, number, number, number, number, number, number, number];
      this.pieces = [];
      const rate = RATE_CODES[(hh >> 1) & 3]!;
      const label = { hours: hl | ((hh & 1) << 4), minutes: ml | (mh << 4), seconds: sl | (sh << 4), frames: fl | (fh << 4) };
      if (!validLabel(label, rate)) {
        this.synced = null;
        return this.reject();
      }
      this.synced = { frame: timecodeToFrame(label, rate), rate };
      reading = this.at(this.synced.frame, 7, rate, at);
    }
    return reading;
  }

  private at(frame: number, piece: number, rate: MtcRate, at: number): TimecodeReading {
    return { seconds: (frame + piece / 4) / framesPerSecond(rate), at, rate, kind: 'running', label: frameToTimecode(frame, rate) };
  }

  private fullFrame(b: readonly number[], at: number): TimecodeReading | null {
    this.counts.fullFrames++;
    this.pieces = [];
    this.synced = null;
    if (b.slice(5, 9).some((x) => x > 0x7f)) return this.reject();
    const rate = RATE_CODES[(b[5]! >> 5) & 3]!;
    const label = { hours: b[5]! & 0x1f, minutes: b[6]!, seconds: b[7]!, frames: b[8]! };
    if (!validLabel(label, rate)) return this.reject();
    return { seconds: timecodeToFrame(label, rate) / framesPerSecond(rate), at, rate, kind: 'locate', label };
  }

  private reject(): null {
    this.counts.rejected++;
    return null;
  }
}
