// Addresses: whether a host is this machine only, and the URL a listening server prints (the LAN
// address when it listens on every interface, so the venue network can reach it).

import type { Server as HttpServer } from 'node:http';
import { networkInterfaces } from 'node:os';

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** The first non-internal IPv4 address of this machine, if any. */
function lanAddress(): string | null {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return null;
}

/** The URL pages reach a listening server at. */
export function listeningUrl(http: HttpServer, host: string, port: number | undefined): string {
  const addr = http.address();
  const bound = typeof addr === 'object' && addr ? addr.port : port;
  const shown = host === '0.0.0.0' || host === '::' ? (lanAddress() ?? '127.0.0.1') : host;
  return `http://${shown.includes(':') ? `[${shown}]` : shown}:${bound}`;
}
