// The whole show format under deterministic fuzzing: 1,700 mutants each of show.json, a song
// file, a JSON score, a .ust, a .ustx and a .mid, and 800 each of a MusicXML file, a .vsqx and a
// .vpr, each through load, validate and compile in this process. None may throw; every refusal names a file, a line:column and a clean path/message.
// (How long the slowest mutant takes is a bench figure: bench/security.bench.ts.)

import { describe, expect, it } from 'vitest';
import { FUZZ_KINDS, fuzzKind } from './fuzz/run.ts';

const PER_KIND = 1700;
/** The XML and Vocaloid importers read more per mutant; fewer keep the test's time in bounds. */
const FEWER: Partial<Record<(typeof FUZZ_KINDS)[number], number>> = { musicxml: 800, vsqx: 800, vpr: 800 };

describe('fuzzing the show format', () => {
  for (const [k, kind] of FUZZ_KINDS.entries()) {
    const count = FEWER[kind] ?? PER_KIND;
    it(`${kind}: ${count} mutants, no crash, every refusal clear`, async () => {
      const r = await fuzzKind(kind, 1 + k * 100_000, count);
      expect(r.seedOk, 'the unmutated file must be a valid show').toBe(true);
      expect(r.mutants).toBe(count);
      expect(r.crashes).toEqual([]);
      expect(r.unclear.slice(0, 5)).toEqual([]);
      // The mutants must really reach both answers: some pass, many are refused.
      expect(r.refused).toBeGreaterThan(count / 10);
      expect(r.accepted).toBeGreaterThan(0);
      console.log(`fuzz ${kind}: ${r.mutants} mutants, ${r.accepted} accepted, ${r.refused} refused, slowest ${r.maxMs.toFixed(1)} ms (seed ${r.maxSeed}), total ${(r.totalMs / 1000).toFixed(1)} s`);
    }, 480_000); // seconds on a quiet machine; ust took 103 s on two cores at load 25
  }
});
