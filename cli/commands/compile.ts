// `holostage compile <show> --json [-o file]`: the compiled timeline, byte-for-byte deterministic.
import { writeFile } from 'node:fs/promises';
import { compileShowFolder, timelineToJson } from '../../show-files/src/compile.ts';
import { formatError } from '../../show-files/src/errors.ts';

export async function run(args: string[]): Promise<number> {
  const outIndex = args.findIndex((a) => a === '-o' || a === '--out');
  const outFile = outIndex >= 0 ? args[outIndex + 1] : undefined;
  const target = args.find((a, i) => !a.startsWith('-') && (outIndex < 0 || i !== outIndex + 1));
  if (!target || (outIndex >= 0 && !outFile)) {
    process.stderr.write('usage: holostage compile <show-folder> --json [-o timeline.json]\n');
    return 2;
  }
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
