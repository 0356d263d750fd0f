// show.json's "standby" block: the settings `serve --standby-of --takeover-after --redis` take,
// from the show folder. Read with its errors placed (file:line:col path), flags winning over it,
// and a real `holostage serve` started without --standby-of following the primary the block names;
// a block that does not load stops the start (a standby must never come up as a second primary).

import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { standbyOptionsFor } from '../../server/src/standby/config.ts';
import { copyDemoShow, serveUntilExit } from '../server/helpers.ts';
import { kill, pairView, side, startServe, type ServeProcess } from './pair-process.ts';


/** A copy of the demo show (or `dir`) whose show.json has `standby` as its block (written last, two-space indented). */
function showWithBlock(standby: unknown, dir = copyDemoShow()): string {
  const file = join(dir, 'show.json');
  const show = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  writeFileSync(file, `${JSON.stringify({ ...show, standby }, null, 2)}\n`);
  return dir;
}


describe('show.json "standby"', { timeout: 180_000 }, () => {
  const running: ServeProcess[] = [];
  afterAll(async () => {
    for (const p of running) await kill(p);
  });

  it('is read as the serve flags would give it; flags win; no block, no standby', async () => {
    const dir = showWithBlock({ of: 'http://10.0.0.1:3000', takeoverAfterMs: 800, redis: 'redis://10.0.0.5:6379', leaseKey: 'night-1:primary' });
    expect(await standbyOptionsFor(dir, {})).toEqual({ of: 'http://10.0.0.1:3000', token: undefined, takeoverAfterMs: 800, redis: 'redis://10.0.0.5:6379', leaseKey: 'night-1:primary' });
    expect(await standbyOptionsFor(dir, { of: 'http://10.0.0.2:3000', takeoverAfterMs: 1500, redis: 'redis://other:6379', token: 't' })).toEqual({ of: 'http://10.0.0.2:3000', token: 't', takeoverAfterMs: 1500, redis: 'redis://other:6379', leaseKey: 'night-1:primary' });
    expect(await standbyOptionsFor(copyDemoShow(), {})).toEqual({ of: undefined, token: undefined, takeoverAfterMs: undefined, redis: undefined, leaseKey: undefined });
  });

  it('a block that does not load: every error with file, line, column and path; serve refuses to start', async () => {
    const dir = showWithBlock({ of: 'primary:3000', takeoverAfterMs: 5, redis: 'redis://ok:6379', heartbeat: 200 });
    const lines = readFileSync(join(dir, 'show.json'), 'utf8').split('\n');
    const lineOf = (key: string): number => lines.findIndex((l) => l.includes(`"${key}":`)) + 1;
    const read = await standbyOptionsFor(dir, {});
    expect(read).toEqual({
      errors: [
        `${join(dir, 'show.json')}:${lineOf('of')}:11 standby.of: expected the primary's address (http://host:port), got "primary:3000"`,
        `${join(dir, 'show.json')}:${lineOf('takeoverAfterMs')}:24 standby.takeoverAfterMs: expected 100-60000, got 5`,
        `${join(dir, 'show.json')}:${lineOf('heartbeat')}:5 standby.heartbeat: unknown key "heartbeat"`,
      ],
    });
    const refused = await serveUntilExit(['--show', dir, '--no-pages', '--midi', 'null', '--port', '0']);
    expect(refused.code).toBe(2);
    expect(refused.out).toContain(`the show's "standby" block does not load:\n  ${(read as { errors: string[] }).errors[0]}\n`);
  });

  it('serve without --standby-of follows the primary its block names', async () => {
    const a = await side(false);
    const primary = await startServe(a.args);
    running.push(primary);
    const operator = (JSON.parse(readFileSync(join(a.stateDir, 'tokens.json'), 'utf8')) as { operator: string }).operator;
    const b = await side(false);
    showWithBlock({ of: `${a.url}/desk?token=${operator}`, takeoverAfterMs: 2500 }, b.showDir);
    const standby = await startServe(b.args, /standby of/);
    running.push(standby);
    expect(standby.output()).toContain(`standby of ${a.url}`);
    expect((await pairView(b.url, operator))?.self.role).toBe('standby');
    expect((await pairView(a.url, operator))?.self.role).toBe('primary');
  });
});
