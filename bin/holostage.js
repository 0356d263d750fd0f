#!/usr/bin/env node
// Launcher: runs the TypeScript CLI directly through tsx, so `npx holostage` needs no build step.
import { register } from 'tsx/esm/api';
register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
