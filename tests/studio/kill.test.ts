// Drafts survive a server kill: a real `holostage serve` process takes a creator's autosaves and
// is killed with SIGKILL in the middle of a burst of them. Started again on the same state folder,
// the last save it acknowledged is there, whole; the one it never answered is either absent or whole.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { copyDemoShow, sleep, tempDir } from '../server/helpers.ts';
import { freePort, killServe, startServe, type ServeChild } from '../server/serve-process.ts';
import { issueCreator, type Creator } from '../../server/src/studio/creators.ts';
import { addNote, emptyProject, type StudioProject } from '../../studio/src/core/project.ts';

/** The melody after `count` notes were drawn: each autosave adds one. */
function drawn(count: number): StudioProject {
  let p = emptyProject('Killed mid-song');
  for (let i = 0; i < count; i++) p = addNote(p, { tick: i * 240, length: 240, pitch: 60 + (i % 12), lyric: ['ら', 'ら', 'る', 'ん'][i % 4]! }).project;
  return p;
}

describe('studio drafts and a killed server', { timeout: 240_000 }, () => {
  let stateDir: string;
  let serveArgs: string[];
  let base: string;
  let miku: Creator;
  const children: ServeChild[] = [];
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${base}${path}`, { ...init, headers: { authorization: `Bearer ${miku.token}`, 'content-type': 'application/json' } });

  beforeAll(async () => {
    const showDir = copyDemoShow();
    stateDir = join(tempDir(), 'state');
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    serveArgs = ['--show', showDir, '--port', String(port), '--state', stateDir, '--midi', 'null', '--no-pages'];
  });
  afterAll(async () => {
    for (const c of children) await killServe(c, 'SIGKILL');
  });

  it('keeps every acknowledged autosave, whole, after SIGKILL and a restart', async () => {
    const a = await startServe(serveArgs);
    children.push(a);
    // Issued while the server runs, as `holostage tokens --creator` would: the server reads it at once.
    miku = issueCreator(stateDir, 'Miku Fan');
    const created = await api('/api/studio/drafts', { method: 'POST', body: JSON.stringify({ project: drawn(1) }) });
    expect(created.status).toBe(201);
    const id = ((await created.json()) as { draft: { id: string } }).draft.id;

    // A creator drawing fast: the page sends one autosave at a time, the next as soon as the last
    // is answered. The kill lands while a save is on the wire.
    let acknowledged = 1;
    let n = 2;
    for (; n <= 30; n++) {
      const r = await api(`/api/studio/drafts/${id}`, { method: 'PUT', body: JSON.stringify({ project: drawn(n) }) });
      expect(r.status).toBe(200);
      acknowledged = n;
    }
    const inFlight = api(`/api/studio/drafts/${id}`, { method: 'PUT', body: JSON.stringify({ project: drawn(n) }) }).then((r) => r.status, () => 0);
    await sleep(1);
    await killServe(a, 'SIGKILL');
    const lastStatus = await inFlight;
    expect(a.proc.signalCode).toBe('SIGKILL');
    const lastAcknowledged = lastStatus === 200 ? n : acknowledged;

    const b = await startServe(serveArgs);
    children.push(b);
    const list = (await (await api('/api/studio/drafts')).json()) as { drafts: { id: string; notes: number }[] };
    expect(list.drafts.map((d) => d.id)).toEqual([id]);
    const draft = ((await (await api(`/api/studio/drafts/${id}`)).json()) as { draft: { project: StudioProject } }).draft;
    const count = draft.project.notes.length;
    expect([lastAcknowledged, n]).toContain(count);
    // Whole: exactly the project that save sent, not a torn mix.
    expect(draft.project).toEqual(drawn(count));

    // And the restarted server goes on saving.
    expect((await api(`/api/studio/drafts/${id}`, { method: 'PUT', body: JSON.stringify({ project: drawn(count + 1) }) })).status).toBe(200);
  });
});
