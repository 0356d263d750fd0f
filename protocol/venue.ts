// The desk's venue protocol panel: each protocol adapter (OSC in, OSC cues out, sACN, Art-Net, MTC)
// with what it listens on, its peers, its last message, and whether anything needs the operator.
// Pushed to operators (EVENTS.venue) on every change and once a second.

import type { ServerMs } from './transport.ts';

/** ok: working; idle: on, nothing heard or sent yet; alarm: a peer went away or sends fail. */
export type VenueProtocolState = 'ok' | 'idle' | 'alarm';

export interface VenuePeerView {
  /** How the protocol names it: "udp 10.0.0.12:53000", "10.0.0.30 (NODE-1)". */
  name: string;
  /** Role, universes, subscription: a short line. */
  detail: string;
  /** When it was last heard from; null when the protocol cannot hear it (a unicast sACN receiver). */
  lastSeen: ServerMs | null;
  /** False once it has gone away (its alarm is up). */
  present: boolean;
}

export interface VenueProtocolView {
  id: 'osc' | 'osc-cues' | 'sacn' | 'artnet' | 'mtc';
  /** "OSC in", "OSC cues out", "sACN (E1.31)", "Art-Net", "MTC out". */
  name: string;
  state: VenueProtocolState;
  /** What it listens on or sends to: "udp+tcp 0.0.0.0:53000", "multicast, universes 1, 2". */
  listening: string;
  /** Counts in a line: "3 peers, 1 subscribed, 120 received". */
  summary: string;
  peers: VenuePeerView[];
  lastMessage: { at: ServerMs; text: string } | null;
}

export interface VenueView {
  at: ServerMs;
  protocols: VenueProtocolView[];
}
