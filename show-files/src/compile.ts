// Show → Timeline. Songs, MC segments and intervals laid end to end (crossfades overlap), every
// cue converted once through its song's tempo map to absolute show seconds, lighting cues turned
// into the exact MIDI bytes. Deterministic: the same show gives the same JSON, byte for byte.

import type { LoadedShow, LoadedSong } from './load.ts';
import { entryDuration, loadShow, withoutSongs, type LeftOutSong } from './load.ts';
import { sortErrors, type ValidationError } from './errors.ts';
import type { LightingCueFile, ShowFile, SongFile } from './schema.ts';
import { controlChange, noteOff, noteOn, programChange, showControl } from './midi.ts';
import { TICKS_PER_QUARTER } from './tempo.ts';
import { bankVocalTrack } from '../../vocal/voicebank/track.ts';
import { buildVocalTrack, DEFAULT_VOICE } from '../../vocal/track.ts';
import { autoDirect, fillCamera, fillMotion, settleMotionEnds, type DraftMotion } from './direction/compile-hook.ts';
import type {
  CameraEvent,
  Credit,
  EffectEvent,
  LightingConfig,
  DmxEvent,
  OscCueEvent,
  LightingEvent,
  MotionEvent,
  OutputConfig,
  OutputKind,
  OutputSettings,
  SongInfo,
  Timeline,
  TimelineEntry,
  VoiceSettings,
} from './timeline.ts';

/** Times are kept to the microsecond: enough for audio, and stable across platforms in JSON. */
const round = (t: number): number => Math.round(t * 1e6) / 1e6;

const OUTPUT_DEFAULTS: Record<OutputKind, Omit<OutputSettings, 'keystone' | 'mirror'>> = {
  projector: { width: 1920, height: 1080, latencyMs: 0, gain: 1, blackLevel: 0, audio: false },
  // A transparent screen shows 0,0,0 as clear glass: lift the picture a little and crush near-blacks.
  transparent: { width: 1920, height: 1080, latencyMs: 0, gain: 1.15, blackLevel: 0.03, audio: false },
  stream: { width: 1920, height: 1080, latencyMs: 0, gain: 1, blackLevel: 0, audio: true },
  preview: { width: 640, height: 360, latencyMs: 0, gain: 1, blackLevel: 0, audio: true },
};

// One set of voice defaults for shows and for `holostage sing` (the vocal engine owns it).
export { DEFAULT_VOICE };

export const DEFAULT_LIGHTING: LightingConfig = { port: 'holostage', channel: 1, mscDeviceId: 1 };

export function resolveOutput(o: ShowFile['outputs'][number]): OutputConfig {
  const s = o.settings ?? {};
  const d = OUTPUT_DEFAULTS[o.kind];
  return {
    id: o.id,
    kind: o.kind,
    settings: {
      width: s.width ?? d.width,
      height: s.height ?? d.height,
      latencyMs: s.latencyMs ?? d.latencyMs,
      mirror: { horizontal: s.mirror?.horizontal ?? false, vertical: s.mirror?.vertical ?? false },
      keystone: s.keystone ?? { topLeft: { x: 0, y: 0 }, topRight: { x: 1, y: 0 }, bottomRight: { x: 1, y: 1 }, bottomLeft: { x: 0, y: 1 } },
      gain: s.gain ?? d.gain,
      blackLevel: s.blackLevel ?? d.blackLevel,
      audio: s.audio ?? d.audio,
    },
  };
}

function credits(c: SongFile['credits']): Credit[] {
  const out: Credit[] = [];
  const roles = ['composer', 'lyricist', 'arranger', 'producer', 'illustrator', 'tuning', 'choreography'] as const;
  for (const role of roles) {
    const v = c[role];
    if (v === undefined) continue;
    for (const name of Array.isArray(v) ? v : [v]) out.push({ role, name });
  }
  for (const o of c.other ?? []) out.push({ role: o.role, name: o.name });
  return out;
}

function voiceOf(v: SongFile['voice'], bank?: string): VoiceSettings {
  return {
    transpose: v?.transpose ?? DEFAULT_VOICE.transpose,
    gainDb: v?.gainDb ?? DEFAULT_VOICE.gainDb,
    vibrato: {
      depth: v?.vibrato?.depth ?? DEFAULT_VOICE.vibrato.depth,
      rate: v?.vibrato?.rate ?? DEFAULT_VOICE.vibrato.rate,
      delay: v?.vibrato?.delay ?? DEFAULT_VOICE.vibrato.delay,
    },
    portamento: v?.portamento ?? DEFAULT_VOICE.portamento,
    formantShift: v?.formantShift ?? DEFAULT_VOICE.formantShift,
    preutterance: v?.preutterance ?? DEFAULT_VOICE.preutterance,
    ...(v?.engine ? { engine: v.engine } : {}),
    ...(bank ? { bank } : {}),
  };
}

type MidiCueFile = Exclude<LightingCueFile, { type: 'dmx' | 'osc' }>;

export function lightingMessage(cue: MidiCueFile, lighting: LightingConfig): Pick<LightingEvent, 'kind' | 'channel' | 'bytes' | 'label'> {
  if (cue.type === 'msc') {
    const cueNumber = cue.cue === undefined ? undefined : String(cue.cue);
    const list = cue.list === undefined ? undefined : String(cue.list);
    const withCue = cue.command !== 'ALL_OFF';
    const bytes = showControl(lighting.mscDeviceId, cue.command, withCue ? cueNumber : undefined, withCue ? list : undefined);
    return { kind: 'msc', channel: 0, bytes, label: cue.label ?? `MSC ${cue.command}${withCue && cueNumber ? ` cue ${cueNumber}` : ''}${withCue && list ? ` list ${list}` : ''}` };
  }
  const ch = cue.channel ?? lighting.channel;
  switch (cue.type) {
    case 'noteOn': {
      const vel = cue.velocity ?? 127;
      return { kind: 'noteOn', channel: ch, bytes: noteOn(ch, cue.note, vel), label: cue.label ?? `ch${ch} note ${cue.note} on vel ${vel}` };
    }
    case 'noteOff':
      return { kind: 'noteOff', channel: ch, bytes: noteOff(ch, cue.note, cue.velocity ?? 0), label: cue.label ?? `ch${ch} note ${cue.note} off` };
    case 'cc':
      return { kind: 'cc', channel: ch, bytes: controlChange(ch, cue.controller, cue.value), label: cue.label ?? `ch${ch} CC ${cue.controller} = ${cue.value}` };
    case 'program':
      return { kind: 'program', channel: ch, bytes: programChange(ch, cue.program), label: cue.label ?? `ch${ch} program ${cue.program}` };
  }
}

/** Sorted by time; ties keep file order (a stable sort), so output is deterministic. */
function byTime<T extends { time: number; cue: number }>(events: T[]): T[] {
  return events.sort((a, b) => a.time - b.time || a.cue - b.cue);
}

function compileSong(song: LoadedSong, start: number, lighting: LightingConfig): SongInfo {
  const data = song.data;
  const tempo = song.tempo;
  const end = start + song.duration;
  const times = song.cueTimes;
  const cues = data.cues ?? {};

  // Built-in motions keep their names; .vrma/.bvh/.vmd files become show-relative paths like every asset.
  const clipOf = (clip: string) => (/\.(vrma|bvh|vmd)$/i.test(clip) ? relFromShow(song, clip) : clip);
  const writtenMotion: DraftMotion[] = settleMotionEnds(byTime((cues.motion ?? []).map((c, cue) => ({ time: round(start + times.motion[cue]!), end: 0, clip: clipOf(c.clip), blend: c.blend ?? 0.5, cue, duration: c.duration }))), end);
  const writtenCamera: CameraEvent[] = byTime((cues.camera ?? []).map((c, cue) => ({ time: round(start + times.camera[cue]!), c, cue }))).map((e) => ({
    time: e.time,
    end: 0,
    shot: e.c.shot,
    ...(e.c.position ? { position: e.c.position } : {}),
    ...(e.c.target ? { target: e.c.target } : {}),
    ...(e.c.fov !== undefined ? { fov: e.c.fov } : {}),
    move: e.c.move ?? 0,
    cue: e.cue,
  }));
  // Auto-direction fills whatever the written cues leave undirected (direction/compile-hook.ts).
  const auto = autoDirect(song, start, writtenMotion, writtenCamera);
  const motion: MotionEvent[] = settleMotionEnds(fillMotion(writtenMotion, auto.motion, end), end).map(({ duration: _d, ...e }) => e);
  const camera: CameraEvent[] = fillCamera(writtenCamera, auto.camera).map((e, k, all) => ({ ...e, end: all[k + 1]?.time ?? round(end) }));

  const lightingCues = (cues.lighting ?? []).map((c, cue) => ({ c, cue, time: round(start + times.lighting[cue]!) }));
  const lightingEvents: LightingEvent[] = byTime(lightingCues.flatMap(({ c, cue, time }) => (c.type === 'dmx' || c.type === 'osc' ? [] : [{ time, ...lightingMessage(c, lighting), cue }])));
  const dmx: DmxEvent[] = byTime(
    lightingCues.flatMap(({ c, cue, time }) =>
      c.type !== 'dmx'
        ? []
        : [{ time, universe: c.universe, channels: Object.entries(c.channels).map(([ch, v]) => ({ channel: Number(ch), from: Array.isArray(v) ? v[0] : null, to: Array.isArray(v) ? v[1] : v })).sort((a, b) => a.channel - b.channel), fade: c.fade ?? 0, label: c.label ?? `DMX u${c.universe}`, cue }],
    ),
  );

  const osc: OscCueEvent[] = byTime(
    lightingCues.flatMap(({ c, cue, time }) => (c.type !== 'osc' ? [] : [{ time, host: c.host, port: c.port, address: c.address, args: c.args ?? [], label: c.label ?? `OSC ${c.address} to ${c.host}:${c.port}`, cue }])),
  );

  const effects: EffectEvent[] = byTime(
    (cues.effects ?? []).map((c, cue) => {
      const time = round(start + times.effects[cue]!);
      return { time, end: round(Math.min(end, time + c.duration)), effect: c.effect, intensity: c.intensity ?? 1, ...(c.color ? { color: c.color } : {}), cue };
    }),
  );

  const voice = voiceOf(data.voice, data.voice?.bank ? relFromShow(song, data.voice.bank) : undefined);
  const scoreScale = TICKS_PER_QUARTER / song.score.resolution;
  let vocal = buildVocalTrack(song.score, (tick) => round(start + tempo.secondsAt(tick * scoreScale)), voice);
  // Sung by a voicebank: the mouth follows the samples' placement, not the built-in voice's timing.
  if (song.voiceBank) vocal = bankVocalTrack(vocal, song.voiceBank);

  return {
    id: data.id,
    title: data.title,
    credits: credits(data.credits),
    license: { name: data.license.name, ...(data.license.url ? { url: data.license.url } : {}) },
    ...(data.source ? { source: data.source } : {}),
    tags: data.tags ?? [],
    ...(data.key ? { key: data.key } : {}),
    tempo: tempo.points.map((p) => ({ tick: p.tick, bpm: p.bpm })),
    timeSignature: { ...tempo.timeSignature },
    start: round(start),
    duration: round(song.duration),
    score: song.scoreFile,
    ...(data.audio ? { backingAudio: { file: relFromShow(song, data.audio.file), gainDb: data.audio.gainDb ?? 0 } } : {}),
    voice,
    ...(data.avatar ? { avatar: relFromShow(song, data.avatar) } : {}),
    tracks: { vocal, motion, camera, lighting: lightingEvents, effects, ...(dmx.length ? { dmx } : {}), ...(osc.length ? { osc } : {}), ...(auto.expressions.length ? { expressions: auto.expressions } : {}) },
  };
}

function relFromShow(song: LoadedSong, p: string): string {
  const songDir = song.file.includes('/') ? song.file.slice(0, song.file.lastIndexOf('/') + 1) : '';
  const parts: string[] = [];
  for (const seg of (songDir + p).split('/')) {
    if (seg === '..') parts.pop();
    else if (seg !== '.' && seg !== '') parts.push(seg);
  }
  return parts.join('/');
}

/** Compiles a loaded (already validated) show. */
export function compileLoadedShow(show: LoadedShow): Timeline {
  const data = show.data;
  const lighting: LightingConfig = {
    port: data.lighting?.port ?? DEFAULT_LIGHTING.port,
    channel: data.lighting?.channel ?? DEFAULT_LIGHTING.channel,
    mscDeviceId: data.lighting?.mscDeviceId ?? DEFAULT_LIGHTING.mscDeviceId,
  };
  const entries: TimelineEntry[] = [];
  const songs: SongInfo[] = [];
  let cursor = 0;
  data.setlist.forEach((entry, index) => {
    const duration = entryDuration(entry, show.songs)!;
    const fade = entry.transition?.type === 'crossfade' && index > 0 ? entry.transition.seconds : 0;
    const start = Math.max(0, cursor - fade);
    const end = start + duration;
    const next = data.setlist[index + 1];
    let songIndex = -1;
    if (entry.type === 'song') {
      songIndex = songs.length;
      const song = show.songs.get(entry.song)!;
      try {
        songs.push(compileSong(song, start, lighting));
      } catch (err) {
        throw new SongCompileError(song, err);
      }
    }
    entries.push({
      index,
      kind: entry.type,
      id: entry.type === 'song' ? entry.song : `${entry.type}-${index + 1}`,
      title: entry.type === 'song' ? show.songs.get(entry.song)!.data.title : (entry.title ?? 'Interval'),
      start: round(start),
      end: round(end),
      encore: entry.encore ?? false,
      // The show stops for GO where the operator asked, and always before the encore.
      holdAfter: entry.hold ?? (!entry.encore && (next?.encore ?? false)),
      transition: entry.transition?.type === 'crossfade' ? { type: 'crossfade', seconds: entry.transition.seconds } : { type: 'cut', seconds: 0 },
      song: songIndex,
    });
    cursor = end;
  });
  return {
    format: 'holostage-timeline',
    version: 1,
    show: {
      title: data.title,
      ...(data.date ? { date: data.date } : {}),
      ...(data.venue ? { venue: data.venue } : {}),
      ...(data.avatar ? { avatar: data.avatar } : {}),
    },
    outputs: data.outputs.map(resolveOutput),
    lighting,
    duration: round(cursor),
    entries,
    songs,
  };
}

/** A validated song the compiler could not turn into a timeline: names its file. */
export class SongCompileError extends Error {
  constructor(
    readonly song: LoadedSong,
    readonly reason: unknown,
  ) {
    super(`${song.file}: cannot be compiled: ${reason instanceof Error ? reason.message : String(reason)}`);
    this.name = 'SongCompileError';
  }

  toValidationError(): ValidationError {
    return { file: this.song.file, path: '', line: 1, column: 1, message: `cannot be compiled: ${this.reason instanceof Error ? this.reason.message : String(this.reason)}` };
  }
}

export type CompileResult =
  | { ok: true; timeline: Timeline; warnings: string[]; leftOut: LeftOutSong[] }
  | { ok: false; errors: ValidationError[]; warnings: string[]; leftOut?: LeftOutSong[] };

export interface CompileOptions {
  /**
   * A song that fails to load or compile is left out of the setlist (and listed in `leftOut`)
   * instead of failing the whole show: what a running server wants. The CLI stays strict.
   */
  leaveOutBrokenSongs?: boolean;
}

/** Loads, validates and compiles a show folder. Never throws for bad input: every failure is an error naming its file. */
export async function compileShowFolder(dir: string, options: CompileOptions = {}): Promise<CompileResult> {
  const loaded = await loadShow(dir, options);
  if (!loaded.show) return { ok: false, errors: sortErrors(loaded.errors), warnings: loaded.warnings, leftOut: loaded.leftOut };
  let show = loaded.show;
  const leftOut = [...loaded.leftOut];
  // A compile failure is a bug behind validation, but it still must not take the show down.
  for (;;) {
    try {
      return { ok: true, timeline: compileLoadedShow(show), warnings: loaded.warnings, leftOut };
    } catch (err) {
      if (!(err instanceof SongCompileError)) {
        return { ok: false, errors: [{ file: show.file, path: '', line: 1, column: 1, message: `cannot be compiled: ${(err as Error).message}` }], warnings: loaded.warnings, leftOut };
      }
      if (!options.leaveOutBrokenSongs) return { ok: false, errors: [err.toValidationError()], warnings: loaded.warnings, leftOut };
      leftOut.push({ file: err.song.file, id: err.song.data.id, errors: [err.toValidationError()] });
      const next = withoutSongs(show, new Set([err.song.data.id]));
      if (!next) return { ok: false, errors: [{ file: show.file, path: 'setlist', line: 1, column: 1, message: 'no song on the setlist could be compiled' }], warnings: loaded.warnings, leftOut };
      show = next;
    }
  }
}

/** The canonical serialization: what "byte for byte" determinism is measured on. */
export function timelineToJson(timeline: Timeline): string {
  return `${JSON.stringify(timeline, null, 2)}\n`;
}
