// Plays each song's audio (backing track and synthesized vocal, mixed by Web Audio) on the show
// clock for the stream and preview outputs. The context's own clock tells where the source is; when
// the show clock and the audio disagree by more than a few ms (seek, pause, drift, a slow tab), the
// source restarts at the right offset.

import { audioAction, type AudioPosition } from './align.ts';

export interface SongAudio {
  song: number;
  /** Show time of the song's start (offset 0 of its audio). */
  start: number;
  buffers: { buffer: AudioBuffer; gain: number }[];
}

export class AudioPlayer {
  private readonly sources: AudioBufferSourceNode[] = [];
  private playing: { song: number; ctxStart: number; offset: number } | null = null;
  private readonly songs = new Map<number, SongAudio>();
  restarts = 0;

  constructor(readonly ctx: AudioContext) {}

  addSong(a: SongAudio): void {
    this.songs.set(a.song, a);
  }

  private actual(): AudioPosition {
    if (!this.playing) return { song: -1, offset: 0 };
    return { song: this.playing.song, offset: this.playing.offset + (this.ctx.currentTime - this.playing.ctxStart) };
  }

  /** Call every frame with the song and show time on screen (and whether the transport plays). */
  update(song: number, showTime: number, transportPlaying: boolean, muted: number): void {
    // A context that is not running (no audio device, autoplay blocked) has a frozen clock.
    if (this.ctx.state !== 'running') return;
    const a = this.songs.get(song);
    const offset = a ? showTime - a.start : 0;
    const longest = a ? Math.max(0, ...a.buffers.map((b) => b.buffer.duration)) : 0;
    const wanted: AudioPosition = a && transportPlaying && offset >= 0 && offset < longest && muted < 1 ? { song, offset } : { song: -1, offset: 0 };
    const action = audioAction(wanted, this.actual());
    if (action.kind === 'stop') this.stop();
    else if (action.kind === 'start') this.start(action.song, action.offset);
  }

  private start(song: number, offset: number): void {
    this.stop();
    const a = this.songs.get(song);
    if (!a) return;
    const when = this.ctx.currentTime;
    for (const { buffer, gain } of a.buffers) {
      if (offset >= buffer.duration) continue;
      const src = this.ctx.createBufferSource();
      src.buffer = buffer;
      const g = this.ctx.createGain();
      g.gain.value = gain;
      src.connect(g).connect(this.ctx.destination);
      src.start(when, offset);
      this.sources.push(src);
    }
    this.playing = { song, ctxStart: when, offset };
    this.restarts++;
  }

  stop(): void {
    for (const s of this.sources.splice(0)) {
      try {
        s.stop();
      } catch {
        // already stopped
      }
      s.disconnect();
    }
    this.playing = null;
  }
}
