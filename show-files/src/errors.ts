// Validation findings, each pointing at a file, a JSON path and a line:column.

export interface ValidationError {
  /** Path relative to the show folder, with / separators. */
  file: string;
  /** JSON path such as `cues.lighting[3].note`; empty for file-level problems. */
  path: string;
  line: number;
  column: number;
  message: string;
}

/** `songs/sakura.json:14:9 cues.lighting[3].note: expected 0-127, got 200` */
export function formatError(e: ValidationError): string {
  return `${e.file}:${e.line}:${e.column} ${e.path ? `${e.path}: ` : ''}${e.message}`;
}

/** Stable order: by file, then position, then message — so the list reads top to bottom. */
export function sortErrors(errors: ValidationError[]): ValidationError[] {
  return [...errors].sort(
    (a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || a.line - b.line || a.column - b.column || (a.message < b.message ? -1 : a.message > b.message ? 1 : 0),
  );
}
