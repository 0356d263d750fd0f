// Tiny flag parser shared by the server's subcommands: `--name value`, `--name=value`, `--flag`.

export interface ParsedArgs {
  flags: Map<string, string | true>;
  positional: string[];
}

export function parseArgs(args: readonly string[], booleanFlags: readonly string[] = []): ParsedArgs {
  const flags = new Map<string, string | true>();
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith('--')) {
      positional.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    if (eq > 0) flags.set(a.slice(2, eq), a.slice(eq + 1));
    else if (booleanFlags.includes(a.slice(2)) || i + 1 >= args.length || args[i + 1]!.startsWith('--')) flags.set(a.slice(2), true);
    else flags.set(a.slice(2), args[++i]!);
  }
  return { flags, positional };
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
