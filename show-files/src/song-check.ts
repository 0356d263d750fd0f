// A song file checked as fast as it can be read. A song's cue tracks hold nearly all of its values
// (a show of 60,000 cues spends four fifths of its schema time in them), and nearly every cue is
// a plain one: a note, a CC, an MSC GO, a motion, a shot, an effect with in-range numbers and no
// key beyond the schema's. Those are accepted by a direct look at their fields; any other cue,
// and every cue with something wrong, goes through the zod schema, which stays the one authority:
// same data, same errors, same messages (tests/show-files/song-check.test.ts holds the two side
// by side over the fuzz suite's song mutants).
//
// Each accepter below may only say yes to a cue the schema accepts unchanged (no trimming).

import { z } from 'zod';
import {
  BUILTIN_MOTION_NAMES, CAMERA_SHOTS, EFFECTS, HEX_COLOR, MAX_CUES_PER_TRACK, MAX_SONG_SECONDS, MOTION_FILE, MSC_COMMAND_NAMES, MSC_DIGITS,
  MSC_NUMBER_MAX_CHARS, MUSICAL_TIME, cameraCueSchema, cueList, effectCueSchema, lightingCueSchema, motionCueSchema, songSchema, type SongFile,
} from './schema.ts';

type Fields = Record<string, unknown>;

const isFields = (v: unknown): v is Fields => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown, min: number, max: number): boolean => typeof v === 'number' && v >= min && v <= max;
const int = (v: unknown, min: number, max: number): boolean => num(v, min, max) && Number.isInteger(v);
const optNum = (v: unknown, min: number, max: number): boolean => v === undefined || num(v, min, max);
const optInt = (v: unknown, min: number, max: number): boolean => v === undefined || int(v, min, max);
const optText = (v: unknown, max = Infinity): boolean => v === undefined || (typeof v === 'string' && v.length <= max);
const oneOf = (v: unknown, names: readonly string[]): boolean => typeof v === 'string' && names.includes(v);
const at = (v: unknown): boolean => (typeof v === 'number' ? v >= 0 && v <= MAX_SONG_SECONDS : typeof v === 'string' && MUSICAL_TIME.test(v));
const mscNumber = (v: unknown): boolean => {
  const text = typeof v === 'number' && v >= 0 ? String(v) : typeof v === 'string' ? v : null;
  return text !== null && text.length <= MSC_NUMBER_MAX_CHARS && MSC_DIGITS.test(text);
};
const vec3 = (v: unknown): boolean => Array.isArray(v) && v.length === 3 && num(v[0], -1000, 1000) && num(v[1], -1000, 1000) && num(v[2], -1000, 1000);
const optVec3 = (v: unknown): boolean => v === undefined || vec3(v);

/** Every key of `cue` is one of `keys`. */
function onlyKeys(cue: Fields, keys: ReadonlySet<string>): boolean {
  for (const k in cue) if (!keys.has(k)) return false;
  return true;
}
const keySet = (...keys: string[]): ReadonlySet<string> => new Set(keys);
const NOTE_KEYS = keySet('at', 'type', 'channel', 'note', 'velocity', 'label');
const CC_KEYS = keySet('at', 'type', 'channel', 'controller', 'value', 'label');
const PROGRAM_KEYS = keySet('at', 'type', 'channel', 'program', 'label');
const MSC_KEYS = keySet('at', 'type', 'command', 'cue', 'list', 'label');
const MOTION_KEYS = keySet('at', 'clip', 'blend', 'duration');
const CAMERA_KEYS = keySet('at', 'shot', 'position', 'target', 'fov', 'move');
const EFFECT_KEYS = keySet('at', 'effect', 'duration', 'intensity', 'color');

function plainLighting(c: Fields): boolean {
  if (!at(c.at)) return false;
  switch (c.type) {
    case 'noteOn':
    case 'noteOff':
      return onlyKeys(c, NOTE_KEYS) && optInt(c.channel, 1, 16) && int(c.note, 0, 127) && optInt(c.velocity, 0, 127) && optText(c.label);
    case 'cc':
      return onlyKeys(c, CC_KEYS) && optInt(c.channel, 1, 16) && int(c.controller, 0, 127) && int(c.value, 0, 127) && optText(c.label);
    case 'program':
      return onlyKeys(c, PROGRAM_KEYS) && optInt(c.channel, 1, 16) && int(c.program, 0, 127) && optText(c.label);
    case 'msc':
      return onlyKeys(c, MSC_KEYS) && oneOf(c.command, MSC_COMMAND_NAMES) && (c.cue === undefined ? c.list === undefined : mscNumber(c.cue) && (c.list === undefined || mscNumber(c.list))) && optText(c.label, 200);
    default:
      return false; // DMX and anything unknown: the schema's turn
  }
}

const plainMotion = (c: Fields): boolean =>
  onlyKeys(c, MOTION_KEYS) && at(c.at) && typeof c.clip === 'string' && (BUILTIN_MOTION_NAMES.includes(c.clip) || (c.clip === c.clip.trim() && MOTION_FILE.test(c.clip))) && optNum(c.blend, 0, 10) && optNum(c.duration, 0.01, 3600);
const plainCamera = (c: Fields): boolean =>
  onlyKeys(c, CAMERA_KEYS) && at(c.at) && oneOf(c.shot, CAMERA_SHOTS) && optVec3(c.position) && optVec3(c.target) && optNum(c.fov, 5, 120) && optNum(c.move, 0, 60);
const plainEffect = (c: Fields): boolean =>
  onlyKeys(c, EFFECT_KEYS) && at(c.at) && oneOf(c.effect, EFFECTS) && num(c.duration, 0.01, 3600) && optNum(c.intensity, 0, 1) && (c.color === undefined || (typeof c.color === 'string' && HEX_COLOR.test(c.color)));

const TRACKS = {
  motion: { plain: plainMotion, schema: motionCueSchema },
  camera: { plain: plainCamera, schema: cameraCueSchema },
  lighting: { plain: plainLighting, schema: lightingCueSchema },
  effects: { plain: plainEffect, schema: effectCueSchema },
} as const;
type Track = keyof typeof TRACKS;

/** The song schema with each track read as a list of anything (its cues are checked one by one below). */
const anyCues = cueList(z.unknown());
const songShellSchema = songSchema.extend({ cues: z.strictObject({ motion: anyCues, camera: anyCues, lighting: anyCues, effects: anyCues }).optional() });

/** songSchema.safeParse, with its answers, for a song file. */
export function checkSong(value: unknown): z.ZodSafeParseResult<SongFile> {
  const shell = songShellSchema.safeParse(value);
  const issues: z.core.$ZodIssue[] = shell.success ? [] : [...shell.error.issues];
  const cues = isFields(value) && isFields(value.cues) ? value.cues : undefined;
  const checked: Partial<Record<Track, unknown[]>> = {};
  for (const track of Object.keys(TRACKS) as Track[]) {
    const list = cues?.[track];
    if (!Array.isArray(list) || list.length > MAX_CUES_PER_TRACK) continue; // the shell said what is wrong
    const { plain, schema } = TRACKS[track];
    const out: unknown[] = new Array(list.length);
    for (let i = 0; i < list.length; i++) {
      const cue: unknown = list[i];
      if (isFields(cue) && plain(cue)) {
        out[i] = cue;
        continue;
      }
      const r = (schema as z.ZodType).safeParse(cue);
      if (r.success) out[i] = r.data;
      else for (const issue of r.error.issues) issues.push({ ...issue, path: ['cues', track, i, ...issue.path] });
    }
    checked[track] = out;
  }
  if (issues.length || !shell.success) return { success: false, error: new z.ZodError(issues) } as z.ZodSafeParseResult<SongFile>;
  const data = shell.data as SongFile;
  if (data.cues) data.cues = { ...data.cues, ...checked } as SongFile['cues'];
  return { success: true, data };
}

/** What readJson takes: the song schema's safeParse, answered by checkSong. */
export const songCheck = { safeParse: checkSong };
