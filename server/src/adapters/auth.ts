// Who may do what: one token parse and one role check for every HTTP route and socket. A token
// decides the role (tokens.ts); a route or event names the roles it admits.

import type { Request, Response } from 'express';
import type { Role } from '../../../protocol/index.ts';
import { identify, type Identity, type Tokens } from '../tokens.ts';

export type Authorization = { ok: true; identity: Identity } | { ok: false; status: 401 | 403; error: string };

/** The token in an `Authorization: Bearer <token>` header value (scheme case-insensitive), or undefined. */
export function bearerToken(header: unknown): string | undefined {
  if (typeof header !== 'string') return undefined;
  return /^Bearer\s+(\S+)$/i.exec(header.trim())?.[1];
}

/**
 * The token a caller carries, the same for a request and a socket handshake: socket.io's `auth`
 * field first (what the pages send), then an `Authorization: Bearer` header, then `?token=` (the
 * links the desk hands out). A non-string `auth` is passed on as is so the role check refuses it.
 */
export function carriedToken(from: { auth?: unknown; authorization?: unknown; query?: unknown }): unknown {
  if (from.auth !== undefined && from.auth !== '') return from.auth;
  const bearer = bearerToken(from.authorization);
  if (bearer !== undefined) return bearer;
  return typeof from.query === 'string' ? from.query : from.auth;
}

/** The token an HTTP request carries (header or ?token=). */
export function requestToken(req: Request): string | undefined {
  const token = carriedToken({ authorization: req.get('authorization'), query: req.query.token });
  return typeof token === 'string' ? token : undefined;
}

/** The one role check: 401 without a valid token, 403 for a role not in `roles`. */
export function authorize(tokens: Tokens, token: unknown, roles: readonly Role[]): Authorization {
  const identity = identify(tokens, token);
  if (!identity) return { ok: false, status: 401, error: 'unauthorized: send the token as "Authorization: Bearer <token>"' };
  if (!roles.includes(identity.role)) return { ok: false, status: 403, error: `forbidden: the ${identity.role} token cannot do this (needs ${roles.join(' or ')})` };
  return { ok: true, identity };
}

/** authorize() for an HTTP route: answers 401/403 itself and returns null, or returns the identity. */
export function authorizeRequest(tokens: Tokens, req: Request, res: Response, roles: readonly Role[]): Identity | null {
  const a = authorize(tokens, requestToken(req), roles);
  if (a.ok) return a.identity;
  if (a.status === 401) res.set('WWW-Authenticate', 'Bearer');
  res.status(a.status).json({ ok: false, error: a.error });
  return null;
}

/** The answer to a socket event from a role that may not send it. */
export function forbiddenFor(role: Role, what: string): { ok: false; error: string } {
  return { ok: false, error: `forbidden: a ${role} cannot ${what}; only the operator can` };
}
