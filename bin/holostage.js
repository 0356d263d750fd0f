#!/usr/bin/env node
// Launcher: runs the prebuilt bundle of the CLI when it matches the sources (fast start-up), and
// otherwise the TypeScript sources directly through tsx, so a change never needs a build step.
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { currentBundle } from './cli-bundle.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const bundle = process.env.HOLOSTAGE_NO_BUNDLE ? null : currentBundle(root);
let main;
if (bundle) {
  // Worker threads the CLI starts load their entries from the same bundle.
  process.env.HOLOSTAGE_CLI_BUNDLE = dirname(bundle);
  ({ main } = await import(pathToFileURL(bundle).href));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../cli/main.ts'));
}
process.exitCode = await main(process.argv.slice(2));
