// `holostage voice inspect <bank folder> [--json]`: a UTAU voicebank's aliases, kana coverage,
// pitch subfolders, terms and problems. Exit 1 when the bank cannot be read (the message names the
// file and line), 2 on usage errors.

import { openVoiceBankDir } from '../../vocal/voicebank/node.ts';
import { inspectBank } from '../../vocal/voicebank/inspect.ts';
import { VoiceBankError } from '../../vocal/voicebank/errors.ts';
import { parseArgs, UsageError } from './args.ts';

const USAGE = 'usage: holostage voice inspect <voicebank folder> [--json]\n';

export async function run(args: string[]): Promise<number> {
  const p = parseArgs(args, { booleans: ['json'], positionals: { required: ['subcommand', 'voicebank folder'] }, usage: USAGE });
  const [sub, dir] = p.positional as [string, string];
  if (sub !== 'inspect') throw new UsageError(`unknown subcommand ${JSON.stringify(sub)} (voice has: inspect)`, USAGE);
  const json = p.flags.has('json');
  let report;
  try {
    report = inspectBank(openVoiceBankDir(dir, { strict: false }));
  } catch (err) {
    if (!(err instanceof VoiceBankError)) throw err;
    process.stderr.write(`error: ${dir}: ${err.message}\n`);
    return 1;
  }
  if (json) {
    process.stdout.write(JSON.stringify(report, null, 2) + '\n');
    return 0;
  }
  const style = [report.style.cv && 'CV', report.style.vcv && 'VCV', report.style.cvvc && 'CVVC'].filter(Boolean).join(' + ');
  process.stdout.write(
    `${report.name} (${report.folder})${report.character.author ? ` by ${report.character.author}` : ''}\n` +
      `style: ${style || 'unknown'}; ${report.aliases.length} aliases from ${report.samples} samples\n` +
      `kana: ${report.kana.covered}/${report.kana.total}${report.kana.missing.length ? ` (missing ${report.kana.missing.join(' ')})` : ''}\n` +
      `pitch subfolders: ${report.subfolders.join(', ') || 'none'}${report.prefixMap ? ' (prefix.map)' : ''}\n` +
      `problems: ${report.problems.length ? '\n  ' + report.problems.join('\n  ') : 'none'}\n` +
      (report.terms ? `terms (readme.txt):\n${report.terms}\n` : ''),
  );
  return 0;
}
