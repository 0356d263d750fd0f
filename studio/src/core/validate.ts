// Checks a studio project that arrives from outside (the page, a draft on disk, an imported JSON):
// every finding names the field or the note, and nothing half-valid gets through.

import { MAX_LYRIC, MAX_NOTES, MAX_PITCH, MAX_TICK, MIN_PITCH, RESOLUTION, DEFAULT_STUDIO_VOICE, type StudioNote, type StudioProject } from './project.ts';

export type Checked = { ok: true; project: StudioProject } | { ok: false; errors: string[] };

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Kana, Latin letters (with accents), apostrophes, hyphens and the continuation marks the engine knows. */
const SINGABLE = /^[\p{Script=Hiragana}\p{Script=Katakana}ーA-Za-z\u00C0-\u024F'’\-+~ ]*$/u;

/** Why a lyric cannot be sung, or null when it can. */
export function lyricProblem(lyric: string): string | null {
  if (lyric.length > MAX_LYRIC) return `a lyric is at most ${MAX_LYRIC} characters (got ${lyric.length})`;
  if (SINGABLE.test(lyric)) return null;
  const bad = [...lyric].filter((c) => !SINGABLE.test(c));
  return `"${lyric}" has characters the singer cannot sing (${[...new Set(bad)].join(' ')}): use kana, romaji or English words`;
}

/** Where a note sits, as a creator reads it: "bar 3 beat 2". */
export function notePlace(p: Pick<StudioProject, 'timeSignature'>, tick: number): string {
  const beat = (RESOLUTION * 4) / p.timeSignature.denominator;
  const bar = Math.floor(tick / (beat * p.timeSignature.numerator));
  const inBar = tick - bar * beat * p.timeSignature.numerator;
  return `bar ${bar + 1} beat ${Math.floor(inBar / beat) + 1}`;
}

export function checkProject(raw: unknown): Checked {
  const errors: string[] = [];
  if (!isRecord(raw)) return { ok: false, errors: ['a studio project must be a JSON object'] };
  if (raw.format !== 'holostage-studio') errors.push(`format: expected "holostage-studio", got ${JSON.stringify(raw.format)}`);
  const title = typeof raw.title === 'string' ? raw.title.slice(0, 200) : '';
  if (!num(raw.bpm) || raw.bpm < 20 || raw.bpm > 400) errors.push(`bpm: expected a tempo from 20 to 400, got ${JSON.stringify(raw.bpm)}`);
  const ts = isRecord(raw.timeSignature) ? raw.timeSignature : {};
  const numerator = ts.numerator;
  const denominator = ts.denominator;
  if (!num(numerator) || !Number.isInteger(numerator) || numerator < 1 || numerator > 16) errors.push(`timeSignature.numerator: expected 1-16, got ${JSON.stringify(numerator)}`);
  if (![2, 4, 8, 16].includes(denominator as number)) errors.push(`timeSignature.denominator: expected 2, 4, 8 or 16, got ${JSON.stringify(denominator)}`);
  const v = isRecord(raw.voice) ? raw.voice : {};
  const voice = { ...DEFAULT_STUDIO_VOICE };
  const range = (key: keyof typeof voice, lo: number, hi: number): void => {
    if (v[key] === undefined) return;
    if (!num(v[key]) || (v[key] as number) < lo || (v[key] as number) > hi) errors.push(`voice.${key}: expected ${lo} to ${hi}, got ${JSON.stringify(v[key])}`);
    else voice[key] = v[key] as number;
  };
  range('transpose', -24, 24);
  range('vibratoDepth', 0, 2);
  range('vibratoRate', 1, 12);
  range('dynamics', 0, 2);
  if (!Array.isArray(raw.notes)) return { ok: false, errors: [...errors, 'notes: expected a list of notes'] };
  if (raw.notes.length > MAX_NOTES) return { ok: false, errors: [...errors, `notes: a studio song holds at most ${MAX_NOTES} notes, this one has ${raw.notes.length}; split it into several songs`] };
  const notes: StudioNote[] = [];
  const ids = new Set<number>();
  const timing = { timeSignature: { numerator: Number(numerator) || 4, denominator: Number(denominator) || 4 } };
  raw.notes.forEach((n, i) => {
    const where = isRecord(n) && num(n.tick) ? `notes[${i}] (${notePlace(timing, n.tick)})` : `notes[${i}]`;
    if (errors.length >= 20) return;
    if (!isRecord(n)) return void errors.push(`${where}: expected a note object`);
    if (!num(n.tick) || n.tick < 0 || n.tick > MAX_TICK || !Number.isInteger(n.tick)) return void errors.push(`${where}: tick must be a whole number from 0 to ${MAX_TICK}`);
    if (!num(n.length) || n.length < 1 || n.length > RESOLUTION * 64 || !Number.isInteger(n.length)) return void errors.push(`${where}: length must be a whole number of ticks from 1 to ${RESOLUTION * 64}`);
    if (!num(n.pitch) || !Number.isInteger(n.pitch) || n.pitch < MIN_PITCH || n.pitch > MAX_PITCH) return void errors.push(`${where}: pitch must be a MIDI note from ${MIN_PITCH} to ${MAX_PITCH}`);
    if (typeof n.lyric !== 'string') return void errors.push(`${where}: lyric must be text`);
    const problem = lyricProblem(n.lyric);
    if (problem) return void errors.push(`${where}: ${problem}`);
    let id = num(n.id) && Number.isInteger(n.id) && n.id > 0 && !ids.has(n.id) ? n.id : 0;
    if (!id) for (id = i + 1; ids.has(id); ) id++;
    ids.add(id);
    const note: StudioNote = { id, tick: n.tick, length: n.length, pitch: n.pitch, lyric: n.lyric };
    if (n.vibrato !== undefined) {
      if (!num(n.vibrato) || n.vibrato < 0 || n.vibrato > 2) return void errors.push(`${where}: vibrato must be a depth from 0 to 2 semitones`);
      note.vibrato = n.vibrato;
    }
    if (n.dynamics !== undefined) {
      if (!num(n.dynamics) || n.dynamics < 0 || n.dynamics > 2) return void errors.push(`${where}: dynamics must be from 0 to 2`);
      note.dynamics = n.dynamics;
    }
    notes.push(note);
  });
  if (errors.length) return { ok: false, errors };
  notes.sort((a, b) => a.tick - b.tick || a.pitch - b.pitch);
  return {
    ok: true,
    project: { format: 'holostage-studio', version: 1, title, bpm: raw.bpm as number, timeSignature: { numerator: numerator as number, denominator: denominator as number }, voice, notes },
  };
}
