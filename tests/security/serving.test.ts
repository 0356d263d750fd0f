// The pages as a hostile visitor on the venue network would try them: vite's /@fs reads, path
// tricks towards the token file, and a flood of distinct query strings that once made the dev
// server transform (and cache) a module per request until the heap ran out.

import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ShowServer } from '../../server/src/server.ts';
import { RecorderDriver } from '../../server/src/lighting/recorder-driver.ts';
import { REPO_ROOT } from '../../server/src/pages.ts';
import { copyDemoShow } from '../server/helpers.ts';
import { run as serveCommand } from '../../cli/commands/serve.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

async function raw(url: string): Promise<{ status: number; body: string }> {
  const res = await fetch(url, { redirect: 'manual' });
  return { status: res.status, body: await res.text() };
}

describe('serving the built pages', () => {
  let server: ShowServer;
  let showDir: string;
  let secrets: string[];

  beforeAll(async () => {
    showDir = copyDemoShow();
    server = new ShowServer({ showDir, lighting: new RecorderDriver(null), pages: 'auto', port: 0 });
    await server.start();
    const tokens = JSON.parse(readFileSync(join(showDir, '.holostage', 'tokens.json'), 'utf8')) as { operator: string };
    secrets = [tokens.operator, server.tokens.viewer, ...Object.values(server.tokens.outputs)];
  }, 120_000);
  afterAll(async () => {
    await server?.close();
  });

  const leaks = (body: string): boolean => body.includes(showDir) || body.includes(REPO_ROOT) || secrets.some((t) => body.includes(t));

  it('answers an /@fs read of tokens.json (every page route) with 404 and no path', async () => {
    const tokenFile = join(showDir, '.holostage', 'tokens.json');
    for (const route of ['/stage', '/desk', '/live']) {
      for (const url of [`${route}/@fs${tokenFile}`, `${route}/@fs/etc/passwd`, `${route}/@vite/client`, `${route}/src/main.ts`, `${route}/node_modules/.vite/deps/three.js`]) {
        const r = await raw(`${server.url}${url}`);
        expect(r.status, url).toBe(404);
        expect(leaks(r.body), url).toBe(false);
        expect(r.body).toBe('{"ok":false,"error":"not found"}');
      }
    }
  });

  it('never serves the state folder, through any path trick', async () => {
    const tries = [
      '/show/.holostage/tokens.json',
      '/show/%2Eholostage/tokens.json',
      '/show/songs/..%2F.holostage%2Ftokens.json',
      '/show/..%2F..%2F..%2F..%2Fetc%2Fpasswd',
      '/stage/..%2F..%2Fshow-files%2Fdemo%2F.holostage%2Ftokens.json',
      '/stage/.build-info.json',
      '/assets/..%2F..%2Fpackage.json',
      '/show/.holostage/server.lock',
    ];
    for (const url of tries) {
      const r = await raw(`${server.url}${url}`);
      expect(r.status, url).toBeGreaterThanOrEqual(400);
      expect(leaks(r.body), url).toBe(false);
      expect(r.body, url).not.toMatch(/<pre>|at \w+ \(/);
    }
    // The show's own files still come through.
    expect((await raw(`${server.url}/show/show.json`)).status).toBe(200);
  });

  it('serves the built page, with the token query kept through the redirect', async () => {
    const r = await fetch(`${server.url}/stage?output=main-projector&token=abc`, { redirect: 'manual' });
    expect(r.status).toBe(302);
    expect(r.headers.get('location')).toBe('/stage/?output=main-projector&token=abc');
    const html = await raw(`${server.url}/stage/?output=main-projector`);
    expect(html.status).toBe(200);
    expect(html.body).not.toContain('@vite');
    expect(html.body).toMatch(/\/stage\/assets\/index-[\w-]+\.js/);
  });

  it('keeps the heap flat over 2,000 distinct query strings on a bundle file', async () => {
    const html = (await raw(`${server.url}/live/`)).body;
    const script = /src="(\/live\/assets\/[^"]+\.js)"/.exec(html)![1]!;
    const size = (await raw(`${server.url}${script}`)).body.length;
    expect(size).toBeGreaterThan(10_000);
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let batch = 0; batch < 250; batch++) {
      await Promise.all(Array.from({ length: 8 }, async (_, k) => {
        const res = await fetch(`${server.url}${script}?x=${batch * 8 + k}`);
        expect(res.status).toBe(200);
        await res.arrayBuffer();
      }));
    }
    gc();
    const grownMb = (process.memoryUsage().heapUsed - before) / 1e6;
    // The dev server grew about 5.7 MB a request (11 GB for these 2,000); static files grow nothing.
    expect(grownMb).toBeLessThan(25);
  }, 120_000);
});

describe('the state folder inside the show folder, and --dev', () => {
  it('does not serve a state folder that is not a dotfile', async () => {
    const showDir = copyDemoShow();
    const stateDir = join(showDir, 'state');
    mkdirSync(stateDir);
    const server = new ShowServer({ showDir, stateDir, lighting: new RecorderDriver(null), pages: 'placeholder', port: 0 });
    await server.start();
    try {
      for (const url of ['/show/state/tokens.json', '/show/./state/tokens.json', '/show//state/tokens.json', '/show/songs/..%2Fstate/tokens.json', '/show/state/']) {
        const r = await raw(`${server.url}${url}`);
        expect(r.status, url).toBe(404);
        expect(r.body).not.toContain(server.tokens.operator);
      }
    } finally {
      await server.close();
    }
  });

  it('refuses --dev on anything but loopback, and keeps the state folder out of vite on loopback', async () => {
    expect(() => new ShowServer({ showDir: copyDemoShow(), lighting: new RecorderDriver(null), pages: 'dev', host: '0.0.0.0' })).toThrow(/--dev/);
    const err: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => (err.push(String(chunk)), true)) as typeof process.stderr.write;
    try {
      expect(await serveCommand(['--dev', '--host', '0.0.0.0', '--port', '0'])).toBe(2);
    } finally {
      process.stderr.write = write;
    }
    expect(err.join('')).toMatch(/--dev .* cannot listen on 0\.0\.0\.0/);

    const showDir = copyDemoShow();
    const server = new ShowServer({ showDir, lighting: new RecorderDriver(null), pages: 'dev', port: 0 });
    await server.start();
    try {
      const r = await raw(`${server.url}/stage/@fs${join(showDir, '.holostage', 'tokens.json')}`);
      expect(r.status).not.toBe(200);
      expect(r.body).not.toContain(server.tokens.operator);
    } finally {
      await server.close();
    }
  }, 60_000);
});

