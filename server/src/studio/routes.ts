// The studio's HTTP API, mounted on the show server's express app by mountStudio(). Two sides:
//
//   creator (a creator token, studio/creators.ts): /api/studio/me, drafts (own only), import,
//     submit. Nothing else on the server accepts that token.
//   organiser (the operator token): /api/studio/review — the queue, listen, approve into the
//     library, send back with a note, listen and preview on stage (studio/preview.ts).
//
// Bodies are read only after the token checks out, with a limit per route; every error is JSON
// naming the field or the note.

import { join } from 'node:path';
import type { Express, Request, RequestHandler, Response } from 'express';
import { jsonBody, refuseUnread } from '../http-guard.ts';
import { requestToken } from '../adapters/auth.ts';
import { CreatorTokens, type Creator } from './creators.ts';
import { DraftStore } from './drafts.ts';
import { checkMeta, SubmissionStore, type Submission } from './submissions.ts';
import { checkProject } from '../../../studio/src/core/validate.ts';
import { emptyProject } from '../../../studio/src/core/project.ts';
import { projectFromScore, projectFromStudioJson } from '../../../studio/src/core/import.ts';
import { toUst } from '../../../studio/src/core/export.ts';
import { mountReviewAudio } from './preview.ts';
import type { SongLibrary } from '../desk/library.ts';

/** A draft (2,000 notes) is well under 512 kB; an import travels as base64 (3 MB of file). */
export const STUDIO_LIMITS = { draft: '512kb', import: '4mb', form: '16kb' } as const;
export const IMPORT_MAX_BYTES = 3 * 1024 * 1024;

export interface StudioDeps {
  stateDir: string;
  /** True when the request carries the operator token. */
  isOperator(req: Request): boolean;
  library(): SongLibrary | null;
  /** The server's queue for writes to the show folder. */
  exclusive<T>(run: () => Promise<T>): Promise<T>;
  log(line: string): void;
  /** Sends to the connected preview outputs ("preview on stage"); returns the ids the show defines. */
  toPreviewOutputs(event: string, payload?: unknown): { defined: string[]; connected: string[] };
}

export interface Studio {
  creators: CreatorTokens;
  drafts: DraftStore;
  submissions: SubmissionStore;
}


export function mountStudio(app: Express, deps: StudioDeps): Studio {
  const root = join(deps.stateDir, 'studio');
  const creators = new CreatorTokens(deps.stateDir);
  const drafts = new DraftStore(root);
  const submissions = new SubmissionStore(root);
  const who = (res: Response): Creator => res.locals.creator as Creator;

  const creatorOnly: RequestHandler = (req, res, next) => {
    const creator = creators.identify(requestToken(req));
    if (creator) {
      res.locals.creator = creator;
      return next();
    }
    refuseUnread(req, res);
    if (deps.isOperator(req)) return void res.status(403).json({ ok: false, error: 'forbidden: the studio takes a creator token (holostage tokens --creator NAME), not the operator token' });
    res.status(401).json({ ok: false, error: 'unauthorized: open the studio with your creator link (holostage tokens --creator NAME), or your token was revoked' });
  };
  const operatorOnly: RequestHandler = (req, res, next) => {
    if (deps.isOperator(req)) return next();
    refuseUnread(req, res);
    const creator = creators.identify(requestToken(req));
    res.status(creator ? 403 : 401).json({ ok: false, error: creator ? 'forbidden: a creator cannot review songs; only the organiser can' : 'unauthorized: the review queue needs the operator token' });
  };
  const creatorBody = (limit: string): RequestHandler[] => [creatorOnly, jsonBody(limit)];
  const operatorBody = (limit: string): RequestHandler[] => [operatorOnly, jsonBody(limit)];

  const summary = (d: ReturnType<DraftStore['get']> & object) => {
    const s = d.submissionId ? submissions.get(d.submissionId) : null;
    return { id: d.id, title: d.project.title, notes: d.project.notes.length, updatedAt: d.updatedAt, submission: s ? { id: s.id, status: s.status, note: s.note ?? null, songId: s.songId ?? null } : null };
  };

  app.get('/api/studio/me', creatorOnly, (_req, res) => {
    res.json({ ok: true, creator: { id: who(res).id, name: who(res).name } });
  });
  app.get('/api/studio/drafts', creatorOnly, (_req, res) => {
    res.json({ ok: true, drafts: drafts.list(who(res).id).map(summary) });
  });
  app.post('/api/studio/drafts', ...creatorBody(STUDIO_LIMITS.draft), (req, res) => {
    const body = req.body as { project?: unknown } | undefined;
    const checked = body?.project === undefined ? { ok: true as const, project: emptyProject() } : checkProject(body.project);
    if (!checked.ok) return void res.status(422).json({ ok: false, error: checked.errors[0], errors: checked.errors });
    const draft = drafts.create(who(res).id, checked.project);
    if ('error' in draft) return void res.status(409).json({ ok: false, error: draft.error });
    res.status(201).json({ ok: true, draft });
  });
  app.get('/api/studio/drafts/:id', creatorOnly, (req, res) => {
    const draft = drafts.get(who(res).id, String(req.params.id));
    if (!draft) return void res.status(404).json({ ok: false, error: 'no such draft of yours' });
    res.json({ ok: true, draft, ...summary(draft) });
  });
  app.put('/api/studio/drafts/:id', ...creatorBody(STUDIO_LIMITS.draft), (req, res) => {
    const checked = checkProject((req.body as { project?: unknown } | undefined)?.project);
    if (!checked.ok) return void res.status(422).json({ ok: false, error: checked.errors[0], errors: checked.errors });
    const draft = drafts.save(who(res).id, String(req.params.id), checked.project);
    if (!draft) return void res.status(404).json({ ok: false, error: 'no such draft of yours' });
    res.json({ ok: true, updatedAt: draft.updatedAt });
  });
  app.delete('/api/studio/drafts/:id', creatorOnly, (req, res) => {
    const removed = drafts.remove(who(res).id, String(req.params.id));
    res.status(removed ? 200 : 404).json(removed ? { ok: true } : { ok: false, error: 'no such draft of yours' });
  });

  app.post('/api/studio/import', ...creatorBody(STUDIO_LIMITS.import), async (req, res) => {
    const b = (req.body ?? {}) as { fileName?: unknown; dataBase64?: unknown };
    if (typeof b.fileName !== 'string' || typeof b.dataBase64 !== 'string') return void res.status(400).json({ ok: false, error: 'send { fileName, dataBase64 }' });
    const bytes = Buffer.from(b.dataBase64, 'base64');
    if (bytes.length > IMPORT_MAX_BYTES) return void res.status(413).json({ ok: false, error: `${b.fileName} is ${(bytes.length / 1048576).toFixed(1)} MB; a score to import is at most 3 MB` });
    const title = b.fileName.replace(/\.[^.]+$/, '').slice(0, 120);
    try {
      if (/\.json$/i.test(b.fileName)) {
        const doc = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
        if (doc && typeof doc === 'object' && doc.studio) {
          const checked = projectFromStudioJson(doc);
          if (!checked.ok) return void res.status(422).json({ ok: false, error: `${b.fileName}: ${checked.errors[0]}`, errors: checked.errors });
          return void res.json({ ok: true, project: checked.project, warnings: [] });
        }
      }
      const { parseScore } = await import('../../../show-files/src/score/index.ts');
      const result = projectFromScore(parseScore(bytes, b.fileName), title);
      if ('errors' in result) return void res.status(422).json({ ok: false, error: `${b.fileName}: ${result.errors[0]}`, errors: result.errors });
      res.json({ ok: true, project: result.project, warnings: result.warnings.slice(0, 20) });
    } catch (err) {
      // ScoreError and JSON errors name the file and the line; nothing else of this machine leaks.
      const message = err instanceof Error ? err.message : String(err);
      res.status(422).json({ ok: false, error: message.startsWith(b.fileName) ? message : `${b.fileName}: ${message}` });
    }
  });

  app.post('/api/studio/drafts/:id/submit', ...creatorBody(STUDIO_LIMITS.form), (req, res) => {
    const creator = who(res);
    const draft = drafts.get(creator.id, String(req.params.id));
    if (!draft) return void res.status(404).json({ ok: false, error: 'no such draft of yours' });
    if (draft.project.notes.length === 0) return void res.status(422).json({ ok: false, error: 'the song has no notes yet', errors: [{ field: 'notes', message: 'draw some notes first' }] });
    const meta = checkMeta(req.body);
    if (!meta.ok) return void res.status(422).json({ ok: false, error: meta.errors[0]!.message, errors: meta.errors });
    const pending = draft.submissionId ? submissions.get(draft.submissionId) : null;
    if (pending?.status === 'submitted') return void res.status(409).json({ ok: false, error: 'this song is already waiting for review' });
    const s = submissions.add({ creatorId: creator.id, creatorName: creator.name, draftId: draft.id, project: { ...draft.project, title: meta.meta.title }, meta: meta.meta });
    drafts.mark(creator.id, draft.id, s.id);
    deps.log(`studio: "${meta.meta.title}" submitted by ${creator.name}`);
    res.status(201).json({ ok: true, submission: { id: s.id, status: s.status } });
  });

  // ---------------------------------------------------------------- the organiser's review queue

  const reviewView = (s: Submission) => ({ id: s.id, creator: s.creatorName, title: s.meta.title, credits: s.meta.credits, license: s.meta.license, tags: s.meta.tags, status: s.status, note: s.note ?? null, songId: s.songId ?? null, notes: s.project.notes.length, bpm: s.project.bpm, submittedAt: s.submittedAt, reviewedAt: s.reviewedAt ?? null });
  const found = (req: Request, res: Response): Submission | null => {
    const s = submissions.get(String(req.params.id));
    if (!s) res.status(404).json({ ok: false, error: 'no such submission' });
    return s;
  };

  app.get('/api/studio/review', operatorOnly, (_req, res) => {
    res.json({ ok: true, submissions: submissions.list().map(reviewView) });
  });
  app.get('/api/studio/review/:id', operatorOnly, (req, res) => {
    const s = found(req, res);
    if (s) res.json({ ok: true, submission: reviewView(s), project: s.project });
  });
  mountReviewAudio(app, { operatorOnly, submissions, toPreviewOutputs: deps.toPreviewOutputs, log: deps.log });
  app.post('/api/studio/review/:id/return', ...operatorBody(STUDIO_LIMITS.form), (req, res) => {
    const s = found(req, res);
    if (!s) return;
    const note = typeof (req.body as { note?: unknown })?.note === 'string' ? (req.body as { note: string }).note.trim().slice(0, 2000) : '';
    if (!note) return void res.status(422).json({ ok: false, error: 'say what to change: the creator sees this note', errors: [{ field: 'note', message: 'write a note for the creator' }] });
    if (s.status !== 'submitted') return void res.status(409).json({ ok: false, error: `this song is already ${s.status}` });
    submissions.update({ ...s, status: 'returned', note, reviewedAt: new Date().toISOString() });
    res.json({ ok: true });
  });
  app.post('/api/studio/review/:id/approve', ...operatorBody(STUDIO_LIMITS.form), async (req, res) => {
    const s = found(req, res);
    if (!s) return;
    if (s.status !== 'submitted') return void res.status(409).json({ ok: false, error: `this song is already ${s.status}` });
    const library = deps.library();
    if (!library) return void res.status(503).json({ ok: false, error: 'the song library is not available on this server' });
    const m = s.meta;
    const result = await deps.exclusive(() =>
      library.add({
        fileName: 'studio.ust',
        score: new TextEncoder().encode(toUst(s.project)),
        title: m.title,
        credits: { composer: m.credits.composer, lyricist: m.credits.lyricist, tuning: m.credits.tuner, illustrator: m.credits.illustrator },
        license: { name: m.license.name, url: m.license.url || undefined },
        tags: [...m.tags, 'studio'],
        bpm: s.project.bpm,
      }),
    );
    if (!result.ok) return void res.status(422).json({ ok: false, error: result.errors[0]?.message ?? 'the song could not be added', errors: result.errors });
    submissions.update({ ...s, status: 'approved', songId: result.song.id, reviewedAt: new Date().toISOString() });
    deps.log(`studio: "${m.title}" by ${s.creatorName} approved into the library as ${result.song.id}`);
    res.json({ ok: true, song: result.song });
  });

  return { creators, drafts, submissions };
}
