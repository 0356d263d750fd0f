// A show server for the fans benchmark, run as its own process (the clients live in another):
// `node bin/run-ts.js bench/fans-node.ts [--redis <url>] [--edge]`. A synthetic one-hour show, no
// pages, no MIDI. Prints one JSON line {url, viewer, operator} once it listens.

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ShowServer } from '../server/src/server.ts';
import { NullDriver } from '../server/src/lighting/driver.ts';
import type { Timeline } from '../show-files/src/timeline.ts';

export function benchTimeline(): Timeline {
  const length = 3600;
  const settings = { width: 1280, height: 720, latencyMs: 0, mirror: { horizontal: false, vertical: false }, keystone: { topLeft: { x: 0, y: 0 }, topRight: { x: 1, y: 0 }, bottomRight: { x: 1, y: 1 }, bottomLeft: { x: 0, y: 1 } }, gain: 1, blackLevel: 0, audio: true };
  return {
    format: 'holostage-timeline',
    version: 1,
    show: { title: 'Fans bench' },
    outputs: [{ id: 'stream', kind: 'stream', settings }],
    lighting: { port: 'none', channel: 1, mscDeviceId: 1 },
    duration: length,
    entries: [{ index: 0, kind: 'song', id: 's', title: 'Long song', start: 0, end: length, encore: false, holdAfter: false, transition: { type: 'cut', seconds: 0 }, song: 0 }],
    songs: [{
      id: 's', title: 'Long song', credits: [{ role: 'composer', name: 'bench' }], license: { name: 'CC0-1.0' }, tags: [],
      tempo: [{ tick: 0, bpm: 120 }], timeSignature: { numerator: 4, denominator: 4 }, start: 0, duration: length, score: 'scores/s.json',
      voice: { transpose: 0, gainDb: 0, vibrato: { depth: 0, rate: 5, delay: 0.3 }, portamento: 0.05, formantShift: 0, preutterance: 0.05 },
      tracks: { vocal: { notes: [], phonemes: [], warnings: [] }, motion: [], camera: [], effects: [], lighting: [] },
    }],
  } as Timeline;
}

const args = process.argv.slice(2);
const redisAt = args.indexOf('--redis');
// The journal goes to tmpfs when there is one: this bench measures the fan-out over the network;
// the journal's fdatasync (which a transport change waits for) is measured in bench/server.bench.ts
// and on a shared disk it would swamp everything here.
const base = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
const server = new ShowServer({
  showDir: mkdtempSync(join(base, 'holostage-fans-bench-')),
  timeline: benchTimeline(),
  lighting: new NullDriver(),
  pages: false,
  port: 0,
  transport: { goGuardMs: 0 },
  // Every simulated viewer connects from this one machine: lift the per-address caps a venue keeps.
  connectionLimits: { viewer: 1_000_000 },
  fansPerAddress: 1_000_000,
  redisUrl: redisAt >= 0 ? args[redisAt + 1] : undefined,
  edge: args.includes('--edge'),
});
await server.start();
process.stdout.write(`${JSON.stringify({ url: server.url, viewer: server.tokens.viewer, operator: server.tokens.operator })}\n`);
const stop = (): void =>
  void server.close().then(() => {
    rmSync(server.showDir, { recursive: true, force: true });
    process.exit(0);
  });
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
