// The organiser's listen and "preview on stage" for submitted songs. Both render the submission
// with the show's own vocal renderer. A preview is sent to the preview outputs only, as a
// short-lived link to the WAV plus the notes and phonemes for lip-sync: nothing here calls the
// show controller, so the transport, the journal and the other outputs are untouched.

import { randomBytes } from 'node:crypto';
import type { Express, RequestHandler } from 'express';
import { STUDIO_PREVIEW_EVENTS, type StudioPreviewMessage } from '../../../protocol/index.ts';
import { singFrom } from '../../../studio/src/core/sing.ts';
import type { StudioProject } from '../../../studio/src/core/project.ts';
import type { SubmissionStore } from './submissions.ts';

/** Sample rate of listen and preview audio: the voice's band fits, and a song stays small. */
const RATE = 22050;
/** A preview link lives long enough for an output that reconnects; a few at most are kept. */
const LINK_TTL_MS = 10 * 60_000;
const LINKS_KEPT = 4;

export interface PreviewDeps {
  operatorOnly: RequestHandler;
  submissions: SubmissionStore;
  /** Sends to every connected preview output; returns the preview outputs the show defines, and those open now. */
  toPreviewOutputs(event: string, payload?: unknown): { defined: string[]; connected: string[] };
  log(line: string): void;
}

export async function renderSubmission(project: StudioProject): Promise<{ wav: Buffer; duration: number; track: StudioPreviewMessage['track'] }> {
  const { renderVocal } = await import('../../../vocal/render.ts');
  const { encodeWav } = await import('../../../vocal/wav.ts');
  const sung = singFrom(project, 0);
  const rendered = await renderVocal(sung.track, sung.voice, { sampleRate: RATE, from: 0 });
  return { wav: Buffer.from(encodeWav([rendered.samples], rendered.sampleRate, 16)), duration: rendered.samples.length / rendered.sampleRate, track: sung.track };
}

export function mountReviewAudio(app: Express, deps: PreviewDeps): void {
  const links = new Map<string, { wav: Buffer; expires: number }>();

  app.get('/api/studio/review/:id/vocal.wav', deps.operatorOnly, async (req, res) => {
    const s = deps.submissions.get(String(req.params.id));
    if (!s) return void res.status(404).json({ ok: false, error: 'no such submission' });
    try {
      res.type('audio/wav').set('Cache-Control', 'no-store').send((await renderSubmission(s.project)).wav);
    } catch (err) {
      deps.log(`studio: rendering ${s.id} failed: ${(err as Error).stack ?? String(err)}`);
      res.status(500).json({ ok: false, error: 'the vocal could not be rendered (logged on the server)' });
    }
  });

  app.post('/api/studio/review/:id/preview', deps.operatorOnly, async (req, res) => {
    const s = deps.submissions.get(String(req.params.id));
    if (!s) return void res.status(404).json({ ok: false, error: 'no such submission' });
    let rendered: Awaited<ReturnType<typeof renderSubmission>>;
    try {
      rendered = await renderSubmission(s.project);
    } catch (err) {
      deps.log(`studio: rendering ${s.id} failed: ${(err as Error).stack ?? String(err)}`);
      return void res.status(500).json({ ok: false, error: 'the vocal could not be rendered (logged on the server)' });
    }
    const now = Date.now();
    for (const [key, link] of links) if (link.expires < now || links.size >= LINKS_KEPT) links.delete(key);
    const key = randomBytes(16).toString('hex');
    links.set(key, { wav: rendered.wav, expires: now + LINK_TTL_MS });
    const message: StudioPreviewMessage = { submissionId: s.id, title: s.meta.title, creator: s.creatorName, wavUrl: `/api/studio/preview/${key}.wav`, duration: rendered.duration, track: rendered.track };
    const { defined, connected } = deps.toPreviewOutputs(STUDIO_PREVIEW_EVENTS.play, message);
    if (defined.length === 0) return void res.status(409).json({ ok: false, error: 'the show has no preview output (an output of kind "preview" in show.json)' });
    if (connected.length === 0) return void res.status(409).json({ ok: false, error: `no preview output is open: open the stage page of ${defined.join(' or ')} (holostage tokens prints its link)` });
    deps.log(`studio: previewing "${s.meta.title}" on ${connected.join(', ')}`);
    res.json({ ok: true, outputs: connected, duration: rendered.duration });
  });

  app.post('/api/studio/preview/stop', deps.operatorOnly, (_req, res) => {
    res.json({ ok: true, outputs: deps.toPreviewOutputs(STUDIO_PREVIEW_EVENTS.stop).connected });
  });

  // The link is the key (128 random bits, minutes long): an output page holds no operator token.
  app.get('/api/studio/preview/:key.wav', (req, res) => {
    const link = links.get(String(req.params.key));
    if (!link || link.expires < Date.now()) return void res.status(404).json({ ok: false, error: 'this preview has expired; press "Preview on stage" again' });
    res.type('audio/wav').set('Cache-Control', 'no-store').send(link.wav);
  });
}
