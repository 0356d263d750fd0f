// The HTTP edge: who may send a body and how big, and what an error looks like from outside.
// A request body is read only after its token checks out, with a limit per route, so a
// stranger's 2 MB POST costs a header parse and a 401; errors answer JSON without stacks or paths.

import { RateLimiter } from './fans/crowd.ts';
import express, { type ErrorRequestHandler, type Request, type RequestHandler, type Response } from 'express';

/** Body limits per route: a transport command is a few bytes, a setlist a few hundred entries. */
export const BODY_LIMITS = {
  command: '8kb',
  setlist: '256kb',
  /** A score upload travels as base64 inside JSON. */
  upload: '4mb',
} as const;

/**
 * For a request about to be refused: when it carries a body, answer with `Connection: close`, so
 * the server drops the connection after the answer instead of reading (and discarding) megabytes.
 */
export function refuseUnread(req: Request, res: Response): void {
  const length = Number(req.get('content-length') ?? 0);
  if (!(length > 0 || req.get('transfer-encoding'))) return;
  res.set('Connection', 'close');
  // Node would otherwise drain the unread body to reuse the connection: cut it once the answer is out.
  res.once('finish', () => req.socket.destroy());
}

export function jsonBody(limit: string): RequestHandler {
  return express.json({ limit, strict: true });
}

/**
 * The last handler: body parser refusals keep their 4xx status and a plain reason; anything else
 * is a 500 whose details go to the log, never to the client (no stack, no file paths).
 */
export function jsonErrors(log: (line: string) => void): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    const e = err as { status?: unknown; statusCode?: unknown; type?: unknown; message?: unknown; expose?: unknown };
    const status = Number(e.status ?? e.statusCode);
    const clientError = Number.isInteger(status) && status >= 400 && status < 500;
    if (!clientError) log(`http: ${req.method} ${req.path.slice(0, 200)} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    if (res.headersSent) {
      res.end();
      return;
    }
    const reasons: Record<string, string> = {
      'entity.too.large': 'request body too large for this route',
      'entity.parse.failed': 'request body is not valid JSON',
      'encoding.unsupported': 'unsupported body encoding',
      'charset.unsupported': 'unsupported body charset',
    };
    const error = clientError ? (reasons[String(e.type)] ?? (e.expose && typeof e.message === 'string' ? e.message.slice(0, 200) : 'bad request')) : 'internal error (logged on the server)';
    res.status(clientError ? status : 500).json({ ok: false, error });
  };
}

/** Unknown /api paths: JSON, like every other API answer. */
export const apiNotFound: RequestHandler = (_req, res) => {
  res.status(404).json({ ok: false, error: 'no such API route' });
};

/**
 * Per-address rate limit for an expensive public route (the timeline is tens of kB of JSON):
 * `429` over budget. Addresses not seen for a while are forgotten, so the table stays small.
 */
export function perAddressLimit(rate: number, burst: number, addressOf: (req: Request) => string): RequestHandler {
  const limiters = new Map<string, RateLimiter>();
  return (req, res, next) => {
    const now = performance.now();
    const key = addressOf(req);
    let limiter = limiters.get(key);
    if (!limiter) {
      if (limiters.size >= 10_000) limiters.clear();
      limiters.set(key, (limiter = new RateLimiter(rate, burst, now)));
    }
    if (limiter.take(now)) return next();
    res.status(429).set('Retry-After', String(Math.ceil(1 / rate))).json({ ok: false, error: 'too many requests from this address, slow down' });
  };
}
