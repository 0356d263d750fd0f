// The pair over HTTP, for the other server (its second path when the link is silent), scripts
// and show-control systems: GET /api/standby (the pair as this server sees it) and
// POST /api/standby/take-over (the standby takes over; on the primary, it hands over). Operator only.

import type { Express } from 'express';
import type { PairView, TakeOverResult } from '../../../protocol/index.ts';
import type { Access } from '../fans/cluster-role.ts';
import { authorizeRequest } from '../adapters/auth.ts';

export function mountStandbyRoutes(app: Express, d: { access: Access; view: () => PairView; takeOver: (from: string) => Promise<TakeOverResult> }): void {
  app.get('/api/standby', (req, res) => {
    if (authorizeRequest(d.access.tokens, req, res, ['operator'])) res.json(d.view());
  });
  app.post('/api/standby/take-over', (req, res) => {
    if (!authorizeRequest(d.access.tokens, req, res, ['operator'])) return;
    void d.takeOver('the API').then((r) => res.status(r.ok ? 200 : 409).json(r));
  });
}
