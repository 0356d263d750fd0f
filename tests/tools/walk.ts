// Records the walk of one action through the source files: a worker thread steps this thread with
// the V8 inspector (stepper-worker.mjs) from the start of each root function until the action is
// done, keeping the steps that have a root on their stack. Steps run through libraries and Node
// without stopping, so the walk is the sequence of the project's source files the action passes
// through; its figures are the stops (a file entered) and the A -> B -> A return trips.

import { Worker } from 'node:worker_threads';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface WalkRoot {
  /** The end of the script's URL, e.g. '/server/src/adapters/sockets.ts'. */
  urlSuffix: string;
  /** A regular expression over the script as loaded (after the TypeScript transform) ending at the root function body's `{`. */
  pattern: string;
}

export interface WalkStep {
  /** Index of the root this step descends from. */
  root: number;
  /** Which call of that root (1, 2, ...): each client taking a snapshot is a call of its own. */
  call: number;
  /** Repository-relative path, or null for library / Node internals. */
  file: string | null;
  fn: string;
}

export interface Walk {
  /** Every step the stepper took, kept or not. */
  steps: number;
  kept: WalkStep[];
}

const repoRoot = join(import.meta.dirname, '../..');

function projectFile(url: string): string | null {
  if (!url.startsWith('file:')) return null;
  const path = relative(repoRoot, fileURLToPath(url.split('?')[0]!));
  return path.startsWith('..') || path.includes('node_modules') ? null : path;
}

/**
 * Runs `act` with the stepper armed at `roots`; resolves with the walk once `act` has resolved.
 * `act` calls `done()` the moment the action is complete (from a check that found it so): the
 * stepper stops there, so the rest of `act` is not stepped through.
 */
export async function recordWalk(roots: readonly WalkRoot[], act: (done: () => void) => Promise<void>): Promise<Walk> {
  const doneFlag = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(join(import.meta.dirname, 'stepper-worker.mjs'), { workerData: { done: doneFlag.buffer } });
  const next = (type: string): Promise<Record<string, unknown>> =>
    new Promise((resolve, reject) => {
      const onMessage = (m: Record<string, unknown>): void => {
        if (m.type === 'error') reject(new Error(`stepper: ${String(m.message)}`));
        else if (m.type === type) resolve(m);
        else return;
        worker.off('message', onMessage);
      };
      worker.on('message', onMessage);
      worker.once('error', reject);
    });
  try {
    await next('ready');
    worker.postMessage({ type: 'arm', points: roots });
    await next('armed');
    await act(() => Atomics.store(doneFlag, 0, 1));
    worker.postMessage({ type: 'stop' });
    const done = await next('walk');
    const kept = (done.kept as { root: number; call: number; url: string; fn: string }[]).map((k) => ({ root: k.root, call: k.call, file: projectFile(k.url), fn: k.fn }));
    return { steps: done.steps as number, kept };
  } finally {
    await worker.terminate();
  }
}

export interface WalkStop {
  file: string;
  /** The functions run in this file during this stop, in order, without repeats. */
  fns: string[];
}

/**
 * The walk's branches: the steps of each call of each root, in the order the calls began. An
 * action that fans out (one broadcast, every client taking it) is a tree, not one line: each
 * client's path is a branch of its own, and two branches are never joined into one stop.
 */
export function chainsOf(steps: readonly WalkStep[]): WalkStep[][] {
  const chains = new Map<string, WalkStep[]>();
  for (const s of steps) {
    const key = `${s.root}:${s.call}`;
    const chain = chains.get(key);
    if (chain) chain.push(s);
    else chains.set(key, [s]);
  }
  return [...chains.values()];
}

/** The walk as a sequence of stops: consecutive steps in the same file are one stop. */
export function stopsOf(steps: readonly WalkStep[]): WalkStop[] {
  const stops: WalkStop[] = [];
  for (const s of steps) {
    if (s.file === null) continue;
    const last = stops.at(-1);
    if (last && last.file === s.file) {
      if (s.fn && !last.fns.includes(s.fn)) last.fns.push(s.fn);
    } else stops.push({ file: s.file, fns: s.fn ? [s.fn] : [] });
  }
  return stops;
}

export interface ReturnTrip {
  /** The file left and come back to. */
  from: string;
  /** The file visited in between. */
  to: string;
  /** Index of the stop in `to`. */
  at: number;
}

/** Every A -> B -> A in the stops. */
export function returnTrips(stops: readonly WalkStop[]): ReturnTrip[] {
  const trips: ReturnTrip[] = [];
  for (let i = 1; i + 1 < stops.length; i++) {
    if (stops[i - 1]!.file === stops[i + 1]!.file) trips.push({ from: stops[i - 1]!.file, to: stops[i]!.file, at: i });
  }
  return trips;
}

/** How many times the walk went from `a` to `b` (a call, or the answer coming back). */
export function crossings(stops: readonly WalkStop[], a: string, b: string): number {
  let n = 0;
  for (let i = 1; i < stops.length; i++) if (stops[i - 1]!.file === a && stops[i]!.file === b) n++;
  return n;
}

/** The stops without reads of an injected clock (stops that only ran `clockFn`), neighbours in the same file merged. */
export function withoutClockReads(stops: readonly WalkStop[], clockFn: string): WalkStop[] {
  const out: WalkStop[] = [];
  for (const s of stops) {
    if (s.fns.length === 1 && s.fns[0] === clockFn) continue;
    const last = out.at(-1);
    if (last && last.file === s.file) last.fns.push(...s.fns.filter((f) => !last.fns.includes(f)));
    else out.push({ file: s.file, fns: [...s.fns] });
  }
  return out;
}

/** Back and forth: A -> B -> A -> B, the same two files asking each other again. */
export function backAndForth(stops: readonly WalkStop[]): ReturnTrip[] {
  const found: ReturnTrip[] = [];
  for (let i = 0; i + 3 < stops.length; i++) {
    const [a, b, c, d] = [stops[i]!.file, stops[i + 1]!.file, stops[i + 2]!.file, stops[i + 3]!.file];
    if (a === c && b === d && a !== b) found.push({ from: a, to: b, at: i + 1 });
  }
  return found;
}

export interface WalkFigures {
  stops: number;
  returns: number;
  /** A clock read is a stop that only ran `clockFn`. */
  returnsBesidesClockReads: number;
  backAndForth: ReturnTrip[];
  backAndForthBesidesClockReads: number;
}

/** The figures of a walk, each branch (chainsOf) counted on its own and the counts added. */
export function figuresOf(steps: readonly WalkStep[], clockFn: string): WalkFigures {
  const f: WalkFigures = { stops: 0, returns: 0, returnsBesidesClockReads: 0, backAndForth: [], backAndForthBesidesClockReads: 0 };
  for (const chain of chainsOf(steps)) {
    const stops = stopsOf(chain);
    const clockless = withoutClockReads(stops, clockFn);
    f.stops += stops.length;
    f.returns += returnTrips(stops).length;
    f.returnsBesidesClockReads += returnTrips(clockless).length;
    f.backAndForth.push(...backAndForth(stops));
    f.backAndForthBesidesClockReads += backAndForth(clockless).length;
  }
  return f;
}
