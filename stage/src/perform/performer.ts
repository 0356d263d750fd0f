// The per-frame evaluator: everything the singer and the stage do at one show time, computed from
// the timeline alone (no clocks, no DOM, no WebGL). The browser calls evaluate() every frame with
// the synced show time and hands the result to the renderer; tests and the benchmark call it in Node.

import type { Timeline, SongInfo, MotionEvent } from '../../../show-files/src/timeline.ts';
import { applyExpressions } from './expressions.ts';
import { setHand, type HandPoseName } from './hands.ts';
import { entryAt, lastAtOrBefore } from '../../../show-files/src/timeline.ts';
import { TempoMap } from '../../../show-files/src/tempo.ts';
import { mouthAt, type MouthWeights } from './mouth.ts';
import { LipSync } from '../../../vocal/lipsync.ts';
import { blinkAt, gazeOffsetAt } from './face.ts';
import { BUILTIN_MOTIONS, PARTIAL_MOTIONS, type MotionContext } from './motions.ts';
import { Pose, smoothstep } from './pose.ts';
import { cameraAt, type CameraPose } from './camera.ts';
import { LightsPlayer, type LightsState } from './lights.ts';

/** A motion from a file (VRMA, BVH, VMD), sampled into a pose; built by the renderer side. */
export interface ClipSource {
  duration: number;
  /** Writes the pose at `local` seconds into the clip (loops past the end). */
  sample(local: number, out: Pose): void;
  /** Facial expressions the motion carries (MMD morphs), written into `out`. */
  face?(local: number, out: ClipFace): ClipFace;
}

export type ClipFace = { aa: number; ih: number; ou: number; ee: number; oh: number; blink: number; happy: number };

export interface PerformFrame {
  showTime: number;
  /** Setlist entry index, -1 outside the show. */
  entry: number;
  /** Index into timeline.songs, -1 when no song is playing. */
  song: number;
  songTime: number;
  beat: number;
  mouth: MouthWeights;
  blink: number;
  /** Expressions 0..1: happy from the motion cues (wave, bow) and the song's mood; the others from its mood. */
  happy: number;
  angry: number;
  sad: number;
  relaxed: number;
  surprised: number;
  gaze: { yaw: number; pitch: number };
  pose: Pose;
  camera: CameraPose;
  lights: LightsState;
  /** The motion cue in front (its clip name), or the base layer's name. */
  motion: string;
}

export function createFrame(): PerformFrame {
  return {
    showTime: 0, entry: -1, song: -1, songTime: 0, beat: 0,
    mouth: { aa: 0, ih: 0, ou: 0, ee: 0, oh: 0 }, blink: 0, happy: 0, angry: 0, sad: 0, relaxed: 0, surprised: 0, gaze: { yaw: 0, pitch: 0 },
    pose: new Pose(), camera: { position: [0, 0, 0], target: [0, 0, 0], fov: 30 },
    lights: new LightsPlayer().state, motion: 'idle',
  };
}

/** Seconds the base layer takes to go from idle into dancing when a song starts (and back). */
const DANCE_FADE = 1.2;

export class Performer {
  readonly clips = new Map<string, ClipSource>();
  private tempo: TempoMap[];
  /** The vocal engine's lip-sync per song (phoneme tracks); null where a song has no phonemes. */
  private lipSync: (LipSync | null)[];
  private lights = new LightsPlayer();
  private layer = new Pose();
  private ctx: MotionContext = { t: 0, beat: 0, local: 0 };
  private clipFace: ClipFace = { aa: 0, ih: 0, ou: 0, ee: 0, oh: 0, blink: 0, happy: 0 };
  /** A hand pose held on both hands whatever the motion (the stage's `hands=` debug parameter, the gallery). */
  handOverride: HandPoseName | null = null;

  constructor(readonly timeline: Timeline) {
    this.tempo = timeline.songs.map((s) => new TempoMap(s.tempo.length ? s.tempo : [{ tick: 0, bpm: 120 }], 480, s.timeSignature));
    this.lipSync = timeline.songs.map((s) => (s.tracks.vocal.phonemes.length > 0 ? new LipSync(s.tracks.vocal.phonemes) : null));
  }

  /** Beats since the song's first tick at show time t. */
  beatAt(song: number, t: number): number {
    const map = this.tempo[song]!;
    return map.tickAt(t - this.timeline.songs[song]!.start) / map.ticksPerBeat;
  }

  evaluate(t: number, out: PerformFrame): PerformFrame {
    const tl = this.timeline;
    out.showTime = t;
    out.entry = entryAt(tl, t);
    const entry = out.entry >= 0 ? tl.entries[out.entry]! : undefined;
    out.song = entry && entry.song >= 0 ? entry.song : -1;
    const song: SongInfo | undefined = out.song >= 0 ? tl.songs[out.song] : undefined;
    out.songTime = song ? t - song.start : 0;
    out.beat = song ? this.beatAt(out.song, t) : t * 2;

    // Face: the vocal engine's lip-sync for phoneme tracks (co-articulation, singer's anticipation);
    // lyric vowels of the notes when a song has no phonemes.
    const lips = out.song >= 0 ? this.lipSync[out.song] : null;
    if (lips) lips.weightsAt(t, out.mouth);
    else if (song) mouthAt(song.tracks.vocal, t, out.mouth);
    else out.mouth.aa = out.mouth.ih = out.mouth.ou = out.mouth.ee = out.mouth.oh = 0;
    out.blink = blinkAt(t);
    const g = gazeOffsetAt(t);
    out.gaze.yaw = g.yaw;
    out.gaze.pitch = g.pitch;

    // Body: idle, fading into the on-beat dance while a song plays; motion cues on top.
    const ctx = this.ctx;
    ctx.t = t;
    ctx.beat = out.beat;
    ctx.local = 0;
    BUILTIN_MOTIONS.idle!(ctx, out.pose);
    out.motion = 'idle';
    if (song) {
      const w = smoothstep(Math.min(out.songTime, song.duration - out.songTime) / DANCE_FADE);
      if (w > 0) {
        BUILTIN_MOTIONS.dance!(ctx, this.layer);
        out.pose.blendToward(this.layer, w);
        out.motion = 'dance';
      }
      out.happy = this.applyMotionCues(song.tracks.motion, t, out);
    } else out.happy = entry && entry.kind === 'mc' ? 0.35 : 0;
    out.angry = out.sad = out.relaxed = out.surprised = 0;
    if (song?.tracks.expressions) applyExpressions(song.tracks.expressions, t, out);

    if (this.handOverride) {
      setHand(out.pose, 'left', this.handOverride);
      setHand(out.pose, 'right', this.handOverride);
    }

    // Stage.
    cameraAt(song ? song.tracks.camera : [], t, out.camera);
    this.lights.setTrack(song ? song.tracks.lighting : [], song?.tracks.dmx);
    out.lights = this.lights.at(t);
    return out;
  }

  /** Layers the motion cues active at t over out.pose; returns how "happy" the face should be. */
  private applyMotionCues(events: readonly MotionEvent[], t: number, out: PerformFrame): number {
    const i = lastAtOrBefore(events, t);
    if (i < 0) return 0;
    let happy = 0;
    const cur = events[i]!;
    const fadeIn = cur.blend > 0 ? smoothstep((t - cur.time) / cur.blend) : 1;
    // While this cue fades in, the one it replaces keeps playing underneath (blended, not snapped).
    if (fadeIn < 1 && i > 0) {
      const prev = events[i - 1]!;
      if (prev.end >= cur.time - 1e-6) happy = Math.max(happy, (this.layerMotion(prev, t, 1, out) || 0) * (1 - fadeIn));
    }
    if (t < cur.end) {
      // A cue followed straight by another hands over (the next one fades in over it); a cue that
      // ends into nothing fades out over its last `blend` seconds.
      const next = events[i + 1];
      const continues = next !== undefined && next.time <= cur.end + 1e-6;
      const fadeOut = continues || cur.blend <= 0 ? 1 : smoothstep((cur.end - t) / cur.blend);
      const w = fadeIn * fadeOut;
      if (w > 0) {
        const h = this.layerMotion(cur, t, w, out);
        if (!Number.isNaN(h)) {
          happy = Math.max(happy, h);
          out.motion = cur.clip;
        }
      }
    }
    return happy;
  }

  /** Blends one cue's pose in; returns its "happy" amount, or NaN when its clip is not available. */
  private layerMotion(e: MotionEvent, t: number, w: number, out: PerformFrame): number {
    const local = t - e.time;
    const builtin = BUILTIN_MOTIONS[e.clip];
    if (builtin) {
      this.ctx.local = local;
      if (PARTIAL_MOTIONS.has(e.clip)) this.layer.copy(out.pose);
      builtin(this.ctx, this.layer);
    } else {
      const clip = this.clips.get(e.clip);
      if (!clip) return NaN; // not loaded (yet): the base layer carries on
      this.layer.copy(out.pose);
      clip.sample(local, this.layer);
      if (clip.face) {
        // The motion's own face (a dance's blinks and smiles; its lip shapes where the song's
        // lip-sync leaves the mouth closed), weighted like its pose.
        const f = clip.face(local, this.clipFace);
        const m = out.mouth;
        m.aa = Math.max(m.aa, f.aa * w); m.ih = Math.max(m.ih, f.ih * w); m.ou = Math.max(m.ou, f.ou * w);
        m.ee = Math.max(m.ee, f.ee * w); m.oh = Math.max(m.oh, f.oh * w);
        out.blink = Math.max(out.blink, f.blink * w);
        out.pose.blendToward(this.layer, w);
        return f.happy * w;
      }
    }
    out.pose.blendToward(this.layer, w);
    return e.clip === 'wave' || e.clip === 'bow' ? 0.8 * w : 0;
  }
}
