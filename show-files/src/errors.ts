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

/** Longest quoted value kept in a message; the rest is elided (a 5,000-character id helps nobody). */
const MAX_QUOTED = 80;

/**
 * A message as a person should read it: a value that was simply absent reads "missing" rather
 * than "got undefined", and long quoted values are shortened.
 */
export function tidyMessage(message: string): string {
  const shortened = message
    .replace(/,? got undefined\b/g, ' (missing)')
    .replace(/"((?:[^"\\]|\\.){80,})"/g, (_m, inner: string) => `"${inner.slice(0, MAX_QUOTED - 20)}…" (${inner.length} characters)`);
  return shortened.length > 1000 ? `${shortened.slice(0, 1000)}…` : shortened;
}

export function tidyErrors(errors: ValidationError[]): ValidationError[] {
  return errors.map((e) => ({ ...e, message: tidyMessage(e.message) }));
}
