// Plays each song's audio (backing track and synthesized vocal, mixed by Web Audio) on the show
// clock for the stream and preview outputs. The context's own clock tells where the source is;
// when the show clock and the audio disagree by more than a few ms the playback rate is nudged to
// close the gap, and a big jump (seek, pause, a stalled tab) restarts the source at the right offset.

import { audioAction, type AudioPosition } from './align.ts';

export interface SongAudio {
  song: number;
  /** Show time of the song's start (offset 0 of its audio). */
  start: number;
  buffers: { buffer: AudioBuffer; gain: number }[];
}

export class AudioPlayer {
  private readonly sources: AudioBufferSourceNode[] = [];
  /** The source's position: `offset` at context time `ctxStart`, moving at `rate` since. */
  private playing: { song: number; ctxStart: number; offset: number; rate: number } | null = null;
  private readonly songs = new Map<number, SongAudio>();
  restarts = 0;
  /** Audio position minus where the show clock wanted it, at the last frame, before any correction (s). */
  drift = 0;

  /** `out`: where the sound goes (default the speakers; one channel of them when LTC takes the other). */
  constructor(
    readonly ctx: AudioContext,
    private readonly out: AudioNode = ctx.destination,
  ) {}

  addSong(a: SongAudio): void {
    this.songs.set(a.song, a);
  }

  /** Where the audio is now (song -1 when silent), for health and tests. */
  position(): AudioPosition {
    return this.actual();
  }

  /** The context's clock now, interpolated from its last output timestamp (currentTime moves in blocks). */
  private contextNow(): number {
    const ts = this.ctx.getOutputTimestamp?.();
    if (ts && ts.contextTime !== undefined && ts.performanceTime !== undefined && ts.performanceTime > 0) {
      return ts.contextTime + (performance.now() - ts.performanceTime) / 1000;
    }
    return this.ctx.currentTime;
  }

  private actual(): AudioPosition {
    if (!this.playing) return { song: -1, offset: 0 };
    return { song: this.playing.song, offset: this.playing.offset + (this.contextNow() - this.playing.ctxStart) * this.playing.rate };
  }

  /** Call every frame with the song and show time on screen (and whether the transport plays). */
  update(song: number, showTime: number, transportPlaying: boolean, muted: number): void {
    // A context that is not running (no audio device, autoplay blocked) has a frozen clock.
    if (this.ctx.state !== 'running') return;
    const a = this.songs.get(song);
    const offset = a ? showTime - a.start : 0;
    const longest = a ? Math.max(0, ...a.buffers.map((b) => b.buffer.duration)) : 0;
    const wanted: AudioPosition = a && transportPlaying && offset >= 0 && offset < longest && muted < 1 ? { song, offset } : { song: -1, offset: 0 };
    const actual = this.actual();
    this.drift = wanted.song >= 0 && actual.song === wanted.song ? actual.offset - wanted.offset : 0;
    const action = audioAction(wanted, actual, this.playing?.rate ?? 1);
    if (action.kind === 'stop') this.stop();
    else if (action.kind === 'start') this.start(action.song, action.offset);
    else if (action.kind === 'rate') this.setRate(action.rate);
  }

  private setRate(rate: number): void {
    const p = this.playing;
    if (!p) return;
    const now = this.contextNow();
    p.offset += (now - p.ctxStart) * p.rate;
    p.ctxStart = now;
    p.rate = rate;
    for (const s of this.sources) s.playbackRate.setValueAtTime(rate, this.ctx.currentTime);
  }

  private start(song: number, offset: number): void {
    this.stop();
    const a = this.songs.get(song);
    if (!a) return;
    const when = this.ctx.currentTime;
    const startedAt = this.contextNow();
    for (const { buffer, gain } of a.buffers) {
      if (offset >= buffer.duration) continue;
      const src = this.ctx.createBufferSource();
      src.buffer = buffer;
      const g = this.ctx.createGain();
      g.gain.value = gain;
      src.connect(g).connect(this.out);
      src.start(when, offset);
      this.sources.push(src);
    }
    this.playing = { song, ctxStart: startedAt, offset, rate: 1 };
    this.restarts++;
  }

  stop(): void {
    stopSources(this.sources);
    this.playing = null;
  }
}

/** Stops and disconnects every source in the list and empties it (one not started or already ended is fine). */
export function stopSources(sources: AudioBufferSourceNode[]): void {
  for (const s of sources.splice(0)) {
    try {
      s.stop();
    } catch {
      // not started yet or already ended
    }
    s.disconnect();
  }
}
