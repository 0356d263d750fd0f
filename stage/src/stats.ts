// Frame-rate and dropped-frame counting for the health report. A frame counts as dropped when the
// gap since the previous one is longer than 1.5 display intervals (the interval is learned as the
// shortest gap seen recently).

export class FrameStats {
  frames = 0;
  dropped = 0;
  fps = 0;
  private last = NaN;
  private windowStart = NaN;
  private windowFrames = 0;
  private interval = 1000 / 60;
  private minGap = Infinity;

  tick(now: number): void {
    this.frames++;
    if (!Number.isNaN(this.last)) {
      const gap = now - this.last;
      if (gap > 0) this.minGap = Math.min(this.minGap, gap);
      if (gap > 1.5 * this.interval) this.dropped += Math.round(gap / this.interval) - 1;
    }
    this.last = now;
    if (Number.isNaN(this.windowStart)) this.windowStart = now;
    this.windowFrames++;
    const span = now - this.windowStart;
    if (span >= 1000) {
      this.fps = (this.windowFrames * 1000) / span;
      this.windowStart = now;
      this.windowFrames = 0;
      // Re-learn the display interval every second (a 60 Hz display gives ~16.7 ms).
      if (Number.isFinite(this.minGap)) this.interval = Math.max(this.minGap, 1000 / 240);
      this.minGap = Infinity;
    }
  }
}
