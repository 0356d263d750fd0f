// The browser pages the server hands out: the stage (/stage), the control desk (/desk) and the fan
// viewer (/live). Each page's source folder is served through vite in middleware mode, so a fresh
// clone runs with `npm install && npm start` and no build step; a page whose folder has no HTML
// yet gets a small placeholder that says which page it is. Show files (audio) and the bundled
// assets are served as static files (dotfiles such as .holostage/ with the tokens are never served).

import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Server as HttpServer } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';

export type PagesMode = 'auto' | 'placeholder' | false;

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export interface PageSpec {
  route: string;
  title: string;
  /** Candidate (folder, html file) pairs, first found wins. */
  sources: { root: string; html: string }[];
}

export const PAGES: PageSpec[] = [
  { route: '/stage', title: 'Stage output', sources: [{ root: 'stage', html: 'index.html' }] },
  { route: '/desk', title: 'Control desk', sources: [{ root: 'control-desk', html: 'index.html' }] },
  { route: '/live', title: 'Fan viewer', sources: [{ root: 'viewer', html: 'index.html' }, { root: 'live', html: 'index.html' }, { root: 'stage', html: 'live.html' }] },
];

interface ViteLike {
  middlewares: (req: Request, res: Response, next: NextFunction) => void;
  transformIndexHtml(url: string, html: string): Promise<string>;
  close(): Promise<void>;
}

function placeholder(page: PageSpec): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>holostage — ${page.title}</title>
<style>body{background:#000;color:#ddd;font:16px system-ui,sans-serif;display:grid;place-items:center;height:100vh;margin:0}</style>
</head><body><main><h1>holostage — ${page.title}</h1><p>This is the ${page.title.toLowerCase()} page (${page.route}). Its app has not been built into this checkout yet.</p></main></body></html>
`;
}

/** Find the source of a page in the repository, or null. */
export function pageSource(page: PageSpec, repoRoot = REPO_ROOT): { root: string; html: string } | null {
  for (const s of page.sources) {
    const root = join(repoRoot, s.root);
    if (existsSync(join(root, s.html))) return { root, html: s.html };
  }
  return null;
}

/** Mount the pages on `app`; returns a function that closes any vite servers. */
export function mountPages(app: Express, mode: PagesMode, http: HttpServer, showDir?: string, repoRoot = REPO_ROOT): () => Promise<void> {
  if (mode === false) return async () => {};
  const vites: Promise<ViteLike>[] = [];

  app.use('/assets', express.static(join(repoRoot, 'assets'), { dotfiles: 'ignore', fallthrough: true }));
  if (showDir) app.use('/show', express.static(showDir, { dotfiles: 'ignore', fallthrough: true }));

  for (const page of PAGES) {
    const source = mode === 'auto' ? pageSource(page, repoRoot) : null;
    if (!source) {
      app.get([page.route, `${page.route}/`], (_req, res) => {
        res.type('html').send(placeholder(page));
      });
      continue;
    }
    // One vite dev server per page, created on the first request (startup stays fast).
    let vite: Promise<ViteLike> | null = null;
    const getVite = (): Promise<ViteLike> => {
      if (!vite) {
        vite = (async () => {
          const { createServer } = await import('vite');
          const configFile = ['vite.config.ts', 'vite.config.js', 'vite.config.mjs'].map((f) => join(source.root, f)).find((f) => existsSync(f));
          return (await createServer({
            root: source.root,
            base: `${page.route}/`,
            configFile: configFile ?? false,
            appType: 'custom',
            logLevel: (process.env.HOLOSTAGE_VITE_LOG as 'info' | undefined) ?? 'warn',
            clearScreen: false,
            // One dependency cache per page: two vite servers optimizing into one folder clash.
            // (a page root outside the repository, as in tests, keeps its cache to itself).
            cacheDir: repoRoot === REPO_ROOT ? join(REPO_ROOT, 'node_modules', '.vite', page.route.slice(1)) : join(repoRoot, '.vite', page.route.slice(1)),
            // vite's client in the page always opens its websocket: give it one on our own HTTP
            // server (path = the page's base) rather than let it fail against a port nobody serves.
            server: { middlewareMode: true, hmr: { server: http }, fs: { allow: [REPO_ROOT, repoRoot] } },
          })) as unknown as ViteLike;
        })();
        vites.push(vite);
      }
      return vite;
    };
    app.use(async (req: Request, res: Response, next: NextFunction) => {
      const path = req.path;
      if (path !== page.route && !path.startsWith(`${page.route}/`)) return next();
      try {
        // The page itself: make the relative URLs in the HTML resolve under the route.
        if (path === page.route) {
          const q = req.originalUrl.slice(req.path.length);
          res.redirect(302, `${page.route}/${q}`);
          return;
        }
        const v = await getVite();
        if (path === `${page.route}/` || path === `${page.route}/${source.html}`) {
          const html = await readFile(join(source.root, source.html), 'utf8');
          // vite wants the URL without its base, as its own HTML middleware passes it.
          res.type('html').send(await v.transformIndexHtml(req.originalUrl.slice(page.route.length), html));
          return;
        }
        v.middlewares(req, res, next);
      } catch (err) {
        next(err);
      }
    });
  }
  return async () => {
    for (const v of vites) await (await v).close();
  };
}
