// The studio's song: notes on a 480-per-quarter grid, one tempo and time signature, global voice
// settings and per-note tuning. Pure data and pure edits (every edit returns a new project), shared
// by the page, the server (drafts, submissions) and the exporters.

export const RESOLUTION = 480;
/** A song in the studio holds at most this many notes (a ten-minute song is well under it). */
export const MAX_NOTES = 2000;
/** Longest song, in ticks: 30 minutes at 300 BPM is far more than any song needs. */
export const MAX_TICK = RESOLUTION * 4 * 2000;
export const MAX_LYRIC = 32;
export const MIN_PITCH = 24;
export const MAX_PITCH = 108;

export interface StudioNote {
  /** Stable within a project: selection and undo follow it. */
  id: number;
  tick: number;
  length: number;
  /** MIDI note number (60 = C4). */
  pitch: number;
  lyric: string;
  /** Vibrato depth in semitones for this note (0 = none); absent: the global setting. */
  vibrato?: number;
  /** Loudness relative to normal (1 = normal); absent: the global setting. */
  dynamics?: number;
}

export interface StudioVoice {
  transpose: number;
  /** Global vibrato depth (semitones) and rate (Hz). */
  vibratoDepth: number;
  vibratoRate: number;
  /** Global loudness relative to normal. */
  dynamics: number;
}

export interface StudioProject {
  format: 'holostage-studio';
  version: 1;
  title: string;
  bpm: number;
  timeSignature: { numerator: number; denominator: number };
  voice: StudioVoice;
  notes: StudioNote[];
}

export const DEFAULT_STUDIO_VOICE: StudioVoice = { transpose: 0, vibratoDepth: 0.3, vibratoRate: 5.5, dynamics: 1 };

export function emptyProject(title = 'Untitled'): StudioProject {
  return { format: 'holostage-studio', version: 1, title, bpm: 120, timeSignature: { numerator: 4, denominator: 4 }, voice: { ...DEFAULT_STUDIO_VOICE }, notes: [] };
}

export function nextId(p: StudioProject): number {
  let max = 0;
  for (const n of p.notes) if (n.id > max) max = n.id;
  return max + 1;
}

const byTick = (a: StudioNote, b: StudioNote): number => a.tick - b.tick || a.pitch - b.pitch;
const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

function withNotes(p: StudioProject, notes: StudioNote[]): StudioProject {
  return { ...p, notes: [...notes].sort(byTick) };
}

export function addNote(p: StudioProject, note: Omit<StudioNote, 'id'>): { project: StudioProject; id: number } {
  const id = nextId(p);
  const n: StudioNote = { ...note, id, tick: Math.max(0, Math.round(note.tick)), length: Math.max(1, Math.round(note.length)), pitch: clamp(Math.round(note.pitch), MIN_PITCH, MAX_PITCH) };
  return { project: withNotes(p, [...p.notes, n]), id };
}

export function removeNotes(p: StudioProject, ids: ReadonlySet<number>): StudioProject {
  return { ...p, notes: p.notes.filter((n) => !ids.has(n.id)) };
}

/** Moves notes by ticks and semitones; the group keeps its shape at the edges (never before 0 or off the keyboard). */
export function moveNotes(p: StudioProject, ids: ReadonlySet<number>, dTick: number, dPitch: number): StudioProject {
  const moving = p.notes.filter((n) => ids.has(n.id));
  if (moving.length === 0) return p;
  const minTick = Math.min(...moving.map((n) => n.tick));
  const minPitch = Math.min(...moving.map((n) => n.pitch));
  const maxPitch = Math.max(...moving.map((n) => n.pitch));
  const dt = Math.max(-minTick, Math.round(dTick));
  const dp = clamp(Math.round(dPitch), MIN_PITCH - minPitch, MAX_PITCH - maxPitch);
  if (dt === 0 && dp === 0) return p;
  return withNotes(p, p.notes.map((n) => (ids.has(n.id) ? { ...n, tick: n.tick + dt, pitch: n.pitch + dp } : n)));
}

/** Sets the length of each note by `dLength` ticks, never below `minLength`. */
export function resizeNotes(p: StudioProject, ids: ReadonlySet<number>, dLength: number, minLength: number): StudioProject {
  return { ...p, notes: p.notes.map((n) => (ids.has(n.id) ? { ...n, length: Math.max(minLength, Math.round(n.length + dLength)) } : n)) };
}

export function updateNote(p: StudioProject, id: number, change: Partial<Omit<StudioNote, 'id'>>): StudioProject {
  return withNotes(p, p.notes.map((n) => (n.id === id ? { ...n, ...change } : n)));
}

export function setLyrics(p: StudioProject, lyrics: ReadonlyMap<number, string>): StudioProject {
  return { ...p, notes: p.notes.map((n) => (lyrics.has(n.id) ? { ...n, lyric: lyrics.get(n.id)! } : n)) };
}

/** Copies of `notes` placed so the first starts at `atTick`, with fresh ids; returns their ids. */
export function pasteNotes(p: StudioProject, notes: readonly StudioNote[], atTick: number): { project: StudioProject; ids: number[] } {
  if (notes.length === 0) return { project: p, ids: [] };
  const first = Math.min(...notes.map((n) => n.tick));
  let id = nextId(p);
  const added = notes.map((n) => ({ ...n, id: id++, tick: Math.max(0, n.tick - first + Math.round(atTick)) }));
  return { project: withNotes(p, [...p.notes, ...added]), ids: added.map((n) => n.id) };
}

/** Seconds per tick at the project's tempo. */
export function secondsPerTick(p: Pick<StudioProject, 'bpm'>): number {
  return 60 / p.bpm / RESOLUTION;
}

export function ticksPerBar(p: Pick<StudioProject, 'timeSignature'>): number {
  return (RESOLUTION * 4 * p.timeSignature.numerator) / p.timeSignature.denominator;
}

/** Notes that overlap the one before them (a vocal line sings one note at a time). */
export function overlaps(p: StudioProject): number[] {
  const out: number[] = [];
  for (let i = 1; i < p.notes.length; i++) {
    const prev = p.notes[i - 1]!;
    if (p.notes[i]!.tick < prev.tick + prev.length) out.push(p.notes[i]!.id);
  }
  return out;
}
