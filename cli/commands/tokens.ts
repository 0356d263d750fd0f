// `holostage tokens`: print the access URLs and tokens again (creating them if this is the first time).

import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { accessUrls, loadOrCreateTokens, TOKENS_FILE } from '../../server/src/tokens.ts';
import { DEFAULT_SHOW } from './serve.ts';
import { flagString, parseArgs } from './args.ts';
import { studioLinks } from '../../server/src/studio/links.ts';
import { creatorCommand } from './creator-cli.ts';

const USAGE = `usage: holostage tokens [show-folder] [--show dir] [--state dir] [--host h] [--port n] [--json]
       holostage tokens --creator NAME      a studio link for one creator
       holostage tokens --revoke-creator NAME
`;

export async function run(args: string[]): Promise<number> {
  const p = parseArgs(args, {
    booleans: ['json'],
    values: ['show', 'state', 'host', 'port', 'creator', 'revoke-creator'],
    positionals: { optional: ['show-folder'] },
    usage: USAGE,
  });
  const showDir = resolve(flagString(p, 'show') ?? p.positional[0] ?? DEFAULT_SHOW);
  const stateDir = resolve(flagString(p, 'state') ?? join(showDir, '.holostage'));
  let outputIds: string[];
  try {
    const show = JSON.parse(readFileSync(join(showDir, 'show.json'), 'utf8')) as { outputs?: { id?: unknown }[] };
    outputIds = (show.outputs ?? []).map((o) => String(o.id));
  } catch (err) {
    process.stderr.write(`holostage tokens: cannot read ${join(showDir, 'show.json')}: ${(err as Error).message}\n`);
    return 1;
  }
  const tokens = loadOrCreateTokens(stateDir, outputIds);
  const creator = creatorCommand(p, stateDir);
  if (creator !== null) return creator;
  const host = flagString(p, 'host') ?? '127.0.0.1';
  const port = flagString(p, 'port') ?? '3000';
  const urls = accessUrls(`http://${host}:${port}`, tokens, outputIds);
  if (p.flags.has('json')) {
    process.stdout.write(`${JSON.stringify({ stateFile: join(stateDir, TOKENS_FILE), tokens, urls }, null, 2)}\n`);
    return 0;
  }
  process.stdout.write(`tokens in ${join(stateDir, TOKENS_FILE)}\n`);
  process.stdout.write(`  operator  ${tokens.operator}\n  viewer    ${tokens.viewer}\n`);
  for (const id of outputIds) process.stdout.write(`  output ${id}: ${tokens.outputs[id]}\n`);
  for (const u of urls) process.stdout.write(`${u.label.padEnd(22)} ${u.url}\n`);
  for (const line of studioLinks(`http://${host}:${port}`, stateDir)) process.stdout.write(`${line}\n`);
  return 0;
}
