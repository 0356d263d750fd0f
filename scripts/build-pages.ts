// `npm run build:pages` (also run by `npm install` through "prepare"): builds the stage, desk and
// fan viewer bundles that `serve` hands out. `serve` builds them itself when they are missing or
// stale, so this only moves that work to install time.

import { ensurePagesBuilt } from '../server/src/pages-build.ts';

const result = await ensurePagesBuilt(undefined, (line) => process.stdout.write(`${line}\n`));
if (result.built.length === 0 && result.failed.length === 0) process.stdout.write('pages: up to date\n');
for (const f of result.failed) process.stderr.write(`pages: ${f.route} failed: ${f.error}\n`);
// Under `npm install` a failed build must not fail the install: `serve` tries again at start and
// raises an alarm for a page it cannot build. Run directly (npm run build:pages), it is an error.
process.exitCode = result.failed.length && process.env.npm_lifecycle_event !== 'prepare' ? 1 : 0;

// The CLI bundle too (fast `holostage` start-up); without it the launcher runs the sources via tsx.
try {
  const { buildCli } = await import('./build-cli.ts');
  const cli = await buildCli();
  process.stdout.write(`cli: bundled ${cli.inputs} files in ${cli.ms.toFixed(0)} ms\n`);
} catch (err) {
  process.stderr.write(`cli: not bundled (${(err as Error).message}); holostage runs from source\n`);
}
