// Operator logic without a DOM: which key does what, what H means in the current transport state,
// clock text of a fixed width (so nothing jumps while the show runs) and the library search
// (the lyric line is the shared one in client/lyrics.ts). All pure, tested in Node.

import type { TransportSnapshot } from '../../../protocol/index.ts';

export type DeskAction = 'go' | 'holdResume' | 'panic' | 'selectUp' | 'selectDown' | 'cueSelected';

export interface KeyLike {
  key: string;
  altKey?: boolean;
  ctrlKey?: boolean;
  metaKey?: boolean;
  repeat?: boolean;
}

/**
 * The operator's keys. Esc is PANIC and works even when repeated or inside a text field: it must
 * never be swallowed. The others ignore auto-repeat (a held Space is one GO) and typing in fields.
 */
export function keyAction(e: KeyLike, typingInField: boolean): DeskAction | null {
  if (e.key === 'Escape') return 'panic';
  if (e.ctrlKey || e.metaKey || e.altKey || typingInField || e.repeat) return null;
  switch (e.key) {
    case ' ':
    case 'Spacebar':
      return 'go';
    case 'h':
    case 'H':
      return 'holdResume';
    case 'ArrowUp':
      return 'selectUp';
    case 'ArrowDown':
      return 'selectDown';
    case 'Enter':
      return 'cueSelected';
    default:
      return null;
  }
}

/** H toggles: hold a playing show, resume a held one or a blackout; null when neither applies. */
export function holdOrResume(s: TransportSnapshot | null): 'hold' | 'resume' | null {
  if (!s) return null;
  if (s.blackout) return 'resume';
  if (s.mode === 'playing') return 'hold';
  if (s.mode === 'held' && !s.waiting) return 'resume';
  return null;
}

/** "m:ss" (or "h:mm:ss"), never negative, always the same shape for the same magnitude. */
export function clockText(seconds: number): string {
  const t = Math.max(0, Math.floor(Number.isFinite(seconds) ? seconds : 0));
  const h = Math.floor(t / 3600);
  const m = Math.floor((t % 3600) / 60);
  const s = t % 60;
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${String(m).padStart(2, '0')}:${ss}`;
}

export interface LibraryRow {
  id: string;
  title: string;
  credits: { role: string; name: string }[];
  tags: string[];
  license: { name: string } | null;
  lyrics?: string;
  /** Who sings it (the built-in voice or a voicebank's name). */
  voice?: { name: string };
}

export interface LibraryFilter {
  query: string;
  creator: string;
  tag: string;
}

/** Search title, creators, voice, licence, tags and lyrics (case-insensitive); exact creator and tag filters. */
export function filterLibrary<T extends LibraryRow>(songs: readonly T[], f: LibraryFilter): T[] {
  const words = f.query.toLowerCase().split(/\s+/).filter(Boolean);
  return songs.filter((s) => {
    if (f.creator && !s.credits.some((c) => c.name === f.creator)) return false;
    if (f.tag && !s.tags.includes(f.tag)) return false;
    if (words.length === 0) return true;
    const hay = [s.title, s.id, ...s.credits.map((c) => c.name), s.voice?.name ?? '', ...s.tags, s.license?.name ?? '', s.lyrics ?? ''].join(' ').toLowerCase();
    return words.every((w) => hay.includes(w));
  });
}

/** Sorted distinct creator names and tags, for the filter menus. */
export function facets(songs: readonly LibraryRow[]): { creators: string[]; tags: string[] } {
  const creators = new Set<string>();
  const tags = new Set<string>();
  for (const s of songs) {
    for (const c of s.credits) creators.add(c.name);
    for (const t of s.tags) tags.add(t);
  }
  const sort = (xs: Set<string>): string[] => [...xs].sort((a, b) => a.localeCompare(b));
  return { creators: sort(creators), tags: sort(tags) };
}

/**
 * What the setlist marks as playing now and up next. Stopped: nothing plays and GO starts the
 * cursor entry. Playing or held: the current entry, then the one after. Waiting at a hold point:
 * the entry that just ended, and GO starts the next.
 */
export function nowAndNext(s: Pick<TransportSnapshot, 'mode' | 'waiting'> | null, current: number, count: number): { now: number; next: number } {
  if (!s || count === 0) return { now: -1, next: -1 };
  const inRange = (i: number): number => (i >= 0 && i < count ? i : -1);
  if (s.mode === 'stopped') return { now: -1, next: inRange(current) };
  return { now: inRange(current), next: inRange(current + 1) };
}
