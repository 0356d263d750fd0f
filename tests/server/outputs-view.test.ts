// A stage page opens a second socket for clock sync in a worker: the desk must still see one page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { Socket } from 'socket.io-client';
import { compileShowFolder } from '../../show-files/src/compile.ts';
import type { ShowServer } from '../../server/src/server.ts';
import { connect, once, startTestServer } from './helpers.ts';

describe('output connections', () => {
  let server: ShowServer;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    const r = await compileShowFolder(join(import.meta.dirname, '..', 'fixtures', 'base-show'));
    if (!r.ok) throw new Error('base show invalid');
    ({ server } = await startTestServer(r.timeline));
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await server?.close();
  });

  it('counts a page and its clock socket as one connection, and only the page makes it connected', async () => {
    const token = server.tokens.outputs['front']!;
    const clock = connect(server.url, token, { query: { output: 'front', purpose: 'clock' } });
    sockets.push(clock);
    await once(clock, 'connect');
    expect(server.outputsView().find((o) => o.id === 'front')).toMatchObject({ connected: false, connections: 0 });
    const page = connect(server.url, token, { query: { output: 'front' } });
    sockets.push(page);
    await once(page, 'connect');
    expect(server.outputsView().find((o) => o.id === 'front')).toMatchObject({ connected: true, connections: 1 });
  });
});
