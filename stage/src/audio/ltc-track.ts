// LTC on a stream or preview output's sound (`/stage?output=...&ltc=right`): SMPTE timecode for
// the show's own position (show time + the show's timecode.start), played on one channel of the
// output while the show's audio takes the other, so a sound desk or a recorder beside the output
// can chase it. Half-second buffers of LTC (show-files/src/ltc.ts) are scheduled back to back on
// the audio context ahead of time, anchored to the show clock at a frame boundary; a jump, a hold
// or drift beyond a frame stops them and anchors again. Consecutive buffers join without a
// step: every LTC word ends on the level it started with (its polarity bit).

import { ltcSamples } from '../../../show-files/src/ltc.ts';
import { framesPerSecond, type MtcRate } from '../../../show-files/src/timecode.ts';
import { stopSources } from './player.ts';

const LEAD_SECONDS = 0.08;
const AHEAD_SECONDS = 1;

export class LtcTrack {
  private readonly fps: number;
  private readonly chunkFrames: number;
  private sources: AudioBufferSourceNode[] = [];
  /** Frame `frame` starts at context time `at`; `next` is the first frame not yet scheduled. */
  private anchor: { frame: number; at: number; next: number } | null = null;
  restarts = 0;
  scheduledFrames = 0;

  constructor(
    readonly ctx: AudioContext,
    private readonly out: AudioNode,
    readonly rate: MtcRate,
    /** Seconds of timecode at show time 0. */
    readonly offsetSeconds: number,
  ) {
    this.fps = framesPerSecond(rate);
    this.chunkFrames = Math.round(this.fps / 2);
  }

  /** Context time now, interpolated from the last output timestamp (currentTime moves in blocks). */
  contextNow(): number {
    const current = this.ctx.currentTime;
    const ts = this.ctx.getOutputTimestamp?.();
    if (ts && ts.contextTime !== undefined && ts.performanceTime !== undefined && ts.performanceTime > 0) {
      const estimate = ts.contextTime + (performance.now() - ts.performanceTime) / 1000;
      // An output timestamp can be stale (seen in headless chromium on a busy machine: 11.7 s
      // behind), which would schedule the timecode that far ahead; currentTime is never off by
      // more than a block and the output latency.
      if (Math.abs(estimate - current) < 0.25) return estimate;
    }
    return current;
  }

  /** Timecode seconds the scheduled LTC carries at context time `at` (null when none is scheduled). */
  timecodeAt(at: number): number | null {
    return this.anchor ? this.anchor.frame / this.fps + (at - this.anchor.at) : null;
  }

  /** Every frame: the show time on screen and whether the transport plays. */
  update(showTime: number, playing: boolean): void {
    if (this.ctx.state !== 'running') return;
    if (!playing) {
      this.stop();
      return;
    }
    const now = this.contextNow();
    const tc = showTime + this.offsetSeconds;
    const carried = this.timecodeAt(now);
    // A frame off (a seek, a hold, the clock corrected): anchor again; less is the show clock's jitter.
    if (carried === null || Math.abs(carried - tc) > 1 / this.fps) this.restart(tc, now);
    this.fill(now);
  }

  private restart(tc: number, now: number): void {
    this.stop();
    const frame = Math.ceil((tc + LEAD_SECONDS) * this.fps);
    this.anchor = { frame, at: now + (frame / this.fps - tc), next: frame };
    this.restarts++;
  }

  private fill(now: number): void {
    const a = this.anchor!;
    while ((a.next - a.frame) / this.fps + a.at < now + AHEAD_SECONDS) {
      const samples = ltcSamples({ rate: this.rate, startFrame: a.next, frames: this.chunkFrames, sampleRate: this.ctx.sampleRate, amplitude: 0.5 });
      const buffer = this.ctx.createBuffer(1, samples.length, this.ctx.sampleRate);
      buffer.copyToChannel(samples, 0);
      const src = this.ctx.createBufferSource();
      src.buffer = buffer;
      src.connect(this.out);
      const when = a.at + (a.next - a.frame) / this.fps;
      // Late (a stalled tab): start now, that far into the buffer, so the labels stay on time.
      if (when >= this.ctx.currentTime) src.start(when);
      else src.start(this.ctx.currentTime, Math.min(buffer.duration, this.ctx.currentTime - when));
      src.onended = () => {
        const i = this.sources.indexOf(src);
        if (i >= 0) this.sources.splice(i, 1);
        src.disconnect();
      };
      this.sources.push(src);
      a.next += this.chunkFrames;
      this.scheduledFrames += this.chunkFrames;
    }
  }

  stop(): void {
    stopSources(this.sources);
    this.anchor = null;
  }
}
