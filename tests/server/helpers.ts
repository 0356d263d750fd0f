// Helpers for the server integration tests: a real server on 127.0.0.1 with a random port, real
// socket.io clients, and fetch.

import { spawn } from 'node:child_process';
import { mkdtempSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io as connectIo, type Socket } from 'socket.io-client';
import { ShowServer, type ShowServerOptions } from '../../server/src/server.ts';
import { RecorderDriver } from '../../server/src/lighting/recorder-driver.ts';
import type { Timeline } from '../../show-files/src/timeline.ts';

export function tempDir(prefix = 'holostage-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A copy of the demo show in a temp folder (so setlist edits and journals never touch the repo). */
export function copyDemoShow(): string {
  const dir = join(tempDir('holostage-show-'), 'demo');
  cpSync(join(import.meta.dirname, '../../show-files/demo'), dir, { recursive: true, filter: (src) => !src.includes('.holostage') });
  return dir;
}

export async function startTestServer(timeline: Timeline | undefined, options: Partial<ShowServerOptions> = {}): Promise<{ server: ShowServer; recorder: RecorderDriver }> {
  const recorder = new RecorderDriver(null);
  const server = new ShowServer({ showDir: tempDir(), timeline, lighting: recorder, pages: 'placeholder', ...options });
  await server.start();
  return { server, recorder };
}

export function connect(url: string, token: string | undefined, extra: Record<string, unknown> = {}): Socket {
  return connectIo(url, { auth: token === undefined ? {} : { token }, transports: ['websocket'], reconnection: false, forceNew: true, ...extra });
}

/** Resolves with the first payload of `event` (or rejects on connect_error when waiting for hello). */
export function once<T = unknown>(socket: Socket, event: string): Promise<T> {
  return new Promise((resolve, reject) => {
    socket.once(event, (payload: T) => resolve(payload));
    if (event === 'hello') socket.once('connect_error', (err: Error) => reject(err));
  });
}

export function emitAck<T = unknown>(socket: Socket, event: string, ...args: unknown[]): Promise<T> {
  return new Promise((resolve) => socket.emit(event, ...args, (reply: T) => resolve(reply)));
}

export async function post(url: string, token?: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

export async function getJson(url: string, token?: string): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Poll until `check` returns a truthy value (or throw after `timeoutMs`). */
export async function waitUntil<T>(check: () => T | Promise<T>, timeoutMs = 5000, what = 'condition'): Promise<NonNullable<T>> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v as NonNullable<T>;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** `holostage serve ARGS` in a process of its own, run until it exits: its exit code and everything it printed. */
export function serveUntilExit(args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, [join(import.meta.dirname, '../../bin/holostage.js'), 'serve', ...args], { cwd: join(import.meta.dirname, '../..'), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    proc.once('exit', (code) => resolve({ code, out }));
  });
}
