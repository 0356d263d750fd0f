import { describe, expect, it } from 'vitest';
import { clockText, facets, filterLibrary, holdOrResume, keyAction, nowAndNext } from '../../control-desk/src/core/operator.ts';
import { errorsByEntry, moveEntry, planSetlist, type SetlistEntry, type SongFacts } from '../../control-desk/src/core/setlist.ts';
import type { TransportSnapshot } from '../../protocol/index.ts';

const songs = new Map<string, SongFacts>([
  ['a', { id: 'a', title: 'Song A', duration: 100, valid: true }],
  ['b', { id: 'b', title: 'Song B', duration: 50, valid: true }],
  ['broken', { id: 'broken', title: 'Broken', duration: null, valid: false }],
]);

describe('setlist plan (running time and problems)', () => {
  it('lays entries end to end, crossfades overlapping, like the compiler', () => {
    const setlist: SetlistEntry[] = [
      { type: 'song', song: 'a' },
      { type: 'mc', title: 'Hello', duration: 30, transition: { type: 'crossfade', seconds: 2 } },
      { type: 'interval', duration: 600 },
      { type: 'song', song: 'b', encore: true },
    ];
    const plan = planSetlist(setlist, songs);
    expect(plan.valid).toBe(true);
    expect(plan.entries.map((e) => [e.title, e.start, e.end])).toEqual([
      ['Song A', 0, 100],
      ['Hello', 98, 128],
      ['Interval', 128, 728],
      ['Song B', 728, 778],
    ]);
    expect(plan.total).toBe(778);
  });

  it('marks unknown and broken songs, a crossfading first entry, a too-long crossfade, and entries after an encore', () => {
    const plan = planSetlist(
      [
        { type: 'song', song: 'b', transition: { type: 'crossfade', seconds: 2 } },
        { type: 'song', song: 'nope' },
        { type: 'song', song: 'broken', encore: true },
        { type: 'mc', title: 'Bye', duration: 10, transition: { type: 'crossfade', seconds: 20 } },
      ],
      songs,
    );
    expect(plan.valid).toBe(false);
    expect(plan.entries[0]!.problems).toEqual(['the first entry cannot crossfade (nothing plays before it)']);
    expect(plan.entries[1]!.problems).toEqual(['no song "nope" in the library']);
    expect(plan.entries[2]!.problems).toEqual(['"Broken" failed validation']);
    expect(plan.entries[3]!.problems).toEqual(['crossfade 20 s is longer than this entry', 'only encore entries may follow an encore']);
    // Unknown durations count as zero; the MC crossfades 20 s into the 50 s before it: 30..40.
    expect(plan.entries[3]!.start).toBe(30);
    expect(plan.total).toBe(40);
  });

  it('moves an entry up and down, clamped', () => {
    expect(moveEntry(['a', 'b', 'c', 'd'], 3, 0)).toEqual(['d', 'a', 'b', 'c']);
    expect(moveEntry(['a', 'b', 'c', 'd'], 0, 2)).toEqual(['b', 'c', 'a', 'd']);
    expect(moveEntry(['a', 'b'], 1, 9)).toEqual(['a', 'b']);
    expect(moveEntry(['a', 'b'], 5, 0)).toEqual(['a', 'b']);
  });

  it('places the server\'s validation errors on their setlist entries', () => {
    const m = errorsByEntry([
      { file: 'show.json', path: 'setlist[2].song', message: 'unknown song "x"' },
      { file: 'show.json', path: 'setlist[2].transition', message: 'too long' },
      { file: 'songs/a.json', path: 'title', message: 'missing' },
    ]);
    expect(m.get(2)).toEqual(['unknown song "x"', 'too long']);
    expect(m.get(-1)).toEqual(['songs/a.json title: missing']);
  });
});

describe('operator keys and transport text', () => {
  it('maps Space, H, Esc, arrows and Enter; Esc always wins, the rest never fire while typing or on auto-repeat', () => {
    expect(keyAction({ key: ' ' }, false)).toBe('go');
    expect(keyAction({ key: 'h' }, false)).toBe('holdResume');
    expect(keyAction({ key: 'H' }, false)).toBe('holdResume');
    expect(keyAction({ key: 'ArrowDown' }, false)).toBe('selectDown');
    expect(keyAction({ key: 'ArrowUp' }, false)).toBe('selectUp');
    expect(keyAction({ key: 'Enter' }, false)).toBe('cueSelected');
    expect(keyAction({ key: ' ' }, true)).toBeNull();
    expect(keyAction({ key: ' ', repeat: true }, false)).toBeNull();
    expect(keyAction({ key: 'h', ctrlKey: true }, false)).toBeNull();
    expect(keyAction({ key: 'Escape' }, true)).toBe('panic');
    expect(keyAction({ key: 'Escape', repeat: true }, false)).toBe('panic');
    expect(keyAction({ key: 'x' }, false)).toBeNull();
  });

  const snap = (over: Partial<TransportSnapshot>): TransportSnapshot => ({ revision: 1, mode: 'stopped', playing: false, entryIndex: 0, showTime: 0, serverTime: 0, rate: 1, holdAt: 0, waiting: false, blackout: null, ...over });

  it('H holds a playing show, resumes a held one or a blackout, and does nothing when waiting for GO', () => {
    expect(holdOrResume(snap({ mode: 'playing', playing: true }))).toBe('hold');
    expect(holdOrResume(snap({ mode: 'held' }))).toBe('resume');
    expect(holdOrResume(snap({ mode: 'held', waiting: true }))).toBeNull();
    expect(holdOrResume(snap({ mode: 'stopped' }))).toBeNull();
    expect(holdOrResume(snap({ mode: 'held', blackout: { serverTime: 0, fadeSeconds: 2 } }))).toBe('resume');
    expect(holdOrResume(null)).toBeNull();
  });

  it('now/next: stopped = GO plays the cursor; playing = current and the one after; last entry has no next', () => {
    expect(nowAndNext(snap({ mode: 'stopped' }), 1, 4)).toEqual({ now: -1, next: 1 });
    expect(nowAndNext(snap({ mode: 'playing' }), 1, 4)).toEqual({ now: 1, next: 2 });
    expect(nowAndNext(snap({ mode: 'held', waiting: true }), 3, 4)).toEqual({ now: 3, next: -1 });
  });

  it('clock text keeps its shape (no layout jump) and never goes negative', () => {
    expect(clockText(0)).toBe('00:00');
    expect(clockText(59.99)).toBe('00:59');
    expect(clockText(61)).toBe('01:01');
    expect(clockText(3725)).toBe('1:02:05');
    expect(clockText(-3)).toBe('00:00');
    expect(clockText(Number.NaN)).toBe('00:00');
  });
});

describe('library search and filters', () => {
  const lib = [
    { id: 'x', title: 'Sakura Signal', credits: [{ role: 'composer', name: 'Mio' }], tags: ['japanese', 'pop'], license: { name: 'CC BY 4.0' }, lyrics: 'yo ru no' },
    { id: 'y', title: 'Neon Lullaby', credits: [{ role: 'composer', name: 'Theo' }, { role: 'tuning', name: 'June' }], tags: ['english'], license: { name: 'CC BY-NC 4.0' }, lyrics: 'city lights' },
  ];
  it('searches every word across title, creators, tags, licence and lyrics', () => {
    expect(filterLibrary(lib, { query: 'neon', creator: '', tag: '' }).map((s) => s.id)).toEqual(['y']);
    expect(filterLibrary(lib, { query: 'june city', creator: '', tag: '' }).map((s) => s.id)).toEqual(['y']);
    expect(filterLibrary(lib, { query: 'BY', creator: '', tag: '' }).map((s) => s.id)).toEqual(['x', 'y']);
    expect(filterLibrary(lib, { query: 'nothing-like-this', creator: '', tag: '' })).toEqual([]);
  });
  it('filters by creator and tag exactly, and lists the facets sorted', () => {
    expect(filterLibrary(lib, { query: '', creator: 'Mio', tag: '' }).map((s) => s.id)).toEqual(['x']);
    expect(filterLibrary(lib, { query: '', creator: '', tag: 'english' }).map((s) => s.id)).toEqual(['y']);
    expect(filterLibrary(lib, { query: '', creator: 'Mio', tag: 'english' })).toEqual([]);
    expect(facets(lib)).toEqual({ creators: ['June', 'Mio', 'Theo'], tags: ['english', 'japanese', 'pop'] });
  });
});
