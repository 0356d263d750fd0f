// The compiled show: every event at an absolute show time in seconds. Plain JSON-able data, so
// the server can send it to every client and the same show always serializes to the same bytes.
// Lookups use binary search over the sorted `time` fields and allocate nothing.

import type { NoteVibrato } from './score/model.ts';

export type OutputKind = 'projector' | 'transparent' | 'stream' | 'preview';

export interface Corner { x: number; y: number }

export interface OutputSettings {
  width: number;
  height: number;
  /** Milliseconds this output's picture is shown late (e.g. a slow projector); the stage renders ahead by this much. */
  latencyMs: number;
  mirror: { horizontal: boolean; vertical: boolean };
  /** Corner-pin warp: where the picture's corners land, in normalized 0..1 output coordinates. */
  keystone: { topLeft: Corner; topRight: Corner; bottomRight: Corner; bottomLeft: Corner };
  /** Brightness multiplier (transparent screens often need more). */
  gain: number;
  /** Values at or below this (0..1) render as pure black, so dark greys don't light a transparent screen. */
  blackLevel: number;
  /** Stream and preview outputs play the song audio. */
  audio: boolean;
}

export interface OutputConfig {
  id: string;
  kind: OutputKind;
  settings: OutputSettings;
}

export interface LightingConfig {
  /** MIDI output port name (matched as a substring of the system's port names). */
  port: string;
  /** Default MIDI channel for cues, 1-16. */
  channel: number;
  /** MIDI Show Control device id, 0-127 (127 = all call). */
  mscDeviceId: number;
}

export interface Transition {
  type: 'cut' | 'crossfade';
  /** Crossfade length: the next entry starts this many seconds before this one ends. */
  seconds: number;
}

export type EntryKind = 'song' | 'mc' | 'interval';

export interface TimelineEntry {
  index: number;
  kind: EntryKind;
  /** Song id for songs; a generated id for MC and interval segments. */
  id: string;
  title: string;
  /** Absolute show time where the entry begins and ends. */
  start: number;
  end: number;
  encore: boolean;
  /** The show waits for GO at the end of this entry instead of running on. */
  holdAfter: boolean;
  transition: Transition;
  /** Index into `Timeline.songs` for song entries, -1 otherwise. */
  song: number;
}

export interface Credit { role: string; name: string }

export interface SongInfo {
  id: string;
  title: string;
  credits: Credit[];
  license: { name: string; url?: string };
  source?: string;
  tags: string[];
  key?: string;
  /** Tempo map in the song's own ticks (480 per quarter) and its time signature. */
  tempo: { tick: number; bpm: number }[];
  timeSignature: { numerator: number; denominator: number };
  /** Absolute show time of the song's first tick. */
  start: number;
  duration: number;
  /** Show-folder-relative paths. */
  score: string;
  backingAudio?: { file: string; gainDb: number };
  /** URL of the rendered vocal, aligned to the song's start; added by the server for its clients. */
  vocalAudio?: string;
  voice: VoiceSettings;
  avatar?: string;
  tracks: SongTracks;
}

export interface VoiceSettings {
  transpose: number;
  gainDb: number;
  /** Vibrato depth in semitones, rate in Hz, and how long a note must be held before it starts. */
  vibrato: { depth: number; rate: number; delay: number };
  /** Legato glide time between notes, seconds. */
  portamento: number;
  /** Formant shift in semitones: positive is brighter / younger. */
  formantShift: number;
  /** Pre-utterance: how far a consonant starts before its note, seconds. */
  preutterance: number;
  /** A UTAU voicebank folder (show-folder-relative) that sings instead of the built-in voice. */
  bank?: string;
  /**
   * Which built-in voice sings: `envelope` (spectral envelopes measured from a speaking voice,
   * English only), `formant` (the formant synthesizer, every language) or `auto` (the default:
   * envelope for English lyrics, formant otherwise).
   */
  engine?: 'auto' | 'envelope' | 'formant';
}

export interface VocalNote {
  time: number;
  end: number;
  pitch: number;
  lyric: string;
  /** Loudness relative to the voice's normal level, as tuned in the score (1 = normal). */
  dynamics?: number;
  /** The creator's vibrato for this note (depth in semitones, rate Hz, delay/fades in seconds). */
  vibrato?: NoteVibrato;
  /** Phonemes set by hand in the score (engine symbols): sung instead of the lyric's pronunciation. */
  phonemes?: string[];
}
export interface Phoneme { time: number; end: number; symbol: string; /** index into the vocal track's notes */ note: number }
export interface VocalTrack {
  notes: VocalNote[];
  phonemes: Phoneme[];
  warnings: string[];
  /** Tuned pitch as cents off the written notes at show seconds (linear between points; see score/pitch-curve.ts). */
  pitchCurve?: { time: number; cents: number }[];
}

/**
 * `clip` is a built-in motion name or a .vrma/.bvh/.vmd path relative to the show folder. `cue` is
 * the index in the song file, -1 for a cue the compiler's auto-direction chose; `auto` then says why
 * ("chorus", "long note", "end", ...).
 */
export interface MotionEvent { time: number; end: number; clip: string; blend: number; cue: number; auto?: string }
export interface CameraEvent {
  time: number;
  end: number;
  shot: string;
  position?: [number, number, number];
  target?: [number, number, number];
  fov?: number;
  /** Seconds the camera takes to move into this shot (0 = cut). */
  move: number;
  /** Index in the song file; -1 when auto-direction chose the shot (`auto` says why). */
  cue: number;
  auto?: string;
}
export type ExpressionName = 'happy' | 'angry' | 'sad' | 'relaxed' | 'surprised';
/** A facial expression held over [time, end) at `weight` (0..1); chosen by auto-direction from the song's mood tag. */
export interface ExpressionEvent { time: number; end: number; expression: ExpressionName; weight: number; cue: number; auto?: string }
export interface EffectEvent { time: number; end: number; effect: string; intensity: number; color?: string; cue: number }

export type LightingKind = 'noteOn' | 'noteOff' | 'cc' | 'program' | 'msc';
export interface LightingEvent {
  time: number;
  kind: LightingKind;
  /** 1-16; 0 for MIDI Show Control (sysex, device addressed). */
  channel: number;
  /** The exact bytes that go on the wire. */
  bytes: number[];
  /** Human description for the desk, e.g. "ch1 note 60 on vel 127" or "MSC GO cue 3". */
  label: string;
  /** Index of the lighting cue in the song file. */
  cue: number;
}

/** A DMX cue (sACN): each channel fades from `from` (or its level at the cue) to `to` over `fade` seconds. */
export interface DmxEvent {
  time: number;
  universe: number;
  channels: { channel: number; from: number | null; to: number }[];
  fade: number;
  label: string;
  /** Index of the lighting cue in the song file. */
  cue: number;
}

/** An OSC argument as a cue sends it: numbers go as int32 when whole, float32 otherwise; {type, value} forces one. */
export type OscCueArg = number | string | boolean | null | { type: 'i' | 'f' | 'd'; value: number };

/** An outgoing OSC cue: one message to another system (QLab, a media server) at `time`. */
export interface OscCueEvent {
  time: number;
  host: string;
  port: number;
  address: string;
  args: OscCueArg[];
  label: string;
  /** Index of the lighting cue in the song file. */
  cue: number;
}

export interface SongTracks {
  vocal: VocalTrack;
  motion: MotionEvent[];
  camera: CameraEvent[];
  lighting: LightingEvent[];
  effects: EffectEvent[];
  /** DMX cues (sACN); absent when the song has none. */
  dmx?: DmxEvent[];
  /** Outgoing OSC cues; absent when the song has none. */
  osc?: OscCueEvent[];
  /** Expressions over time (auto-direction, from a mood tag); absent when none. */
  expressions?: ExpressionEvent[];
}

export interface Timeline {
  format: 'holostage-timeline';
  version: 1;
  show: { title: string; date?: string; venue?: string; avatar?: string };
  outputs: OutputConfig[];
  lighting: LightingConfig;
  /** Show length when every entry runs on, seconds. */
  duration: number;
  entries: TimelineEntry[];
  songs: SongInfo[];
}

/** Anything with a start time, sorted ascending. */
export interface Timed { time: number }

/** Index of the last event with time <= t, or -1 if none. O(log n), no allocation. */
export function lastAtOrBefore(events: readonly Timed[], t: number): number {
  let lo = 0;
  let hi = events.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (events[mid]!.time <= t) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** Index of the first event with time >= t (events.length if none). O(log n), no allocation. */
export function firstAtOrAfter(events: readonly Timed[], t: number): number {
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (events[mid]!.time < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Events in [t0, t1) as an index range: `for (let i = r.from; i < r.to; i++)`. Pass a reusable
 * range object to stay allocation-free in per-frame code.
 */
export function eventsInRange(events: readonly Timed[], t0: number, t1: number, out: { from: number; to: number } = { from: 0, to: 0 }): { from: number; to: number } {
  out.from = firstAtOrAfter(events, t0);
  out.to = Math.max(out.from, firstAtOrAfter(events, t1));
  return out;
}

/** The event active at t for tracks whose events have an `end` (motion, camera, effects, phonemes): -1 if none. */
export function activeAt(events: readonly (Timed & { end: number })[], t: number): number {
  const i = lastAtOrBefore(events, t);
  return i >= 0 && t < events[i]!.end ? i : -1;
}

/** The setlist entry playing at show time t (the later one during a crossfade), or -1 before the show / after the end. */
export function entryAt(timeline: Timeline, t: number): number {
  const entries = timeline.entries;
  let lo = 0;
  let hi = entries.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (entries[mid]!.start <= t) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found >= 0 && t < entries[found]!.end ? found : -1;
}
