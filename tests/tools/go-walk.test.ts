// The walk of a GO, recorded (tests/tools/go-walk.ts: a real server, the desk's DeskLink and an
// output's ShowLink on real sockets, the main thread stepped through the V8 inspector) and held to
// what docs/ARCHITECTURE.md promises: the GO reaches the outputs, the controller asks the pure
// transport once, and no two project files ask each other twice in a row (A -> B -> A -> B),
// clock reads included.
//
// The recorder runs in a process of its own (scripts/go-walk.ts --json): stepping a thread with the
// inspector can abort V8 itself (Node 20's V8 fails a CHECK in its scope iterator now and then,
// "function_->context() != *context_"), and that must not take the test runner down. A run that
// dies that way is run again, at most three times, and each retry is said on stderr. Any other
// failure fails the test at once.

import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { GoWalk } from './go-walk.ts';
import { chainsOf, crossings, figuresOf, stopsOf, type WalkStop } from './walk.ts';

const repoRoot = join(import.meta.dirname, '../..');
const V8_ABORT = /Check failed|Fatal error in|Trace\/breakpoint trap/;
const RETRIES = 3;
/** One run takes 5-10 s on two busy cores; this is only a guard against a hang. */
const RUN_TIMEOUT_MS = 150_000;

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function runRecorder(): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/run-ts.js', 'scripts/go-walk.ts', '--json'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** True when the run died of V8's inspector abort (SIGTRAP, or its fatal-error report). */
function v8Aborted(run: Run): boolean {
  return run.signal === 'SIGTRAP' || run.code === 133 || (run.code !== 0 && V8_ABORT.test(run.stderr));
}

async function recordInChild(): Promise<GoWalk> {
  for (let attempt = 0; ; attempt++) {
    const run = await runRecorder();
    if (run.code === 0) return JSON.parse(run.stdout.trim().split('\n').at(-1)!) as GoWalk;
    if (v8Aborted(run) && attempt < RETRIES) {
      process.stderr.write(`go-walk: the recorder's V8 aborted inside the inspector (run ${attempt + 1}); running it again (retry ${attempt + 1} of ${RETRIES})\n`);
      continue;
    }
    const why = run.signal ? `killed by ${run.signal}` : `exit code ${String(run.code)}`;
    throw new Error(`the GO walk recorder failed (${why}${v8Aborted(run) ? `, V8 aborted ${attempt + 1} times` : ''}):\n${run.stderr.slice(-4000)}`);
  }
}

const CONTROLLER = 'server/src/show/controller.ts';
const TRANSPORT = 'server/src/transport.ts';

describe('the walk of a GO from the desk key to the outputs', () => {
  it('reaches the desk and the output, asks the transport once, and never goes back and forth between two files', async () => {
    const walk = await recordInChild();
    expect(walk.reply).toMatchObject({ ok: true, state: { mode: 'playing' } });

    // The walk is a tree: the desk's call, the server's handler, then one branch per client.
    const chains = chainsOf(walk.kept);
    const branches = (root: number): WalkStop[][] => chains.filter((c) => c[0]!.root === root).map((c) => stopsOf(c));
    const [desk, server] = [branches(0), branches(1)];
    expect(desk).toHaveLength(1);
    expect(server).toHaveLength(1);
    // The desk sends the GO through its DeskLink and the shared ShowLink.
    expect(desk[0]!.map((s) => s.file)).toEqual(expect.arrayContaining(['control-desk/src/net.ts', 'client/show-link.ts']));
    // The server: the socket adapter, the controller, the pure transport, the lighting, the journal, the announcement.
    for (const file of ['server/src/adapters/sockets.ts', CONTROLLER, TRANSPORT, 'server/src/lighting/show-lighting.ts', 'server/src/journal.ts']) {
      expect(server[0]!.map((s) => s.file), file).toContain(file);
    }
    expect(server[0]!.some((s) => s.file === 'server/src/adapters/sockets.ts' && s.fns.includes('transport')), 'the socket adapter broadcasts the new state').toBe(true);
    // Every client on the show takes the new state: the output's ShowLink and the desk's each take
    // the snapshot and set their clock from it, and the desk tells its views.
    const clients = branches(2);
    expect(clients).toHaveLength(2);
    for (const client of clients) {
      expect(client[0]).toMatchObject({ file: 'client/show-link.ts', fns: expect.arrayContaining(['takeSnapshot']) });
      expect(client.some((s) => s.file === 'client/show-clock.ts' && s.fns.includes('setSnapshot'))).toBe(true);
    }
    expect(clients.filter((c) => c.some((s) => s.file === 'control-desk/src/net.ts' && s.fns.includes('notify')))).toHaveLength(1);

    // The controller asks the pure transport one question (decide) and gets one answer back.
    expect(crossings(server[0]!, CONTROLLER, TRANSPORT)).toBe(1);
    expect(crossings(server[0]!, TRANSPORT, CONTROLLER)).toBe(1);
    // No A -> B -> A -> B on any branch, clock reads included.
    const pingPong = figuresOf(walk.kept, 'now').backAndForth.map((t) => `${t.from} <-> ${t.to}`);
    expect(pingPong).toEqual([]);
  }, 4 * 160_000);
});
