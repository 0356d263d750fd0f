// The broken-show corpus: each folder under tests/fixtures/broken-shows/ holds only the files that
// differ from tests/fixtures/base-show/ plus `expected.txt`, the exact error list it must give.

import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
export const BASE_SHOW = join(FIXTURES, 'base-show');
export const CORPUS = join(FIXTURES, 'broken-shows');

export function corpusCases(): string[] {
  return readdirSync(CORPUS, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}

/** Base show with the case's files laid over it, in a fresh temp folder. Returns [dir, cleanup]. */
export function materializeCase(name: string): [string, () => void] {
  const dir = mkdtempSync(join(tmpdir(), `holostage-${name}-`));
  cpSync(BASE_SHOW, dir, { recursive: true });
  cpSync(join(CORPUS, name), dir, { recursive: true, filter: (src) => !src.endsWith('expected.txt') });
  return [dir, () => rmSync(dir, { recursive: true, force: true })];
}
