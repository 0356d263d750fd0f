// The flag parser every subcommand shares: `--name value`, `--name=value`, `--flag`, and declared
// short forms (`-o value`). Each command declares its flags; an unknown flag, a value flag without
// its value, a value given to a switch or an argument too many is a UsageError naming the flag (with
// the nearest known one), thrown before the command does anything, so a typo never runs a show with
// a default the operator did not ask for, nor writes a file. cli/README.md shows how to declare one.

export interface ParsedArgs {
  flags: Map<string, string | true>;
  positional: string[];
}

export interface FlagSpec {
  /** Flags that take no value (`--json`). */
  booleans?: readonly string[];
  /** Flags that need a value (`--port 3000`, `--port=3000`). */
  values?: readonly string[];
  /** Other spellings of a declared flag: `{ o: 'out' }` makes `-o x` mean `--out x`, `{ output: 'out' }` `--output x`. */
  aliases?: Readonly<Record<string, string>>;
  /** The words that are not flags, in order; without it any number is taken. */
  positionals?: { required?: readonly string[]; optional?: readonly string[] };
  /** Usage text: printed after a usage error, and by `--help` / `-h` unless the command declares `help` itself. */
  usage?: string;
}

/** Bad arguments: main.ts prints `holostage <command>: <message>` and the usage, and exits 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly usage?: string,
  ) {
    super(message);
  }
}

/** `--help` on a command that declares its usage: main.ts prints it to stdout and exits 0. */
export class HelpRequest extends Error {
  constructor(readonly usage: string) {
    super('help');
  }
}

const dashed = (name: string): string => (name.length === 1 ? `-${name}` : `--${name}`);

export function parseArgs(args: readonly string[], spec: FlagSpec): ParsedArgs {
  const booleans = spec.booleans ?? [];
  const values = spec.values ?? [];
  const aliases = spec.aliases ?? {};
  const known = [...booleans, ...values];
  const fail = (message: string): never => {
    throw new UsageError(message, spec.usage);
  };
  const isFlag = (a: string): boolean => a.startsWith('--') || (/^-[^-\d.]/.test(a) && a.length > 1);
  const flags = new Map<string, string | true>();
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!isFlag(a)) {
      positional.push(a);
      continue;
    }
    if (spec.usage && !known.includes('help') && (a === '--help' || a === '-h')) throw new HelpRequest(spec.usage);
    const eq = a.indexOf('=');
    const written = (eq > 0 ? a.slice(0, eq) : a).replace(/^--?/, '');
    const short = !a.startsWith('--');
    const name = short || !known.includes(written) ? aliases[written] : written;
    if (name === undefined || !known.includes(name)) {
      const candidates = short ? Object.keys(aliases).filter((k) => k.length === 1) : [...known, ...Object.keys(aliases).filter((k) => k.length > 1)];
      fail(`unknown flag ${short ? '-' : '--'}${written}${suggest(written, candidates)}`);
    }
    const shown = dashed(written);
    if (booleans.includes(name!)) {
      if (eq > 0) fail(`${shown} takes no value`);
      flags.set(name!, true);
      continue;
    }
    let value: string | undefined;
    if (eq > 0) value = a.slice(eq + 1);
    else if (i + 1 < args.length && !isFlag(args[i + 1]!)) value = args[++i];
    if (value === undefined || value === '') fail(`${shown} needs a value`);
    flags.set(name!, value!);
  }
  if (spec.positionals) {
    const required = spec.positionals.required ?? [];
    const most = required.length + (spec.positionals.optional?.length ?? 0);
    if (positional.length < required.length) fail(`missing <${required[positional.length]}>`);
    if (positional.length > most) fail(`unexpected argument ${JSON.stringify(positional[most])}`);
  }
  return { flags, positional };
}

/** " (did you mean --x?)" for the closest known flag within a small edit distance, else "". */
export function suggest(name: string, known: readonly string[]): string {
  const best = nearest(name, known);
  return best === null ? '' : ` (did you mean ${dashed(best)}?)`;
}

/** The known word closest to a mistyped one (prefix or small edit distance), or null. */
export function nearest(name: string, known: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const k of known) {
    const d = k.startsWith(name) || name.startsWith(k) ? Math.abs(k.length - name.length) * 0.5 : editDistance(name, k);
    if (d < bestDistance) [best, bestDistance] = [k, d];
  }
  return bestDistance <= Math.max(2, name.length / 2) ? best : null;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]!;
}

export function flagString(p: ParsedArgs, name: string): string | undefined {
  const v = p.flags.get(name);
  return typeof v === 'string' ? v : undefined;
}

/** A numeric flag, or an error message. */
export function flagNumber(p: ParsedArgs, name: string, fallback: number, min = -Infinity, max = Infinity): number | string {
  const v = p.flags.get(name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (v === true || !Number.isFinite(n) || n < min || n > max) return `--${name}: expected a number from ${min} to ${max}, got ${v === true ? 'nothing' : JSON.stringify(v)}`;
  return n;
}

/** A numeric flag within [min, max]; a UsageError (with the usage) otherwise. */
export function numberFlag(p: ParsedArgs, name: string, fallback: number, min: number, max: number, usage?: string): number {
  const n = flagNumber(p, name, fallback, min, max);
  if (typeof n === 'string') throw new UsageError(n, usage);
  return n;
}
