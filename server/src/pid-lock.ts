// Whether a process id still names a running process, and a small exclusive lock file built on
// it. A zombie (exited, not yet reaped by its parent) or a process being torn down counts as gone:
// it will never release its lock, so waiting on it would refuse a restart right after a kill -9.

import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';

/** The process state letter from /proc/<pid>/stat (R, S, D, Z, X...), or null where /proc has none. */
export function procState(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) S ...": comm may hold spaces and parentheses, so read after the last ")".
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) || null;
  } catch {
    return null;
  }
}

export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const state = procState(pid);
  return state !== 'Z' && state !== 'X' && state !== 'x';
}

/** Reads the pid a lock file holds, or NaN. */
export function lockOwner(file: string): number {
  try {
    return Number(readFileSync(file, 'utf8').trim());
  } catch {
    return Number.NaN;
  }
}

/** Creates `file` holding our pid, exclusively; false when a live process holds it. Stale locks are taken over. */
export function tryLock(file: string): boolean {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = lockOwner(file);
      // A half-written lock (owner NaN) from a process that is still starting: treat as held once.
      if (Number.isNaN(owner) && attempt === 0) continue;
      if (owner !== process.pid && processAlive(owner)) return false;
      try {
        unlinkSync(file);
      } catch {
        // Someone else took it over first.
      }
    }
  }
  return false;
}

export function releaseLock(file: string): void {
  try {
    if (lockOwner(file) === process.pid) unlinkSync(file);
  } catch {
    // Already gone.
  }
}

/** Waits (polling) for the lock; throws after `timeoutMs`. Returns the release function. */
export async function acquireLock(file: string, timeoutMs: number): Promise<() => void> {
  const started = Date.now();
  while (!tryLock(file)) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for the lock ${file} (held by pid ${lockOwner(file)})`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return () => releaseLock(file);
}
