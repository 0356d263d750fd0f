// Every `holostage` command refuses a mistyped flag and a flag without its value the same way: the
// message names the flag (and the nearest declared one), the usage follows, the exit code is 2 and
// nothing is written. Run as a user runs them: real child processes of bin/holostage.js.

import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HelpRequest, parseArgs, UsageError } from '../../cli/commands/args.ts';

const repoRoot = join(import.meta.dirname, '../..');
const scratch = mkdtempSync(join(tmpdir(), 'holostage-flags-'));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function holostage(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, [join(repoRoot, 'bin/holostage.js'), ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    proc.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    proc.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs at most `n` child processes at once: each compiles the CLI through tsx, and CI has two cores. */
async function limited<T, R>(items: readonly T[], n: number, f: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await f(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: n }, worker));
  return results;
}

interface Case {
  command: string;
  args: string[];
  /** The first line of stderr, exactly. */
  message: string;
  /** A path the command would have written had it run. */
  untouched?: string;
}

const out = (name: string): string => join(scratch, name);
const twinkle = 'tests/fixtures/scores/twinkle.json';

// A wrong flag and a missing value for every command (a command without value flags: its missing argument).
const cases: Case[] = [
  { command: 'validate', args: ['validate', 'show-files/demo', '--jsno'], message: 'holostage validate: unknown flag --jsno (did you mean --json?)' },
  { command: 'validate', args: ['validate', '--json'], message: 'holostage validate: missing <show-folder>' },
  { command: 'compile', args: ['compile', 'show-files/demo', '-o', out('a.json'), '--jsn'], message: 'holostage compile: unknown flag --jsn (did you mean --json?)', untouched: out('a.json') },
  { command: 'compile', args: ['compile', 'show-files/demo', '--json', '-o'], message: 'holostage compile: -o needs a value' },
  { command: 'compile', args: ['compile', 'show-files/demo', '--out', '--json'], message: 'holostage compile: --out needs a value' },
  { command: 'score', args: ['score', twinkle, '--vers', '2'], message: 'holostage score: unknown flag --vers (did you mean --verse?)' },
  { command: 'score', args: ['score', twinkle, '--json', '--part'], message: 'holostage score: --part needs a value' },
  { command: 'sing', args: ['sing', twinkle, '-o', out('b.wav'), '--gian', '3'], message: 'holostage sing: unknown flag --gian (did you mean --gain?)', untouched: out('b.wav') },
  { command: 'sing', args: ['sing', twinkle, '-o', out('c.wav'), '--transpose'], message: 'holostage sing: --transpose needs a value', untouched: out('c.wav') },
  { command: 'sing', args: ['sing', twinkle, '-p', out('d.wav')], message: 'holostage sing: unknown flag -p (did you mean -o?)', untouched: out('d.wav') },
  { command: 'voice', args: ['voice', 'inspect', scratch, '--jsno'], message: 'holostage voice: unknown flag --jsno (did you mean --json?)' },
  { command: 'voice', args: ['voice', 'inspect', '--json'], message: 'holostage voice: missing <voicebank folder>' },
  { command: 'avatar', args: ['avatar', 'inspect', 'assets/avatars/holo.vrm', '--jsn'], message: 'holostage avatar: unknown flag --jsn (did you mean --json?)' },
  { command: 'avatar', args: ['avatar', 'inspect'], message: 'holostage avatar: missing <file.vrm>' },
  { command: 'serve', args: ['serve', '--state', out('serve-state'), '--portt', '0'], message: 'holostage serve: unknown flag --portt (did you mean --port?)', untouched: out('serve-state') },
  { command: 'serve', args: ['serve', '--state', out('serve-state2'), '--midi'], message: 'holostage serve: --midi needs a value', untouched: out('serve-state2') },
  { command: 'tokens', args: ['tokens', '--state', out('tok-state'), '--jsno'], message: 'holostage tokens: unknown flag --jsno (did you mean --json?)', untouched: out('tok-state') },
  { command: 'tokens', args: ['tokens', '--state', out('tok-state2'), '--creator'], message: 'holostage tokens: --creator needs a value', untouched: out('tok-state2') },
  { command: 'ltc', args: ['ltc', '--fsp', '25', '--duration', '5', '-o', out('e.wav')], message: 'holostage ltc: unknown flag --fsp (did you mean --fps?)', untouched: out('e.wav') },
  { command: 'ltc', args: ['ltc', '--duration', '5', '-o'], message: 'holostage ltc: -o needs a value' },
  { command: 'midi', args: ['midi', 'list', '--al'], message: 'holostage midi: unknown flag --al' },
  { command: 'midi', args: ['midi'], message: 'holostage midi: missing <subcommand>' },
];

describe('holostage flags, every command', { timeout: 300_000 }, () => {
  it('the table above covers every command in cli/commands/', () => {
    const commands = readdirSync(join(repoRoot, 'cli/commands'))
      .filter((f) => f.endsWith('.ts') && /export async function run\(/.test(readFileSync(join(repoRoot, 'cli/commands', f), 'utf8')))
      .map((f) => f.replace(/\.ts$/, ''))
      .sort();
    expect(commands.length).toBeGreaterThanOrEqual(9);
    for (const c of commands) {
      const mine = cases.filter((k) => k.command === c);
      expect(mine.length, `cases for "holostage ${c}"`).toBeGreaterThanOrEqual(2);
    }
  });

  it('refuses a wrong flag or a missing value: the flag named, the usage shown, exit 2, nothing written', async () => {
    const runs = await limited(cases, 3, (c) => holostage(c.args));
    cases.forEach((c, i) => {
      const r = runs[i]!;
      const label = `holostage ${c.args.join(' ')}`;
      expect(r.code, label).toBe(2);
      expect(r.stderr.split('\n')[0], label).toBe(c.message);
      expect(r.stderr, label).toMatch(new RegExp(`usage: holostage ${c.command}`));
      expect(r.stdout, label).toBe('');
      if (c.untouched) expect(existsSync(c.untouched), `${label} wrote ${c.untouched}`).toBe(false);
    });
  });

  it('prints a command\'s usage for --help, and still runs what is well typed (tokens --creator)', async () => {
    const state = out('creators');
    const [help, creator, revoke, misspelt] = await limited(
      [['sing', '--help'], ['tokens', '--state', state, '--creator', 'Mio Hanazawa'], ['tokens', '--state', state, '--revoke-creator', 'Mio Hanazawa'], ['compil', 'show-files/demo']],
      1,
      holostage,
    );
    expect(help!.code).toBe(0);
    expect(help!.stdout).toMatch(/^usage: holostage sing <score> -o out\.wav/);
    expect(creator!.code, creator!.stderr).toBe(0);
    expect(creator!.stdout).toMatch(/creator "Mio Hanazawa" \(\S+\)\n {2}token {3}\S+\n {2}studio {2}http:\/\/127\.0\.0\.1:3000\/studio\/\?token=\S+/);
    expect(revoke!.code, revoke!.stderr).toBe(0);
    expect(revoke!.stdout).toContain('revoked the studio token of "Mio Hanazawa"');
    expect(misspelt!.code).toBe(2);
    expect(misspelt!.stderr).toContain('holostage: unknown command "compil" (did you mean compile?)');
  });
});

describe('parseArgs', () => {
  const spec = { booleans: ['json'], values: ['out', 'transpose'], aliases: { o: 'out', output: 'out' }, positionals: { required: ['score'], optional: ['extra'] }, usage: 'usage: x\n' };
  const error = (args: string[]): string => {
    try {
      parseArgs(args, spec);
    } catch (err) {
      if (err instanceof UsageError) return err.message;
      throw err;
    }
    return 'no error';
  };

  it('reads --name value, --name=value, short and long aliases, and negative numbers as values', () => {
    const p = parseArgs(['a.ust', '-o', 'x.wav', '--transpose', '-3', '--json'], spec);
    expect(p.positional).toEqual(['a.ust']);
    expect([...p.flags]).toEqual([['out', 'x.wav'], ['transpose', '-3'], ['json', true]]);
    expect(parseArgs(['a', '--output=y.wav', 'b'], spec).flags.get('out')).toBe('y.wav');
    expect(parseArgs(['a', '--transpose=-12'], spec).flags.get('transpose')).toBe('-12');
  });

  it('refuses what it does not know, with the nearest flag', () => {
    expect(error(['a', '--jsn'])).toBe('unknown flag --jsn (did you mean --json?)');
    expect(error(['a', '--outptu', 'x'])).toBe('unknown flag --outptu (did you mean --out?)');
    expect(error(['a', '-x'])).toBe('unknown flag -x (did you mean -o?)');
    expect(error(['a', '--zzzzzzzz'])).toBe('unknown flag --zzzzzzzz');
    expect(error(['a', '--out'])).toBe('--out needs a value');
    expect(error(['a', '-o', '--json'])).toBe('-o needs a value');
    expect(error(['a', '--out='])).toBe('--out needs a value');
    expect(error(['a', '--json=yes'])).toBe('--json takes no value');
    expect(error([])).toBe('missing <score>');
    expect(error(['a', 'b', 'c'])).toBe('unexpected argument "c"');
    expect(() => parseArgs(['a', '--help'], spec)).toThrow(HelpRequest);
  });
});
