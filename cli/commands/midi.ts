// `holostage midi list`: the MIDI output ports lighting can use. Never crashes on a machine
// without MIDI: RtMidi's failure is reported as a sentence.

import { listMidiOutputs } from '../../server/src/lighting/easymidi-driver.ts';
import { parseArgs, UsageError } from './args.ts';

const USAGE = 'usage: holostage midi list\n';

export async function run(args: string[]): Promise<number> {
  const [sub] = parseArgs(args, { positionals: { required: ['subcommand'] }, usage: USAGE }).positional;
  if (sub !== 'list') throw new UsageError(`unknown subcommand ${JSON.stringify(sub)} (midi has: list)`, USAGE);
  const result = listMidiOutputs();
  if (!result.ok) {
    process.stdout.write(`MIDI is not available on this system: ${result.error}\n(lighting will be retried while a show runs; use --midi null to run without it)\n`);
    return 1;
  }
  if (result.ports.length === 0) {
    process.stdout.write('no MIDI output ports\n');
    return 0;
  }
  result.ports.forEach((name, i) => process.stdout.write(`${i}: ${name}\n`));
  return 0;
}
