// A console sending MIDI Time Code at 25 fps, written for the tests from the MIDI 1.0 spec (not
// the project's encoder): piece n of 8 = F1 0nnn dddd, carrying the frame piece 0 went out on,
// each quarter frame sent when its time comes (late ones go out together, as a busy sender's would).

import { serverClock } from '../../server/src/server.ts';

export const FPS = 25;

/** Quarter frame q of a 25 fps sequence that began on frame `startFrame` (piece q mod 8 of the sequence on frame startFrame + 2 × floor(q / 8)). */
export function quarterFrameAt(startFrame: number, q: number): number[] {
  const frame = startFrame + 2 * Math.floor(q / 8);
  const h = Math.floor(frame / (FPS * 3600));
  const m = Math.floor(frame / (FPS * 60)) % 60;
  const s = Math.floor(frame / FPS) % 60;
  const f = frame % FPS;
  const piece = q % 8;
  const nibble = [f & 15, f >> 4, s & 15, s >> 4, m & 15, m >> 4, h & 15, (h >> 4) | (1 << 1)][piece]!; // rate code 1 = 25 fps
  return [0xf1, (piece << 4) | nibble];
}

/** MIDI Time Code as a console sends it, from the MIDI 1.0 spec: piece n of 8 = F1 0nnn dddd, carrying the frame piece 0 went out on. */
export class MtcSender {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private q = 0;
  readonly t0: number;

  constructor(private readonly send: (bytes: number[]) => void, private readonly startFrame: number) {
    this.t0 = serverClock();
    this.loop();
  }

  /** Seconds of timecode the sender is at, at server time `at`. */
  position(at: number): number {
    return this.startFrame / FPS + (at - this.t0) / 1000;
  }

  private loop(): void {
    const due = (): number => this.t0 + (this.q * 1000) / (4 * FPS);
    while (due() <= serverClock()) {
      this.send(quarterFrameAt(this.startFrame, this.q));
      this.q++;
    }
    this.timer = setTimeout(() => this.loop(), 2);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
