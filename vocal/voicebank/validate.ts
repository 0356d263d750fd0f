// Show validation of a song's `voice.bank`: the folder must be a readable UTAU voicebank; any
// problem is a validation error naming the bank's file and line (show-folder-relative).

import { basename } from 'node:path';
import type { ValidationError } from '../../show-files/src/errors.ts';
import type { VoiceBank } from './bank.ts';
import { VoiceBankError } from './errors.ts';
import { openVoiceBankDir } from './node.ts';

export function checkVoiceBank(
  absDir: string,
  written: string,
  relToShow: (p: string) => string,
  report: { error(path: (string | number)[], message: string): void },
  errors: ValidationError[],
): VoiceBank | undefined {
  try {
    return openVoiceBankDir(absDir);
  } catch (err) {
    if (!(err instanceof VoiceBankError)) throw err;
    if (err.file === absDir || err.file === basename(absDir)) report.error(['voice', 'bank'], `voicebank "${written}": ${err.detail}`);
    else errors.push({ file: relToShow(`${written}/${err.file}`), path: '', line: err.line ?? 1, column: 1, message: `voicebank: ${err.detail}` });
    return undefined;
  }
}
