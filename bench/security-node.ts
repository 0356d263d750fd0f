// A show server for the security bench, in its own process: a copy of the demo show, no pages, no
// MIDI. Prints one JSON line {url, operator, viewer} once it listens; SIGTERM stops it.

import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ShowServer } from '../server/src/server.ts';
import { NullDriver } from '../server/src/lighting/driver.ts';

const dir = mkdtempSync(join(tmpdir(), 'holostage-security-bench-'));
cpSync(join(import.meta.dirname, '..', 'show-files', 'demo'), join(dir, 'show'), { recursive: true, filter: (src) => !src.includes('.holostage') });
const server = new ShowServer({ showDir: join(dir, 'show'), lighting: new NullDriver(), pages: false, port: 0, transport: { goGuardMs: 0 } });
await server.start();
process.stdout.write(`${JSON.stringify({ url: server.url, operator: server.tokens.operator, viewer: server.tokens.viewer })}\n`);
process.once('SIGTERM', () => {
  void server.close().then(() => {
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  });
});
