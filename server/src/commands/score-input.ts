// Reading the score a CLI command was given: a broken file is reported (file and line) with exit 1.
import { readScoreFile, ScoreError, type Score } from '../../../show-files/src/score/index.ts';

/** The score, or the exit code after printing why it could not be read. */
export async function readScoreOrExit(file: string): Promise<Score | number> {
  try {
    return await readScoreFile(file);
  } catch (err) {
    if (!(err instanceof ScoreError)) throw err;
    process.stderr.write(`error: ${err.message}\n`);
    return 1;
  }
}
