// Which MTC message is due next and when, from the transport snapshot: the same shape as the cue
// plan (update / nextDue / fireDue), so the lighting thread runs both on its own timing loop, and
// a scheduler on the main thread can run it for any other driver. Pure: no timers, no I/O.
// Timecode = show time + offset. A quarter frame's due time comes from the snapshot, never from
// when the previous one went out; one late by more than a quarter frame is skipped, up to the
// next piece 0 (the receiver freewheels over the gap), rather than sent in a burst. A locate (a jump, a start, a stop) sends a full frame.

import { showTimeAt, type ServerMs, type TransportSnapshot } from '../../../protocol/index.ts';
import { framesPerSecond, frameToTimecode, fullFrame, quarterFrameMessage, type MtcRate } from './timecode.ts';

export interface MtcConfig {
  rate: MtcRate;
  /** Seconds of timecode at show time 0 (3600 starts the show at 01:00:00:00). */
  offsetSeconds: number;
}

export interface MtcCounts {
  sent: number;
  skipped: number;
  /** Due-to-sent error of the last quarter frame, ms. */
  lastErrorMs: number;
}

export class MtcPlan {
  private snap: TransportSnapshot | null = null;
  private next = -1;
  private locateAt: ServerMs | null = null;
  private readonly quarter: number;
  readonly counts: MtcCounts = { sent: 0, skipped: 0, lastErrorMs: 0 };

  constructor(readonly config: MtcConfig) {
    this.quarter = 1 / (4 * framesPerSecond(config.rate));
  }

  update(snap: TransportSnapshot, now: ServerMs): void {
    const prev = this.snap;
    this.snap = snap;
    const frame = 1 / framesPerSecond(this.config.rate);
    if (!prev || prev.mode !== snap.mode || Math.abs(showTimeAt(prev, snap.serverTime) - snap.showTime) > frame / 2) this.locateAt = now;
    this.next = snap.playing && snap.rate > 0 ? this.quarterAt(showTimeAt(snap, now)) : -1;
  }

  stop(): void {
    this.snap = null;
    this.next = -1;
    this.locateAt = null;
  }

  /** Server time the next message is due; null when nothing is. */
  nextDue(): ServerMs | null {
    if (this.locateAt !== null) return this.locateAt;
    if (this.next < 0 || !this.snap) return null;
    if (this.showTimeOf(this.next) >= this.snap.holdAt) return null;
    return this.dueOf(this.next);
  }

  /** Send what is due at clock(): the locate first, then the quarter frame (or skip a late run of them). */
  fireDue(clock: () => ServerMs, send: (bytes: number[], label: string) => void): void {
    const s = this.snap;
    if (!s) return;
    const now = clock();
    if (this.locateAt !== null && this.locateAt <= now) {
      this.locateAt = null;
      // A snapshot stamped a moment ahead of this clock would give a time before its own start.
      const showTime = Math.max(0, now < s.serverTime ? s.showTime : showTimeAt(s, now));
      const frame = Math.floor((showTime + this.config.offsetSeconds) * framesPerSecond(this.config.rate) + 1e-9);
      send(fullFrame(frameToTimecode(frame, this.config.rate), this.config.rate), 'MTC full frame');
    }
    if (this.next < 0 || this.showTimeOf(this.next) >= s.holdAt) return;
    const due = this.dueOf(this.next);
    if (due > now) return;
    // The message is built before the last look at the clock: building it may set off a garbage
    // collection, and such a pause must count as lateness rather than go out inside the frame.
    const message = quarterFrameMessage(this.next, this.config.rate);
    const sentAt = clock();
    if (sentAt - due > this.quarter * 1000) {
      // Go on from the next piece 0: a receiver must never join pieces from either side of a gap.
      const caughtUp = Math.ceil(this.quarterAt(showTimeAt(s, sentAt)) / 8) * 8;
      this.counts.skipped += caughtUp - this.next;
      this.next = caughtUp;
      return;
    }
    this.counts.sent++;
    this.counts.lastErrorMs = sentAt - due;
    send(message, 'MTC');
    this.next++;
  }

  /** The first quarter frame at or after a show time. */
  private quarterAt(showTime: number): number {
    return Math.max(0, Math.ceil((showTime + this.config.offsetSeconds) / this.quarter - 1e-9));
  }

  private showTimeOf(q: number): number {
    return q * this.quarter - this.config.offsetSeconds;
  }

  private dueOf(q: number): ServerMs {
    const s = this.snap!;
    return s.serverTime + ((this.showTimeOf(q) - s.showTime) / s.rate) * 1000;
  }
}
