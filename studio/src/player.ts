// Playback: the song sung live in the browser by the show's synthesizer, an AudioWorkletNode
// running the `holostage-voice` processor on a plan of the notes from the playhead on (planned
// when Space is pressed, so an edit is heard on the next play without rendering anything ahead).
// A metronome clicks the beats. An AnalyserNode watches the output: its peak and the time from
// the key press to the first sound are exposed for tests and the benchmark.

import workletUrl from './voice-worklet.ts?worker&url';
import { VOICE_PROCESSOR } from '../../vocal/worklet.ts';
import { planFrom } from './core/sing.ts';
import { secondsPerTick, type StudioProject } from './core/project.ts';

export interface PlayStats {
  /** performance.now() of the key press, and ms from it to the first audible block (null until heard). */
  pressedAt: number;
  planMs: number;
  firstSoundMs: number | null;
  /** Largest absolute sample seen at the voice's output. */
  peak: number;
}

export class Player {
  private ctx: AudioContext | null = null;
  private loaded: Promise<void> | null = null;
  private voice: AudioWorkletNode | null = null;
  private clicks: OscillatorNode[] = [];
  private analyser: AnalyserNode | null = null;
  private watch: ReturnType<typeof setInterval> | null = null;
  private startedAt = 0;
  private fromSeconds = 0;
  private endSeconds = 0;
  stats: PlayStats | null = null;
  playing = false;
  onStop: () => void = () => {};

  /** The audio context and the worklet module, made on the first play (a key press allows audio). */
  private async ready(): Promise<AudioContext> {
    if (!this.ctx) {
      this.ctx = new AudioContext({ latencyHint: 'interactive' });
      this.loaded = this.ctx.audioWorklet.addModule(workletUrl);
      this.analyser = this.ctx.createAnalyser();
      this.analyser.fftSize = 2048;
    }
    await this.loaded;
    if (this.ctx.state === 'suspended') await this.ctx.resume();
    return this.ctx;
  }

  /** Loads the worklet ahead of the first play (on the first click on the page). */
  warm(): void {
    void this.ready().catch(() => {});
  }

  async play(p: StudioProject, fromTick: number, metronome: boolean, pressedAt = performance.now()): Promise<string | null> {
    this.stop();
    const ctx = await this.ready();
    const from = fromTick * secondsPerTick(p);
    const t0 = performance.now();
    const planned = planFrom(p, from);
    if (!planned) return 'nothing to sing after the playhead: move it to the left (click the ruler) or draw notes';
    this.stats = { pressedAt, planMs: performance.now() - t0, firstSoundMs: null, peak: 0 };
    const voice = new AudioWorkletNode(ctx, VOICE_PROCESSOR, { numberOfInputs: 0, outputChannelCount: [1], processorOptions: { plan: planned.plan, from } });
    voice.connect(ctx.destination);
    voice.connect(this.analyser!);
    this.voice = voice;
    this.fromSeconds = from;
    this.endSeconds = planned.plan.end;
    this.startedAt = ctx.currentTime;
    if (metronome) this.clickBeats(ctx, p, from, planned.plan.end);
    this.playing = true;
    const buf = new Float32Array(this.analyser!.fftSize);
    this.watch = setInterval(() => {
      if (!this.stats || !this.analyser) return;
      this.analyser.getFloatTimeDomainData(buf);
      let peak = 0;
      for (let i = 0; i < buf.length; i++) peak = Math.max(peak, Math.abs(buf[i]!));
      if (peak > 1e-3 && this.stats.firstSoundMs === null) this.stats.firstSoundMs = performance.now() - this.stats.pressedAt;
      this.stats.peak = Math.max(this.stats.peak, peak);
      if (this.position() >= this.endSeconds) this.stop();
    }, 10);
    return null;
  }

  private clickBeats(ctx: AudioContext, p: StudioProject, from: number, to: number): void {
    const beat = (60 / p.bpm) * (4 / p.timeSignature.denominator);
    const first = Math.ceil(from / beat - 1e-9);
    for (let k = first; k * beat < to && this.clicks.length < 2000; k++) {
      const at = this.startedAt + k * beat - from;
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.frequency.value = k % p.timeSignature.numerator === 0 ? 1760 : 1320;
      gain.gain.setValueAtTime(0.15, at);
      gain.gain.exponentialRampToValueAtTime(0.001, at + 0.04);
      osc.connect(gain).connect(ctx.destination);
      osc.start(at);
      osc.stop(at + 0.05);
      this.clicks.push(osc);
    }
  }

  /** Song seconds being heard now. */
  position(): number {
    return this.ctx && this.playing ? this.fromSeconds + (this.ctx.currentTime - this.startedAt) : this.fromSeconds;
  }

  positionTick(p: StudioProject): number {
    return (this.position() / secondsPerTick(p)) | 0;
  }

  stop(): void {
    if (this.watch) clearInterval(this.watch);
    this.watch = null;
    this.voice?.disconnect();
    this.voice = null;
    for (const c of this.clicks) {
      try {
        c.stop();
      } catch {
        // Already stopped.
      }
      c.disconnect();
    }
    this.clicks = [];
    if (this.playing) {
      this.playing = false;
      this.onStop();
    }
  }
}

