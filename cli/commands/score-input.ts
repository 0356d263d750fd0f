// Reading the score a CLI command was given: a broken file is reported (file and line) with exit 1.
import { ScoreError, type Score, type ScoreImportOptions } from '../../show-files/src/score/model.ts';
import { readScoreFile } from '../../show-files/src/score/read-file.ts';

/** The score, or the exit code after printing why it could not be read. */
export async function readScoreOrExit(file: string, options: ScoreImportOptions = {}): Promise<Score | number> {
  try {
    return await readScoreFile(file, options);
  } catch (err) {
    if (!(err instanceof ScoreError)) throw err;
    process.stderr.write(`error: ${err.message}\n`);
    return 1;
  }
}

/** The MusicXML / Vocaloid choices (--part, --voice, --verse) taken out of the arguments. */
export function takeImportOptions(args: string[]): { options: ScoreImportOptions; rest: string[] } | { error: string } {
  const options: ScoreImportOptions = {};
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const key = a === '--part' ? 'part' : a === '--voice' ? 'voice' : a === '--verse' ? 'verse' : undefined;
    if (!key) {
      rest.push(a);
      continue;
    }
    const value = args[++i];
    if (value === undefined || value.startsWith('--')) return { error: `${a} needs a value` };
    options[key] = value;
  }
  return { options, rest };
}
