// Builds the CLI bundle (dist/cli/main.mjs plus one chunk per lazily loaded command) with esbuild.
// Packages stay external (resolved from node_modules at run time). Every source file keeps its own
// import.meta.url / dirname / filename, written in as its real location, so paths a module works
// out from where it lives (the repository root, worker entry files, page sources) stay the same
// as when it runs from source. The list of inputs with their size and mtime goes beside it, for
// bin/cli-bundle.js to tell a current bundle from a stale one.

import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';
// @ts-expect-error plain JS module shared with the launcher
import { BUNDLE_FORMAT, INFO_FILE, bundleDir, stamp } from '../bin/cli-bundle.js';

const root = resolve(import.meta.dirname, '..');

/** Replaces import.meta.url/dirname/filename in each TypeScript file with its source location. */
const keepImportMeta: Plugin = {
  name: 'keep-import-meta',
  setup(b) {
    b.onLoad({ filter: /\.(ts|mts)$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8')
        .replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href))
        .replaceAll('import.meta.dirname', JSON.stringify(dirname(args.path)))
        .replaceAll('import.meta.filename', JSON.stringify(args.path));
      return { contents: text, loader: 'ts' };
    });
  },
};

/** Builds into `final` (the launcher's dist/cli unless told otherwise: tests build elsewhere). */
/** Bundled into the CLI rather than loaded from node_modules. */
const BUNDLED_PACKAGES = new Set(['wanakana']);

function externalPackages(): string[] {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
  const names = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies }).filter((n) => !BUNDLED_PACKAGES.has(n));
  return names.flatMap((n) => [n, `${n}/*`]);
}

export async function buildCli(final: string = bundleDir(root) as string): Promise<{ inputs: number; ms: number }> {
  const t0 = performance.now();
  const temp = `${final}.tmp-${process.pid}`;
  rmSync(temp, { recursive: true, force: true });
  mkdirSync(temp, { recursive: true });
  const result = await build({
    entryPoints: { main: join(root, 'cli/main.ts'), 'render-worker': join(root, 'cli/render-worker.ts') },
    outdir: temp,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // Packages stay in node_modules, except small ones on the path of every `sing` (wanakana):
    // bundled, they cost no module resolution at start-up.
    external: externalPackages(),
    metafile: true,
    logLevel: 'silent',
    plugins: [keepImportMeta],
  });
  const inputs: Record<string, [number, number]> = {};
  for (const file of [...Object.keys(result.metafile.inputs), 'package-lock.json', 'bin/cli-bundle.js']) {
    const s = stamp(join(root, file)) as [number, number] | null;
    if (s) inputs[relative(root, join(root, file))] = s;
  }
  writeFileSync(join(temp, INFO_FILE), JSON.stringify({ format: BUNDLE_FORMAT, root, inputs }));
  rmSync(final, { recursive: true, force: true });
  renameSync(temp, final);
  return { inputs: Object.keys(inputs).length, ms: performance.now() - t0 };
}
