// The desk's venue panel view, worked out from each adapter's status (pure): which rows exist, when
// a row is in alarm, and what a peer that went away looks like.

import { describe, expect, it } from 'vitest';
import { venueViewOf, type VenueViewInput } from '../../server/src/venue/venue-view.ts';

const base: VenueViewInput = { now: 10_000, osc: null, oscCues: null, sacn: null, artnet: null, mtc: null };
const oscStatus = { listening: true, port: 53000, peers: 1, subscribers: 1, received: 4, dropped: 0, lastMessage: { address: '/go', from: 'udp 10.0.0.9:53001', at: 9000 } };

describe('venue panel view', () => {
  it('lists only the protocols that are on', () => {
    expect(venueViewOf(base).protocols).toEqual([]);
    expect(venueViewOf({ ...base, mtc: { rate: 25, offsetSeconds: 3600, thread: 'lighting' } }).protocols).toEqual([
      { id: 'mtc', name: 'MTC out', state: 'ok', listening: '25 fps on the lighting MIDI output (lighting thread)', summary: 'show start = 01:00:00:00', peers: [], lastMessage: null },
    ]);
  });

  it('OSC in: ok once heard from, alarm when a subscriber went quiet', () => {
    const peers = [{ key: 'udp 10.0.0.9:53001', role: 'operator', subscribed: true, seenAt: 9000, lapsed: false }];
    const ok = venueViewOf({ ...base, osc: { status: oscStatus, tcp: true, host: '0.0.0.0', peers } }).protocols[0]!;
    expect(ok).toMatchObject({ state: 'ok', listening: 'udp+tcp 0.0.0.0:53000', summary: '1 peer, 1 subscribed, 4 received', lastMessage: { at: 9000, text: '/go from udp 10.0.0.9:53001' } });
    expect(ok.peers).toEqual([{ name: 'udp 10.0.0.9:53001', detail: 'operator, subscribed', lastSeen: 9000, present: true }]);
    const quiet = venueViewOf({ ...base, osc: { status: { ...oscStatus, subscribers: 0 }, tcp: false, host: '0.0.0.0', peers: [{ ...peers[0]!, subscribed: false, lapsed: true }] } }).protocols[0]!;
    expect(quiet.state).toBe('alarm');
    expect(quiet.peers[0]).toMatchObject({ detail: 'operator, went quiet', present: false });
    expect(venueViewOf({ ...base, osc: { status: { ...oscStatus, received: 0, peers: 0, subscribers: 0, lastMessage: null }, tcp: false, host: '0.0.0.0', peers: [] } }).protocols[0]!.state).toBe('idle');
  });

  it('Art-Net: a node that stopped answering is GONE and the row is in alarm; no port is an alarm too', () => {
    const node = { ip: '10.0.0.31', shortName: 'NODE-1', longName: '', universes: [1, 2], lastSeen: 8000 };
    const artnet = { port: 6454, nodes: [node], gone: [], universes: [1, 2], packets: 100, pollsAnswered: 2, listed: ['10.0.0.50'], pollMs: 3000 };
    const ok = venueViewOf({ ...base, artnet }).protocols[0]!;
    expect(ok).toMatchObject({ state: 'ok', listening: 'udp port 6454, polling every 3 s', summary: '1 node, universes 1, 2, 100 packets, 2 polls answered' });
    expect(ok.peers.map((p) => [p.name, p.detail, p.present])).toEqual([
      ['10.0.0.31 (NODE-1)', 'universes 1, 2', true],
      ['10.0.0.50', 'listed in show.json (sent every universe)', true],
    ]);
    const gone = venueViewOf({ ...base, artnet: { ...artnet, nodes: [], gone: [node] } }).protocols[0]!;
    expect(gone.state).toBe('alarm');
    expect(gone.peers[0]).toMatchObject({ name: '10.0.0.31 (NODE-1)', detail: 'GONE: stopped answering polls (universes 1, 2)', present: false });
    expect(venueViewOf({ ...base, artnet: { ...artnet, port: null } }).protocols[0]).toMatchObject({ state: 'alarm', listening: 'not listening (port in use?)' });
  });

  it('OSC cues out: a failed target puts the row in alarm with the reason; sACN lists its unicast receivers', () => {
    const targets = new Map([
      ['qlab.local:53000', { ok: false, error: 'cannot resolve "qlab.local": ENOTFOUND', label: 'QLab 5', at: 9500 }],
      ['10.0.0.40:10023', { ok: true, label: 'fader', at: 9000 }],
    ]);
    const cues = venueViewOf({ ...base, oscCues: { sent: 3, failed: 1, targets } }).protocols[0]!;
    expect(cues).toMatchObject({ state: 'alarm', summary: '3 sent, 1 failed', lastMessage: { at: 9500, text: 'QLab 5 → qlab.local:53000 (failed)' } });
    expect(cues.peers[0]).toMatchObject({ detail: 'FAILED: cannot resolve "qlab.local": ENOTFOUND', present: false });
    const sacn = venueViewOf({ ...base, sacn: { unicast: ['10.0.0.20'], sync: 7, priority: 90, universes: [1], packets: 44, lastFrameAt: 9990 } }).protocols[0]!;
    expect(sacn).toMatchObject({ state: 'ok', listening: 'unicast to 10.0.0.20, priority 90, sync on universe 7', summary: 'universes 1, 44 packets' });
  });
});
