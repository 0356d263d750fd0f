// The pair as one server describes it (GET /api/standby, the desk's Servers panel): pure functions
// of what the standby role knows, so the role keeps to deciding.

import type { PairRole, PairView } from '../../../protocol/index.ts';

export interface PairFacts {
  self: { name: string; url: string; role: PairRole; term: number };
  peer: { url: string | null; name: string; live: boolean; term: number };
  /** The standby's link to its primary, or the primary's linked standby. */
  link: { connected: boolean; lagMs: number | null; silentMs: number | null } | null;
  /** Our show is the primary's. */
  inStep: boolean;
  /** The primary lease on a shared redis, as this server holds it (or null without redis). */
  lease: PairView['lease'] | null;
}

export function pairView(f: PairFacts): PairView {
  const standby = f.self.role === 'standby';
  const peer = f.peer.url ? { name: f.peer.name || f.peer.url, url: f.peer.url, role: standby ? ('primary' as const) : ('standby' as const), live: f.peer.live, term: f.peer.term } : null;
  const note = standby
    ? f.link?.connected ? `mirroring ${peer?.name}, ready to take over` : `the primary ${f.peer.url} is not reachable: no failover until it is`
    : peer ? (f.peer.live ? `primary; standby ${peer.name} is live` : `primary; the standby ${peer.url} is not answering`) : 'primary without a standby';
  const leaseNote = !f.lease ? '' : f.lease.held ? `; holds the primary lease (epoch ${f.lease.epoch})` : standby ? '' : '; without the primary lease';
  return { self: { ...f.self, live: true }, peer, lagMs: f.link?.lagMs ?? null, silentMs: f.link?.silentMs ?? null, ...(f.lease ? { lease: f.lease } : {}), note: `${note}${leaseNote}${f.inStep ? '' : "; the standby's show differs from the primary's"}` };
}

/** The addresses pages may dial: the primary first. */
export function pairServers(role: PairRole, own: string, peer: string | null): string[] {
  const list = role === 'primary' ? [own, peer] : [peer, own];
  return list.filter((u, i): u is string => !!u && list.indexOf(u) === i);
}

/** What must change for the desks to be told again (lag and silence rounded, so not every tick). */
export function pushKey(view: PairView): string {
  return JSON.stringify({ ...view, lagMs: view.lagMs === null ? null : Math.round(view.lagMs / 10), silentMs: view.silentMs === null ? null : Math.min(10, Math.round(view.silentMs / 250)) });
}
