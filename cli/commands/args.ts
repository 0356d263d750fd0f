// The flag parser every subcommand shares: `--name value`, `--name=value`, `--flag`. Each command
// declares its flags; an unknown flag or a value flag without its value is an error that names the
// nearest known flag, so a typo never runs a show with a default the operator did not ask for.

export interface ParsedArgs {
  flags: Map<string, string | true>;
  positional: string[];
}

export interface FlagSpec {
  /** Flags that take no value. */
  booleans: readonly string[];
  /** Flags that need a value. */
  values: readonly string[];
}

export class UsageError extends Error {}

export function parseArgs(args: readonly string[], spec: FlagSpec): ParsedArgs {
  const flags = new Map<string, string | true>();
  const positional: string[] = [];
  const known = [...spec.booleans, ...spec.values];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith('--')) {
      positional.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
    if (!known.includes(name)) throw new UsageError(`unknown flag --${name}${suggest(name, known)}`);
    if (spec.booleans.includes(name)) {
      if (eq > 0) throw new UsageError(`--${name} takes no value`);
      flags.set(name, true);
    } else if (eq > 0) flags.set(name, a.slice(eq + 1));
    else if (i + 1 < args.length && !args[i + 1]!.startsWith('--')) flags.set(name, args[++i]!);
    else throw new UsageError(`--${name} needs a value`);
  }
  return { flags, positional };
}

/** " (did you mean --x?)" for the closest known flag within a small edit distance, else "". */
export function suggest(name: string, known: readonly string[]): string {
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const k of known) {
    const d = k.startsWith(name) || name.startsWith(k) ? Math.abs(k.length - name.length) * 0.5 : editDistance(name, k);
    if (d < bestDistance) [best, bestDistance] = [k, d];
  }
  return best !== null && bestDistance <= Math.max(2, name.length / 2) ? ` (did you mean --${best}?)` : '';
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
