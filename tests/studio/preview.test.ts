// "Preview on stage" over the wire, on a real show server with real socket.io clients: the
// message reaches the preview output and no other, its WAV link serves the song the server's
// renderer sings (checked by its samples), the show's transport is untouched, and the route is
// the organiser's alone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import { copyDemo, startDeskServer, type DeskServer } from '../desk/helpers.ts';
import { connect, once, sleep } from '../server/helpers.ts';
import { issueCreator, type Creator } from '../../server/src/studio/creators.ts';
import { addNote, emptyProject } from '../../studio/src/core/project.ts';
import { STUDIO_PREVIEW_EVENTS, type StudioPreviewMessage } from '../../protocol/index.ts';

/** Mono 16-bit PCM samples of a WAV (the header checked on the way). */
function pcm(bytes: Buffer): { rate: number; samples: Int16Array } {
  expect(bytes.toString('ascii', 0, 4)).toBe('RIFF');
  expect(bytes.toString('ascii', 8, 12)).toBe('WAVE');
  let at = 12;
  let rate = 0;
  for (;;) {
    const id = bytes.toString('ascii', at, at + 4);
    const size = bytes.readUInt32LE(at + 4);
    if (id === 'fmt ') {
      expect(bytes.readUInt16LE(at + 10)).toBe(1); // mono
      rate = bytes.readUInt32LE(at + 12);
      expect(bytes.readUInt16LE(at + 22)).toBe(16);
    }
    if (id === 'data') return { rate, samples: new Int16Array(bytes.buffer.slice(bytes.byteOffset + at + 8, bytes.byteOffset + at + 8 + size)) };
    at += 8 + size + (size % 2);
  }
}

describe('preview on stage, over the wire', () => {
  let s: DeskServer;
  let miku: Creator;
  let submissionId: string;
  const sockets: Socket[] = [];
  const post = (path: string, token: string) => fetch(`${s.server.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });

  beforeAll(async () => {
    s = await startDeskServer(copyDemo(), { pages: false });
    miku = issueCreator(s.server.stateDir, 'Miku Fan');
    let p = emptyProject('Yoru');
    ['よ', 'る', 'の', 'う', 'た'].forEach((lyric, i) => (p = addNote(p, { tick: i * 480, length: 480, pitch: 67 - i, lyric }).project));
    const headers = { authorization: `Bearer ${miku.token}`, 'content-type': 'application/json' };
    const draft = (await (await fetch(`${s.server.url}/api/studio/drafts`, { method: 'POST', headers, body: JSON.stringify({ project: p }) })).json()) as { draft: { id: string } };
    const sub = (await (await fetch(`${s.server.url}/api/studio/drafts/${draft.draft.id}/submit`, { method: 'POST', headers, body: JSON.stringify({ title: 'Yoru no Uta', credits: { composer: 'Miku Fan' }, license: { name: 'CC BY 4.0' }, tags: '' }) })).json()) as { submission: { id: string } };
    submissionId = sub.submission.id;
  }, 60_000);
  afterAll(async () => {
    for (const x of sockets) x.close();
    await s?.close();
  });

  it('sends the song to the preview output only; its link serves the rendered vocal; the transport is untouched', { timeout: 60_000 }, async () => {
    const join = async (output: string) => {
      const socket = connect(s.server.url, s.server.tokens.outputs[output], { query: { output } });
      sockets.push(socket);
      await once(socket, 'hello');
      const got: StudioPreviewMessage[] = [];
      socket.on(STUDIO_PREVIEW_EVENTS.play, (m: StudioPreviewMessage) => got.push(m));
      return got;
    };
    const preview = await join('desk-preview');
    const projector = await join('main-projector');
    const stream = await join('fan-stream');
    const before = JSON.stringify(s.server.state);

    const res = await post(`/api/studio/review/${submissionId}/preview`, s.server.tokens.operator);
    const body = (await res.json()) as { ok: boolean; outputs: string[]; duration: number };
    expect(res.status).toBe(200);
    expect(body.outputs).toEqual(['desk-preview']);
    await sleep(200);
    expect(preview).toHaveLength(1);
    expect(projector).toHaveLength(0);
    expect(stream).toHaveLength(0);
    const m = preview[0]!;
    expect(m).toMatchObject({ submissionId, title: 'Yoru no Uta', creator: 'Miku Fan' });
    expect(m.track.notes.map((n) => n.lyric).join('')).toBe('よるのうた');
    expect(m.track.phonemes.length).toBeGreaterThanOrEqual(5);
    expect(m.track.notes[0]!.time).toBeGreaterThanOrEqual(0);

    // The link needs no token (an output page has none for the studio) and serves real singing.
    const wav = await fetch(`${s.server.url}${m.wavUrl}`);
    expect(wav.headers.get('content-type')).toContain('audio/wav');
    const { rate, samples } = pcm(Buffer.from(await wav.arrayBuffer()));
    expect(rate).toBe(22050);
    expect(samples.length / rate).toBeCloseTo(m.duration, 2);
    // Sound where the first note is sung, silence before its onset's attack.
    const rms = (from: number, to: number) => {
      let sum = 0;
      for (let i = Math.floor(from * rate); i < Math.floor(to * rate); i++) sum += (samples[i]! / 32768) ** 2;
      return Math.sqrt(sum / Math.max(1, Math.floor(to * rate) - Math.floor(from * rate)));
    };
    const first = m.track.notes[0]!;
    expect(rms(first.time + 0.1, first.end - 0.05)).toBeGreaterThan(0.02);
    // The same song as the review's listen route renders.
    const listen = pcm(Buffer.from(await (await fetch(`${s.server.url}/api/studio/review/${submissionId}/vocal.wav`, { headers: { authorization: `Bearer ${s.server.tokens.operator}` } })).arrayBuffer()));
    expect(listen.samples.length).toBe(samples.length);

    expect(JSON.stringify(s.server.state)).toBe(before);
    expect((await fetch(`${s.server.url}/api/studio/preview/${'0'.repeat(32)}.wav`)).status).toBe(404);

    // Stop reaches the preview output only, too.
    const stops: string[] = [];
    for (const [i, x] of sockets.entries()) x.on(STUDIO_PREVIEW_EVENTS.stop, () => stops.push(['desk-preview', 'main-projector', 'fan-stream'][i]!));
    expect((await post('/api/studio/preview/stop', s.server.tokens.operator)).status).toBe(200);
    await sleep(200);
    expect(stops).toEqual(['desk-preview']);
  });

  it('is the organiser\'s alone, and names what is missing', async () => {
    for (const x of sockets.splice(0)) x.close();
    await sleep(300);
    const closed = await post(`/api/studio/review/${submissionId}/preview`, s.server.tokens.operator);
    expect(closed.status).toBe(409);
    expect(((await closed.json()) as { error: string }).error).toBe('no preview output is open: open the stage page of desk-preview (holostage tokens prints its link)');
    expect((await post(`/api/studio/review/${submissionId}/preview`, miku.token)).status).toBe(403);
    expect((await post(`/api/studio/review/${submissionId}/preview`, s.server.tokens.outputs['desk-preview']!)).status).toBe(401);
    expect((await post('/api/studio/preview/stop', miku.token)).status).toBe(403);
    const missing = await post('/api/studio/review/nope/preview', s.server.tokens.operator);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: string }).error).toBe('no such submission');
  });
});
