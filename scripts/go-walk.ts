// `node bin/run-ts.js scripts/go-walk.ts`: the measured walk of a GO from the desk to the outputs
// (tests/tools/go-walk.ts), branch by branch and stop by stop, and its figures, as quoted in
// docs/ARCHITECTURE.md. `--json` prints the recorded walk as JSON instead
// (tests/tools/go-walk.test.ts runs it that way, in a process of its own).

import { recordGoWalk } from '../tests/tools/go-walk.ts';
import { chainsOf, crossings, figuresOf, returnTrips, stopsOf, type WalkStep } from '../tests/tools/walk.ts';

/** A clock read is a stop that only ran the server clock's `now` (server/src/clock.ts). */
const CLOCK_FN = 'now';

const walk = await recordGoWalk();
const out = process.stdout;
if (process.argv.includes('--json')) {
  out.write(JSON.stringify(walk) + '\n', () => process.exit(0));
} else {
  const legs = ['desk: the GO leaves', 'server: command to announcement', 'a client takes the new state'];
  const figures = (steps: WalkStep[]): string => {
    const f = figuresOf(steps, CLOCK_FN);
    return `${f.stops} stops, ${f.returns} A->B->A returns (${f.returnsBesidesClockReads} besides clock reads), ${f.backAndForth.length} A->B->A->B back-and-forth (${f.backAndForthBesidesClockReads} besides clock reads)`;
  };
  let n = 0;
  for (const chain of chainsOf(walk.kept)) {
    const stops = stopsOf(chain);
    const trips = returnTrips(stops);
    out.write(`-- ${legs[chain[0]!.root]} (call ${chain[0]!.call}; ${figures(chain)})\n`);
    stops.forEach((s, i) => {
      const back = trips.find((t) => t.at === i);
      out.write(`${String(++n).padStart(3)}. ${s.file.padEnd(40)} ${s.fns.filter(Boolean).join(', ')}${back ? `   (then back to ${back.from})` : ''}\n`);
    });
  }
  const server = stopsOf(walk.kept.filter((k) => k.root === 1));
  out.write(
    `\nGO answered ${String(walk.reply.ok)}; ${walk.lightingMessages} lighting messages; ${walk.steps} steps taken, ${walk.kept.length} on the GO's chain, ${walk.kept.filter((k) => k.file).length} in project files\n` +
      `whole walk: ${figures(walk.kept)}\n` +
      `controller.ts -> transport.ts ${crossings(server, 'server/src/show/controller.ts', 'server/src/transport.ts')}, transport.ts -> controller.ts ${crossings(server, 'server/src/transport.ts', 'server/src/show/controller.ts')}\n`,
    () => process.exit(0),
  );
}
