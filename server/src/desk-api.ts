// The HTTP pieces the control desk needs beyond the show controller's own API: the song library,
// adding a song from an uploaded score, and the synthesized vocal of a library song (the output
// links for the desk's preview are the server's own /api/desk/access). Mounted on the show server's express app:
//
//   registerDeskApi(server.app, server)
//
// Everything here is for the operator token only. Alarms it raises go through the server's own
// alarm list (a library song that fails validation, an output whose clock drifts).

import type { Express, Request, RequestHandler, Response } from 'express';
import { identify } from './tokens.ts';
import type { ShowServer } from './server.ts';
import { SongLibrary, type SongUpload } from './desk/library.ts';
import { renderVocalWav } from './desk/vocal-preview.ts';

/** An output whose clock moves this many ms against the server's raises a drift alarm. */
export const DRIFT_ALARM_MS = 40;
const DRIFT_CHECK_MS = 250;
/** Health reports that set an output's reference clock offset. */
const DRIFT_REFERENCE_REPORTS = 3;

export interface DeskApi {
  library: SongLibrary;
  /** Stops the drift watch. */
  close(): void;
}

type DeskServer = Pick<ShowServer, 'showDir' | 'tokens' | 'timeline' | 'url' | 'raiseAlarm' | 'clearAlarm' | 'outputsView' | 'exclusive'>;

/** `uploadBody`: the operator check and body parser for the upload (the server's; a body is read only after the token). */
export function registerDeskApi(app: Express, server: DeskServer, uploadBody: RequestHandler[] = []): DeskApi {
  const library = new SongLibrary(server.showDir);
  const wavCache = new Map<string, Buffer>();

  const operatorOnly = (req: Request, res: Response): boolean => {
    const header = req.get('authorization') ?? '';
    const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1] ?? (typeof req.query.token === 'string' ? req.query.token : undefined);
    const who = identify(server.tokens, token);
    if (!who) {
      res.status(401).json({ ok: false, error: 'unauthorized: the desk needs the operator token' });
      return false;
    }
    if (who.role !== 'operator') {
      res.status(403).json({ ok: false, error: `forbidden: the ${who.role} token cannot use the desk` });
      return false;
    }
    return true;
  };

  /** Library songs that fail validation are alarms until fixed (and acknowledged). */
  const alarmInvalid = (songs: Awaited<ReturnType<SongLibrary['list']>>): void => {
    for (const s of songs) {
      if (s.valid) server.clearAlarm(`song:${s.id}`);
      else server.raiseAlarm(`song:${s.id}`, 'warning', `song "${s.title}" (${s.file}) failed validation: ${s.errors[0]?.message ?? 'unknown error'}`);
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

  // Clock drift. Outputs report the offset between their clock and the server's with their health
  // (clockOffsetMs, about once a second). The offset itself is whatever the two machines' clocks
  // say; what must not happen is that it moves while the output runs: that is drift (or a clock
  // jump), and the output's picture slides off the show clock. The reference is the median of the
  // connection's first few reports (the first estimates settle as clock sync collects samples), and
  // half the sync round trip is the estimate's own uncertainty, so it is allowed on top.
  const watch = new Map<string, { lastSeen: number; first: number[] }>();
  const drift = setInterval(() => {
    for (const o of server.outputsView()) {
      const h = o.health;
      if (!o.connected || !h) {
        watch.delete(o.id);
        continue;
      }
      let err: number | undefined;
      if (typeof h.clockOffsetMs === 'number' && Number.isFinite(h.clockOffsetMs)) {
        const w = watch.get(o.id) ?? { lastSeen: -1, first: [] };
        watch.set(o.id, w);
        if (o.lastSeen === w.lastSeen) continue;
        w.lastSeen = o.lastSeen ?? -1;
        if (w.first.length < DRIFT_REFERENCE_REPORTS) {
          w.first.push(h.clockOffsetMs);
          continue;
        }
        const sorted = [...w.first].sort((x, y) => x - y);
        const reference = sorted[Math.floor(sorted.length / 2)]!;
        const moved = h.clockOffsetMs - reference;
        const uncertainty = typeof h.roundTripMs === 'number' ? h.roundTripMs / 2 : 0;
        err = Math.abs(moved) > uncertainty ? moved - Math.sign(moved) * uncertainty : 0;
      }
      if (typeof err !== 'number') continue;
      if (Math.abs(err) > DRIFT_ALARM_MS) server.raiseAlarm(`drift:${o.id}`, 'warning', `output "${o.id}" clock drifted ${err > 0 ? '+' : ''}${err.toFixed(0)} ms from the show clock`);
      else server.clearAlarm(`drift:${o.id}`);
    }
  }, DRIFT_CHECK_MS);
  drift.unref();

  // Broken library songs are alarms from the start, not only once someone opens the library.
  void library.list().then(alarmInvalid, () => {});

  return { library, close: () => clearInterval(drift) };
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
