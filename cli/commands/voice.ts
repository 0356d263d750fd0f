// `holostage voice inspect <bank folder> [--json] [--lyrics FILE]`: a UTAU voicebank's aliases,
// kana coverage (and English CVVC coverage for an English bank), pitch subfolders, terms and
// problems; with --lyrics, the aliases (English phone pairs) that lyric needs and the bank lacks.
// Exit 1 when the bank or the lyrics cannot be read (the message names the file and line), 2 on
// usage errors.

import { readFileSync } from 'node:fs';
import { openVoiceBankDir } from '../../vocal/voicebank/node.ts';
import { inspectBank } from '../../vocal/voicebank/inspect.ts';
import { VoiceBankError } from '../../vocal/voicebank/errors.ts';
import { lyricNeeds, type LyricNeeds } from '../../vocal/voicebank/lyric-needs.ts';
import { flagString, parseArgs, UsageError } from './args.ts';

const USAGE = 'usage: holostage voice inspect <voicebank folder> [--json] [--lyrics lyrics.txt]\n';

export async function run(args: string[]): Promise<number> {
  const p = parseArgs(args, { booleans: ['json'], values: ['lyrics'], positionals: { required: ['subcommand', 'voicebank folder'] }, usage: USAGE });
  const [sub, dir] = p.positional as [string, string];
  if (sub !== 'inspect') throw new UsageError(`unknown subcommand ${JSON.stringify(sub)} (voice has: inspect)`, USAGE);
  const json = p.flags.has('json');
  const lyricsFile = flagString(p, 'lyrics');
  let lyricsText: string | undefined;
  if (lyricsFile) {
    try {
      lyricsText = readFileSync(lyricsFile, 'utf8');
    } catch (err) {
      process.stderr.write(`error: ${lyricsFile}: cannot read the lyrics (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})\n`);
      return 1;
    }
  }
  let report;
  let needs: LyricNeeds | undefined;
  try {
    const bank = openVoiceBankDir(dir, { strict: false });
    report = inspectBank(bank);
    if (lyricsText !== undefined) needs = lyricNeeds(bank, lyricsText);
  } catch (err) {
    if (!(err instanceof VoiceBankError)) throw err;
    process.stderr.write(`error: ${dir}: ${err.message}\n`);
    return 1;
  }
  if (json) {
    process.stdout.write(JSON.stringify(needs ? { ...report, lyrics: { file: lyricsFile, ...needs } } : report, null, 2) + '\n');
    return 0;
  }
  const style = [report.style.cv && 'CV', report.style.vcv && 'VCV', report.style.cvvc && 'CVVC', report.style.english && 'English (ARPAsing pairs)'].filter(Boolean).join(' + ');
  const list = (xs: string[], max = 40) => (xs.length > max ? `${xs.slice(0, max).join(', ')}, … (${xs.length - max} more)` : xs.join(', '));
  process.stdout.write(
    `${report.name} (${report.folder})${report.character.author ? ` by ${report.character.author}` : ''}\n` +
      `style: ${style || 'unknown'}; ${report.aliases.length} aliases from ${report.samples} samples\n` +
      `kana: ${report.kana.covered}/${report.kana.total}${report.kana.missing.length && report.kana.covered ? ` (missing ${report.kana.missing.join(' ')})` : ''}\n` +
      (report.english ? `English CVVC pairs: ${report.english.covered}/${report.english.total}${report.english.missing.length ? ` (missing ${list(report.english.missing)})` : ''}\n` : '') +
      (needs ? `lyrics ${lyricsFile}: ${needs.needed} aliases needed, ${needs.missing.length ? `${needs.missing.length} missing: ${needs.missing.join(', ')}` : 'none missing'}${needs.unsung.length ? `\n  ${needs.unsung.join('\n  ')}` : ''}\n` : '') +
      `pitch subfolders: ${report.subfolders.join(', ') || 'none'}${report.prefixMap ? ' (prefix.map)' : ''}\n` +
      `problems: ${report.problems.length ? '\n  ' + report.problems.join('\n  ') : 'none'}\n` +
      (report.terms ? `terms (readme.txt):\n${report.terms}\n` : ''),
  );
  return 0;
}
