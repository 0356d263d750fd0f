// What server processes tell each other over redis (CLUSTER_EVENTS): the primary's state for its
// edges, and each node's crowd tally for the primary to merge. Never sent to a browser.

import type { PenlightColour } from './crowd.ts';
import type { ServerMs, TransportState } from './transport.ts';

/** What the primary tells every edge. */
export interface ClusterState {
  node: string;
  /** The primary's term (its primary lease epoch on a shared redis): edges refuse a state from a lower one. */
  term?: number;
  state: TransportState;
  fingerprint: string;
  showRevision: number;
  viewerToken: string;
  publicViewing: boolean;
}

/** One node's tally for one window: what it saw, ready to send to the node that merges. */
export interface CrowdPartial {
  node: string;
  /** Server time at the end of the window, ms. */
  at: ServerMs;
  viewers: number;
  /** Waves counted in this window. */
  waves: number;
  /** Fans holding each colour up (waved within HOLDING_MS). */
  holding: Partial<Record<PenlightColour, number>>;
  /** Cheers refused in this window (rate limit or invalid). */
  refused: number;
}
