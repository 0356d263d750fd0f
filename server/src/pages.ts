// The browser pages the server hands out: the stage (/stage), the control desk (/desk) and the fan
// viewer (/live). In a show they are the static bundles pages-build.ts made (built at install or
// on start when missing or stale): exactly those files, nothing transformed per request, so no
// query string can grow memory and no URL reaches a file outside the bundle. `--dev` serves them
// through vite instead (pages-dev.ts, loopback only). Show files (audio, avatars) and the bundled
// assets are static too; the state folder (tokens, journal) is never served, wherever it lives.

import type { Server as HttpServer } from 'node:http';
import { join, relative, resolve, sep } from 'node:path';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { PAGES, REPO_ROOT, pageSource, type PageSpec } from './pages-spec.ts';
import { pageBuildDir, pageIsCurrent } from './pages-build.ts';
import { mountDevPage } from './pages-dev.ts';

export { PAGES, REPO_ROOT, pageSource, type PageSpec } from './pages-spec.ts';

/** auto: the built bundles; dev: vite with hot reload; placeholder: a stub page each; false: no pages. */
export type PagesMode = 'auto' | 'dev' | 'placeholder' | false;

export interface MountPagesOptions {
  mode: PagesMode;
  http: HttpServer;
  showDir?: string;
  /** Never served, even when it sits inside the show folder or the assets. */
  stateDir?: string;
  repoRoot?: string;
  /** Pages whose build failed: served as a placeholder saying so. */
  failed?: Map<string, string>;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function placeholder(page: PageSpec, why = 'Its app has not been built into this checkout yet.'): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>holostage — ${page.title}</title>
<style>body{background:#000;color:#ddd;font:16px system-ui,sans-serif;display:grid;place-items:center;height:100vh;margin:0}</style>
</head><body><main><h1>holostage — ${page.title}</h1><p>This is the ${page.title.toLowerCase()} page (${page.route}). ${escapeHtml(why)}</p></main></body></html>
`;
}

const notFound = (_req: Request, res: Response): void => {
  res.status(404).json({ ok: false, error: 'not found' });
};

function isInside(child: string, parent: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !rel.startsWith(sep) && rel !== '..');
}

/** Static files from `dir`, except anything inside `hidden` (the state folder). */
function staticExcept(dir: string, hidden: string | undefined, options: Parameters<typeof express.static>[1]) {
  const serve = express.static(dir, options);
  if (!hidden || !isInside(resolve(hidden), resolve(dir))) return serve;
  const hiddenAbs = resolve(hidden);
  return (req: Request, res: Response, next: NextFunction) => {
    let path: string;
    try {
      path = decodeURIComponent(req.path);
    } catch {
      return notFound(req, res);
    }
    // Where the file server would land, after every "..", "." and doubled slash.
    if (path.includes('\0') || isInside(resolve(dir, `.${path.startsWith('/') ? '' : '/'}${path}`.replace(/\\/g, '/')), hiddenAbs)) return notFound(req, res);
    serve(req, res, next);
  };
}

/** Mount the pages on `app`; returns a function that closes any vite dev servers. */
export function mountPages(app: Express, opts: MountPagesOptions): () => Promise<void> {
  const { mode, http, showDir, stateDir } = opts;
  const repoRoot = opts.repoRoot ?? REPO_ROOT;
  if (mode === false) return async () => {};
  const closers: (() => Promise<void>)[] = [];

  const fileOptions = { dotfiles: 'ignore' as const, fallthrough: true, index: false as const, redirect: false };
  app.use('/assets', staticExcept(join(repoRoot, 'assets'), stateDir, fileOptions), notFound);
  if (showDir) app.use('/show', staticExcept(showDir, stateDir, fileOptions), notFound);

  for (const page of PAGES) {
    const source = mode === 'placeholder' ? null : pageSource(page, repoRoot);
    const failure = opts.failed?.get(page.route);
    if (!source || failure || (mode === 'auto' && !pageIsCurrent(page, repoRoot))) {
      const why = failure ? `Its bundle could not be built (${failure}).` : undefined;
      app.get([page.route, `${page.route}/`], (_req, res) => {
        res.type('html').send(placeholder(page, why));
      });
      app.use(page.route, notFound);
      continue;
    }
    if (mode === 'dev') {
      closers.push(mountDevPage(app, page, source, http, repoRoot));
      continue;
    }
    // The page itself: make the relative URLs in the HTML resolve under the route, query kept.
    app.get(page.route, (req, res, next) => {
      if (req.path !== page.route) return next();
      res.redirect(302, `${page.route}/${req.originalUrl.slice(req.path.length)}`);
    });
    const dir = pageBuildDir(page, repoRoot);
    app.use(
      page.route,
      express.static(dir, {
        dotfiles: 'deny',
        index: 'index.html',
        redirect: false,
        fallthrough: true,
        setHeaders: (res, file) => {
          // Hashed bundle files never change; the HTML that names them must be fetched fresh.
          if (file.endsWith('.html')) res.setHeader('Cache-Control', 'no-cache');
          else res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
        },
      }),
      notFound,
    );
  }
  return async () => {
    for (const close of closers) await close();
  };
}
