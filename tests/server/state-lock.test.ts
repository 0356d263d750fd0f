import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { lockStateDir, LOCK_FILE } from '../../server/src/state-lock.ts';
import { tempDir } from './helpers.ts';

describe('state folder lock', () => {
  it('is exclusive while its owner lives, released on close, and taken over from a dead owner', async () => {
    const dir = tempDir();
    const release = lockStateDir(dir);
    expect(readFileSync(join(dir, LOCK_FILE), 'utf8')).toBe(String(process.pid));
    release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);

    // A live process (a child that sleeps) holds it: refused with a clear message.
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
    writeFileSync(join(dir, LOCK_FILE), String(child.pid));
    expect(() => lockStateDir(dir)).toThrow(new RegExp(`another holostage server \\(pid ${child.pid}\\) is using`));
    // Killed with SIGKILL: its lock is stale and the next server takes it over.
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
    const again = lockStateDir(dir);
    expect(readFileSync(join(dir, LOCK_FILE), 'utf8')).toBe(String(process.pid));
    again();
  });
});
