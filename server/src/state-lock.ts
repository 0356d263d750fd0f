// One server per state folder: two processes appending to one journal (say a second `npm start`
// that then fails on a busy port) would leave a journal that recovers the wrong show. The lock is a
// file holding the owner's pid, created exclusively; a lock whose process is gone (SIGKILL) is
// taken over, so a restart after a crash never needs a hand.

import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export const LOCK_FILE = 'server.lock';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class StateLockError extends Error {}

/** Take the lock on `stateDir`; returns the release function. Throws StateLockError when a live process holds it. */
export function lockStateDir(stateDir: string): () => void {
  mkdirSync(stateDir, { recursive: true });
  const file = join(stateDir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        try {
          if (readFileSync(file, 'utf8').trim() === String(process.pid)) unlinkSync(file);
        } catch {
          // Already gone.
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number(readFileSync(file, 'utf8').trim());
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && alive(owner)) {
        throw new StateLockError(`another holostage server (pid ${owner}) is using ${stateDir}; stop it or pass --state <another folder>`);
      }
      // A crashed server's lock (or our own from an earlier start in this process): take it over.
      unlinkSync(file);
    }
  }
  throw new StateLockError(`could not lock ${stateDir}`);
}
