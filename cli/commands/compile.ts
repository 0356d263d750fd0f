// `holostage compile <show> --json [-o file]`: the compiled timeline, byte-for-byte deterministic.
import { writeFile } from 'node:fs/promises';
import { compileShowFolder, timelineToJson } from '../../show-files/src/compile.ts';
import { formatError } from '../../show-files/src/errors.ts';
import { flagString, parseArgs } from './args.ts';

const USAGE = 'usage: holostage compile <show-folder> [--json] [-o timeline.json]\n';

export async function run(args: string[]): Promise<number> {
  // The timeline is always JSON; --json is accepted so the documented form works.
  const p = parseArgs(args, { booleans: ['json'], values: ['out'], aliases: { o: 'out' }, positionals: { required: ['show-folder'] }, usage: USAGE });
  const target = p.positional[0]!;
  const outFile = flagString(p, 'out');
  const result = await compileShowFolder(target);
  for (const w of result.warnings) process.stderr.write(`warning: ${w}\n`);
  if (!result.ok) {
    for (const e of result.errors) process.stderr.write(`${formatError(e)}\n`);
    return 1;
  }
  const json = timelineToJson(result.timeline);
  if (outFile) await writeFile(outFile, json);
  else process.stdout.write(json);
  return 0;
}
