// "Preview on stage" on a preview output: the organiser's desk asks the server to sing a submitted
// studio song here. The output fetches the rendered vocal, plays it on its own AudioContext (the
// show's audio player and clock are left alone) and moves the singer's lips from the song's
// phonemes, over whatever the show draws. Only preview outputs listen for it.

import type { Socket } from 'socket.io-client';
import { STUDIO_PREVIEW_EVENTS, type StudioPreviewMessage } from '../../../protocol/index.ts';
import type { VocalTrack } from '../../../show-files/src/timeline.ts';
import { mouthAt, type MouthWeights } from '../perform/mouth.ts';

export interface StudioPreviewState {
  title: string | null;
  creator: string | null;
  playing: boolean;
  /** Seconds into the song. */
  time: number;
  duration: number;
  /** RMS of the last analyser window (0 when silent): proof the preview really sounds. */
  level: number;
  problem: string | null;
  played: number;
}

export class StudioPreview {
  private ctx: AudioContext | null = null;
  private source: AudioBufferSourceNode | null = null;
  private analyser: AnalyserNode | null = null;
  private track: VocalTrack | null = null;
  private startedAt = 0;
  private duration = 0;
  private title: string | null = null;
  private creator: string | null = null;
  private problem: string | null = null;
  private played = 0;
  private request = 0;
  private readonly window = new Float32Array(1024);

  constructor(socket: Socket) {
    socket.on(STUDIO_PREVIEW_EVENTS.play, (m: StudioPreviewMessage) => void this.play(m));
    socket.on(STUDIO_PREVIEW_EVENTS.stop, () => this.stop());
  }

  async play(m: StudioPreviewMessage): Promise<void> {
    const request = ++this.request;
    this.stop();
    this.title = m.title;
    this.creator = m.creator;
    this.problem = null;
    try {
      const res = await fetch(m.wavUrl);
      if (!res.ok) throw new Error(`${m.wavUrl}: HTTP ${res.status}`);
      const bytes = await res.arrayBuffer();
      this.ctx ??= new AudioContext({ latencyHint: 'playback' });
      const buffer = await this.ctx.decodeAudioData(bytes);
      if (request !== this.request) return; // a newer preview came in while this one loaded
      await this.ctx.resume().catch(() => {});
      this.analyser ??= Object.assign(this.ctx.createAnalyser(), { fftSize: this.window.length });
      this.analyser.connect(this.ctx.destination);
      const source = this.ctx.createBufferSource();
      source.buffer = buffer;
      source.connect(this.analyser);
      source.onended = () => {
        if (this.source === source) this.stop();
      };
      this.source = source;
      this.track = m.track;
      this.duration = buffer.duration;
      this.startedAt = this.ctx.currentTime + 0.05;
      source.start(this.startedAt);
      this.played++;
    } catch (err) {
      this.problem = `preview "${m.title}" could not play: ${(err as Error).message}`;
      console.error(`holostage stage: ${this.problem}`);
    }
  }

  stop(): void {
    const source = this.source;
    this.source = null;
    this.track = null;
    if (source) {
      source.onended = null;
      try {
        source.stop();
      } catch {
        // never started
      }
      source.disconnect();
    }
  }

  /** While a preview sings, its phonemes drive the mouth (called after the show's frame is evaluated). */
  readonly shapeMouth = (mouth: MouthWeights): void => {
    if (!this.track || !this.ctx) return;
    mouthAt(this.track, this.ctx.currentTime - this.startedAt, mouth);
  };

  state(): StudioPreviewState {
    let level = 0;
    if (this.analyser && this.source) {
      this.analyser.getFloatTimeDomainData(this.window);
      let sum = 0;
      for (const x of this.window) sum += x * x;
      level = Math.sqrt(sum / this.window.length);
    }
    const time = this.ctx && this.source ? Math.max(0, this.ctx.currentTime - this.startedAt) : 0;
    return { title: this.title, creator: this.creator, playing: this.source !== null, time, duration: this.duration, level, problem: this.problem, played: this.played };
  }
}
