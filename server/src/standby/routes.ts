// The pair over HTTP, for the other server (its second path when the link is silent), scripts
// and show-control systems: GET /api/standby (the pair as this server sees it) and
// POST /api/standby/take-over (the standby takes over; on the primary, it hands over). Operator
// only. And over sockets: every page is told the pair's addresses, a desk the pair and its key.

import type { Express } from 'express';
import type { Server as IoServer } from 'socket.io';
import { STANDBY_EVENTS, type PairView, type TakeOverResult } from '../../../protocol/index.ts';
import type { Access } from '../fans/cluster-role.ts';
import type { Identity } from '../tokens.ts';
import { authorizeRequest } from '../adapters/auth.ts';
import { isStandbyLink } from './source.ts';

export function mountStandbyRoutes(app: Express, d: { access: Access; view: () => PairView; takeOver: (from: string) => Promise<TakeOverResult> }): void {
  app.get('/api/standby', (req, res) => {
    if (authorizeRequest(d.access.tokens, req, res, ['operator'])) res.json(d.view());
  });
  app.post('/api/standby/take-over', (req, res) => {
    if (!authorizeRequest(d.access.tokens, req, res, ['operator'])) return;
    void d.takeOver('the API').then((r) => res.status(r.ok ? 200 : 409).json(r));
  });
}

/** Each new socket: the pair's addresses; a desk also the pair, and its take-over key. */
export function answerPages(io: IoServer, d: { servers: () => string[]; view: () => PairView; takeOver: (from: string) => Promise<TakeOverResult> }): void {
  io.on('connection', (socket) => {
    const operator = (socket.data as { identity?: Identity }).identity?.role === 'operator' && !isStandbyLink(socket);
    socket.emit(STANDBY_EVENTS.servers, d.servers());
    if (operator) socket.emit(STANDBY_EVENTS.pair, d.view());
    socket.on(STANDBY_EVENTS.takeOver, (_payload: unknown, ack: unknown) => {
      const reply = typeof ack === 'function' ? (ack as (r: unknown) => void) : () => {};
      if (!operator) return reply({ ok: false, error: 'forbidden: only the operator can take over' });
      void d.takeOver('desk').then(reply);
    });
  });
}
