// The show format as zod schemas: the single source for validation, TypeScript types and the
// published JSON Schema (scripts/gen-schema.ts). Objects are strict so a typo'd key is an error.

import { z } from 'zod';

// JSON.stringify writes Infinity and NaN as "null": say what they are instead.
const describeValue = (v: unknown): string => (v === undefined ? 'nothing' : typeof v === 'number' && !Number.isFinite(v) ? `${v} (not a finite number)` : (JSON.stringify(v) ?? String(v)).slice(0, 200));

/** The longest a song (and so any time inside one) may be: an hour. Bounds every time a file gives. */
export const MAX_SONG_SECONDS = 3600;
/** Far beyond any night, small enough that a hostile file costs nothing to refuse. */
export const MAX_SONGS = 500;
export const MAX_SETLIST = 1000;
export const MAX_CUES_PER_TRACK = 20_000;

/** A track of cues, at most MAX_CUES_PER_TRACK of them (song-check.ts reads a track with the same limit). */
export function cueList<T extends z.ZodType>(cue: T) {
  return z.array(cue).max(MAX_CUES_PER_TRACK, { error: `at most ${MAX_CUES_PER_TRACK} cues per track` }).optional();
}

/** An integer in [min, max] with the message the error list shows: "expected 0-127, got 200". */
export function intIn(min: number, max: number) {
  const error = (iss: { input?: unknown }) => `expected ${min}-${max}, got ${describeValue(iss.input)}`;
  return z
    .number({ error: (iss) => `expected an integer ${min}-${max}, got ${describeValue(iss.input)}` })
    .int({ error: (iss) => `expected an integer ${min}-${max}, got ${describeValue(iss.input)}` })
    .min(min, { error })
    .max(max, { error });
}

export function numberIn(min: number, max: number, what = 'a number') {
  const error = (iss: { input?: unknown }) => `expected ${what} ${min}-${max}, got ${describeValue(iss.input)}`;
  return z.number({ error }).min(min, { error }).max(max, { error });
}

const nonEmpty = (what: string) =>
  z.string({ error: (iss) => `expected ${what} (text), got ${describeValue(iss.input)}` }).trim().min(1, { error: `${what} must not be empty` });

/** A dotted-quad IPv4 address, each part 0-255. */
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const ipv4 = (what: string) => z.string({ error: (iss) => `expected ${what} (an IPv4 address such as "10.0.0.30"), got ${describeValue(iss.input)}` }).regex(IPV4, { error: (iss) => `expected ${what} (an IPv4 address such as "10.0.0.30"), got ${describeValue(iss.input)}` });
/** A host: an IPv4 address, an IPv6 address, or a DNS name (RFC 1123 labels; a last label of only digits is a mistyped address). */
const DNS_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*\.?$/i;
export function isHostName(h: string): boolean {
  if (IPV4.test(h)) return true;
  if (h.includes(':')) return /^[0-9a-f:.]{2,45}$/i.test(h) && (h.match(/:/g) ?? []).length >= 2;
  return DNS_NAME.test(h) && !/(^|\.)\d+\.?$/.test(h);
}
const hostName = (what: string) =>
  z.string({ error: (iss) => `expected ${what}'s host (an IP address or a name such as "qlab.local"), got ${describeValue(iss.input)}` }).refine(isHostName, { error: (iss) => `expected ${what}'s host (an IP address or a name such as "qlab.local"), got ${describeValue(iss.input)}` });

/** A path relative to the file that names it. */
const relativePath = (what: string) =>
  nonEmpty(what).refine((p) => !/^([a-z]+:)?[\\/]/i.test(p) && !p.includes('\\'), { error: `${what} must be a relative path with / separators` });

export const MUSICAL_TIME = /^(\d{1,5}):(\d{1,3})(?::(\d{1,6}))?$/;

/** A cue time: seconds from the song's start, or "bar:beat" / "bar:beat:tick" (1-based bar and beat). */
const cueTimeError = (iss: { input?: unknown }) => `expected seconds (a number >= 0) or "bar:beat[:tick]" such as "5:1" or "12:3:240", got ${describeValue(iss.input)}`;
export const cueTime = z.union([z.number().min(0, { error: cueTimeError }).max(MAX_SONG_SECONDS, { error: (iss) => `expected at most ${MAX_SONG_SECONDS} seconds (an hour), got ${describeValue(iss.input)}` }), z.string().regex(MUSICAL_TIME, { error: cueTimeError })], { error: cueTimeError });

// A show repeats the same few thousand positions ("5:1", "12:3:240") across its cues: parse each once.
const musicalTimes = new Map<string, Readonly<{ bar: number; beat: number; tick: number }> | undefined>();

export function parseMusicalTime(s: string): Readonly<{ bar: number; beat: number; tick: number }> | undefined {
  const known = musicalTimes.get(s);
  if (known || musicalTimes.has(s)) return known;
  const m = MUSICAL_TIME.exec(s);
  const parsed = m ? Object.freeze({ bar: Number(m[1]), beat: Number(m[2]), tick: Number(m[3] ?? 0) }) : undefined;
  if (musicalTimes.size > 50_000) musicalTimes.clear();
  musicalTimes.set(s, parsed);
  return parsed;
}

const timeSignature = z.string().regex(/^\d{1,2}\/(1|2|4|8|16|32)$/, { error: (iss) => `expected a time signature such as "4/4" or "6/8", got ${describeValue(iss.input)}` });

export const HEX_COLOR = /^#[0-9a-fA-F]{6}$/;
const hexColor = z.string().regex(HEX_COLOR, { error: (iss) => `expected a colour "#rrggbb", got ${describeValue(iss.input)}` });
const metres = numberIn(-1000, 1000, 'metres');
const vec3 = z.tuple([metres, metres, metres], { error: 'expected [x, y, z] in metres' });

// ---------------------------------------------------------------- show.json

const corner = z.strictObject({ x: numberIn(-10, 10, 'a screen fraction'), y: numberIn(-10, 10, 'a screen fraction') });

export const outputSettingsSchema = z.strictObject({
  width: intIn(16, 16384).optional(),
  height: intIn(16, 16384).optional(),
  latencyMs: numberIn(0, 5000, 'milliseconds').optional(),
  mirror: z.strictObject({ horizontal: z.boolean().optional(), vertical: z.boolean().optional() }).optional(),
  keystone: z.strictObject({ topLeft: corner, topRight: corner, bottomRight: corner, bottomLeft: corner }).optional(),
  gain: numberIn(0, 4, 'a gain').optional(),
  blackLevel: numberIn(0, 0.5, 'a level').optional(),
  audio: z.boolean().optional(),
});

export const outputSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, { error: (iss) => `expected an id of lowercase letters, digits and dashes, got ${describeValue(iss.input)}` }),
  kind: z.enum(['projector', 'transparent', 'stream', 'preview'], {
    error: (iss) => `expected one of projector, transparent, stream, preview, got ${describeValue(iss.input)}`,
  }),
  description: z.string().optional(),
  settings: outputSettingsSchema.optional(),
});

const transitionSchema = z.discriminatedUnion(
  'type',
  [z.strictObject({ type: z.literal('cut') }), z.strictObject({ type: z.literal('crossfade'), seconds: numberIn(0.01, 60, 'seconds') })],
  { error: (iss) => `expected {"type": "cut"} or {"type": "crossfade", "seconds": n}, got ${describeValue(iss.input)}` },
);

const entryCommon = {
  encore: z.boolean().optional(),
  /** Wait for GO at the end of this entry. */
  hold: z.boolean().optional(),
  /** How this entry comes in from the one before. */
  transition: transitionSchema.optional(),
  notes: z.string().optional(),
};

export const setlistEntrySchema = z.discriminatedUnion(
  'type',
  [
    z.strictObject({ type: z.literal('song'), song: nonEmpty('a song id'), ...entryCommon }),
    z.strictObject({ type: z.literal('mc'), title: nonEmpty('a title'), duration: numberIn(1, 3600, 'seconds'), ...entryCommon }),
    z.strictObject({ type: z.literal('interval'), title: z.string().optional(), duration: numberIn(1, 7200, 'seconds'), ...entryCommon }),
  ],
  { error: (iss) => `expected an entry with "type": "song", "mc" or "interval", got ${describeValue((iss.input as { type?: unknown } | undefined)?.type)}` },
);

/** show.json "standby": the same settings as `serve --standby-of --takeover-after --redis`. */
export const standbySchema = z.strictObject({
  /** The primary's address (http://host:port; a desk link with ?token= also carries the operator token). */
  of: z.string({ error: (iss) => `expected the primary's address (http://host:port), got ${describeValue(iss.input)}` }).regex(/^https?:\/\/[^\s/?#]+(\/[^\s]*)?$/, { error: (iss) => `expected the primary's address (http://host:port), got ${describeValue(iss.input)}` }).optional(),
  /** Take over once the primary has been silent this long, ms (default 1000); also the primary lease's time to live. */
  takeoverAfterMs: intIn(100, 60_000).optional(),
  /** A redis both servers reach: the primary lease (only its holder drives the show) and shared broadcasts, as --redis. */
  redis: z.string({ error: (iss) => `expected a redis address (redis://host:port), got ${describeValue(iss.input)}` }).regex(/^rediss?:\/\/\S+$/, { error: (iss) => `expected a redis address (redis://host:port), got ${describeValue(iss.input)}` }).optional(),
  /** The lease's key in that redis (default "holostage:primary"): one per show when shows share a redis. */
  leaseKey: z.string().regex(/^[A-Za-z0-9:._-]{1,200}$/, { error: (iss) => `expected a redis key of letters, digits and : . _ - (at most 200), got ${describeValue(iss.input)}` }).optional(),
});

export const showSchema = z.strictObject({
  $schema: z.string().optional(),
  title: nonEmpty('a show title'),
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { error: (iss) => `expected a date YYYY-MM-DD, got ${describeValue(iss.input)}` }).optional(),
  venue: z.string().optional(),
  /** The singer: a .vrm file relative to the show folder (default: the bundled holostage singer). */
  avatar: relativePath('an avatar file').optional(),
  outputs: z.array(outputSchema).min(1, { error: 'a show needs at least one output' }).max(64, { error: 'a show may have at most 64 outputs' }),
  lighting: z
    .strictObject({
      port: z.string().optional(),
      channel: intIn(1, 16).optional(),
      mscDeviceId: intIn(0, 127).optional(),
    })
    .optional(),
  /** OSC remote control (server/src/venue): UDP port, and the passcode /connect needs (default: the operator token). */
  osc: z.strictObject({ port: intIn(0, 65535).optional(), passcode: nonEmpty('a passcode').optional() }).optional(),
  /** MTC out on the lighting's MIDI output: frame rate, and the timecode at the show's start. */
  timecode: z
    .strictObject({
      fps: z.union([z.literal(24), z.literal(25), z.literal(29.97), z.literal(30)], { error: (iss) => `expected 24, 25, 29.97 or 30 frames per second, got ${describeValue(iss.input)}` }),
      start: z.string().regex(/^\d{2}:[0-5]\d:[0-5]\d[:;]\d{2}$/, { error: (iss) => `expected a timecode HH:MM:SS:FF, got ${describeValue(iss.input)}` }).optional(),
    })
    .optional(),
  /** sACN (E1.31) DMX out: unicast receivers (multicast without), priority 0-200 (default 100). */
  sacn: z.strictObject({ unicast: z.array(nonEmpty('a host')).max(32).optional(), priority: intIn(0, 200).optional(), sync: intIn(1, 63999).optional() }).optional(),
  /** Art-Net DMX out: nodes found by ArtPoll (sent to the broadcast address), plus any listed here. */
  artnet: z.strictObject({ nodes: z.array(ipv4('a node address')).max(64).optional(), broadcast: ipv4('a broadcast address').optional() }).optional(),
  /** Warm standby (docs/SCALING.md): this server as the standby of `of`, and the pair's redis with its primary lease. `serve` flags win. */
  standby: standbySchema.optional(),
  /** Song files relative to the show folder. */
  songs: z.array(relativePath('a song file')).min(1, { error: 'a show needs at least one song file' }).max(MAX_SONGS, { error: `a show may list at most ${MAX_SONGS} song files` }),
  setlist: z.array(setlistEntrySchema).min(1, { error: 'the setlist is empty' }).max(MAX_SETLIST, { error: `a setlist may have at most ${MAX_SETLIST} entries` }),
});

// ---------------------------------------------------------------- songs/*.json

const creditName = z.union([nonEmpty('a name'), z.array(nonEmpty('a name')).min(1)], { error: 'expected a name or a list of names' });

export const creditsSchema = z.strictObject({
  composer: creditName,
  lyricist: creditName.optional(),
  arranger: creditName.optional(),
  producer: creditName.optional(),
  illustrator: creditName.optional(),
  tuning: creditName.optional(),
  choreography: creditName.optional(),
  other: z.array(z.strictObject({ role: nonEmpty('a role'), name: nonEmpty('a name') })).optional(),
});

const tempoChange = z.strictObject({ at: z.string().regex(MUSICAL_TIME, { error: (iss) => `expected "bar:beat[:tick]", got ${describeValue(iss.input)}` }), bpm: numberIn(20, 400, 'BPM') });

export const voiceSchema = z.strictObject({
  transpose: intIn(-24, 24).optional(),
  gainDb: numberIn(-60, 12, 'dB').optional(),
  vibrato: z.strictObject({ depth: numberIn(0, 2, 'semitones').optional(), rate: numberIn(0.5, 12, 'Hz').optional(), delay: numberIn(0, 5, 'seconds').optional() }).optional(),
  portamento: numberIn(0, 1, 'seconds').optional(),
  formantShift: numberIn(-12, 12, 'semitones').optional(),
  preutterance: numberIn(0, 0.5, 'seconds').optional(),
  /** Which built-in voice sings: envelope (English, spectra measured from a speaking voice), formant (any language), or auto (envelope for English). */
  engine: z.enum(['auto', 'envelope', 'formant'], { error: (iss) => `expected "auto", "envelope" or "formant", got ${describeValue(iss.input)}` }).optional(),
  /** A UTAU voicebank folder (relative to the song file) that sings this song instead of the built-in voice. */
  bank: relativePath('a voicebank folder').optional(),
});

export const BUILTIN_MOTIONS = ['idle', 'dance', 'sway', 'wave', 'bow', 'jump', 'point', 'step', 'clap', 'reach', 'open'] as const;
export const BUILTIN_MOTION_NAMES: readonly string[] = BUILTIN_MOTIONS;
/** A motion clip from a file: VRM animation, BVH or MMD motion. */
export const MOTION_FILE = /\.(vrma|bvh|vmd)$/i;

export const motionCueSchema = z.strictObject({
  at: cueTime,
  /** A built-in motion or a .vrma / .bvh / .vmd (MMD) file relative to the song file. */
  clip: nonEmpty('a motion clip').refine((c) => BUILTIN_MOTION_NAMES.includes(c) || MOTION_FILE.test(c), {
    error: (iss) => `expected one of ${BUILTIN_MOTIONS.join(', ')} or a .vrma/.bvh/.vmd file, got ${describeValue(iss.input)}`,
  }),
  /** Seconds to blend from the previous motion. */
  blend: numberIn(0, 10, 'seconds').optional(),
  /** Seconds the motion lasts; default until the next motion cue (or the song's end). */
  duration: numberIn(0.01, 3600, 'seconds').optional(),
});

export const CAMERA_SHOTS = ['wide', 'full', 'medium', 'closeup', 'low', 'high', 'orbit', 'custom'] as const;

export const cameraCueSchema = z.strictObject({
  at: cueTime,
  shot: z.enum(CAMERA_SHOTS, { error: (iss) => `expected one of ${CAMERA_SHOTS.join(', ')}, got ${describeValue(iss.input)}` }),
  position: vec3.optional(),
  target: vec3.optional(),
  fov: numberIn(5, 120, 'degrees').optional(),
  /** Seconds the camera takes to move into the shot (0 = cut). */
  move: numberIn(0, 60, 'seconds').optional(),
});

const channelField = intIn(1, 16).optional();

/** MSC cue, list and path numbers travel as ASCII digits and dots: at most this many characters. */
export const MSC_NUMBER_MAX_CHARS = 16;
export const MSC_DIGITS = /^\d+(\.\d+)*$/;

/** A cue (or list) number as MSC sends it: digits and dots, as a JSON number or a string. */
function mscNumber(what: string) {
  const error = (iss: { input?: unknown }) => `expected ${what} (digits and dots, at most ${MSC_NUMBER_MAX_CHARS} characters), got ${describeValue(iss.input)}`;
  const fits = (text: string) => text.length <= MSC_NUMBER_MAX_CHARS && MSC_DIGITS.test(text);
  return z.union([z.number().min(0).refine((n) => fits(String(n)), { error }), z.string().refine(fits, { error })], { error });
}
/** An OSC argument a cue sends: numbers go as int32 when whole, float32 otherwise; {type, value} forces one. */
const INT32 = 2 ** 31;
const oscArgError = (iss: { input?: unknown }) => `expected an OSC argument (a number, text, true, false, null or {"type": "i"|"f"|"d", "value": n}), got ${describeValue(iss.input)}`;
export const oscCueArgSchema = z.union(
  [
    z.number().refine((n) => !Number.isInteger(n) || Math.abs(n) < INT32, { error: (iss) => `a whole number beyond 32 bits does not fit OSC's int32: write {"type": "d", "value": ${describeValue(iss.input)}}` }),
    z.string().max(1000, { error: 'an OSC text argument may have at most 1000 characters' }),
    z.boolean(),
    z.null(),
    z
      .strictObject({ type: z.enum(['i', 'f', 'd'], { error: (iss) => `expected an OSC type "i", "f" or "d", got ${describeValue(iss.input)}` }), value: z.number({ error: (iss) => `expected a number, got ${describeValue(iss.input)}` }) })
      .refine((a) => a.type !== 'i' || (Number.isInteger(a.value) && Math.abs(a.value) < INT32), { error: 'an "i" argument must be a whole number within 32 bits', path: ['value'] }),
  ],
  { error: oscArgError },
);

export const MSC_COMMAND_NAMES = ['GO', 'STOP', 'RESUME', 'ALL_OFF'] as const;

export const lightingCueSchema = z.discriminatedUnion(
  'type',
  [
    z.strictObject({ at: cueTime, type: z.literal('noteOn'), channel: channelField, note: intIn(0, 127), velocity: intIn(0, 127).optional(), label: z.string().optional() }),
    z.strictObject({ at: cueTime, type: z.literal('noteOff'), channel: channelField, note: intIn(0, 127), velocity: intIn(0, 127).optional(), label: z.string().optional() }),
    z.strictObject({ at: cueTime, type: z.literal('cc'), channel: channelField, controller: intIn(0, 127), value: intIn(0, 127), label: z.string().optional() }),
    z.strictObject({ at: cueTime, type: z.literal('program'), channel: channelField, program: intIn(0, 127), label: z.string().optional() }),
    z
      .strictObject({
        at: cueTime,
        type: z.literal('msc'),
        command: z.enum(MSC_COMMAND_NAMES, { error: (iss) => `expected one of ${MSC_COMMAND_NAMES.join(', ')}, got ${describeValue(iss.input)}` }),
        cue: mscNumber('a cue number such as 3 or "12.5"').optional(),
        list: mscNumber('a cue list number such as 1').optional(),
        label: z.string().max(200).optional(),
      })
      // MSC fields go cue, list: a list without a cue has nothing to stand after.
      .refine((c) => c.list === undefined || c.cue !== undefined, { error: 'a cue "list" needs a "cue" number too', path: ['list'] }),
    // An OSC message to another system (QLab, a media server, a sound desk) at the cue's time.
    z.strictObject({
      at: cueTime,
      type: z.literal('osc'),
      host: hostName('the receiver'),
      port: intIn(1, 65535),
      address: z.string({ error: (iss) => `expected an OSC address such as "/cue/5/start", got ${describeValue(iss.input)}` }).regex(/^\/[\x21-\x7e]{0,255}$/, { error: (iss) => `expected an OSC address starting with "/" (printable characters, no spaces), got ${describeValue(iss.input)}` }).refine((a) => !/[#,]/.test(a), { error: (iss) => `an OSC address may not contain "#" or ",", got ${describeValue(iss.input)}` }),
      args: z.array(oscCueArgSchema).max(32, { error: 'an OSC cue may send at most 32 arguments' }).optional(),
      label: z.string().optional(),
    }),
    // DMX levels over the network (sACN), by channel: a level to fade to, or [from, to].
    z.strictObject({
      at: cueTime,
      type: z.literal('dmx'),
      universe: intIn(1, 63999),
      channels: z
        .record(z.string(), z.union([intIn(0, 255), z.tuple([intIn(0, 255), intIn(0, 255)])], { error: (iss) => `expected a level 0-255 or [from, to], got ${describeValue(iss.input)}` }))
        .superRefine((channels, ctx) => {
          const keys = Object.keys(channels);
          if (!keys.length) ctx.addIssue({ code: 'custom', message: 'a DMX cue needs at least one channel' });
          for (const k of keys) {
            if (!/^[1-9]\d{0,2}$/.test(k) || Number(k) > 512) ctx.addIssue({ code: 'custom', path: [k], message: `expected a DMX channel "1" to "512", got ${describeValue(k)}` });
          }
        }),
      fade: numberIn(0, 600, 'seconds').optional(),
      label: z.string().optional(),
    }),
  ],
  { error: (iss) => `expected "type": one of noteOn, noteOff, cc, program, msc, osc, dmx, got ${describeValue((iss.input as { type?: unknown } | undefined)?.type)}` },
);

export const EFFECTS = ['confetti', 'sparkles', 'fog', 'strobe', 'spotlight', 'glow', 'fireworks'] as const;

export const effectCueSchema = z.strictObject({
  at: cueTime,
  effect: z.enum(EFFECTS, { error: (iss) => `expected one of ${EFFECTS.join(', ')}, got ${describeValue(iss.input)}` }),
  duration: numberIn(0.01, 3600, 'seconds'),
  intensity: numberIn(0, 1, 'an intensity').optional(),
  color: hexColor.optional(),
});

/** Links shown to people (licence, source): http or https only, never javascript: or data:. */
const webUrl = z.url({ protocol: /^https?$/, error: (iss) => `expected an http(s) URL, got ${describeValue(iss.input)}` }).max(2000);

export const songSchema = z.strictObject({
  $schema: z.string().optional(),
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, { error: (iss) => `expected an id of lowercase letters, digits and dashes, got ${describeValue(iss.input)}` }),
  title: nonEmpty('a song title'),
  credits: creditsSchema,
  license: z.strictObject({ name: nonEmpty('a licence name'), url: webUrl.optional() }),
  source: webUrl.optional(),
  tags: z.array(z.string().max(100)).max(50, { error: 'at most 50 tags' }).optional(),
  key: z.string().regex(/^[A-G](#|b)? (major|minor)$/, { error: (iss) => `expected a key such as "C major" or "F# minor", got ${describeValue(iss.input)}` }).optional(),
  /** Constant BPM, or BPM changes at bar:beat positions. Default: the score's own tempo. */
  tempo: z.union([numberIn(20, 400, 'BPM'), z.array(tempoChange).min(1)], { error: (iss) => `expected a BPM number or a list of {"at", "bpm"}, got ${describeValue(iss.input)}` }).optional(),
  timeSignature: timeSignature.optional(),
  /** Where the song ends (default: the end of the bar holding the last note). */
  end: cueTime.optional(),
  score: relativePath('a score file'),
  audio: z.strictObject({ file: relativePath('an audio file'), gainDb: numberIn(-60, 12, 'dB').optional() }).optional(),
  voice: voiceSchema.optional(),
  avatar: relativePath('an avatar file').optional(),
  cues: z
    .strictObject({
      motion: cueList(motionCueSchema),
      camera: cueList(cameraCueSchema),
      lighting: cueList(lightingCueSchema),
      effects: cueList(effectCueSchema),
    })
    .optional(),
});

export type ShowFile = z.infer<typeof showSchema>;
export type SongFile = z.infer<typeof songSchema>;
export type SetlistEntryFile = z.infer<typeof setlistEntrySchema>;
export type LightingCueFile = z.infer<typeof lightingCueSchema>;
export type CueTimeValue = z.infer<typeof cueTime>;
