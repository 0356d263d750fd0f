// What the desk's venue panel shows (protocol/venue.ts), worked out from each adapter's own status:
// pure, so the wording and the alarm states are tested without sockets. A protocol is in `alarm`
// when a peer it could hear has gone (an OSC subscriber that lapsed, an Art-Net node that stopped
// answering polls) or its last send failed (an OSC cue); `idle` when it is on and nothing has been
// heard or sent yet.

import type { VenuePeerView, VenueProtocolView, VenueView } from '../../../protocol/index.ts';
import type { OscStatus } from './osc-server.ts';
import type { ArtNode } from './artnet.ts';
import type { MtcConfig } from './mtc-plan.ts';
import { formatTimecode, frameToTimecode, framesPerSecond } from './timecode.ts';

export interface OscTargetOutcome {
  ok: boolean;
  error?: string;
  label: string;
  at: number;
}

export interface VenueViewInput {
  now: number;
  osc: { status: OscStatus; tcp: boolean; host: string; peers: { key: string; role: string; subscribed: boolean; seenAt: number; lapsed: boolean }[] } | null;
  oscCues: { sent: number; failed: number; targets: ReadonlyMap<string, OscTargetOutcome> } | null;
  sacn: { unicast: string[]; sync: number | null; priority: number; universes: number[]; packets: number; lastFrameAt: number | null } | null;
  artnet: { port: number | null; nodes: ArtNode[]; gone: ArtNode[]; universes: number[]; packets: number; pollsAnswered: number; listed: string[]; pollMs: number } | null;
  mtc: (MtcConfig & { thread: string }) | null;
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

function oscView(i: NonNullable<VenueViewInput['osc']>): VenueProtocolView {
  const peers: VenuePeerView[] = i.peers.slice(0, 16).map((p) => ({ name: p.key, detail: `${p.role}${p.subscribed ? ', subscribed' : p.lapsed ? ', went quiet' : ''}`, lastSeen: p.seenAt, present: !p.lapsed }));
  const s = i.status;
  return {
    id: 'osc',
    name: 'OSC in',
    state: !s.listening || i.peers.some((p) => p.lapsed) ? 'alarm' : s.received ? 'ok' : 'idle',
    listening: s.listening ? `${i.tcp ? 'udp+tcp' : 'udp'} ${i.host}:${s.port}` : 'not listening',
    summary: `${plural(s.peers, 'peer')}, ${s.subscribers} subscribed, ${s.received} received${s.dropped ? `, ${s.dropped} dropped` : ''}`,
    peers,
    lastMessage: s.lastMessage ? { at: s.lastMessage.at, text: `${s.lastMessage.address} from ${s.lastMessage.from}` } : null,
  };
}

function oscCuesView(i: NonNullable<VenueViewInput['oscCues']>): VenueProtocolView {
  const targets = [...i.targets];
  const last = targets.reduce<[string, OscTargetOutcome] | null>((a, t) => (!a || t[1].at > a[1].at ? t : a), null);
  return {
    id: 'osc-cues',
    name: 'OSC cues out',
    state: targets.some(([, o]) => !o.ok) ? 'alarm' : i.sent ? 'ok' : 'idle',
    listening: targets.length ? `to ${targets.map(([t]) => t).join(', ')}` : 'no OSC cues sent yet',
    summary: `${i.sent} sent${i.failed ? `, ${i.failed} failed` : ''}`,
    peers: targets.map(([name, o]) => ({ name, detail: o.ok ? `last: ${o.label}` : `FAILED: ${o.error ?? 'unknown'}`, lastSeen: o.ok ? o.at : null, present: o.ok })),
    lastMessage: last ? { at: last[1].at, text: `${last[1].label} → ${last[0]}${last[1].ok ? '' : ' (failed)'}` } : null,
  };
}

function sacnView(i: NonNullable<VenueViewInput['sacn']>): VenueProtocolView {
  return {
    id: 'sacn',
    name: 'sACN (E1.31)',
    state: i.packets ? 'ok' : 'idle',
    listening: `${i.unicast.length ? `unicast to ${i.unicast.join(', ')}` : 'multicast'}, priority ${i.priority}${i.sync ? `, sync on universe ${i.sync}` : ''}`,
    summary: `${i.universes.length ? `universes ${i.universes.join(', ')}` : 'no DMX cues'}, ${i.packets} packets`,
    // sACN is one-way: a receiver cannot be heard, only listed.
    peers: i.unicast.map((host) => ({ name: host, detail: 'unicast receiver (not heard: sACN is one-way)', lastSeen: null, present: true })),
    lastMessage: i.lastFrameAt ? { at: i.lastFrameAt, text: `DMX frame, ${plural(i.universes.length, 'universe')}` } : null,
  };
}

function artnetView(i: NonNullable<VenueViewInput['artnet']>): VenueProtocolView {
  const peers: VenuePeerView[] = [
    ...i.nodes.map((n) => ({ name: `${n.ip}${n.shortName ? ` (${n.shortName})` : ''}`, detail: `universes ${n.universes.join(', ')}`, lastSeen: n.lastSeen, present: true })),
    ...i.gone.map((n) => ({ name: `${n.ip}${n.shortName ? ` (${n.shortName})` : ''}`, detail: `GONE: stopped answering polls (universes ${n.universes.join(', ')})`, lastSeen: n.lastSeen, present: false })),
    ...i.listed.filter((ip) => !i.nodes.some((n) => n.ip === ip)).map((ip) => ({ name: ip, detail: 'listed in show.json (sent every universe)', lastSeen: null, present: true })),
  ];
  const lastSeen = [...i.nodes, ...i.gone].reduce((a, n) => Math.max(a, n.lastSeen), 0);
  return {
    id: 'artnet',
    name: 'Art-Net',
    state: i.port === null || i.gone.length ? 'alarm' : i.nodes.length || i.listed.length ? 'ok' : 'idle',
    listening: i.port === null ? 'not listening (port in use?)' : `udp port ${i.port}, polling every ${i.pollMs / 1000} s`,
    summary: `${plural(i.nodes.length, 'node')}, ${i.universes.length ? `universes ${i.universes.join(', ')}` : 'no DMX cues'}, ${i.packets} packets, ${plural(i.pollsAnswered, 'poll')} answered`,
    peers,
    lastMessage: lastSeen ? { at: lastSeen, text: 'ArtPollReply' } : null,
  };
}

function mtcView(i: NonNullable<VenueViewInput['mtc']>): VenueProtocolView {
  const start = formatTimecode(frameToTimecode(Math.round(i.offsetSeconds * framesPerSecond(i.rate)), i.rate), i.rate);
  return { id: 'mtc', name: 'MTC out', state: 'ok', listening: `${i.rate} fps on the lighting MIDI output (${i.thread} thread)`, summary: `show start = ${start}`, peers: [], lastMessage: null };
}

export function venueViewOf(i: VenueViewInput): VenueView {
  const protocols: VenueProtocolView[] = [];
  if (i.osc) protocols.push(oscView(i.osc));
  if (i.oscCues) protocols.push(oscCuesView(i.oscCues));
  if (i.sacn) protocols.push(sacnView(i.sacn));
  if (i.artnet) protocols.push(artnetView(i.artnet));
  if (i.mtc) protocols.push(mtcView(i.mtc));
  return { at: i.now, protocols };
}
