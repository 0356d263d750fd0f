// The HTTP adapter: /api/* routes that read the show or call the controller, each behind
// authorize(). No body is parsed before the token is checked (operatorBody).

import type { Express, RequestHandler } from 'express';
import { TRANSPORT_COMMANDS, type Role, type TransportCommand, type TransportCommandName } from '../../../protocol/index.ts';
import { BODY_LIMITS, jsonBody, perAddressLimit, refuseUnread } from '../http-guard.ts';
import { clientAddress } from '../budgets.ts';
import type { ShowController } from '../show/controller.ts';
import type { AlarmBoard } from '../show/alarms.ts';
import type { ShowLighting } from '../lighting/show-lighting.ts';
import type { Access } from '../fans/cluster-role.ts';
import { readSetlist } from '../show/setlist-file.ts';
import { authorizeRequest, requestToken } from './auth.ts';
import { identify } from '../tokens.ts';

export interface HttpAdapterDeps {
  app: Express;
  access: Access;
  controller: ShowController;
  alarms: AlarmBoard;
  lighting: ShowLighting;
  showDir: string;
  clock: () => number;
  trustProxy: boolean;
  /** What /api/health reports beyond the show (clients, node, crowd, recovery). */
  health: () => Record<string, unknown>;
  accessUrls: () => { label: string; url: string }[];
}

/** The operator check, then the body parser: a body is read only after the token. */
export function operatorBody(access: Access, limit: string): RequestHandler[] {
  return [
    (req, res, next) => {
      // Refused with a body still on the way: close the connection after the answer rather than read it.
      if (identify(access.tokens, requestToken(req))?.role !== 'operator') refuseUnread(req, res);
      if (authorizeRequest(access.tokens, req, res, ['operator'])) next();
    },
    jsonBody(limit),
  ];
}

export function mountShowApi(d: HttpAdapterDeps): void {
  const { app, access, controller: c } = d;
  const allow = (roles: readonly Role[]): RequestHandler => (req, res, next) => {
    if (authorizeRequest(access.tokens, req, res, roles)) next();
  };
  const operator = allow(['operator']);

  app.get('/api/health', (_req, res) => {
    res.json({ ok: true, show: c.timeline.show.title, uptimeSeconds: Math.round(process.uptime()), serverTime: d.clock(), ...d.health(), lighting: d.lighting.driver.status(), alarms: d.alarms.activeCount() });
  });
  app.get('/api/show', (_req, res) => res.json(c.showSummary()));
  app.get('/api/state', (_req, res) => res.json(c.stateView()));
  const timelineLimit = perAddressLimit(1, 10, (req) => clientAddress(req.socket.remoteAddress ?? '', req.get('x-forwarded-for'), d.trustProxy));
  app.get('/api/timeline', timelineLimit, (req, res) => {
    const open = access.publicViewing && !identify(access.tokens, requestToken(req));
    if (!open && !authorizeRequest(access.tokens, req, res, ['operator', 'output', 'viewer'])) return;
    res.json({ revision: c.showRevision, timeline: c.timeline });
  });
  app.get('/api/setlist', operator, (_req, res) => {
    try {
      res.json({ ok: true, setlist: readSetlist(d.showDir) });
    } catch (err) {
      res.status(500).json({ ok: false, error: (err as Error).message });
    }
  });
  app.put('/api/setlist', ...operatorBody(access, BODY_LIMITS.setlist), async (req, res) => {
    const result = await c.saveSetlist((req.body as { setlist?: unknown } | undefined)?.setlist, 'http');
    res.status(result.ok ? 200 : result.errors ? 422 : 409).json(result);
  });
  app.get('/api/desk/access', operator, (_req, res) => {
    const urls = d.accessUrls();
    res.json({
      ok: true,
      desk: urls[0]!.url,
      outputs: c.timeline.outputs.map((o, i) => ({ id: o.id, kind: o.kind, url: urls[i + 1]!.url })),
      viewer: urls[urls.length - 1]!.url,
    });
  });
  app.get('/api/lighting', operator, (_req, res) => res.json(d.lighting.view()));
  app.post('/api/transport/:command', ...operatorBody(access, BODY_LIMITS.command), async (req, res) => {
    const name = String(req.params.command);
    if (name === 'load') {
      const r = await c.reload('http');
      res.status(r.ok ? 200 : 409).json(r.ok ? { ok: true, state: c.snapshot(), show: c.showSummary() } : r);
      return;
    }
    if (!TRANSPORT_COMMANDS.includes(name as TransportCommandName)) {
      res.status(404).json({ ok: false, error: `unknown transport command "${name}"; use ${TRANSPORT_COMMANDS.join(', ')} or load` });
      return;
    }
    const body = (req.body ?? {}) as { entry?: unknown; time?: unknown };
    const cmd: TransportCommand = { command: name as TransportCommandName };
    if (name === 'seek') {
      cmd.entry = Number(body.entry ?? req.query.entry);
      cmd.time = Number(body.time ?? req.query.time ?? 0);
    }
    const result = await c.command(cmd, 'http');
    res.status(result.ok ? 200 : 409).json(result);
  });
}
