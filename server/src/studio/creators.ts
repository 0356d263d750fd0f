// Creator tokens: one per fan who writes songs in the studio, issued by the organiser
// (`holostage tokens --creator NAME`), revocable, kept in the state folder beside tokens.json
// (creators.json, mode 0600). A creator token opens /studio and its API only: it is not a show
// role, so every operator, output and viewer route and the show's sockets refuse it.

import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../atomic.ts';

export const CREATORS_FILE = 'creators.json';

export interface Creator {
  /** Stable id: names the creator's draft folder. */
  id: string;
  name: string;
  token: string;
  createdAt: string;
  revokedAt?: string;
}

function readCreators(stateDir: string): Creator[] {
  const file = join(stateDir, CREATORS_FILE);
  if (!existsSync(file)) return [];
  const data = JSON.parse(readFileSync(file, 'utf8')) as { creators?: Creator[] };
  return Array.isArray(data.creators) ? data.creators : [];
}

function writeCreators(stateDir: string, creators: Creator[]): void {
  mkdirSync(stateDir, { recursive: true });
  writeFileAtomic(join(stateDir, CREATORS_FILE), `${JSON.stringify({ creators }, null, 2)}\n`, 0o600);
}

function creatorId(name: string, taken: Set<string>): string {
  const base = name.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 32) || 'creator';
  let id = base;
  for (let i = 2; taken.has(id); i++) id = `${base}-${i}`;
  return id;
}

/** The creator's token: the existing one for a name already issued (and not revoked), else a new one. */
export function issueCreator(stateDir: string, name: string): Creator {
  const clean = name.trim().slice(0, 64);
  if (!clean) throw new Error('a creator needs a name: holostage tokens --creator "NAME"');
  const creators = readCreators(stateDir);
  const existing = creators.find((c) => c.name === clean && !c.revokedAt);
  if (existing) return existing;
  const creator: Creator = { id: creatorId(clean, new Set(creators.map((c) => c.id))), name: clean, token: randomBytes(16).toString('hex'), createdAt: new Date().toISOString() };
  writeCreators(stateDir, [...creators, creator]);
  return creator;
}

/** Revokes every live token of that name; returns how many. Drafts stay on disk for the organiser. */
export function revokeCreator(stateDir: string, name: string): number {
  const creators = readCreators(stateDir);
  let n = 0;
  for (const c of creators) if (c.name === name.trim() && !c.revokedAt) (c.revokedAt = new Date().toISOString()), n++;
  if (n) writeCreators(stateDir, creators);
  return n;
}

export function listCreators(stateDir: string): Creator[] {
  return readCreators(stateDir);
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Looks tokens up in creators.json, re-read when the file changes (a revocation takes effect at once). */
export class CreatorTokens {
  private stamp = '';
  private creators: Creator[] = [];

  constructor(private readonly stateDir: string) {}

  private refresh(): void {
    let stamp = 'none';
    try {
      const s = statSync(join(this.stateDir, CREATORS_FILE));
      stamp = `${s.mtimeMs}:${s.size}`;
    } catch {
      stamp = 'none';
    }
    if (stamp === this.stamp) return;
    try {
      this.creators = readCreators(this.stateDir);
    } catch {
      this.creators = [];
    }
    this.stamp = stamp;
  }

  identify(token: unknown): Creator | null {
    if (typeof token !== 'string' || token.length === 0) return null;
    this.refresh();
    return this.creators.find((c) => !c.revokedAt && same(token, c.token)) ?? null;
  }

  list(): Creator[] {
    this.refresh();
    return this.creators.filter((c) => !c.revokedAt);
  }
}
