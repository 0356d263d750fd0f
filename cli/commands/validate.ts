// `holostage validate <show>`: every error at once, as file:line:col path: message. Exit 1 on any.
import { compileShowFolder } from '../../show-files/src/compile.ts';
import { formatError } from '../../show-files/src/errors.ts';
import { parseArgs } from './args.ts';

export async function run(args: string[]): Promise<number> {
  const p = parseArgs(args, { booleans: ['json'], positionals: { required: ['show-folder'] }, usage: 'usage: holostage validate <show-folder> [--json]\n' });
  const target = p.positional[0]!;
  const asJson = p.flags.has('json');
  const result = await compileShowFolder(target);
  if (asJson) {
    process.stdout.write(`${JSON.stringify({ ok: result.ok, errors: result.ok ? [] : result.errors, warnings: result.warnings }, null, 2)}\n`);
    return result.ok ? 0 : 1;
  }
  for (const w of result.warnings) process.stderr.write(`warning: ${w}\n`);
  if (!result.ok) {
    for (const e of result.errors) process.stdout.write(`${formatError(e)}\n`);
    process.stdout.write(`\n${result.errors.length} error${result.errors.length === 1 ? '' : 's'}: the show cannot start until they are fixed.\n`);
    return 1;
  }
  const t = result.timeline;
  const cues = t.songs.reduce((n, s) => n + s.tracks.motion.length + s.tracks.camera.length + s.tracks.lighting.length + s.tracks.effects.length, 0);
  const mins = Math.floor(t.duration / 60);
  const secs = Math.round(t.duration % 60).toString().padStart(2, '0');
  process.stdout.write(`ok: "${t.show.title}" — ${t.entries.length} entries, ${t.songs.length} songs, ${cues} cues, ${t.outputs.length} outputs, running time ${mins}:${secs}\n`);
  return 0;
}
