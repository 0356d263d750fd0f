// The prebuilt CLI bundle (dist/cli/, written by scripts/build-cli.ts at install time) and the
// check that it still matches the sources. Loading one bundled file instead of ~150 TypeScript
// modules through tsx is most of `holostage sing`'s start-up; a bundle that may be stale is never
// used: any input whose size or modification time changed sends the launcher back to tsx.
import { readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const BUNDLE_FORMAT = 1;
export const INFO_FILE = '.build-info.json';

export function bundleDir(root) {
  return join(root, 'dist', 'cli');
}

/** Size and modification time of a file, or null when it is gone. */
export function stamp(file) {
  try {
    const s = statSync(file);
    return [s.size, Math.round(s.mtimeMs)];
  } catch {
    return null;
  }
}

/** The bundle's entry file when every input is unchanged since it was built; otherwise null. */
export function currentBundle(root) {
  const dir = bundleDir(root);
  let info;
  try {
    info = JSON.parse(readFileSync(join(dir, INFO_FILE), 'utf8'));
  } catch {
    return null;
  }
  if (info.format !== BUNDLE_FORMAT || info.root !== resolve(root)) return null;
  for (const [file, was] of Object.entries(info.inputs)) {
    const now = stamp(join(root, file));
    if (!now || now[0] !== was[0] || now[1] !== was[1]) return null;
  }
  const entry = join(dir, 'main.mjs');
  return stamp(entry) ? entry : null;
}
