// Reading the score a CLI command was given: a broken file is reported (file and line) with exit 1.
import { flagString, type ParsedArgs } from './args.ts';
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

/** The flags that pick what to read from a MusicXML / Vocaloid file. */
export const IMPORT_FLAGS = ['part', 'voice', 'verse'] as const;

/** The MusicXML / Vocaloid choices (--part, --voice, --verse) given on the command line. */
export function importOptionsOf(p: ParsedArgs): ScoreImportOptions {
  const options: ScoreImportOptions = {};
  for (const key of IMPORT_FLAGS) {
    const value = flagString(p, key);
    if (value !== undefined) options[key] = value;
  }
  return options;
}
