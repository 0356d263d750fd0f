import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { lockStateDir, LOCK_FILE } from '../../server/src/state-lock.ts';
import { copyDemoShow, tempDir } from './helpers.ts';
import { processAlive, procState } from '../../server/src/pid-lock.ts';
import { ShowServer } from '../../server/src/server.ts';
import { RecorderDriver } from '../../server/src/lighting/recorder-driver.ts';

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

describe('state folder lock against a zombie, and temp files left by a kill', () => {
  it('takes over a lock whose owner is a zombie (exited, not yet reaped)', async () => {
    const dir = tempDir();
    // The background sleep exits after its parent shell has exec'd `sleep 30`, which never reaps
    // it: a zombie for 30 s. (Exiting before the exec would let the shell reap it.)
    const parent = spawn('sh', ['-c', 'sleep 0.5 & echo $!; exec sleep 30'], { stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      const zombie = Number(await new Promise<string>((resolve) => parent.stdout.once('data', (d: Buffer) => resolve(d.toString().trim()))));
      const started = Date.now();
      while (procState(zombie) !== 'Z' && Date.now() - started < 5000) await new Promise((r) => setTimeout(r, 20));
      expect(procState(zombie)).toBe('Z');
      // kill(pid, 0) still succeeds on a zombie: only its /proc state tells it is gone.
      expect(() => process.kill(zombie, 0)).not.toThrow();
      expect(processAlive(zombie)).toBe(false);
      expect(processAlive(parent.pid!)).toBe(true);
      writeFileSync(join(dir, LOCK_FILE), String(zombie));
      const release = lockStateDir(dir);
      expect(readFileSync(join(dir, LOCK_FILE), 'utf8')).toBe(String(process.pid));
      release();
    } finally {
      parent.kill('SIGKILL');
    }
  });

  it('sweeps temp files of dead writers at start, and leaves a live writer\'s alone', async () => {
    const showDir = copyDemoShow();
    const stateDir = join(showDir, '.holostage');
    mkdirSync(stateDir, { recursive: true });
    const dead = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
    await new Promise((r) => dead.once('exit', r));
    const live = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
    try {
      const left = [join(showDir, `.show.json.tmp-${dead.pid}-1700000000000`), join(stateDir, `.tokens.json.tmp-${dead.pid}-1700000000001`), join(showDir, `.show.candidate-${dead.pid}.json`), join(showDir, `.desk-song-${dead.pid}-3.json`)];
      const kept = join(showDir, `.show.json.tmp-${live.pid}-1700000000002`);
      for (const f of [...left, kept]) writeFileSync(f, '{"half": ');
      const server = new ShowServer({ showDir, lighting: new RecorderDriver(null), pages: false, port: 0 });
      await server.start();
      try {
        for (const f of left) expect(existsSync(f), f).toBe(false);
        expect(existsSync(kept)).toBe(true);
        expect(existsSync(join(showDir, 'show.json'))).toBe(true);
      } finally {
        await server.close();
      }
    } finally {
      live.kill('SIGKILL');
    }
  });
});
