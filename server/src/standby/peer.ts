// What a server remembers of its pair between runs (<state>/pair.json: the other server's address
// and the highest term seen), and how it asks the other server where it stands: GET /api/standby
// with the operator token, over a connection of its own (not the replication link), so a cut link
// is not mistaken for a dead server.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PairView, TokenHashes } from '../../../protocol/index.ts';
import { writeFileAtomic } from '../atomic.ts';

export interface PairRecord {
  /** The other server's address, as pages reach it. */
  peer: string | null;
  /** The highest term this server has served in or seen. */
  term: number;
  /** The pair's tokens as hashes, once this server has mirrored a primary. */
  tokens?: TokenHashes;
}

export const PAIR_FILE = 'pair.json';

export function readPair(stateDir: string): PairRecord {
  const file = join(stateDir, PAIR_FILE);
  if (!existsSync(file)) return { peer: null, term: 0 };
  try {
    const r = JSON.parse(readFileSync(file, 'utf8')) as Partial<PairRecord>;
    const tokens = r.tokens && typeof r.tokens.operator === 'string' && typeof r.tokens.viewer === 'string' && r.tokens.outputs && typeof r.tokens.outputs === 'object' ? r.tokens : undefined;
    return { peer: typeof r.peer === 'string' && r.peer ? r.peer : null, term: Number.isInteger(r.term) ? r.term! : 0, ...(tokens ? { tokens } : {}) };
  } catch {
    // A damaged file is no pair: this server starts as it was told to.
    return { peer: null, term: 0 };
  }
}

export function writePair(stateDir: string, record: PairRecord): void {
  writeFileAtomic(join(stateDir, PAIR_FILE), `${JSON.stringify(record, null, 2)}\n`);
}

/** The operator token carried in a URL's ?token= (a desk link works as --standby-of). */
export function tokenInUrl(url: string): string | null {
  try {
    return new URL(url).searchParams.get('token');
  } catch {
    return null;
  }
}

/** The server's origin (scheme, host, port) of a URL a person may have pasted (a desk link). */
export function originOf(url: string): string {
  const u = new URL(url);
  return u.origin;
}

/** The other server's own view of the pair, or null when it does not answer in `timeoutMs`. */
export async function askPeer(url: string, token: string, timeoutMs: number): Promise<PairView | null> {
  try {
    const res = await fetch(`${originOf(url)}/api/standby`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) return null;
    const view = (await res.json()) as PairView;
    return view && typeof view === 'object' && view.self ? view : null;
  } catch {
    return null;
  }
}

/**
 * At start, whom to follow: the server we were told to (`of`), unless the pair says otherwise.
 * Where does the other server stand? A primary with our term or higher: follow it. One that
 * follows us (we took over, then were restarted): we are the primary. No answer: as told.
 */
export async function whomToFollow(of: string | null, pair: PairRecord, token: string): Promise<string | null> {
  const peerUrl = of ?? pair.peer;
  if (!peerUrl) return of;
  const peer = await askPeer(peerUrl, token, 1500);
  if (peer?.self.role === 'primary' && peer.self.term >= pair.term) return peerUrl;
  if (peer?.self.role === 'standby' && pair.term >= peer.self.term) return null;
  return of;
}
