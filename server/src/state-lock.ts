// One server per state folder: two processes appending to one journal (say a second `npm start`
// that then fails on a busy port) would leave a journal that recovers the wrong show. The lock is a
// file holding the owner's pid, created exclusively; a lock whose process is gone (SIGKILL) or a
// zombie not yet reaped (a restart within a second of kill -9) is taken over, so a restart after a
// crash never needs a hand. Temp files a killed server left half-written are swept at start.

import { mkdirSync, readdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { lockOwner, processAlive, releaseLock, tryLock } from './pid-lock.ts';

export const LOCK_FILE = 'server.lock';

export class StateLockError extends Error {}

/** Take the lock on `stateDir`; returns the release function. Throws StateLockError when a live process holds it. */
export function lockStateDir(stateDir: string): () => void {
  mkdirSync(stateDir, { recursive: true });
  const file = join(stateDir, LOCK_FILE);
  if (!tryLock(file)) {
    const owner = lockOwner(file);
    throw new StateLockError(`another holostage server (pid ${Number.isNaN(owner) ? 'unknown' : owner}) is using ${stateDir}; stop it or pass --state <another folder>`);
  }
  let released = false;
  return () => {
    if (released) return;
    released = true;
    releaseLock(file);
  };
}

/**
 * The temp files this server writes beside their targets, each naming the pid that wrote it:
 * atomic writes (`.name.tmp-<pid>-<ms>`), setlist candidates and the library's song candidates.
 */
const TEMP_FILE = /^\.(?:.+\.tmp-(\d+)-\d+|show\.candidate-(\d+)\.json|desk-song-(\d+)-\d+\.json)$/;

/** Removes temp files left by processes that are gone (never a live process's, nor this one's). Returns the names removed. */
export function sweepTempFiles(dirs: string[]): string[] {
  const removed: string[] = [];
  for (const dir of dirs) {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names) {
      const m = TEMP_FILE.exec(name);
      if (!m) continue;
      const pid = Number(m[1] ?? m[2] ?? m[3]);
      if (pid === process.pid || processAlive(pid)) continue;
      try {
        unlinkSync(join(dir, name));
        removed.push(name);
      } catch {
        // Gone already.
      }
    }
  }
  return removed;
}
