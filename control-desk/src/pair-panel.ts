// The desk's servers panel (warm standby): both servers of the pair, which one drives the show,
// whether each is live, the replication lag, and the take-over key. On the standby's desk the key
// takes over; on the primary's it hands the show to the standby. It asks twice: the first press
// arms it for three seconds, the second does it.

import type { Socket } from 'socket.io-client';
import { STANDBY_EVENTS, type PairServer, type PairView, type TakeOverResult } from '../../protocol/index.ts';
import { byId, el, setText } from './dom.ts';

const ARM_MS = 3000;

export class PairPanel {
  latest: PairView | null = null;
  lastResult: TakeOverResult | null = null;
  private armedUntil = 0;
  private readonly button = byId<HTMLButtonElement>('btn-takeover');

  constructor(
    private readonly socket: Socket,
    private readonly request: (event: string, payload: unknown, timeoutMs: number) => Promise<TakeOverResult>,
  ) {
    socket.on(STANDBY_EVENTS.pair, (view: PairView) => {
      this.latest = view;
      this.render();
    });
    socket.on('disconnect', () => this.render());
    this.button.addEventListener('click', () => void this.press());
  }

  private async press(): Promise<void> {
    const now = performance.now();
    if (now > this.armedUntil) {
      this.armedUntil = now + ARM_MS;
      this.render();
      setTimeout(() => this.render(), ARM_MS + 50);
      return;
    }
    this.armedUntil = 0;
    this.button.disabled = true;
    setText(byId('servers-result'), 'taking over…');
    try {
      this.lastResult = await this.request(STANDBY_EVENTS.takeOver, null, 10_000);
    } catch (err) {
      this.lastResult = { ok: false, error: (err as Error).message };
    }
    this.button.disabled = false;
    setText(byId('servers-result'), this.lastResult.ok ? this.lastResult.note : `take over refused: ${this.lastResult.error}`);
    this.render();
  }

  render(): void {
    const view = this.latest;
    const list = byId('servers');
    if (!view) {
      list.replaceChildren(el('li', { class: 'server' }, 'one server (no standby configured)'));
      this.button.hidden = true;
      return;
    }
    const rows = [view.self, ...(view.peer ? [view.peer] : [])].map((s) => this.row(s, s === view.self));
    list.replaceChildren(...rows);
    const lag = view.lagMs === null ? '—' : `${view.lagMs.toFixed(1)} ms`;
    setText(byId('servers-note'), `${view.note} · lag ${lag}`);
    const standby = view.self.role === 'standby';
    this.button.hidden = !standby && !view.peer?.live;
    const armed = performance.now() < this.armedUntil;
    this.button.textContent = armed ? 'CONFIRM' : standby ? 'TAKE OVER' : 'HAND OVER';
    this.button.title = standby ? 'Make this server the primary (press twice)' : 'Make the standby the primary (press twice)';
    this.button.dataset.armed = String(armed);
  }

  private row(s: PairServer, self: boolean): HTMLElement {
    return el(
      'li',
      { class: 'server', 'data-role': s.role, 'data-live': String(s.live) },
      el('span', { class: 'server-role' }, s.role.toUpperCase()),
      el('span', { class: 'server-live' }, s.live ? 'LIVE' : 'SILENT'),
      el('span', { class: 'server-name', title: s.url }, `${s.url}${self ? ' (this desk)' : ''}`),
      el('span', { class: 'server-term' }, `term ${s.term}`),
    );
  }
}
