// Helpers for the desk tests: a real show server on a copy of the demo show (with the desk API it
// mounts itself), a recording lighting driver, and headless chromium.

import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ShowServer, serverClock, type ShowServerOptions } from '../../server/src/server.ts';
import { RecorderDriver } from '../../server/src/lighting/recorder-driver.ts';
import type { DeskApi } from '../../server/src/desk-api.ts';


/** A copy of the demo show in a fresh temp folder (edits and journals never touch the repo). */
export function copyDemo(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'holostage-desk-')), 'show');
  cpSync(join(import.meta.dirname, '../../show-files/demo'), dir, { recursive: true, filter: (src) => !src.includes('.holostage') });
  return dir;
}

export interface DeskServer {
  server: ShowServer;
  recorder: RecorderDriver;
  desk: DeskApi;
  showDir: string;
  /** The desk page with the operator token. */
  deskUrl: string;
  close(): Promise<void>;
}

export async function startDeskServer(showDir = copyDemo(), options: Partial<ShowServerOptions> = {}): Promise<DeskServer> {
  const recorder = new RecorderDriver(null, serverClock);
  const server = new ShowServer({ showDir, lighting: recorder, pages: 'auto', ...options });
  await server.start();
  const desk = server.deskApi!;
  return {
    server,
    recorder,
    desk,
    showDir,
    deskUrl: `${server.url}/desk/?token=${server.tokens.operator}`,
    close: () => server.close(),
  };
}

export { launchChromium } from '../chromium.ts';
