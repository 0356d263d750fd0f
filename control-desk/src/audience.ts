// The desk's audience panel: how many fans watch (all server nodes together) and how hard they
// cheer, from the crowd frames the server broadcasts (server/src/fans). Read-only.

import type { Socket } from 'socket.io-client';
import { CROWD_EVENTS, type CrowdFrame } from '../../protocol/index.ts';
import { byId, el } from './dom.ts';

export class AudiencePanel {
  latest: CrowdFrame | null = null;

  constructor(socket: Socket) {
    socket.on(CROWD_EVENTS.crowd, (f: CrowdFrame) => {
      this.latest = f;
      this.render();
    });
  }

  render(): void {
    const f = this.latest;
    if (!f) return;
    byId('audience-viewers').textContent = String(f.viewers);
    const level = Math.round(f.energy * 100);
    byId('audience-cheer').textContent = `${level}%`;
    const fill = byId('audience-meter-fill');
    fill.style.width = `${level}%`;
    byId('audience-detail').textContent = `${f.holding} penlights up · ${f.wavesPerSecond} waves/s${f.nodes > 1 ? ` · ${f.nodes} server nodes` : ''}${f.refused ? ` · ${f.refused} refused` : ''}`;
    const colours = byId('audience-colours');
    colours.replaceChildren(...f.colours.slice(0, 6).map((c) => el('span', { class: 'audience-colour', title: `${c.colour}: ${c.fans}`, style: `background:${c.hex};flex:${Math.max(0.05, c.share)}` })));
  }
}
