// A throwaway redis-server for tests and benchmarks: Debian's binary on a free loopback port, no
// persistence, stopped afterwards. Not used by the show server itself (it takes a --redis URL).

import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

export interface RedisProcess {
  url: string;
  port: number;
  stop: () => Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** Start `redis-server` (from PATH) on 127.0.0.1; resolves once it accepts connections. */
export async function startRedisServer(binary = 'redis-server', timeoutMs = 10_000): Promise<RedisProcess> {
  const port = await freePort();
  const proc: ChildProcess = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'yes'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis-server did not start within ${timeoutMs} ms:\n${out}`)), timeoutMs);
    proc.once('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${binary}: ${err.message} (Debian: apt-get install redis-server)`));
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited ${code}:\n${out}`));
    });
    const check = (): void => {
      if (/Ready to accept connections/.test(out)) {
        clearTimeout(timer);
        resolve();
      } else setTimeout(check, 20);
    };
    check();
  });
  proc.removeAllListeners('exit');
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
        proc.once('exit', () => resolve());
        proc.kill('SIGTERM');
      }),
  };
}
