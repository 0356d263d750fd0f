// The prebuilt CLI bundle (scripts/build-cli.ts, bin/cli-bundle.js): it sings the same samples as
// the sources (its render worker included), and the launcher never uses one that may be stale.

import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildCli } from '../../scripts/build-cli.ts';
// @ts-expect-error plain JS module of the launcher
import { BUNDLE_FORMAT, INFO_FILE, currentBundle } from '../../bin/cli-bundle.js';
import { phraseSong } from '../vocal/phrase-song.ts';

const root = resolve(import.meta.dirname, '../..');

describe('the CLI bundle', () => {
  it('counts as current only while every input keeps its size and modification time', () => {
    const dir = mkdtempSync(join(tmpdir(), 'holostage-bundle-'));
    mkdirSync(join(dir, 'dist', 'cli'), { recursive: true });
    writeFileSync(join(dir, 'dist', 'cli', 'main.mjs'), 'export {}');
    writeFileSync(join(dir, 'a.ts'), 'one');
    const stampOf = (f: string) => {
      const s = statSync(join(dir, f));
      return [s.size, Math.round(s.mtimeMs)];
    };
    const info = (format = BUNDLE_FORMAT, at = dir) => writeFileSync(join(dir, 'dist', 'cli', INFO_FILE), JSON.stringify({ format, root: at, inputs: { 'a.ts': stampOf('a.ts') } }));
    info();
    expect(currentBundle(dir)).toBe(join(dir, 'dist', 'cli', 'main.mjs'));
    info(BUNDLE_FORMAT + 1);
    expect(currentBundle(dir)).toBeNull();
    info(BUNDLE_FORMAT, '/somewhere/else');
    expect(currentBundle(dir)).toBeNull();
    info();
    const later = new Date(Date.now() + 5000);
    utimesSync(join(dir, 'a.ts'), later, later);
    expect(currentBundle(dir)).toBeNull();
  });

  it('sings the same WAV as the sources, on two threads when asked', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'holostage-bundle-'));
    // Inside the repository, so the bundle finds its packages in node_modules as dist/cli does.
    const out = join(root, 'dist', `cli-test-${process.pid}`);
    const built = await buildCli(out);
    try {
    expect(built.inputs).toBeGreaterThan(50);
    const score = join(dir, 'song.json');
    writeFileSync(score, phraseSong());
    const fromSource = execFileSync('node', ['bin/holostage.js', 'sing', score, '-o', join(dir, 'source.wav'), '--float'], { cwd: root, env: { ...process.env, HOLOSTAGE_NO_BUNDLE: '1' }, encoding: 'utf8' });
    expect(fromSource).not.toContain('threads');
    // A launcher of the test bundle, as bin/holostage.js launches dist/cli.
    const launcher = join(dir, 'launch.mjs');
    writeFileSync(launcher, `const { main } = await import(${JSON.stringify(join(out, 'main.mjs'))}); process.exitCode = await main(process.argv.slice(2));`);
    const fromBundle = execFileSync('node', [launcher, 'sing', score, '-o', join(dir, 'bundle.wav'), '--float'], { cwd: root, env: { ...process.env, HOLOSTAGE_CLI_BUNDLE: out, HOLOSTAGE_RENDER_THREADS: '2' }, encoding: 'utf8' });
    expect(fromBundle).toContain('on 2 threads');
    const a = readFileSync(join(dir, 'source.wav'));
    const b = readFileSync(join(dir, 'bundle.wav'));
    expect(a.length).toBeGreaterThan(100_000);
    expect(b.equals(a)).toBe(true);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 120_000);
});
