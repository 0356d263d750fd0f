// `holostage tokens --creator NAME` (issue or show that creator's studio link),
// `--revoke-creator NAME` (the link stops working at once; drafts stay). Returns the exit code,
// or null when neither flag was given.

import { issueCreator, revokeCreator } from '../../server/src/studio/creators.ts';
import { flagString, type ParsedArgs } from './args.ts';

export function creatorCommand(p: ParsedArgs, stateDir: string): number | null {
  const base = `http://${flagString(p, 'host') ?? '127.0.0.1'}:${flagString(p, 'port') ?? '3000'}`;
  if (p.flags.has('revoke-creator')) {
    const name = flagString(p, 'revoke-creator');
    if (!name) return fail('--revoke-creator needs the creator\'s name');
    const n = revokeCreator(stateDir, name);
    if (n === 0) return fail(`no creator "${name}" with a live token`);
    process.stdout.write(`revoked the studio token of "${name}"; their drafts stay in ${stateDir}/studio\n`);
    return 0;
  }
  if (!p.flags.has('creator')) return null;
  const name = flagString(p, 'creator');
  if (!name) return fail('--creator needs a name: holostage tokens --creator "NAME"');
  try {
    const c = issueCreator(stateDir, name);
    const url = `${base}/studio/?token=${c.token}`;
    if (p.flags.has('json')) process.stdout.write(`${JSON.stringify({ creator: { id: c.id, name: c.name }, token: c.token, url }, null, 2)}\n`);
    else process.stdout.write(`creator "${c.name}" (${c.id})\n  token   ${c.token}\n  studio  ${url}\n`);
    return 0;
  } catch (err) {
    return fail((err as Error).message);
  }
}

function fail(message: string): number {
  process.stderr.write(`holostage tokens: ${message}\n`);
  return 2;
}
