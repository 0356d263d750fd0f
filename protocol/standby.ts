// Warm standby: what a primary and its standby tell each other over their link (a socket.io
// connection the standby opens with the operator token), and what the desk and the pages are told
// about the pair. The standby mirrors the primary's state; when the primary goes quiet (or the
// operator asks) it takes over with a higher term, the fencing number every party compares.

import type { ServerMs, TransportState } from './transport.ts';

export const STANDBY_EVENTS = {
  /** primary -> standby: the whole state to mirror, on connect and on every change. */
  state: 'standby:state',
  /** primary -> standby, ack({ lagMs }): I am alive (every heartbeat interval). */
  heartbeat: 'standby:heartbeat',
  /** primary -> standby: the operator asked the standby to take over (a desk or OSC on the primary). */
  handOver: 'standby:hand-over',
  /** standby -> primary, ack(ReplicaState | { ok: false }): stand down, I am taking over with `term`. */
  standDown: 'standby:stand-down',
  /** standby -> primary: the address pages reach the standby at (sent once it listens). */
  self: 'standby:self',
  /** operator -> either server, ack(TakeOverResult): the desk's "take over" key. */
  takeOver: 'standby:take-over',
  /** server -> operators: the pair as this server sees it. */
  pair: 'standby:pair',
  /** server -> every page: the addresses of the pair, so a page can dial the other one. */
  servers: 'standby:servers',
} as const;

/** Tokens as the standby keeps them: SHA-256 hex of each, never the tokens themselves. */
export interface TokenHashes {
  operator: string;
  viewer: string;
  outputs: Record<string, string>;
}

/** What the primary mirrors to its standby. */
export interface ReplicaState {
  /** The primary's name and the address pages reach it at. */
  node: string;
  url: string;
  /** The primary's term (fencing number): a takeover uses a higher one. */
  term: number;
  state: TransportState;
  fingerprint: string;
  showRevision: number;
  /** The setlist as show.json holds it, so the standby's show folder follows desk edits. */
  setlist: unknown;
  tokens: TokenHashes;
  publicViewing: boolean;
  /** The primary's clock when this was sent. */
  at: ServerMs;
}

export interface Heartbeat {
  term: number;
  at: ServerMs;
  revision: number;
}

export type PairRole = 'primary' | 'standby';

/** One server of the pair, as the desk lists it. */
export interface PairServer {
  name: string;
  url: string;
  role: PairRole;
  /** Heard from within the heartbeat timeout (always true for the server answering). */
  live: boolean;
  term: number;
}

/** The pair as one server sees it (GET /api/standby, pushed to its desks). */
export interface PairView {
  self: PairServer;
  peer: PairServer | null;
  /** Standby: one-way delay of the last heartbeat; primary: the lag its standby reported. */
  lagMs: number | null;
  /** Since the last heartbeat was heard (standby) or answered (primary), ms. */
  silentMs: number | null;
  /** The primary lease when the pair shares a redis: whether this server holds it, and its epoch (the term). */
  lease?: { key: string; held: boolean; epoch: number };
  /** One line for the desk: what the pair is doing. */
  note: string;
}

export type TakeOverResult = { ok: true; note: string } | { ok: false; error: string };
