// A warm-standby pair of real `holostage serve` processes for the failover tests and the bench:
// the primary and its standby on their own ports, show folders (copies of the demo) and state
// folders, each recording its lighting to a Standard MIDI File, so a test can SIGKILL one and
// start it again with the same command line.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PairView } from '../../protocol/index.ts';
import { copyDemoShow, getJson, tempDir } from '../server/helpers.ts';
import { freePort, killServe, startServe as startServeChild, type ServeChild } from '../server/serve-process.ts';

export interface ServeProcess extends ServeChild {
  args: string[];
}

/** Starts `holostage serve` and waits until it prints its desk line (a primary) or "standby of". */
export async function startServe(args: string[], ready: RegExp = /control desk/): Promise<ServeProcess> {
  return { ...(await startServeChild(args, ready)), args };
}

export function kill(p: ServeProcess | undefined, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  return p ? killServe(p, signal) : Promise.resolve();
}

export interface Side {
  port: number;
  url: string;
  showDir: string;
  stateDir: string;
  record: string;
  args: string[];
}

export async function side(pages: boolean): Promise<Side> {
  const port = await freePort();
  const showDir = copyDemoShow();
  const stateDir = join(tempDir('holostage-pair-'), 'state');
  const record = join(stateDir, '..', 'lighting.mid');
  const args = ['--show', showDir, '--port', String(port), '--state', stateDir, '--midi', 'null', '--record', record, '--lighting-priority', 'normal', ...(pages ? [] : ['--no-pages'])];
  return { port, url: `http://127.0.0.1:${port}`, showDir, stateDir, record, args };
}

export interface Pair {
  a: Side;
  b: Side;
  operator: string;
  viewer: string;
  outputs: Record<string, string>;
  primary: ServeProcess;
  standby: ServeProcess;
}

/** The primary (pages served when `pages`), then its standby following it; with `redis`, both on it (the primary lease). */
export async function startPair(opts: { pages?: boolean; takeoverAfterMs?: number; redis?: string } = {}): Promise<Pair> {
  const a = await side(opts.pages ?? false);
  const b = await side(false);
  if (opts.redis) for (const s of [a, b]) s.args.push('--redis', opts.redis);
  const primary = await startServe(a.args);
  const tokens = JSON.parse(readFileSync(join(a.stateDir, 'tokens.json'), 'utf8')) as { operator: string; viewer: string; outputs: Record<string, string> };
  b.args.push('--standby-of', `${a.url}/desk?token=${tokens.operator}`, ...(opts.takeoverAfterMs ? ['--takeover-after', String(opts.takeoverAfterMs)] : []));
  const standby = await startServe(b.args, /standby of/);
  return { a, b, operator: tokens.operator, viewer: tokens.viewer, outputs: tokens.outputs, primary, standby };
}

export async function pairView(url: string, operator: string): Promise<PairView | null> {
  try {
    const r = await getJson(`${url}/api/standby`, operator);
    return r.status === 200 ? (r.json as unknown as PairView) : null;
  } catch {
    return null;
  }
}
