// Runs fuzz mutants through what a server does with a show folder: load, validate and compile,
// in this process. Each mutant replaces one file of a small valid show; the answer must be a
// timeline or a list of clean errors, never an exception. Shared by the test and the bench.

import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileShowFolder } from '../../../show-files/src/compile.ts';
import { planVoice } from '../../../vocal/articulation.ts';
import { renderChunks } from '../../../vocal/dsp/render-plan.ts';
import type { Timeline } from '../../../show-files/src/timeline.ts';
import type { ValidationError } from '../../../show-files/src/errors.ts';
import { buildVocalMidi } from '../../vocal/midi-fixture.ts';
import { zipSync } from 'fflate';
import { mutateBytes, mutateJson, mutateMidi, mutateUst, mutateXml, mutateYaml, rng } from './mutate.ts';

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures');
export const FUZZ_KINDS = ['show.json', 'song', 'score.json', 'ust', 'ustx', 'mid', 'musicxml', 'vsqx', 'vpr'] as const;
export type FuzzKind = (typeof FUZZ_KINDS)[number];

interface KindSetup {
  /** The file each mutant replaces, relative to the show folder. */
  target: string;
  seed: Buffer;
  /** Points alpha's song file at another score format. */
  score?: string;
  mutate(seed: Buffer, seedNo: number): Buffer;
}

function midiSeed(): Buffer {
  const notes = [
    { tick: 0, length: 480, pitch: 60, lyric: 'la' },
    { tick: 480, length: 480, pitch: 62, lyric: 'li' },
    { tick: 960, length: 960, pitch: 64, lyric: 'lu' },
  ];
  return Buffer.from(buildVocalMidi(notes, { ppq: 480, bpm: 120 }));
}

function setup(kind: FuzzKind): KindSetup {
  const text = (b: Buffer): string => b.toString('utf8');
  switch (kind) {
    case 'show.json':
      return { target: 'show.json', seed: readFileSync(join(FIXTURES, 'base-show', 'show.json')), mutate: (s, n) => Buffer.from(mutateJson(text(s), rng(n)), 'latin1') };
    case 'song':
      return { target: 'songs/alpha.json', seed: readFileSync(join(FIXTURES, 'base-show', 'songs', 'alpha.json')), mutate: (s, n) => Buffer.from(mutateJson(text(s), rng(n)), 'latin1') };
    case 'score.json':
      return { target: 'scores/short.json', seed: readFileSync(join(FIXTURES, 'base-show', 'scores', 'short.json')), mutate: (s, n) => Buffer.from(mutateJson(text(s), rng(n)), 'latin1') };
    case 'ust':
      return { target: 'scores/fuzz.ust', score: '../scores/fuzz.ust', seed: readFileSync(join(FIXTURES, 'scores', 'kane-utf8.ust')), mutate: (s, n) => mutateUst(s, rng(n)) };
    case 'ustx':
      return { target: 'scores/fuzz.ustx', score: '../scores/fuzz.ustx', seed: readFileSync(join(FIXTURES, 'scores', 'two-parts.ustx')), mutate: (s, n) => mutateYaml(text(s), rng(n)) };
    case 'mid':
      return { target: 'scores/fuzz.mid', score: '../scores/fuzz.mid', seed: midiSeed(), mutate: (s, n) => (n % 5 === 0 ? mutateBytes(s, rng(n)) : mutateMidi(s, rng(n))) };
    case 'musicxml':
      return { target: 'scores/fuzz.musicxml', score: '../scores/fuzz.musicxml', seed: readFileSync(join(FIXTURES, 'scores', 'repeat-verses.musicxml')), mutate: (s, n) => mutateXml(s, rng(n)) };
    case 'vsqx':
      return { target: 'scores/fuzz.vsqx', score: '../scores/fuzz.vsqx', seed: readFileSync(join(FIXTURES, 'scores', 'tuned-v4.vsqx')), mutate: (s, n) => mutateXml(s, rng(n)) };
    case 'vpr': {
      // The archive damaged, or the project JSON inside it.
      const json = readFileSync(join(FIXTURES, 'scores', 'vpr-sequence.json'), 'utf8');
      const zip = (inner: Uint8Array): Buffer => Buffer.from(zipSync({ 'Project/sequence.json': inner }));
      return { target: 'scores/fuzz.vpr', score: '../scores/fuzz.vpr', seed: zip(Buffer.from(json)), mutate: (s, n) => (n % 3 === 0 ? mutateBytes(s, rng(n)) : zip(Buffer.from(mutateJson(json, rng(n))))) };
    }
  }
}

export interface FuzzCrash {
  kind: FuzzKind;
  seed: number;
  error: string;
}

export interface FuzzReport {
  kind: FuzzKind;
  mutants: number;
  accepted: number;
  refused: number;
  crashes: FuzzCrash[];
  /** Refusals whose errors do not name a file and position cleanly. */
  unclear: { seed: number; error: ValidationError }[];
  maxMs: number;
  maxSeed: number;
  totalMs: number;
  /** The five slowest mutants (seed, ms), slowest first. */
  slowest: { seed: number; ms: number }[];
}

const CLEAN_PATH = /^([A-Za-z_$][\w$-]*|\[(\d+|"[^"]*")\])([.][A-Za-z_$][\w$-]*|\[(\d+|"(?:[^"\\]|\\.)*")\])*$/;

/** What is wrong with one reported error, or null when it names a file, a place and a reason. */
export function unclearError(e: ValidationError, files: Set<string>): string | null {
  if (!files.has(e.file)) return `names a file the show does not have: ${JSON.stringify(e.file)}`;
  if (!Number.isInteger(e.line) || e.line < 1 || !Number.isInteger(e.column) || e.column < 1) return `bad position ${e.line}:${e.column}`;
  if (typeof e.path !== 'string' || (e.path !== '' && !CLEAN_PATH.test(e.path))) return `bad path ${JSON.stringify(e.path)}`;
  // "undefined" leaking from code is unclear; XML's "undefined entity" (an entity no DTD declares here) is not.
  if (!e.message || /\bundefined\b(?! entity)|\[object Object\]|\bat .*\.ts:\d+/.test(e.message)) return `unclear message ${JSON.stringify(e.message.slice(0, 200))}`;
  if (e.message.length > 2000) return 'a message over 2,000 characters';
  return null;
}

/** Runs `count` mutants of one kind, seeds `firstSeed`..; `verify` also asserts the unmutated seed compiles. */
export async function fuzzKind(kind: FuzzKind, firstSeed: number, count: number): Promise<FuzzReport & { seedOk: boolean }> {
  const s = setup(kind);
  const dir = mkdtempSync(join(tmpdir(), `holostage-fuzz-${kind}-`));
  cpSync(join(FIXTURES, 'base-show'), dir, { recursive: true });
  if (s.score) {
    const alpha = JSON.parse(readFileSync(join(dir, 'songs', 'alpha.json'), 'utf8')) as { score: string; cues?: unknown };
    alpha.score = s.score;
    delete alpha.cues;
    writeFileSync(join(dir, 'songs', 'alpha.json'), JSON.stringify(alpha, null, 2));
  }
  const files = new Set(['show.json', 'songs/alpha.json', 'songs/beta.json', 'scores/short.json', s.target]);
  writeFileSync(join(dir, s.target), s.seed);
  const seedOk = (await compileShowFolder(dir)).ok;
  const report: FuzzReport & { seedOk: boolean } = { kind, mutants: 0, accepted: 0, refused: 0, crashes: [], unclear: [], maxMs: 0, maxSeed: -1, totalMs: 0, slowest: [], seedOk };
  try {
    for (let seed = firstSeed; seed < firstSeed + count; seed++) {
      const mutant = s.mutate(s.seed, seed);
      writeFileSync(join(dir, s.target), mutant);
      const started = performance.now();
      let accepted: Timeline | undefined;
      try {
        // Strict, as `validate` runs it; every fourth mutant also as the server runs it (broken songs left out).
        const r = await compileShowFolder(dir, { leaveOutBrokenSongs: seed % 4 === 0 });
        if (r.ok) {
          report.accepted++;
          accepted = r.timeline;
        }
        else {
          report.refused++;
          if (r.errors.length === 0) report.unclear.push({ seed, error: { file: '', path: '', line: 0, column: 0, message: 'refused with no error' } });
          for (const e of r.errors) if (unclearError(e, files)) report.unclear.push({ seed, error: e });
        }
        if (r.ok) for (const l of r.leftOut) for (const e of l.errors) if (unclearError(e, files)) report.unclear.push({ seed, error: e });
      } catch (err) {
        report.crashes.push({ kind, seed, error: err instanceof Error ? `${err.name}: ${err.message}`.slice(0, 300) : String(err) });
      }
      const ms = performance.now() - started;
      if (accepted) singBriefly(accepted, kind, seed, report);
      report.totalMs += ms;
      if (report.slowest.length < 5 || ms > report.slowest[4]!.ms) {
        report.slowest.push({ seed, ms });
        report.slowest.sort((a, b) => b.ms - a.ms);
        report.slowest.length = Math.min(5, report.slowest.length);
      }
      if (ms > report.maxMs) {
        report.maxMs = ms;
        report.maxSeed = seed;
      }
      report.mutants++;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return report;
}

/**
 * A show that validated must also sing: every song's voice is planned in full and its first
 * 0.2 s rendered (outside the timing: this is the renderer's promise, not the validator's speed).
 */
function singBriefly(timeline: Timeline, kind: FuzzKind, seed: number, report: FuzzReport): void {
  try {
    for (const song of timeline.songs) {
      if (song.tracks.vocal.notes.length === 0) continue;
      const plan = planVoice(song.tracks.vocal, song.voice);
      const it = renderChunks(plan, 8000, plan.start, Math.min(plan.end, plan.start + 0.2), 1600);
      let step = it.next();
      while (!step.done) step = it.next();
      if (!step.value.every((x) => Number.isFinite(x))) throw new Error(`song ${song.id}: the voice rendered a non-finite sample`);
    }
  } catch (err) {
    report.crashes.push({ kind, seed, error: `render: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`.slice(0, 300) });
  }
}

/** The mutant bytes for a kind and seed (to keep a worst case as a fixture). */
export function mutantOf(kind: FuzzKind, seed: number): { target: string; bytes: Buffer } {
  const s = setup(kind);
  return { target: s.target, bytes: s.mutate(s.seed, seed) };
}
