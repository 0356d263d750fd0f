// Builds the browser pages (stage, desk, fan viewer) into static bundles with vite, once: a build
// records every source file it read with a hash, and is redone only when one of them (or the
// installed packages) changed. The server then serves those files and nothing else (pages.ts).
// Builds go to a temp folder renamed into place, under a pid lock, so two servers starting at
// once (tests run in parallel) never serve a half-written bundle or build twice.

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { acquireLock } from './pid-lock.ts';
import { PAGES, REPO_ROOT, pageSource, type PageSpec } from './pages-spec.ts';

/** Bump when the build options change, so old bundles are rebuilt. */
const BUILD_FORMAT = 1;
// A dotfile, so the static server (dotfiles denied) never hands it out.
const INFO_FILE = '.build-info.json';

export function pagesBuildDir(repoRoot = REPO_ROOT): string {
  return join(repoRoot, 'dist', 'pages');
}

export function pageBuildDir(page: PageSpec, repoRoot = REPO_ROOT): string {
  return join(pagesBuildDir(repoRoot), page.route.slice(1));
}

interface BuildInfo {
  format: number;
  /** Repository-relative source path -> sha1 of its bytes (packages are covered by the lock file). */
  inputs: Record<string, string>;
}

function sha1(file: string): string | null {
  try {
    return createHash('sha1').update(readFileSync(file)).digest('hex');
  } catch {
    return null;
  }
}

function lockFileHash(repoRoot: string): string | null {
  return sha1(join(repoRoot, 'package-lock.json')) ?? sha1(join(REPO_ROOT, 'package-lock.json'));
}

/** True when the page's bundle exists and every file it was built from is unchanged. */
export function pageIsCurrent(page: PageSpec, repoRoot = REPO_ROOT): boolean {
  const dir = pageBuildDir(page, repoRoot);
  let info: BuildInfo;
  try {
    info = JSON.parse(readFileSync(join(dir, INFO_FILE), 'utf8')) as BuildInfo;
  } catch {
    return false;
  }
  if (info.format !== BUILD_FORMAT || !existsSync(join(dir, 'index.html'))) return false;
  if (info.inputs['package-lock.json'] !== lockFileHash(repoRoot)) return false;
  for (const [file, hash] of Object.entries(info.inputs)) {
    if (file === 'package-lock.json') continue;
    if (sha1(join(repoRoot, file)) !== hash) return false;
  }
  return true;
}

/** Collects the source files a build reads (main bundle and workers alike). */
function inputCollector(repoRoot: string, into: Set<string>) {
  return {
    name: 'holostage-build-inputs',
    buildEnd(this: { getModuleIds(): IterableIterator<string> }) {
      for (const raw of this.getModuleIds()) {
        const id = raw.split('?')[0]!;
        if (!isAbsolute(id) || id.includes('/node_modules/') || id.startsWith('\0')) continue;
        into.add(id);
      }
    },
  };
}

async function buildPage(page: PageSpec, repoRoot: string): Promise<void> {
  const source = pageSource(page, repoRoot);
  if (!source) return;
  const { build } = await import('vite');
  const final = pageBuildDir(page, repoRoot);
  const tmp = join(pagesBuildDir(repoRoot), `.${page.route.slice(1)}-tmp-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  const inputs = new Set<string>([join(source.root, source.html)]);
  const configFile = ['vite.config.ts', 'vite.config.js', 'vite.config.mjs'].map((f) => join(source.root, f)).find((f) => existsSync(f));
  await build({
    root: source.root,
    base: `${page.route}/`,
    configFile: configFile ?? false,
    logLevel: 'warn',
    clearScreen: false,
    plugins: [inputCollector(repoRoot, inputs)],
    worker: { format: 'es', plugins: () => [inputCollector(repoRoot, inputs)] },
    build: {
      outDir: tmp,
      emptyOutDir: true,
      reportCompressedSize: false,
      chunkSizeWarningLimit: 4096,
      rollupOptions: { input: join(source.root, source.html) },
    },
  });
  // The page's entry is served as index.html whatever its source was called.
  if (source.html !== 'index.html') renameSync(join(tmp, source.html), join(tmp, 'index.html'));
  const info: BuildInfo = { format: BUILD_FORMAT, inputs: { 'package-lock.json': lockFileHash(repoRoot) ?? '' } };
  for (const file of [...inputs].sort()) {
    const hash = sha1(file);
    if (hash) info.inputs[relative(repoRoot, file)] = hash;
  }
  writeFileSync(join(tmp, INFO_FILE), `${JSON.stringify(info, null, 1)}\n`);
  const old = `${final}.old-${process.pid}`;
  if (existsSync(final)) renameSync(final, old);
  renameSync(tmp, final);
  rmSync(old, { recursive: true, force: true });
}

export interface PagesBuildResult {
  built: string[];
  failed: { route: string; error: string }[];
}

/** Builds every page whose bundle is missing or stale; fail-soft per page (the show still runs). */
export async function ensurePagesBuilt(repoRoot = REPO_ROOT, log: (line: string) => void = () => {}): Promise<PagesBuildResult> {
  const result: PagesBuildResult = { built: [], failed: [] };
  const stale = (): PageSpec[] => PAGES.filter((p) => pageSource(p, repoRoot) && !pageIsCurrent(p, repoRoot));
  if (stale().length === 0) return result;
  mkdirSync(pagesBuildDir(repoRoot), { recursive: true });
  const release = await acquireLock(join(pagesBuildDir(repoRoot), '.build.lock'), 180_000);
  try {
    // Another process may have built them while this one waited for the lock.
    for (const page of stale()) {
      const started = Date.now();
      try {
        await buildPage(page, repoRoot);
        result.built.push(page.route);
        log(`pages: built ${page.route} in ${Date.now() - started} ms`);
      } catch (err) {
        const message = (err as Error).message.split('\n')[0] ?? 'build failed';
        result.failed.push({ route: page.route, error: message });
        log(`pages: ${page.route} could not be built: ${message}`);
      }
    }
  } finally {
    release();
  }
  return result;
}
