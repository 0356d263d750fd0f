// MTC out: the show clock as MIDI Time Code on the lighting's MIDI output, for consoles that chase
// (grandMA and others ignore full-frame-only MTC, so quarter frames run while the show plays).
// Timecode = show time + the show's offset. Each quarter frame's due time comes from the transport
// snapshot, like a lighting cue's, never from when the last one went out; one that is already late
// by a quarter frame is skipped rather than sent in a burst. A locate (a jump, a start, a stop)
// sends a full-frame message first.

import { showTimeAt, type ServerMs, type TransportSnapshot } from '../../../protocol/index.ts';
import { framesPerSecond, frameToTimecode, fullFrame, quarterFrameMessage, type MtcRate } from './timecode.ts';

export interface MtcOutOptions {
  rate: MtcRate;
  /** Seconds of timecode at show time 0 (3600 starts the show at 01:00:00:00). */
  offsetSeconds: number;
  /** Where the bytes go: the lighting driver's send (the MIDI output path). */
  send: (bytes: readonly number[], label: string) => void;
  clock: () => ServerMs;
  /** Busy-wait at most this long before a quarter frame is due, for sub-millisecond timing (default 1). */
  spinMs?: number;
}

export interface MtcOutStatus {
  rate: MtcRate;
  offsetSeconds: number;
  running: boolean;
  sent: number;
  skipped: number;
}

export class MtcOut {
  private snap: TransportSnapshot | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private next = 0;
  private sent = 0;
  private skipped = 0;
  private readonly quarter: number;

  constructor(private readonly o: MtcOutOptions) {
    this.quarter = 1 / (4 * framesPerSecond(o.rate));
  }

  /** Every transport snapshot (at start and on every change). */
  follow(snap: TransportSnapshot): void {
    const prev = this.snap;
    this.snap = snap;
    const frame = 1 / framesPerSecond(this.o.rate);
    const jumped = !prev || prev.mode !== snap.mode || Math.abs(showTimeAt(prev, snap.serverTime) - snap.showTime) > frame / 2;
    if (jumped) this.locate(showTimeAt(snap, this.o.clock()));
    this.arm();
  }

  status(): MtcOutStatus {
    return { rate: this.o.rate, offsetSeconds: this.o.offsetSeconds, running: this.timer !== null, sent: this.sent, skipped: this.skipped };
  }

  private locate(showTime: number): void {
    const frame = Math.floor((showTime + this.o.offsetSeconds) * framesPerSecond(this.o.rate) + 1e-9);
    this.o.send(fullFrame(frameToTimecode(frame, this.o.rate), this.o.rate), 'MTC full frame');
  }

  /** Show time of quarter frame q. */
  private showTimeOf(q: number): number {
    return q * this.quarter - this.o.offsetSeconds;
  }

  /** Server time quarter frame q is due under the current snapshot. */
  private dueOf(q: number): ServerMs {
    const s = this.snap!;
    return s.serverTime + ((this.showTimeOf(q) - s.showTime) / s.rate) * 1000;
  }

  private arm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const s = this.snap;
    if (!s || !s.playing || s.rate <= 0) return;
    const now = this.o.clock();
    // The first quarter frame at or after the show time now.
    this.next = Math.max(0, Math.ceil((showTimeAt(s, now) + this.o.offsetSeconds) / this.quarter - 1e-9));
    this.wait();
  }

  private wait(): void {
    const s = this.snap!;
    if (this.showTimeOf(this.next) >= s.holdAt) {
      this.timer = null;
      return;
    }
    const spin = this.o.spinMs ?? 1;
    const delay = this.dueOf(this.next) - this.o.clock() - spin;
    this.timer = setTimeout(() => this.fire(), Math.max(0, delay));
  }

  private fire(): void {
    const due = this.dueOf(this.next);
    let now = this.o.clock();
    while (now < due) now = this.o.clock();
    if (now - due > this.quarter * 1000) {
      // Late by more than a quarter frame (a stalled loop): catch up to the present, don't burst.
      const caughtUp = Math.ceil((showTimeAt(this.snap!, now) + this.o.offsetSeconds) / this.quarter - 1e-9);
      this.skipped += caughtUp - this.next;
      this.next = caughtUp;
      this.wait();
      return;
    }
    this.o.send(quarterFrameMessage(this.next, this.o.rate), 'MTC');
    this.sent++;
    this.next++;
    this.wait();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.snap = null;
  }
}
