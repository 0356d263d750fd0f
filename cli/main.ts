// The `holostage` command: a thin dispatcher. Each subcommand lives in commands/<name>.ts and
// exports `run(args): Promise<number>` (the exit code); modules load lazily so `validate` does not
// pay for three.js or Web Audio. Commands parse their arguments with commands/args.ts and throw a
// UsageError on bad ones, printed here once for all (cli/README.md: adding a command).

import { HelpRequest, nearest, UsageError } from './commands/args.ts';

export interface CommandModule {
  run(args: string[]): Promise<number>;
}

interface CommandEntry {
  summary: string;
  load: () => Promise<CommandModule>;
}

const commands: Record<string, CommandEntry> = {
  validate: { summary: 'validate <show>            check a show folder; list every error with file:line:col', load: () => import('./commands/validate.ts') },
  compile: { summary: 'compile <show> --json      compile a show to its timeline', load: () => import('./commands/compile.ts') },
  score: { summary: 'score <file> --json        read a score (.ust .ustx .mid .json .musicxml .mxl .vsqx .vpr): notes, phonemes, duration', load: () => import('./commands/score.ts') },
  sing: { summary: 'sing <file> -o out.wav [--bank dir]   render the sung vocal line to a WAV (with a UTAU voicebank)', load: () => import('./commands/sing.ts') },
  voice: { summary: 'voice inspect <dir> --json   describe a UTAU voicebank: aliases, kana coverage, problems', load: () => import('./commands/voice.ts') },
  serve: { summary: 'serve [--show dir] [--port n] [--host h]   run the show controller', load: () => import('./commands/serve.ts') },
  tokens: { summary: 'tokens [--show dir]        print the access URLs and tokens again', load: () => import('./commands/tokens.ts') },
  ltc: { summary: 'ltc --fps 25 --start 01:00:00:00 --duration 60 -o ltc.wav   SMPTE LTC timecode as a WAV (or --show dir)', load: () => import('./commands/ltc.ts') },
  midi: { summary: 'midi list                  list MIDI output ports', load: () => import('./commands/midi.ts') },
  avatar: { summary: 'avatar inspect <file.vrm> --json   describe a VRM avatar', load: () => import('./commands/avatar.ts') },
};

export function usage(): string {
  const lines = Object.values(commands).map((c) => `  holostage ${c.summary}`);
  return `usage:\n${lines.join('\n')}\n`;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return name ? 0 : 2;
  }
  const entry = commands[name];
  if (!entry) {
    const guess = nearest(name, Object.keys(commands));
    process.stderr.write(`holostage: unknown command "${name}"${guess ? ` (did you mean ${guess}?)` : ''}\n${usage()}`);
    return 2;
  }
  let mod: CommandModule;
  try {
    mod = await entry.load();
  } catch (err) {
    process.stderr.write(`holostage ${name}: this command could not be loaded: ${(err as Error).message}\n`);
    return 2;
  }
  try {
    return await mod.run(rest);
  } catch (err) {
    if (err instanceof HelpRequest) {
      process.stdout.write(err.usage);
      return 0;
    }
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`holostage ${name}: ${err.message}\n${err.usage ?? ''}`);
    return 2;
  }
}
