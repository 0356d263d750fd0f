// The desk's venue protocols panel: one row per protocol (OSC in, OSC cues out, sACN, Art-Net,
// MTC) with its state, what it listens on or sends to, its peers and its last message, from the
// server's pushes (protocol/venue.ts). A peer that went away shows in red here; its alarm is raised
// in the alarm list by the server. Read-only. The "ago" times tick from the synced server clock.

import type { Socket } from 'socket.io-client';
import { EVENTS, type VenueProtocolView, type VenueView } from '../../protocol/index.ts';
import { byId, el, setText } from './dom.ts';

const STATE_TEXT = { ok: 'OK', idle: 'IDLE', alarm: 'ALARM' } as const;

/** "just now", "12 s ago", "4 min ago". */
export function agoText(ms: number): string {
  if (ms < 1500) return 'just now';
  if (ms < 90_000) return `${Math.round(ms / 1000)} s ago`;
  return `${Math.round(ms / 60_000)} min ago`;
}

export class VenuePanel {
  latest: VenueView | null = null;
  private readonly root = byId('venue');
  private lastRendered = '';

  constructor(socket: Socket, private readonly serverNow: () => number) {
    socket.on(EVENTS.venue, (view: VenueView) => {
      this.latest = view;
      this.render();
    });
  }

  render(): void {
    const view = this.latest;
    if (!view) return;
    // Re-render only on a change (times are rounded to seconds), so nothing flickers.
    const now = this.serverNow();
    const rows = view.protocols.map((p) => this.row(p, now));
    const key = rows.map((r) => r.outerHTML).join('');
    if (key === this.lastRendered) return;
    this.lastRendered = key;
    this.root.replaceChildren(...rows);
    setText(byId('venue-summary'), view.protocols.some((p) => p.state === 'alarm') ? 'ALARM' : view.protocols.length ? 'OK' : '—');
    byId('venue-summary').dataset.ok = String(!view.protocols.some((p) => p.state === 'alarm'));
  }

  private row(p: VenueProtocolView, now: number): HTMLLIElement {
    const last = p.lastMessage ? `${p.lastMessage.text} · ${agoText(now - p.lastMessage.at)}` : 'no message yet';
    return el(
      'li',
      { class: `venue-protocol ${p.state}`, 'data-protocol': p.id, 'data-state': p.state },
      el('div', { class: 'venue-head' }, el('span', { class: 'venue-name', text: p.name }), el('span', { class: 'venue-state', text: STATE_TEXT[p.state] })),
      el('div', { class: 'venue-listen', text: p.listening }),
      el('div', { class: 'venue-summary', text: p.summary }),
      el('div', { class: 'venue-last', text: `last: ${last}` }),
      p.peers.length
        ? el(
            'ul',
            { class: 'venue-peers' },
            ...p.peers.slice(0, 8).map((peer) =>
              el('li', { class: peer.present ? 'present' : 'gone', title: peer.detail }, el('span', { class: 'venue-peer', text: peer.name }), ` ${peer.detail}${peer.lastSeen !== null ? ` · ${agoText(now - peer.lastSeen)}` : ''}`),
            ),
          )
        : null,
    );
  }
}
