// A loopback TCP proxy that delays every chunk by a random time (default 20 ± 10 ms) in each
// direction, keeping byte order as TCP must: the clock-sync test and benchmark run socket.io
// through it to see how the sync copes with a jittery network.

import { createServer, connect, type Server, type Socket } from 'node:net';

export interface DelayProxyOptions {
  targetPort: number;
  targetHost?: string;
  meanMs?: number;
  jitterMs?: number;
  /** Random source in [0, 1); pass a seeded one for repeatable runs. */
  random?: () => number;
}

export interface DelayProxy {
  port: number;
  close(): Promise<void>;
}

function pipeWithDelay(from: Socket, to: Socket, delay: () => number): void {
  let lastDue = 0;
  from.on('data', (chunk) => {
    // A later chunk may not overtake an earlier one.
    const due = Math.max(lastDue, performance.now() + delay());
    lastDue = due;
    // A timer may fire up to a millisecond early (whole milliseconds, a cached loop time): wait
    // out the rest, so no chunk ever arrives sooner than its delay.
    const send = (): void => {
      const left = due - performance.now();
      if (left > 0) setTimeout(send, left);
      else if (!to.destroyed) to.write(chunk);
    };
    setTimeout(send, due - performance.now());
  });
  from.on('end', () => setTimeout(() => to.end(), Math.max(0, lastDue - performance.now())));
  from.on('error', () => to.destroy());
}

export async function startDelayProxy(options: DelayProxyOptions): Promise<DelayProxy> {
  const mean = options.meanMs ?? 20;
  const jitter = options.jitterMs ?? 10;
  const random = options.random ?? Math.random;
  const delay = (): number => mean + (random() * 2 - 1) * jitter;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    client.setNoDelay(true);
    const upstream = connect({ port: options.targetPort, host: options.targetHost ?? '127.0.0.1' });
    upstream.setNoDelay(true);
    sockets.add(client).add(upstream);
    const drop = (): void => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', drop);
    upstream.on('close', drop);
    pipeWithDelay(client, upstream, delay);
    pipeWithDelay(upstream, client, delay);
  });
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', () => res()));
  const addr = server.address();
  return {
    port: typeof addr === 'object' && addr ? addr.port : 0,
    close: () =>
      new Promise<void>((res) => {
        for (const s of sockets) s.destroy();
        server.close(() => res());
      }),
  };
}
