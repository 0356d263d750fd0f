// `holostage avatar inspect <file.vrm> [--json]`: describe a VRM avatar without a browser.

import { describeVrm } from '../../stage/src/avatar/describe.ts';
import { loadVrmFile, NotAVrmError } from '../../stage/src/avatar/load-node.ts';
import { parseArgs, UsageError } from './args.ts';

const USAGE = 'usage: holostage avatar inspect <file.vrm> [--json]\n';

export async function run(args: string[]): Promise<number> {
  const p = parseArgs(args, { booleans: ['json'], positionals: { required: ['subcommand', 'file.vrm'] }, usage: USAGE });
  const [sub, file] = p.positional as [string, string];
  if (sub !== 'inspect') throw new UsageError(`unknown subcommand ${JSON.stringify(sub)} (avatar has: inspect)`, USAGE);
  const json = p.flags.has('json');
  // three-vrm warns on the console about unusual files; keep stdout clean for --json.
  const warn = console.warn;
  console.warn = (...a: unknown[]) => process.stderr.write(`${a.map(String).join(' ')}\n`);
  try {
    const vrm = await loadVrmFile(file);
    const d = describeVrm(vrm);
    if (json) process.stdout.write(`${JSON.stringify(d, null, 2)}\n`);
    else {
      process.stdout.write(
        `${file}: VRM ${d.vrmVersion} "${d.name}" by ${d.authors.join(', ') || 'unknown'}\n` +
          `  license: ${d.license.name}${d.license.otherUrl ? ` (${d.license.otherUrl})` : ''}\n` +
          `  humanoid bones (${d.humanoidBones.length}): ${d.humanoidBones.join(' ')}\n` +
          `  expressions (${d.expressions.length}): ${d.expressions.join(' ')}\n` +
          `  finger bones: ${d.fingerBones.length}; look-at: ${d.lookAt ?? 'none'}\n` +
          `  spring chains (${d.springChains.length}): ${d.springChains.map((c) => `${c.root}(${c.bones.length})`).join(' ') || 'none'}\n` +
          `  lip-sync ready: ${d.lipSyncReady ? 'yes' : 'no'}${d.missing.length ? `\n  missing: ${d.missing.join(' ')}` : ''}\n`,
      );
    }
    return 0;
  } catch (err) {
    const msg = err instanceof NotAVrmError ? err.message : `cannot read ${file}: ${(err as Error).message}`;
    process.stderr.write(`holostage avatar: ${msg}\n`);
    return 1;
  } finally {
    console.warn = warn;
  }
}
