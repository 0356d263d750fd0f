// The desk API without a browser: the library, score upload validation, access rules, the vocal WAV.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeWav } from '../../vocal/wav.ts';
import { slugify } from '../../server/src/desk/library.ts';
import { io as connectIo } from 'socket.io-client';
import { EVENTS } from '../../protocol/index.ts';
import { sleep, waitUntil } from '../server/helpers.ts';
import { startDeskServer, type DeskServer } from './helpers.ts';

const fixture = (name: string): Buffer => readFileSync(join(import.meta.dirname, '../fixtures/scores', name));

describe('desk API: library and uploads', () => {
  let d: DeskServer;
  const api = async (path: string, init: RequestInit = {}, token: string | null = d.server.tokens.operator) => {
    const res = await fetch(`${d.server.url}${path}`, {
      ...init,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(init.body ? { 'content-type': 'application/json' } : {}) },
    });
    const type = res.headers.get('content-type') ?? '';
    return { status: res.status, json: type.includes('json') ? ((await res.json()) as Record<string, any>) : null, bytes: type.includes('json') ? null : new Uint8Array(await res.arrayBuffer()) };
  };
  const upload = (fileName: string, bytes: Buffer, form: Record<string, unknown> = {}) =>
    api('/api/desk/songs', { method: 'POST', body: JSON.stringify({ fileName, scoreBase64: bytes.toString('base64'), title: 'Kane', credits: { composer: 'Fan A', lyricist: 'Fan B' }, license: { name: 'CC BY 4.0', url: 'https://creativecommons.org/licenses/by/4.0/' }, tags: 'japanese, test', ...form }) });

  beforeAll(async () => {
    d = await startDeskServer(undefined, { pages: false });
  });
  afterAll(async () => {
    await d.close();
  });

  it('is for the operator only', async () => {
    expect((await api('/api/desk/library', {}, null)).status).toBe(401);
    expect((await api('/api/desk/library', {}, d.server.tokens.viewer)).status).toBe(403);
    expect((await api('/api/desk/library', {}, d.server.tokens.outputs['hologram']!)).status).toBe(403);
    expect((await api('/api/desk/songs', { method: 'POST', body: '{}' }, d.server.tokens.viewer)).status).toBe(403);
  });

  it('lists the demo songs with credits, licence, duration, tempo and key, each validated', async () => {
    const r = await api('/api/desk/library');
    expect(r.status).toBe(200);
    const songs = r.json!.songs as any[];
    expect(songs.map((s) => s.id)).toEqual(['sakura-signal', 'neon-lullaby', 'hello-hologram']);
    const neon = songs[1];
    expect(neon).toMatchObject({ title: 'Neon Lullaby', bpm: 100, key: 'A minor', valid: true, license: { name: 'CC BY-NC 4.0' }, tags: ['english', 'ballad'] });
    expect(neon.credits).toContainEqual({ role: 'tuning', name: 'June Okafor' });
    // 32 bars of 4/4 at 100 BPM.
    expect(neon.duration).toBeCloseTo(76.8, 6);
    expect(neon.lyrics).toMatch(/^city lights/);
  });

  it('a broken score is refused with its error on the score field, at its line; nothing is written', async () => {
    const before = readFileSync(join(d.showDir, 'show.json'), 'utf8');
    const r = await upload('broken.ust', Buffer.from('[#VERSION]\nUST Version1.2\n[#SETTING]\nTempo=fast\n[#0000]\nLength=480\nLyric=a\nNoteNum=60\n'));
    expect(r.status).toBe(422);
    expect(r.json!.errors).toEqual([{ field: 'score', file: 'broken.ust', path: '', line: 4, column: 1, message: '[#SETTING] Tempo must be a positive number, got "fast"' }]);
    expect(readFileSync(join(d.showDir, 'show.json'), 'utf8')).toBe(before);
  });

  it('missing credits and licence are errors on their fields', async () => {
    const r = await upload('kane.ust', fixture('kane-utf8.ust'), { title: ' ', credits: {}, license: {} });
    expect(r.status).toBe(422);
    expect((r.json!.errors as any[]).map((e) => e.field).sort()).toEqual(['composer', 'license', 'title']);
  });

  it('an invalid key from the form is the song schema\'s error, placed on the key field', async () => {
    const r = await upload('kane.ust', fixture('kane-utf8.ust'), { key: 'H major' });
    expect(r.status).toBe(422);
    expect(r.json!.errors).toHaveLength(1);
    expect(r.json!.errors[0]).toMatchObject({ field: 'key', path: 'key' });
    expect(r.json!.errors[0].message).toMatch(/expected a key such as "C major"/);
  });

  it('a good score joins the library: song and score files written, listed in show.json, and the show still compiles', async () => {
    const r = await upload('kane.ust', fixture('kane-utf8.ust'), { key: 'C major' });
    expect(r.status).toBe(201);
    expect(r.json!.song).toMatchObject({ id: 'kane', title: 'Kane', valid: true, bpm: 100, key: 'C major', tags: ['japanese', 'test'], score: 'scores/kane.ust' });
    const show = JSON.parse(readFileSync(join(d.showDir, 'show.json'), 'utf8'));
    expect(show.songs).toContain('songs/kane.json');
    const song = JSON.parse(readFileSync(join(d.showDir, 'songs/kane.json'), 'utf8'));
    expect(song).toMatchObject({ id: 'kane', credits: { composer: 'Fan A', lyricist: 'Fan B' }, license: { name: 'CC BY 4.0' }, score: '../scores/kane.ust' });
    expect(readFileSync(join(d.showDir, 'scores/kane.ust'))).toEqual(fixture('kane-utf8.ust'));
    const list = await api('/api/desk/library');
    expect((list.json!.songs as any[]).map((s) => s.id)).toContain('kane');
    // The same id again is refused on the id field.
    const again = await upload('kane.ust', fixture('kane-utf8.ust'));
    expect(again.status).toBe(422);
    expect(again.json!.errors[0]).toMatchObject({ field: 'id' });
    // The new song can go on the setlist through the server's own (atomic) save.
    const setlist = [...JSON.parse(readFileSync(join(d.showDir, 'show.json'), 'utf8')).setlist];
    setlist.splice(1, 0, { type: 'song', song: 'kane' });
    const saved = await d.server.saveSetlist(setlist, 'test');
    expect(saved.ok).toBe(true);
    expect(d.server.timeline.entries.map((e) => e.id)).toContain('kane');
  });

  it('takes MusicXML and Vocaloid uploads; a broken one is refused at its line', async () => {
    const xml = await upload('repeat-verses.musicxml', fixture('repeat-verses.musicxml'), { id: 'verses', key: 'C major' });
    expect(xml.status, JSON.stringify(xml.json)).toBe(201);
    expect(xml.json!.song).toMatchObject({ id: 'verses', valid: true, score: 'scores/verses.musicxml', notes: 13, bpm: 90 });
    const vsqx = await upload('tuned-v4.vsqx', fixture('tuned-v4.vsqx'), { id: 'tuned', key: 'C major' });
    expect(vsqx.status, JSON.stringify(vsqx.json)).toBe(201);
    expect(vsqx.json!.song).toMatchObject({ id: 'tuned', valid: true, notes: 4 });
    const broken = await upload('broken.musicxml', Buffer.from('<?xml version="1.0"?>\n<score-partwise>\n<part id="P1">\n</score-partwise>\n'), { id: 'broken-xml' });
    expect(broken.status).toBe(422);
    expect(broken.json!.errors[0]).toMatchObject({ field: 'score', file: 'broken.musicxml', line: 4 });
  });

  it('a library song that breaks on disk is listed as invalid with its errors, and raises an alarm', async () => {
    const file = join(d.showDir, 'songs/hello-hologram.json');
    const good = readFileSync(file, 'utf8');
    writeFileSync(file, good.replace('"key": "E major"', '"key": "E-flat"'));
    try {
      const r = await api('/api/desk/library');
      const hello = (r.json!.songs as any[]).find((s) => s.id === 'hello-hologram');
      expect(hello.valid).toBe(false);
      expect(hello.errors[0]).toMatchObject({ file: 'songs/hello-hologram.json', path: 'key' });
      expect(d.server.alarmList().find((a) => a.key === 'song:hello-hologram')).toMatchObject({ active: true, level: 'warning' });
      expect((await api('/api/desk/library/hello-hologram/vocal.wav')).status).toBe(422);
    } finally {
      writeFileSync(file, good);
    }
    const r = await api('/api/desk/library');
    expect((r.json!.songs as any[]).find((s) => s.id === 'hello-hologram').valid).toBe(true);
    expect(d.server.alarmList().find((a) => a.key === 'song:hello-hologram')?.active).toBe(false);
  });

  it('renders a library song\'s vocal as a WAV that is not silence', async () => {
    const r = await api('/api/desk/library/kane/vocal.wav');
    expect(r.status).toBe(200);
    const wav = decodeWav(r.bytes!);
    expect(wav.sampleRate).toBe(22050);
    const samples = wav.channels[0]!;
    // Kane: 4.8 s of song (the render covers the notes plus a short tail).
    expect(samples.length / wav.sampleRate).toBeGreaterThan(2);
    let peak = 0;
    for (const x of samples) peak = Math.max(peak, Math.abs(x));
    expect(peak).toBeGreaterThan(0.05);
    expect((await api('/api/desk/library/nope/vocal.wav')).status).toBe(404);
  });

  it('an output whose clock offset moves by more than 40 ms raises a drift alarm, cleared when it comes back', async () => {
    const output = connectIo(d.server.url, { auth: { token: d.server.tokens.outputs['hologram'] }, transports: ['websocket'], reconnection: false, forceNew: true });
    try {
      await new Promise<void>((resolve) => output.once(EVENTS.hello, () => resolve()));
      const report = async (clockOffsetMs: number, roundTripMs = 1) => {
        const before = d.server.outputsView().find((o) => o.id === 'hologram')?.lastSeen ?? null;
        output.emit(EVENTS.outputHealth, { fps: 60, clockOffsetMs, roundTripMs, profile: 'transparent' });
        await waitUntil(() => d.server.outputsView().find((o) => o.id === 'hologram')?.lastSeen !== before, 5000, 'the health report');
        await sleep(400); // the watch looks four times a second
      };
      // The reference: the median of the first three reports (12.5 ms).
      await report(30);
      await report(12.5);
      await report(12);
      await report(40, 20); // moved 27.5 ms, within 40 ms
      await report(62, 20); // moved 49.5 ms, but 10 ms of that is the estimate's own uncertainty
      expect(d.server.alarmList().find((a) => a.key === 'drift:hologram')).toBeUndefined();
      await report(70); // 57.5 ms - 0.5 ms
      const alarm = await waitUntil(() => d.server.alarmList().find((a) => a.key === 'drift:hologram' && a.active), 5000, 'the drift alarm');
      expect(alarm.message).toBe('output "hologram" clock drifted +57 ms from the show clock');
      await report(13);
      await waitUntil(() => d.server.alarmList().find((a) => a.key === 'drift:hologram')?.active === false, 5000, 'the drift to clear');
    } finally {
      output.close();
    }
  });

  it('makes ids from titles', () => {
    expect(slugify('Hello, Hologram!')).toBe('hello-hologram');
    expect(slugify('Ça va — très bien')).toBe('ca-va-tres-bien');
    expect(slugify('桜')).toMatch(/^song-[0-9a-f]{6}$/);
  });
});
