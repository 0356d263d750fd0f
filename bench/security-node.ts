// A show server for the security bench, in its own process: a copy of the demo show, no pages, no
// MIDI. Prints one JSON line {url, operator, viewer} once it listens, one {cpuMs, requests} on each
// SIGUSR2; SIGTERM stops it.

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
// SIGUSR2: the CPU time used and the requests answered since the last one (the bench's cost per request).
let requests = 0;
let cpu = process.cpuUsage();
server.http.on('request', () => requests++);
process.on('SIGUSR2', () => {
  const used = process.cpuUsage(cpu);
  process.stdout.write(`${JSON.stringify({ cpuMs: (used.user + used.system) / 1000, requests })}\n`);
  cpu = process.cpuUsage();
  requests = 0;
});
process.once('SIGTERM', () => {
  void server.close().then(() => {
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  });
});
