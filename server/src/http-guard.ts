// The HTTP edge: who may send a body and how big, and what an error looks like from outside.
// A request body is read only after its token checks out, with a limit per route, so a
// stranger's 2 MB POST costs a header parse and a 401; errors answer JSON without stacks or paths.

import { RateLimiter } from './fans/crowd.ts';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import express, { type ErrorRequestHandler, type Request, type RequestHandler } from 'express';
import { bearerToken } from './adapters/auth.ts';

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
export function refuseUnread(req: IncomingMessage, res: ServerResponse): void {
  if (!hasBody(req)) return;
  res.setHeader('Connection', 'close');
  // Node would otherwise drain the unread body to reuse the connection: cut it once the answer is out.
  res.once('finish', () => req.socket.destroy());
}

/** Whether a request announces a body (a length above 0, or chunks). */
function hasBody(req: IncomingMessage): boolean {
  return Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
}

/** The token a raw request carries: `Authorization: Bearer`, else one `?token=` (as requestToken reads them). */
function rawRequestToken(req: IncomingMessage): string | undefined {
  const bearer = bearerToken(req.headers.authorization);
  if (bearer !== undefined) return bearer;
  const q = req.url?.indexOf('?') ?? -1;
  const token = q >= 0 ? parseQuery(req.url!.slice(q + 1)).token : undefined;
  return typeof token === 'string' ? token : undefined;
}

const REFUSED_BODY_ANSWERS = {
  401: JSON.stringify({ ok: false, error: 'unauthorized: send the token as "Authorization: Bearer <token>"' }),
  403: JSON.stringify({ ok: false, error: 'forbidden: this token cannot send requests with a body (only the operator and creators can)' }),
} as const;

/**
 * The request handler in front of the app: a body from a caller whose token may send none (no
 * token, a wrong one, a viewer's or an output's) is refused before express sees it. A flood of
 * such requests is the cheapest attack there is, so it gets the cheapest answer: express's set-up
 * of a request alone costs more than this whole answer (bench/security.bench.ts). Routes still
 * check their own roles; socket.io's path never reaches here (engine.io takes it first, with its
 * own size limit).
 */
export function refuseStrangerBodies(mayPost: (token: string | undefined) => true | 401 | 403, app: (req: IncomingMessage, res: ServerResponse) => void): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const verdict = hasBody(req) ? mayPost(rawRequestToken(req)) : true;
    if (verdict === true) return app(req, res);
    const answer = REFUSED_BODY_ANSWERS[verdict];
    res.statusCode = verdict;
    if (verdict === 401) res.setHeader('WWW-Authenticate', 'Bearer');
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.setHeader('Content-Length', Buffer.byteLength(answer));
    refuseUnread(req, res);
    res.end(answer);
  };
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
