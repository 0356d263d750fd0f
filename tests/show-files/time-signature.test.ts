// A damaged time signature (found by the fuzz suite: `beat_unit: 99999999999` in a .ustx ran the
// auto-direction's beat grid out of memory) is sung in 4/4 with a warning, in every format.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseScore } from '../../show-files/src/score/index.ts';

describe('time signatures from score files', () => {
  it('a .ustx with an absurd beat unit is read in 4/4 and says so', () => {
    const text = readFileSync('tests/fixtures/scores/two-parts.ustx', 'utf8').replace(/beat_unit: 4/g, 'beat_unit: 99999999999');
    expect(text).toContain('99999999999');
    const score = parseScore(new TextEncoder().encode(text), 'two-parts.ustx');
    expect(score.timeSignature).toEqual({ numerator: 4, denominator: 4 });
    expect(score.warnings.join('\n')).toMatch(/time signature 3\/99999999999 is not usable; 4\/4 is used instead/);
  });

  it('a JSON score with 0 beats a bar is read in 4/4; 6/8 stays 6/8', () => {
    const json = (ts: string) => new TextEncoder().encode(JSON.stringify({ format: 'holostage-score', resolution: 480, timeSignature: ts, notes: [{ tick: 0, length: 480, pitch: 60, lyric: 'ら' }] }));
    const odd = (() => {
      try {
        return parseScore(json('0/4'), 'a.json');
      } catch (err) {
        return err as Error;
      }
    })();
    // The JSON importer may refuse it outright with its line; if it reads it, it must be 4/4.
    if (odd instanceof Error) expect(odd.message).toMatch(/a\.json/);
    else expect(odd.timeSignature).toEqual({ numerator: 4, denominator: 4 });
    expect(parseScore(json('6/8'), 'b.json').timeSignature).toEqual({ numerator: 6, denominator: 8 });
  });
});
