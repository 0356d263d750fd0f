// The floor under any fan-out on this machine, measured in the same run as the real thing: a bare
// Node TCP server writes one 300-byte frame (the size of a transport event) to N loopback
// connections held by other processes, with no socket.io, no engine.io, no ws. Whatever a show
// server spends above this per socket is its own; this much is the kernel's (on loopback the
// sender also pays for the receiving side of TCP).
//
// `node bin/run-ts.js bench/fans-tcp-floor.ts N [rounds] [clientProcesses]` prints one JSON line
// {wallMs: [...], cpuMs: [...]} (one entry per broadcast).

import { fork } from 'node:child_process';
import { createServer, connect, type Socket } from 'node:net';
import { join } from 'node:path';

const [mode, ...rest] = process.argv.slice(2);

if (mode === 'clients') {
  // A holder of raw connections: reads and drops whatever arrives.
  const [port, count] = rest.map(Number) as [number, number];
  // In batches of 200 (the listen backlog), retrying a refused or reset connect.
  const open = (): Promise<void> =>
    new Promise((resolve) => {
      const s = connect(port, '127.0.0.1', () => resolve());
      s.on('data', () => {});
      s.once('error', () => {
        s.destroy();
        setTimeout(() => void open().then(resolve), 100);
      });
    });
  for (let i = 0; i < count; i += 200) await Promise.all(Array.from({ length: Math.min(200, count - i) }, open));
  process.send!('connected');
  process.on('disconnect', () => process.exit(0));
} else {
  const n = Number(mode ?? 1000);
  const rounds = Number(rest[0] ?? 12);
  const processes = Number(rest[1] ?? 2);
  const sockets: Socket[] = [];
  const server = createServer((s) => {
    s.setNoDelay(true); // as ws does
    s.on('error', () => {});
    sockets.push(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  const share = Math.ceil(n / processes);
  const kids = Array.from({ length: processes }, (_, i) => fork(join(import.meta.dirname, '..', 'bin/run-ts.js'), [import.meta.filename, 'clients', String(port), String(Math.max(0, Math.min(share, n - i * share)))]));
  await Promise.all(kids.map((k) => new Promise((r) => k.once('message', r))));
  while (sockets.length < n) await new Promise((r) => setTimeout(r, 50));
  // A websocket text frame header (2 + 2 bytes for a 300-byte payload) and the payload, joined.
  const frame = Buffer.concat([Buffer.from([0x81, 126, 1, 44]), Buffer.alloc(300, 0x61)]);
  const wallMs: number[] = [];
  const cpuMs: number[] = [];
  for (let k = 0; k < rounds; k++) {
    await new Promise((r) => setTimeout(r, 500));
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    for (const s of sockets) s.write(frame);
    wallMs.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpuMs.push((c.user + c.system) / 1000);
  }
  process.stdout.write(`${JSON.stringify({ wallMs, cpuMs })}\n`);
  for (const k of kids) k.kill();
  for (const s of sockets) s.destroy();
  server.close();
  process.exit(0);
}
