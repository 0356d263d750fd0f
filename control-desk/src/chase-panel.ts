// The desk's timecode chase panel (serve --chase mtc|ltc): where the timecode comes from, its rate,
// the last timecode read and the lock state, from the ChaseView the server pushes to operators on
// every change and once a second. Hidden when the show does not chase. Read-only; a timecode that
// goes away also raises an alarm in the alarm list.

import type { Socket } from 'socket.io-client';
import { CHASE_EVENTS, type ChaseView } from '../../protocol/index.ts';
import { byId, setText } from './dom.ts';
import './chase.css';

const STATE_TEXT: Record<ChaseView['state'], string> = {
  waiting: 'WAITING',
  locking: 'LOCKING',
  locked: 'LOCKED',
  freewheel: 'FREEWHEEL',
  lost: 'LOST',
  outside: 'OUTSIDE SHOW',
  overridden: 'OPERATOR',
};

export class ChasePanel {
  latest: ChaseView | null = null;

  constructor(socket: Socket) {
    socket.on(CHASE_EVENTS.status, (view: ChaseView) => {
      this.latest = view;
      this.render();
    });
  }

  render(): void {
    const v = this.latest;
    if (!v) return;
    const panel = byId('chase');
    panel.hidden = false;
    panel.dataset.state = v.state;
    setText(byId('chase-state'), STATE_TEXT[v.state]);
    setText(byId('chase-source'), v.input);
    setText(byId('chase-rate'), v.rate === null ? '— fps' : `${v.rate}${v.rate === 29.97 ? ' DF' : ''} fps`);
    setText(byId('chase-timecode'), v.timecode ?? '--:--:--:--');
    const error = v.errorMs === null ? '' : ` · ${v.errorMs >= 0 ? '+' : ''}${v.errorMs.toFixed(1)} ms`;
    setText(byId('chase-detail'), `${v.message}${error} · freewheel ${v.freewheelSeconds} s${v.rejected ? ` · ${v.rejected} rejected` : ''}`);
  }
}
