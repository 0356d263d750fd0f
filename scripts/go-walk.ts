// `node bin/run-ts.js scripts/go-walk.ts`: the measured walk of a GO from the desk to the outputs
// (tests/tools/go-walk.ts), stop by stop, and its figures, as quoted in docs/ARCHITECTURE.md.
// `--json` prints the recorded walk as JSON instead (tests/tools/go-walk.test.ts runs it that way,
// in a process of its own).

import { recordGoWalk } from '../tests/tools/go-walk.ts';
import { backAndForth, crossings, returnTrips, stopsOf, withoutClockReads, type WalkStep } from '../tests/tools/walk.ts';

const walk = await recordGoWalk();
const out = process.stdout;
if (process.argv.includes('--json')) {
  out.write(JSON.stringify(walk) + '\n', () => process.exit(0));
} else {
  const legs = ['desk: the GO leaves', 'server: command to announcement', 'outputs: the new state taken'];
  let n = 0;
  // A clock read is a stop that only ran the server clock's `now` (server/src/clock.ts).
  const figures = (steps: WalkStep[]): string => {
    const stops = stopsOf(steps);
    const clockless = withoutClockReads(stops, 'now');
    return `${stops.length} stops, ${returnTrips(stops).length} A->B->A returns (${returnTrips(clockless).length} without clock reads), ${backAndForth(stops).length} A->B->A->B back-and-forth (${backAndForth(clockless).length} without clock reads)`;
  };
  legs.forEach((leg, root) => {
    const steps = walk.kept.filter((k) => k.root === root);
    const stops = stopsOf(steps);
    const trips = returnTrips(stops);
    out.write(`-- ${leg} (${figures(steps)})\n`);
    stops.forEach((s, i) => {
      const back = trips.find((t) => t.at === i);
      out.write(`${String(++n).padStart(3)}. ${s.file.padEnd(40)} ${s.fns.filter(Boolean).join(', ')}${back ? `   (then back to ${back.from})` : ''}\n`);
    });
  });
  const all = stopsOf(walk.kept);
  out.write(
    `\nGO answered ${String(walk.reply.ok)}; ${walk.lightingMessages} lighting messages; ${walk.steps} steps taken, ${walk.kept.length} on the GO's chain, ${walk.kept.filter((k) => k.file).length} in project files\n` +
      `whole walk: ${figures(walk.kept)}\n` +
      `controller.ts -> transport.ts ${crossings(all, 'server/src/show/controller.ts', 'server/src/transport.ts')}, transport.ts -> controller.ts ${crossings(all, 'server/src/transport.ts', 'server/src/show/controller.ts')}\n`,
    () => process.exit(0),
  );
}
