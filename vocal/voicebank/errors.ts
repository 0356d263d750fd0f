// Errors and findings about a voicebank, always naming the file (bank-relative) and, for text
// files, the line, so a creator can open the file and fix it.

export class VoiceBankError extends Error {
  constructor(
    readonly file: string,
    readonly detail: string,
    readonly line?: number,
  ) {
    super(`${file}${line !== undefined ? `:${line}` : ''}: ${detail}`);
    this.name = 'VoiceBankError';
  }
}

/** A finding that does not stop the bank from singing (a duplicate alias, a short sample, ...). */
export interface BankProblem {
  file: string;
  line?: number;
  message: string;
}

export function describeProblem(p: BankProblem): string {
  return `${p.file}${p.line !== undefined ? `:${p.line}` : ''}: ${p.message}`;
}
