// From a song's analysis to stage directions: a dance per section (each section changes it), a
// gesture on long held notes, a bow at the end, camera cuts on phrase starts with moves on the beat,
// and a face that follows the mood the song is tagged with. Deterministic: choices rotate through
// fixed lists by position, never by chance.

import type { MusicAnalysis, Section, SectionKind } from './analyze.ts';

export interface AutoMotion {
  /** Song seconds. */
  time: number;
  clip: string;
  blend: number;
  /** Seconds; none = until the next motion. */
  duration?: number;
  /** Why the director chose it, e.g. "chorus", "long note", "end". */
  reason: string;
}

export interface AutoCamera {
  time: number;
  shot: string;
  /** Seconds to move into the shot; 0 = a cut. */
  move: number;
  reason: string;
}

import type { ExpressionName } from '../timeline.ts';
export type { ExpressionName };

export interface AutoExpression {
  time: number;
  end: number;
  expression: ExpressionName;
  weight: number;
  reason: string;
}

export interface Direction {
  motion: AutoMotion[];
  camera: AutoCamera[];
  expressions: AutoExpression[];
}

export interface Clock {
  /** Song ticks → song seconds (through the song's tempo map). */
  secondsAt(tick: number): number;
}

/** Dances per section kind, calmest first; the section's energy picks where to start. */
const DANCES: Record<SectionKind, readonly string[]> = {
  intro: ['idle', 'sway', 'step'],
  verse: ['sway', 'step', 'dance'],
  chorus: ['sway', 'dance', 'clap'],
  bridge: ['sway', 'step'],
  interlude: ['sway', 'wave', 'clap'],
  outro: ['idle', 'sway', 'step'],
};

const SHOTS: Record<SectionKind, readonly string[]> = {
  intro: ['wide', 'orbit', 'full'],
  verse: ['medium', 'closeup', 'full', 'medium', 'low'],
  chorus: ['full', 'low', 'wide', 'medium', 'high', 'orbit'],
  bridge: ['closeup', 'high', 'medium'],
  interlude: ['orbit', 'wide', 'high'],
  outro: ['wide', 'full'],
};

/** Tags that set the singer's mood, and the expression each asks for. */
const MOODS: Record<string, ExpressionName> = {
  happy: 'happy', upbeat: 'happy', cheerful: 'happy', joyful: 'happy', fun: 'happy', love: 'happy', idol: 'happy', bright: 'happy',
  sad: 'sad', melancholy: 'sad', tearful: 'sad', lonely: 'sad', heartbreak: 'sad',
  calm: 'relaxed', chill: 'relaxed', ballad: 'relaxed', lullaby: 'relaxed', dreamy: 'relaxed', gentle: 'relaxed',
  angry: 'angry', fierce: 'angry', rock: 'angry', rebel: 'angry',
  surprise: 'surprised', surprised: 'surprised',
};

/** The first mood tag of the song, if any (case-insensitive). */
export function moodOf(tags: readonly string[]): ExpressionName | undefined {
  for (const t of tags) {
    const m = MOODS[t.trim().toLowerCase()];
    if (m) return m;
  }
  return undefined;
}

/** Picks from `list` starting at `index`, skipping `avoid` (so consecutive choices differ). */
function pick(list: readonly string[], index: number, avoid: string | undefined): string {
  for (let k = 0; k < list.length; k++) {
    const c = list[(index + k) % list.length]!;
    if (c !== avoid) return c;
  }
  return list[0] === avoid ? 'full' : list[0]!;
}

const round = (t: number): number => Math.round(t * 1e6) / 1e6;

function sectionDances(a: MusicAnalysis, clock: Clock): { at: number; clip: string; section: Section }[] {
  const seen: Partial<Record<SectionKind, number>> = {};
  let prev: string | undefined;
  return a.sections.map((s) => {
    const list = DANCES[s.kind];
    const n = seen[s.kind] ?? 0;
    seen[s.kind] = n + 1;
    // Energy chooses how lively; every other return of the same kind takes its neighbour.
    const base = Math.round(s.energy * (list.length - 1));
    const step = n % 2 === 0 ? base : base + 1 < list.length ? base + 1 : base - 1;
    const clip = pick(list, Math.max(0, step), prev);
    prev = clip;
    return { at: clock.secondsAt(s.startTick), clip, section: s };
  });
}

function motions(a: MusicAnalysis, clock: Clock, duration: number): AutoMotion[] {
  const out: AutoMotion[] = [];
  const dances = sectionDances(a, clock);
  const beat = (tick: number) => clock.secondsAt(tick + a.ticksPerBeat) - clock.secondsAt(tick);
  // The bow: the last 3 s of the song, or from the last sung note if that leaves less.
  const lastSung = a.notes.length ? clock.secondsAt(a.notes[a.notes.length - 1]!.endTick) : 0;
  const bowAt = Math.max(0, Math.min(duration - 0.5, Math.max(lastSung, duration - 3)));
  let gesture = 0;
  dances.forEach((d, i) => {
    const sectionEnd = Math.min(bowAt, i + 1 < dances.length ? dances[i + 1]!.at : duration);
    if (d.at >= bowAt) return;
    out.push({ time: round(d.at), clip: d.clip, blend: Math.min(1, beat(d.section.startTick)), reason: d.section.kind });
    if (d.section.kind !== 'verse' && d.section.kind !== 'chorus' && d.section.kind !== 'bridge') return;
    // Long held notes get a gesture, then the section's dance comes back.
    for (const n of a.notes) {
      if (n.tick < d.section.startTick || n.tick >= d.section.endTick) continue;
      const start = clock.secondsAt(n.tick);
      const end = clock.secondsAt(n.endTick);
      if (end - start < Math.max(1.2, 2 * beat(n.tick)) - 1e-9) continue;
      if (start < d.at + 1 || end > sectionEnd - 0.5) continue;
      out.push({ time: round(start), clip: gesture++ % 2 === 0 ? 'reach' : 'open', blend: 0.3, duration: round(end - start), reason: 'long note' });
      out.push({ time: round(end), clip: d.clip, blend: 0.5, reason: d.section.kind });
    }
  });
  out.push({ time: round(bowAt), clip: 'bow', blend: 0.8, reason: 'end' });
  return out;
}

function cameras(a: MusicAnalysis, clock: Clock): AutoCamera[] {
  const out: AutoCamera[] = [];
  const add = (time: number, list: readonly string[], index: number, move: number, reason: string) => {
    let last = out[out.length - 1];
    if (last && move > 0 && time < last.time + Math.max(0.25, last.move)) return; // still moving into the last one
    // A cut wins over a move that would start right before it.
    if (last && move === 0 && time - last.time < 0.25) {
      if (last.move === 0) return;
      out.pop();
      last = out[out.length - 1];
    }
    out.push({ time: round(time), shot: pick(list, index, last?.shot), move: round(move), reason });
  };
  const beatSeconds = (tick: number) => clock.secondsAt(tick + a.ticksPerBeat) - clock.secondsAt(tick);
  const seen: Partial<Record<SectionKind, number>> = {};
  for (const s of a.sections) {
    const list = SHOTS[s.kind];
    let n = seen[s.kind] ?? 0;
    const sung = a.phrases.filter((p) => p.startTick >= s.startTick && p.startTick < s.endTick);
    if (sung.length === 0) {
      // Nothing sung: slow moves that start on a downbeat every two bars (a cut at the very top).
      for (let t = s.startTick; t === s.startTick || t + a.ticksPerBar <= s.endTick; t += 2 * a.ticksPerBar) {
        const move = out.length === 0 ? 0 : Math.min(clock.secondsAt(Math.min(s.endTick, t + a.ticksPerBar)) - clock.secondsAt(t), 4);
        add(clock.secondsAt(t), list, n++, move, out.length === 0 ? 'start' : s.kind);
      }
    }
    for (const p of sung) {
      // A cut on every phrase start; a long phrase also moves on the downbeat of its middle bar.
      add(clock.secondsAt(p.startTick), list, n++, 0, 'phrase');
      if (p.endTick - p.startTick >= 3 * a.ticksPerBar) {
        const mid = Math.ceil((p.startTick + a.ticksPerBar) / a.ticksPerBar) * a.ticksPerBar;
        if (mid <= p.endTick - a.ticksPerBar) add(clock.secondsAt(mid), list, n++, 2 * beatSeconds(mid), 'on the beat');
      }
    }
    seen[s.kind] = n;
  }
  return out;
}

function expressions(a: MusicAnalysis, clock: Clock, duration: number, tags: readonly string[]): AutoExpression[] {
  const mood = moodOf(tags);
  if (!mood) return [];
  return a.sections.map((s) => {
    const sung = s.kind === 'verse' || s.kind === 'chorus' || s.kind === 'bridge';
    const weight = (sung ? 0.25 : 0.15) + (s.kind === 'chorus' ? 0.15 : 0) + 0.1 * s.energy;
    return { time: round(clock.secondsAt(s.startTick)), end: round(Math.min(duration, clock.secondsAt(s.endTick))), expression: mood, weight: round(Math.min(1, weight)), reason: `tag ${mood}, ${s.kind}` };
  });
}

/** Directs a song. `duration` in seconds; `tags` from the song file. */
export function directSong(a: MusicAnalysis, clock: Clock, duration: number, tags: readonly string[]): Direction {
  return { motion: motions(a, clock, duration), camera: cameras(a, clock), expressions: expressions(a, clock, duration, tags) };
}
