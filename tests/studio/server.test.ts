// The studio's server side on a real show server (express + socket.io on loopback): creator
// tokens, per-creator drafts, import, submit, and the organiser's review queue. A creator token is
// refused every operator action, over HTTP and over the show's sockets.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { strToU8, zipSync } from 'fflate';
import { io as connect } from 'socket.io-client';
import { copyDemo, startDeskServer, type DeskServer } from '../desk/helpers.ts';
import { issueCreator, revokeCreator, type Creator } from '../../server/src/studio/creators.ts';
import { addNote, emptyProject, type StudioProject } from '../../studio/src/core/project.ts';
import { toUst } from '../../studio/src/core/export.ts';
import { studioLinks } from '../../server/src/studio/links.ts';

function melody(): StudioProject {
  let p = emptyProject('Hoshi');
  ['ほ', 'し', 'が', 'ふ', 'る'].forEach((lyric, i) => (p = addNote(p, { tick: i * 480, length: 480, pitch: 64 + (i % 3), lyric }).project));
  return p;
}

describe('studio server', () => {
  let s: DeskServer;
  let miku: Creator;
  let rin: Creator;
  const api = (path: string, token: string, init: RequestInit = {}) =>
    fetch(`${s.server.url}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...(init.headers ?? {}) } });
  const json = async (r: Response) => ({ status: r.status, body: (await r.json()) as Record<string, any> });

  beforeAll(async () => {
    const showDir = copyDemo();
    s = await startDeskServer(showDir, { pages: false });
    miku = issueCreator(s.server.stateDir, 'Miku Fan');
    rin = issueCreator(s.server.stateDir, 'Rin Fan');
  }, 60_000);
  afterAll(async () => s?.close());

  it('issues one revocable token per creator and prints their studio links', () => {
    expect(issueCreator(s.server.stateDir, 'Miku Fan').token).toBe(miku.token);
    expect(miku.id).toBe('miku-fan');
    const links = studioLinks('http://h:1', s.server.stateDir);
    expect(links.some((l) => l.includes(`/studio/?token=${rin.token}`) && l.includes('Rin Fan'))).toBe(true);
  });

  it('refuses a creator token every operator action, over HTTP and sockets', async () => {
    const t = miku.token;
    for (const [method, path] of [['POST', '/api/transport/go'], ['POST', '/api/transport/panic'], ['GET', '/api/setlist'], ['PUT', '/api/setlist'], ['GET', '/api/desk/library'], ['POST', '/api/desk/songs'], ['GET', '/api/desk/access'], ['GET', '/api/lighting'], ['GET', '/api/timeline'], ['GET', '/api/studio/review']] as const) {
      const r = await api(path, t, { method, ...(method === 'GET' ? {} : { body: '{"setlist":[]}' }) });
      expect([401, 403], `${method} ${path}`).toContain(r.status);
    }
    expect((await api('/api/state', t)).status).toBe(200); // public, and the show is untouched
    expect(s.server.state.mode).toBe('stopped');
    const socket = connect(s.server.url, { auth: { token: t }, transports: ['websocket'], reconnection: false });
    const error = await new Promise<string>((res) => socket.on('connect_error', (e) => res(e.message)));
    socket.close();
    expect(error).toContain('unauthorized');
    // The operator token is not a creator's either.
    expect((await json(await api('/api/studio/drafts', s.server.tokens.operator))).body.error).toMatch(/creator token/);
  });

  it('keeps each creator\'s drafts to themselves', async () => {
    const created = await json(await api('/api/studio/drafts', miku.token, { method: 'POST', body: JSON.stringify({ project: melody() }) }));
    expect(created.status).toBe(201);
    const id = created.body.draft.id as string;
    expect((await api(`/api/studio/drafts/${id}`, rin.token)).status).toBe(404);
    expect((await api(`/api/studio/drafts/${id}`, rin.token, { method: 'PUT', body: JSON.stringify({ project: emptyProject() }) })).status).toBe(404);
    expect((await json(await api('/api/studio/drafts', rin.token))).body.drafts).toEqual([]);
    const mine = await json(await api('/api/studio/drafts', miku.token));
    expect(mine.body.drafts[0]).toMatchObject({ id, title: 'Hoshi', notes: 5 });
    // A bad save is refused with the note named, and the draft keeps what it had.
    const bad = { ...melody(), notes: [{ id: 1, tick: 480, length: 480, pitch: 60, lyric: '🎤' }] };
    const refused = await json(await api(`/api/studio/drafts/${id}`, miku.token, { method: 'PUT', body: JSON.stringify({ project: bad }) }));
    expect(refused.status).toBe(422);
    expect(refused.body.error).toMatch(/notes\[0\] \(bar 1 beat 2\).*cannot sing \(🎤\)/);
    expect((await json(await api(`/api/studio/drafts/${id}`, miku.token))).body.draft.project.notes).toHaveLength(5);
  });

  it('imports scores through the show\'s importers, and says clearly what is wrong with a bad one', async () => {
    const ust = Buffer.from(toUst(melody())).toString('base64');
    const ok = await json(await api('/api/studio/import', miku.token, { method: 'POST', body: JSON.stringify({ fileName: 'hoshi.ust', dataBase64: ust }) }));
    expect(ok.status).toBe(200);
    expect(ok.body.project.notes.map((n: { lyric: string }) => n.lyric).join('')).toBe('ほしがふる');
    const broken = Buffer.from('[#SETTING]\nTempo=120\n[#0000]\nLength=480\nLyric=あ\nNoteNum=high\n').toString('base64');
    const bad = await json(await api('/api/studio/import', miku.token, { method: 'POST', body: JSON.stringify({ fileName: 'broken.ust', dataBase64: broken }) }));
    expect(bad.status).toBe(422);
    expect(bad.body.error).toMatch(/^broken\.ust:6: .*NoteNum/);
    // Every format fans write in: OpenUtau, MusicXML (plain and compressed), Vocaloid 4 and 5.
    const container = '<container><rootfiles><rootfile full-path="s.musicxml"/></rootfiles></container>';
    const musicXml = readFileSync('tests/fixtures/scores/repeat-verses.musicxml');
    const others: [string, Uint8Array][] = [
      ['two-parts.ustx', readFileSync('tests/fixtures/scores/two-parts.ustx')],
      ['verses.musicxml', musicXml],
      ['verses.mxl', zipSync({ 'META-INF/container.xml': strToU8(container), 's.musicxml': musicXml })],
      ['tuned.vsqx', readFileSync('tests/fixtures/scores/tuned-v4.vsqx')],
      ['song.vpr', zipSync({ 'Project/sequence.json': readFileSync('tests/fixtures/scores/vpr-sequence.json') })],
    ];
    for (const [fileName, bytes] of others) {
      const res = await json(await api('/api/studio/import', miku.token, { method: 'POST', body: JSON.stringify({ fileName, dataBase64: Buffer.from(bytes).toString('base64') }) }));
      expect(res.status, `${fileName}: ${JSON.stringify(res.body).slice(0, 200)}`).toBe(200);
      expect(res.body.project.notes.length, fileName).toBeGreaterThan(1);
    }
    const huge = await json(await api('/api/studio/import', miku.token, { method: 'POST', body: JSON.stringify({ fileName: 'big.mid', dataBase64: 'A'.repeat(10 * 1024 * 1024) }) }));
    expect(huge.status).toBe(413);
    expect(huge.body.error).toMatch(/too large/);
  });

  it('submits a song; the organiser sends it back with a note the creator sees, then approves it into the library', async () => {
    const id = (await json(await api('/api/studio/drafts', miku.token))).body.drafts[0].id as string;
    const form = { title: 'Hoshi ga Furu', credits: { composer: 'Miku Fan', lyricist: 'Miku Fan', tuner: '', illustrator: 'Len' }, license: { name: 'CC BY 4.0', url: '' }, tags: 'ballad, night' };
    const missing = await json(await api(`/api/studio/drafts/${id}/submit`, miku.token, { method: 'POST', body: JSON.stringify({ ...form, credits: {}, license: { name: 'GPL' } }) }));
    expect(missing.status).toBe(422);
    expect(missing.body.errors.map((e: { field: string }) => e.field)).toEqual(['composer', 'license']);
    const sub = await json(await api(`/api/studio/drafts/${id}/submit`, miku.token, { method: 'POST', body: JSON.stringify(form) }));
    expect(sub.status).toBe(201);
    const queue = await json(await api('/api/studio/review', s.server.tokens.operator));
    const entry = queue.body.submissions.find((x: { id: string }) => x.id === sub.body.submission.id);
    expect(entry).toMatchObject({ title: 'Hoshi ga Furu', creator: 'Miku Fan', status: 'submitted', tags: ['ballad', 'night'], license: { name: 'CC BY 4.0', url: 'https://creativecommons.org/licenses/by/4.0/' } });
    const wav = await api(`/api/studio/review/${entry.id}/vocal.wav`, s.server.tokens.operator);
    expect(wav.headers.get('content-type')).toContain('audio/wav');
    expect((await wav.arrayBuffer()).byteLength).toBeGreaterThan(22050 * 2);

    expect((await api(`/api/studio/review/${entry.id}/return`, s.server.tokens.operator, { method: 'POST', body: JSON.stringify({ note: 'Lovely! Make the last note longer.' }) })).status).toBe(200);
    const mine = await json(await api('/api/studio/drafts', miku.token));
    expect(mine.body.drafts[0].submission).toMatchObject({ status: 'returned', note: 'Lovely! Make the last note longer.' });

    const again = await json(await api(`/api/studio/drafts/${id}/submit`, miku.token, { method: 'POST', body: JSON.stringify(form) }));
    const approved = await json(await api(`/api/studio/review/${again.body.submission.id}/approve`, s.server.tokens.operator, { method: 'POST', body: '{}' }));
    expect(approved.status).toBe(200);
    expect(approved.body.song).toMatchObject({ id: 'hoshi-ga-furu', title: 'Hoshi ga Furu', valid: true, notes: 5 });
    const library = await json(await api('/api/desk/library', s.server.tokens.operator));
    expect(library.body.songs.find((x: { id: string }) => x.id === 'hoshi-ga-furu').credits).toEqual(expect.arrayContaining([{ role: 'composer', name: 'Miku Fan' }, { role: 'illustrator', name: 'Len' }]));
    expect((await json(await api('/api/studio/drafts', miku.token))).body.drafts[0].submission).toMatchObject({ status: 'approved', songId: 'hoshi-ga-furu' });
  });

  it('drafts survive a server restart; a revoked token stops working at once', async () => {
    const before = (await json(await api('/api/studio/drafts', miku.token))).body.drafts;
    await s.close();
    s = await startDeskServer(s.showDir, { pages: false });
    expect((await json(await api('/api/studio/drafts', miku.token))).body.drafts).toEqual(before);
    revokeCreator(s.server.stateDir, 'Miku Fan');
    expect((await api('/api/studio/drafts', miku.token)).status).toBe(401);
    expect((await api('/api/studio/drafts', rin.token)).status).toBe(200);
  }, 60_000);
});
