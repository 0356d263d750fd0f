// The HTTP pieces the control desk needs beyond the show API: the song library, adding a song
// from an uploaded score, and the synthesized vocal of a library song (the output links for the
// desk's preview are the show API's /api/desk/access). Everything here is for the operator token
// only; a library song that fails validation is an alarm on the server's board.

import type { Express, RequestHandler } from 'express';
import { SongLibrary, type SongUpload } from './desk/library.ts';
import { renderVocalWav } from './desk/vocal-preview.ts';
import { authorizeRequest } from './adapters/auth.ts';
import type { Access } from './fans/cluster-role.ts';
import type { AlarmBoard } from './show/alarms.ts';

export interface DeskApi {
  library: SongLibrary;
}

export interface DeskApiDeps {
  showDir: string;
  access: Access;
  alarms: AlarmBoard;
  /** The show folder's write queue (a setlist save and an added song never interleave). */
  exclusive<T>(run: () => Promise<T>): Promise<T>;
}

/** `uploadBody`: the operator check and body parser for the upload (the server's; a body is read only after the token). */
export function registerDeskApi(app: Express, server: DeskApiDeps, uploadBody: RequestHandler[] = []): DeskApi {
  const library = new SongLibrary(server.showDir);
  const wavCache = new Map<string, Buffer>();

  const operatorOnly = (req: Parameters<RequestHandler>[0], res: Parameters<RequestHandler>[1]): boolean => authorizeRequest(server.access.tokens, req, res, ['operator']) !== null;

  /** Library songs that fail validation are alarms until fixed (and acknowledged). */
  const alarmInvalid = (songs: Awaited<ReturnType<SongLibrary['list']>>): void => {
    for (const s of songs) {
      if (s.valid) server.alarms.clear(`song:${s.id}`);
      else server.alarms.raise(`song:${s.id}`, 'warning', `song "${s.title}" (${s.file}) failed validation: ${s.errors[0]?.message ?? 'unknown error'}`);
    }
  };

  app.get('/api/desk/library', async (req, res) => {
    if (!operatorOnly(req, res)) return;
    try {
      const songs = await library.list();
      alarmInvalid(songs);
      res.json({ ok: true, songs });
    } catch (err) {
      console.error(`desk library failed: ${(err as Error).stack ?? String(err)}`);
      res.status(500).json({ ok: false, error: 'the library could not be read (an internal error, logged on the server)' });
    }
  });

  app.get('/api/desk/library/:id', async (req, res) => {
    if (!operatorOnly(req, res)) return;
    const found = await library.compiled(String(req.params.id));
    if (!found) return void res.status(404).json({ ok: false, error: `no song "${String(req.params.id)}" in the library` });
    res.json({ ok: true, song: found.song, compiled: found.compiled });
  });

  app.get('/api/desk/library/:id/vocal.wav', async (req, res) => {
    if (!operatorOnly(req, res)) return;
    const found = await library.compiled(String(req.params.id));
    if (!found) return void res.status(404).json({ ok: false, error: `no song "${String(req.params.id)}" in the library` });
    if (!found.compiled) return void res.status(422).json({ ok: false, error: `song "${found.song.id}" failed validation; fix it before listening`, errors: found.song.errors });
    const key = `${found.song.id}:${JSON.stringify(found.compiled.tracks.vocal.notes.length)}:${found.compiled.duration}:${JSON.stringify(found.compiled.voice)}`;
    try {
      let wav = wavCache.get(key);
      if (!wav) {
        wav = await renderVocalWav(found.compiled, undefined, server.showDir);
        wavCache.set(key, wav);
      }
      res.type('audio/wav').set('Cache-Control', 'no-store').send(wav);
    } catch (err) {
      res.status(500).json({ ok: false, error: `vocal render failed: ${(err as Error).message}` });
    }
  });

  app.post('/api/desk/songs', ...uploadBody, async (req, res) => {
    if (!operatorOnly(req, res)) return;
    const upload = parseUpload(req.body);
    if ('error' in upload) return void res.status(400).json({ ok: false, errors: [{ field: upload.field, file: '', path: upload.field, line: 0, column: 0, message: upload.error }] });
    try {
      // In the server's write queue: a setlist save running now would otherwise overwrite the new song's entry in show.json.
      const result = await server.exclusive(() => library.add(upload));
      res.status(result.ok ? 201 : 422).json(result);
    } catch (err) {
      // Details to the log only: an error message may carry a path of this machine.
      console.error(`desk upload failed: ${(err as Error).stack ?? String(err)}`);
      res.status(500).json({ ok: false, errors: [{ field: 'score', file: '', path: '', line: 0, column: 0, message: 'the song could not be added (an internal error, logged on the server)' }] });
    }
  });

  // Broken library songs are alarms from the start, not only once someone opens the library.
  void library.list().then(alarmInvalid, () => {});

  return { library };
}

function parseUpload(body: unknown): SongUpload | { field: string; error: string } {
  const b = (body ?? {}) as Record<string, unknown>;
  const str = (v: unknown): string => (typeof v === 'string' ? v : '');
  if (typeof b.fileName !== 'string' || !b.fileName) return { field: 'score', error: 'choose a score file (.ust, .ustx, .mid, MusicXML, .vsqx or .vpr)' };
  if (typeof b.scoreBase64 !== 'string') return { field: 'score', error: 'the score file did not arrive' };
  const credits = (b.credits ?? {}) as Record<string, unknown>;
  const license = (b.license ?? {}) as Record<string, unknown>;
  const bpmText = str(b.bpm).trim();
  const bpm = typeof b.bpm === 'number' ? b.bpm : bpmText ? Number(bpmText) : undefined;
  if (bpm !== undefined && !Number.isFinite(bpm)) return { field: 'bpm', error: `expected a BPM number, got "${bpmText}"` };
  return {
    fileName: b.fileName,
    score: Buffer.from(b.scoreBase64, 'base64'),
    id: str(b.id) || undefined,
    title: str(b.title),
    credits: { composer: str(credits.composer), lyricist: str(credits.lyricist), arranger: str(credits.arranger), tuning: str(credits.tuning), illustrator: str(credits.illustrator) },
    license: { name: str(license.name), url: str(license.url) || undefined },
    tags: Array.isArray(b.tags) ? b.tags.map(String) : str(b.tags).split(','),
    key: str(b.key) || undefined,
    bpm,
  };
}
