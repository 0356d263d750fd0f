// A TCP proxy for partition tests: one server dials the other through it, and its traffic can be
// dropped (both ends stay open, as in a real partition) and let through again.

import { createServer, connect as tcpConnect, type Server, type Socket as TcpSocket } from 'node:net';

export interface CuttableProxy {
  port: number;
  cut: (on: boolean) => void;
  close: () => Promise<void>;
}

export async function cuttableProxy(targetPort: number): Promise<CuttableProxy> {
  let cut = false;
  const open = new Set<TcpSocket>();
  const server: Server = createServer((client) => {
    const upstream = tcpConnect(targetPort, '127.0.0.1');
    for (const s of [client, upstream]) {
      open.add(s);
      s.on('error', () => {});
      s.on('close', () => (client.destroy(), upstream.destroy(), open.delete(s)));
    }
    client.on('data', (d) => cut || upstream.write(d));
    upstream.on('data', (d) => cut || client.write(d));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    cut: (on) => {
      cut = on;
      // Healing: what was dropped broke those streams, so they start again (socket.io redials).
      if (!on) for (const s of open) s.destroy();
    },
    close: () => new Promise((r) => (open.forEach((s) => s.destroy()), server.close(() => r()))),
  };
}
