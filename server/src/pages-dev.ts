// `serve --dev`: the pages through vite's dev server (hot reload) for people working on them.
// Loopback only (serve refuses --dev with another --host): vite's dev server answers /@fs reads
// and transforms any module asked for, which is for a developer's own machine, never a venue LAN.
// The state folder and token files are denied to it all the same.

import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Server as HttpServer } from 'node:http';
import { join } from 'node:path';
import type { Express, NextFunction, Request, Response } from 'express';
import { REPO_ROOT, type PageSpec } from './pages-spec.ts';

interface ViteLike {
  middlewares: (req: Request, res: Response, next: NextFunction) => void;
  transformIndexHtml(url: string, html: string): Promise<string>;
  close(): Promise<void>;
}

/** Never readable through vite, even on loopback: tokens, the journal, the lock, dotfiles with secrets. */
export const DEV_DENY = ['.env', '.env.*', '*.{crt,pem,key}', '**/.git/**', '**/.holostage/**', '**/tokens.json', '**/journal.jsonl', '**/server.lock'];

/** Mounts one page through a vite dev server created on its first request; returns its closer. */
export function mountDevPage(app: Express, page: PageSpec, source: { root: string; html: string }, http: HttpServer, repoRoot: string): () => Promise<void> {
  let vite: Promise<ViteLike> | null = null;
  const getVite = (): Promise<ViteLike> => {
    vite ??= (async () => {
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
        cacheDir: repoRoot === REPO_ROOT ? join(REPO_ROOT, 'node_modules', '.vite', page.route.slice(1)) : join(repoRoot, '.vite', page.route.slice(1)),
        server: { middlewareMode: true, hmr: { server: http }, fs: { allow: [REPO_ROOT, repoRoot], deny: DEV_DENY } },
      })) as unknown as ViteLike;
    })();
    return vite;
  };
  app.use(async (req: Request, res: Response, next: NextFunction) => {
    const path = req.path;
    if (path !== page.route && !path.startsWith(`${page.route}/`)) return next();
    try {
      if (path === page.route) {
        res.redirect(302, `${page.route}/${req.originalUrl.slice(req.path.length)}`);
        return;
      }
      const v = await getVite();
      if (path === `${page.route}/` || path === `${page.route}/${source.html}`) {
        const html = await readFile(join(source.root, source.html), 'utf8');
        res.type('html').send(await v.transformIndexHtml(req.originalUrl.slice(page.route.length), html));
        return;
      }
      v.middlewares(req, res, next);
    } catch (err) {
      next(err);
    }
  });
  return async () => {
    if (vite) await (await vite).close();
  };
}
