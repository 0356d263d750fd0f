// Which browser pages there are, under which route, and where their sources sit in the repository.

import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export interface PageSpec {
  route: string;
  title: string;
  /** Candidate (folder, html file) pairs, first found wins. */
  sources: { root: string; html: string }[];
}

export const PAGES: PageSpec[] = [
  { route: '/stage', title: 'Stage output', sources: [{ root: 'stage', html: 'index.html' }] },
  { route: '/desk', title: 'Control desk', sources: [{ root: 'control-desk', html: 'index.html' }] },
  { route: '/studio', title: 'Creator studio', sources: [{ root: 'studio', html: 'index.html' }] },
  { route: '/live', title: 'Fan viewer', sources: [{ root: 'viewer', html: 'index.html' }, { root: 'live', html: 'index.html' }, { root: 'stage', html: 'live.html' }] },
];

/** Find the source of a page in the repository, or null. */
export function pageSource(page: PageSpec, repoRoot = REPO_ROOT): { root: string; html: string } | null {
  for (const s of page.sources) {
    const root = join(repoRoot, s.root);
    if (existsSync(join(root, s.html))) return { root, html: s.html };
  }
  return null;
}
