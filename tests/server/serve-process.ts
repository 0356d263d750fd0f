// A real `holostage serve` child process for tests that kill the server (SIGKILL) and start it
// again on the same port and state folder.

import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { waitUntil } from './helpers.ts';

const repoRoot = join(import.meta.dirname, '../..');

/** A port the OS just handed out and released, so a restarted server can take it again. */
export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export interface ServeChild {
  proc: ChildProcess;
  output: () => string;
}

/** Starts `holostage serve` and waits until it prints `ready` (the fan viewer line by default). */
export async function startServe(args: string[], ready: RegExp = /fan viewer/): Promise<ServeChild> {
  const proc = spawn(process.execPath, [join(repoRoot, 'bin/holostage.js'), 'serve', ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  await waitUntil(() => ready.test(out) || proc.exitCode !== null, 120_000, 'the server to start');
  if (proc.exitCode !== null) throw new Error(`serve exited ${proc.exitCode}:\n${out}`);
  return { proc, output: () => out };
}

export function killServe(child: ServeChild, signal: NodeJS.Signals): Promise<void> {
  return new Promise((resolve) => {
    if (child.proc.exitCode !== null || child.proc.signalCode !== null) return resolve();
    child.proc.once('exit', () => resolve());
    child.proc.kill(signal);
  });
}
