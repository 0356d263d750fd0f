// The server's subcommands as a user runs them: real child processes of bin/holostage.js.

import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect, copyDemoShow, getJson, once, startTestServer, tempDir } from './helpers.ts';
import { makeTimeline } from './fixtures.ts';

const repoRoot = join(import.meta.dirname, '../..');

function holostage(args: string[], untilOutput?: RegExp): Promise<{ code: number | null; signal: string | null; out: string }> {
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, [join(repoRoot, 'bin/holostage.js'), ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let signalled = false;
    const onData = (d: Buffer): void => {
      out += d.toString();
      if (untilOutput && !signalled && untilOutput.test(out)) {
        signalled = true;
        proc.kill('SIGTERM');
      }
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', onData);
    proc.on('exit', (code, signal) => resolve({ code, signal, out }));
  });
}

// Child processes start slowly on a busy two-core machine (tsx compiles the CLI on the fly): the
// limits are generous, the tests themselves take seconds on a quiet one.
describe('holostage CLI (server commands)', { timeout: 150_000 }, () => {
  it('midi list does not crash on a machine without MIDI', async () => {
    const r = await holostage(['midi', 'list']);
    expect(r.signal).toBeNull();
    expect(r.out).not.toMatch(/at .*\.js:\d+/); // no stack trace
    if (r.code === 1) expect(r.out).toMatch(/MIDI is not available on this system: Failed to initialise RtMidi/);
    else expect(r.out).toMatch(/^(no MIDI output ports|0: .+)$/m);
  });

  it('serve prints the desk, every output and the viewer URL with tokens, then shuts down cleanly on SIGTERM', async () => {
    const state = tempDir();
    const r = await holostage(['serve', '--port', '0', '--state', state, '--midi', 'null', '--no-pages'], /fan viewer\s+http\S+\n/);
    expect(r.out).toMatch(/SIGTERM: closing/);
    expect(r.code).toBe(0);
    const tokens = JSON.parse(readFileSync(join(state, 'tokens.json'), 'utf8')) as { operator: string; viewer: string; outputs: Record<string, string> };
    expect(statSync(join(state, 'tokens.json')).mode & 0o777).toBe(0o600);
    expect(r.out).toMatch(/holostage: "holostage Demo Night" \(4 entries/);
    expect(r.out).toMatch(new RegExp(`control desk\\s+http://127\\.0\\.0\\.1:\\d+/desk\\?token=${tokens.operator}`));
    for (const id of ['main-projector', 'hologram', 'fan-stream', 'desk-preview']) {
      expect(r.out).toMatch(new RegExp(`output ${id}\\s+http://127\\.0\\.0\\.1:\\d+/stage\\?output=${id}&token=${tokens.outputs[id]}`));
    }
    expect(r.out).toMatch(new RegExp(`fan viewer\\s+http://127\\.0\\.0\\.1:\\d+/live\\?token=${tokens.viewer}`));
    // Cues are timed on the lighting thread, which says how it runs.
    expect(r.out).toMatch(/lighting: null \(cues timed on their own thread\)/);
    expect(r.out).toMatch(/lighting: lighting thread at (real-time priority|nice -10|normal priority)/);

    // `holostage tokens` shows the same ones again.
    const t = await holostage(['tokens', '--state', state, '--json']);
    expect(t.code).toBe(0);
    const shown = JSON.parse(t.out) as { tokens: typeof tokens };
    expect(shown.tokens).toEqual(tokens);
  });

  it('serve starts with a show that fails validation, and names the file:line:col that is wrong', async () => {
    const show = copyDemoShow();
    const showFile = join(show, 'show.json');
    writeFileSync(showFile, readFileSync(showFile, 'utf8').replace('"song": "neon-lullaby"', '"song": "neon-lulaby"'));
    const r = await holostage(['serve', '--show', show, '--port', '0', '--state', tempDir(), '--midi', 'null', '--no-pages'], /fan viewer\s+http\S+\n/);
    expect(r.out).toMatch(/the show does not load: show\.json:\d+:\d+ setlist\[2\]\.song: unknown song "neon-lulaby".*nothing to play until it is mended/);
    expect(r.out).toMatch(/SIGTERM: closing/);
    expect(r.code).toBe(0);
  });

  it('a second serve on the same state folder is refused and leaves the running show\'s journal alone', async () => {
    const show = copyDemoShow();
    const state = tempDir();
    const { server } = await startTestServer(undefined, { showDir: show, stateDir: state });
    try {
      const firstLine = readFileSync(join(state, 'journal.jsonl'), 'utf8').split('\n')[0];
      const r = await holostage(['serve', '--show', show, '--state', state, '--port', '0', '--midi', 'null', '--no-pages']);
      expect(r.code).toBe(1);
      expect(r.out).toContain(`another holostage server (pid ${process.pid}) is using ${state}`);
      // Not rewritten by the second process: still the running server's journal, growing with its heartbeats.
      const journal = readFileSync(join(state, 'journal.jsonl'), 'utf8');
      expect(journal.split('\n')[0]).toBe(firstLine);
      expect(journal).not.toContain('recovered');
    } finally {
      await server.close();
    }
  });

  it('rejects bad flags with a clear message', async () => {
    const r = await holostage(['serve', '--port', 'abc']);
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/--port: expected a number from 0 to 65535, got "abc"/);
    const p = await holostage(['serve', '--lighting-priority', 'fast']);
    expect(p.code).toBe(2);
    expect(p.out).toMatch(/--lighting-priority: expected realtime, nice or normal, got "fast"/);
  });
});

describe('pages', { timeout: 150_000 }, () => {
  it('serve exits on SIGTERM even with a browser-like keep-alive connection and a socket open', async () => {
    const state = tempDir();
    const proc = spawn(process.execPath, [join(repoRoot, 'bin/holostage.js'), 'serve', '--port', '0', '--state', state, '--midi', 'null'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
    const started = Date.now();
    while (!/fan viewer\s+(http\S+)/.test(out) && Date.now() - started < 120_000) await new Promise((r) => setTimeout(r, 50));
    if (!/fan viewer\s+(http\S+)/.test(out)) throw new Error(`serve did not start in 120 s:\n${out}`);
    const viewer = new URL(/fan viewer\s+(http\S+)/.exec(out)![1]!);
    const socket = connect(viewer.origin, viewer.searchParams.get('token')!);
    await once(socket, 'hello');
    const page = await fetch(`${viewer.origin}/desk`, { headers: { connection: 'keep-alive' } });
    expect(page.status).toBe(200);
    await page.text();
    proc.kill('SIGTERM');
    expect(await exited).toBe(0);
    socket.close();
  });

  it('serves a page folder as a built bundle under its route, and a placeholder for a page that does not exist yet', async () => {
    const root = tempDir('holostage-pages-');
    mkdirSync(join(root, 'stage', 'src'), { recursive: true });
    writeFileSync(join(root, 'stage', 'index.html'), '<!doctype html><html><head><title>stage test</title></head><body><script type="module" src="./src/main.ts"></script></body></html>');
    writeFileSync(join(root, 'stage', 'src', 'main.ts'), 'const answer: number = 42;\ndocument.title = String(answer);\n');
    const { server } = await startTestServer(makeTimeline([{ title: 'A', length: 10 }]), { pages: 'auto', pagesRoot: root });
    try {
      // The route redirects to its folder form (so relative URLs in the HTML resolve), keeping the query.
      const redirect = await fetch(`${server.url}/stage?output=main&token=x`, { redirect: 'manual' });
      expect(redirect.status).toBe(302);
      expect(redirect.headers.get('location')).toBe('/stage/?output=main&token=x');
      const html = await (await fetch(`${server.url}/stage/?output=main&token=x`)).text();
      expect(html).toContain('<title>stage test</title>');
      // Built, not transformed on request: no vite client, the script is a hashed bundle file.
      expect(html).not.toContain('@vite/client');
      const script = /src="(\/stage\/assets\/[^"]+\.js)"/.exec(html)?.[1];
      expect(script).toBeDefined();
      const js = await fetch(`${server.url}${script}`);
      expect(js.headers.get('cache-control')).toContain('immutable');
      expect(await js.text()).toContain('document.title');
      expect((await fetch(`${server.url}/stage/src/main.ts`)).status).toBe(404);
      const desk = await fetch(`${server.url}/desk`);
      expect(await desk.text()).toMatch(/holostage — Control desk/);
      const live = await (await fetch(`${server.url}/live`)).text();
      expect(live).toMatch(/Fan viewer/);
      // The state folder (tokens) is never served from the show folder.
      expect((await fetch(`${server.url}/show/.holostage/tokens.json`)).status).toBe(404);
      expect((await getJson(`${server.url}/api/health`)).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});


describe('holostage flags', () => {
  it('refuses an unknown flag or a missing value with the nearest known flag, before doing anything', async () => {
    const nonsense = await holostage(['validate', 'show-files/demo', '--nonsense']);
    expect(nonsense.code).toBe(2);
    expect(nonsense.out).toContain('holostage validate: unknown flag --nonsense');
    const typoServe = await holostage(['serve', '--portt', '1']);
    expect(typoServe.code).toBe(2);
    expect(typoServe.out).toContain('unknown flag --portt (did you mean --port?)');
    const missing = await holostage(['serve', '--port']);
    expect(missing.code).toBe(2);
    expect(missing.out).toContain('--port needs a value');
    const typo = await holostage(['tokens', '--jsno']);
    expect(typo.out).toContain('unknown flag --jsno (did you mean --json?)');
  });
});
