// Access tokens: generated on first start, kept in the state folder (never in the repo), one per
// role and one per configured output. A token decides the role; nothing else does.

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic.ts';
import type { Role, TokenHashes } from '../../protocol/index.ts';

export interface Tokens {
  operator: string;
  viewer: string;
  /** Output id -> token. */
  outputs: Record<string, string>;
  /** A standby knows only the primary's token hashes (the tokens above are then empty). */
  hashes?: TokenHashes;
}

export interface Identity {
  role: Role;
  /** The output this token renders (output role only). */
  outputId?: string;
}

export const TOKENS_FILE = 'tokens.json';

function newToken(): string {
  return randomBytes(16).toString('hex');
}

/** Read the tokens in `stateDir`, creating the file (mode 0600) and any missing token. */
export function loadOrCreateTokens(stateDir: string, outputIds: readonly string[]): Tokens {
  const file = join(stateDir, TOKENS_FILE);
  let tokens: Partial<Tokens> = {};
  if (existsSync(file)) tokens = JSON.parse(readFileSync(file, 'utf8')) as Partial<Tokens>;
  let changed = !existsSync(file);
  const result: Tokens = { operator: tokens.operator ?? '', viewer: tokens.viewer ?? '', outputs: { ...(tokens.outputs ?? {}) } };
  if (!result.operator) (result.operator = newToken()), (changed = true);
  if (!result.viewer) (result.viewer = newToken()), (changed = true);
  for (const id of outputIds) {
    if (!result.outputs[id]) (result.outputs[id] = newToken()), (changed = true);
  }
  if (changed) {
    mkdirSync(stateDir, { recursive: true });
    writeFileAtomic(file, `${JSON.stringify(result, null, 2)}\n`, 0o600);
  }
  return result;
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** The hashes a primary mirrors to its standby. */
export function hashTokens(tokens: Tokens): TokenHashes {
  if (tokens.hashes) return tokens.hashes;
  return { operator: tokenHash(tokens.operator), viewer: tokenHash(tokens.viewer), outputs: Object.fromEntries(Object.entries(tokens.outputs).map(([id, t]) => [id, tokenHash(t)])) };
}

/** The identity a token grants, or null for a missing or unknown token. */
export function identify(tokens: Tokens, token: unknown): Identity | null {
  if (typeof token !== 'string' || token.length === 0) return null;
  if (tokens.hashes) return identify({ ...tokens.hashes, hashes: undefined }, tokenHash(token));
  if (same(token, tokens.operator)) return { role: 'operator' };
  if (same(token, tokens.viewer)) return { role: 'viewer' };
  for (const [outputId, t] of Object.entries(tokens.outputs)) if (same(token, t)) return { role: 'output', outputId };
  return null;
}

/** The URLs to open, with their tokens. */
export function accessUrls(base: string, tokens: Tokens, outputIds: readonly string[]): { label: string; url: string }[] {
  const b = base.replace(/\/$/, '');
  return [
    { label: 'control desk', url: `${b}/desk?token=${tokens.operator}` },
    ...outputIds.map((id) => ({ label: `output ${id}`, url: `${b}/stage?output=${encodeURIComponent(id)}&token=${tokens.outputs[id]}` })),
    { label: 'fan viewer', url: `${b}/live?token=${tokens.viewer}` },
  ];
}
