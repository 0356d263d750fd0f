// The setlist as the organiser edits it: the show.json entries themselves (so what is saved is
// exactly what was built), their running times, and what is wrong with each. Pure: no DOM.

export interface Transition {
  type: 'cut' | 'crossfade';
  seconds?: number;
}

export type SetlistEntry =
  | { type: 'song'; song: string; encore?: boolean; hold?: boolean; transition?: Transition; notes?: string }
  | { type: 'mc'; title: string; duration: number; encore?: boolean; hold?: boolean; transition?: Transition; notes?: string }
  | { type: 'interval'; title?: string; duration: number; encore?: boolean; hold?: boolean; transition?: Transition; notes?: string };

/** What the builder needs to know about a library song. */
export interface SongFacts {
  id: string;
  title: string;
  duration: number | null;
  valid: boolean;
}

export interface PlannedEntry {
  entry: SetlistEntry;
  title: string;
  /** Seconds, null when unknown (a missing or broken song). */
  duration: number | null;
  start: number;
  end: number;
  problems: string[];
}

export interface SetlistPlan {
  entries: PlannedEntry[];
  /** Show running time, crossfades overlapping; counts only entries with a known duration. */
  total: number;
  valid: boolean;
}

export function entryTitle(entry: SetlistEntry, songs: ReadonlyMap<string, SongFacts>): string {
  if (entry.type === 'song') return songs.get(entry.song)?.title ?? entry.song;
  if (entry.type === 'mc') return entry.title;
  return entry.title || 'Interval';
}

/** Lays the entries end to end like the compiler does, and lists every problem per entry. */
export function planSetlist(setlist: readonly SetlistEntry[], songs: ReadonlyMap<string, SongFacts>): SetlistPlan {
  let cursor = 0;
  let valid = setlist.length > 0;
  let seenEncore = false;
  const entries = setlist.map((entry, index): PlannedEntry => {
    const problems: string[] = [];
    let duration: number | null;
    if (entry.type === 'song') {
      const song = songs.get(entry.song);
      if (!song) problems.push(`no song "${entry.song}" in the library`);
      else if (!song.valid) problems.push(`"${song.title}" failed validation`);
      duration = song?.valid ? song.duration : null;
    } else {
      duration = Number.isFinite(entry.duration) && entry.duration > 0 ? entry.duration : null;
      if (duration === null) problems.push('needs a duration in seconds');
      if (entry.type === 'mc' && !entry.title.trim()) problems.push('an MC segment needs a title');
    }
    const fade = entry.transition?.type === 'crossfade' ? (entry.transition.seconds ?? 0) : 0;
    if (entry.transition?.type === 'crossfade') {
      if (index === 0) problems.push('the first entry cannot crossfade (nothing plays before it)');
      else if (!(fade > 0 && fade <= 60)) problems.push('crossfade needs 0.01-60 seconds');
      const before = index > 0 ? setlist[index - 1] : undefined;
      const prevLength = before ? lengthOf(before, songs) : null;
      if (duration !== null && fade > duration) problems.push(`crossfade ${fade} s is longer than this entry`);
      else if (prevLength !== null && fade > prevLength) problems.push(`crossfade ${fade} s is longer than the entry before`);
    }
    if (entry.encore) seenEncore = true;
    else if (seenEncore) problems.push('only encore entries may follow an encore');
    const start = Math.max(0, cursor - (index > 0 ? fade : 0));
    const end = start + (duration ?? 0);
    cursor = end;
    if (problems.length) valid = false;
    return { entry, title: entryTitle(entry, songs), duration, start, end, problems };
  });
  return { entries, total: cursor, valid };
}

function lengthOf(entry: SetlistEntry, songs: ReadonlyMap<string, SongFacts>): number | null {
  if (entry.type === 'song') {
    const s = songs.get(entry.song);
    return s?.valid ? s.duration : null;
  }
  return entry.duration;
}

/** A new list with the entry at `from` moved to `to` (both clamped). */
export function moveEntry<T>(list: readonly T[], from: number, to: number): T[] {
  const out = [...list];
  if (from < 0 || from >= out.length) return out;
  const [item] = out.splice(from, 1);
  out.splice(Math.max(0, Math.min(out.length, to)), 0, item!);
  return out;
}

/**
 * Server validation errors about show.json (path "setlist[3].song", ...) by entry index, so the
 * builder marks the entry they belong to; the rest (no entry) under -1.
 */
export function errorsByEntry(errors: readonly { file: string; path: string; message: string }[]): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const e of errors) {
    const m = /^setlist\[(\d+)\]/.exec(e.path);
    const key = e.file === 'show.json' && m ? Number(m[1]) : -1;
    const list = out.get(key) ?? [];
    list.push(key === -1 ? `${e.file}${e.path ? ` ${e.path}` : ''}: ${e.message}` : e.message);
    out.set(key, list);
  }
  return out;
}
