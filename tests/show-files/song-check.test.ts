// The fast song check (show-files/src/song-check.ts) must answer exactly as the song schema does:
// the same verdict, the same data, the same findings. Held side by side over every field of every
// plain cue shape set to a pool of awkward values, and over the fuzz suite's song mutants.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { songSchema } from '../../show-files/src/schema.ts';
import { checkSong } from '../../show-files/src/song-check.ts';
import { parseJson } from '../../show-files/src/json-fast.ts';
import { mutateJson, rng } from '../security/fuzz/mutate.ts';

const ALPHA = readFileSync(join(import.meta.dirname, '..', 'fixtures', 'base-show', 'songs', 'alpha.json'), 'utf8');

/** What a parse says, in a form two parses can be compared by. */
function verdict(r: z.ZodSafeParseResult<unknown>): { ok: true; data: unknown } | { ok: false; findings: string[] } {
  if (r.success) return { ok: true, data: r.data };
  return { ok: false, findings: r.error.issues.map((i) => `${i.path.join('.')} | ${i.code} | ${i.message}${'keys' in i ? ` | ${(i.keys as string[]).join(',')}` : ''}`).sort() };
}

function expectSame(song: unknown, what: string): boolean {
  const fast = verdict(checkSong(song));
  expect(fast, what).toEqual(verdict(songSchema.safeParse(song)));
  return fast.ok;
}

const PLAIN_CUES = {
  lighting: [
    { at: '1:1', type: 'noteOn', channel: 2, note: 60, velocity: 100, label: 'on' },
    { at: 1, type: 'noteOff', channel: 16, note: 0, velocity: 0, label: 'off' },
    { at: '2:3:240', type: 'cc', channel: 1, controller: 7, value: 127, label: 'fader' },
    { at: 0, type: 'program', channel: 3, program: 5, label: 'look' },
    { at: 3600, type: 'msc', command: 'GO', cue: '12.5', list: 1, label: 'go' },
    { at: 2, type: 'msc', command: 'ALL_OFF' },
  ],
  motion: [
    { at: '1:1', clip: 'dance', blend: 0.3, duration: 2 },
    { at: 1, clip: 'moves/wave.vmd' },
  ],
  camera: [{ at: '1:1', shot: 'custom', position: [0, 1.5, 3], target: [0, 1, 0], fov: 35, move: 2 }],
  effects: [{ at: '1:1', effect: 'fog', duration: 2, intensity: 0.5, color: '#a0B0c0' }],
};

const AWKWARD: unknown[] = [
  undefined, null, true, -1, -0, 0, 0.005, 0.01, 0.5, 1, 1.5, 4, 5, 10, 12, 16, 17, 60, 61, 120, 121, 127, 128, 200, 255, 3600, 3600.5, 1e21, 2 ** 53,
  '', ' ', '0', '1', '12.5', '1.', '1..2', '12345678901234567', '1:1', '1:1:0', '1:1:480', ' 1:1', '99999:1', 'dance', ' dance', 'idle ', 'wave.vmd',
  'wave.vmd ', 'x.VRMA', 'x.txt', 'GO', 'go', 'STOP', 'medium', 'sparkles', 'noteOn', 'dmx', '#ffffff', '#fffffg', 'x'.repeat(200), 'x'.repeat(201),
  [], [1, 2], [1, 2, 3], [1, 2, 3, 4], [0, 1001, 0], ['1', 2, 3], {}, { x: 1 },
];

describe('the fast song check answers as the schema does', () => {
  it('for every field of every plain cue set to each of a pool of awkward values (and unknown keys)', () => {
    const base = JSON.parse(ALPHA) as Record<string, unknown>;
    let cases = 0;
    let accepted = 0;
    for (const [track, cues] of Object.entries(PLAIN_CUES)) {
      for (const cue of cues as Record<string, unknown>[]) {
        expect(expectSame({ ...base, cues: { [track]: [cue] } }, `${track} ${JSON.stringify(cue)}`)).toBe(true);
        for (const field of [...Object.keys(cue), 'type', 'cue', 'list', 'channel', 'extra', '__proto__']) {
          for (const value of AWKWARD) {
            const changed: Record<string, unknown> = { ...cue };
            if (value === undefined) delete changed[field];
            else Object.defineProperty(changed, field, { value, enumerable: true, writable: true, configurable: true });
            if (expectSame({ ...base, cues: { [track]: [cue, changed] } }, `${track}.${field} = ${JSON.stringify(value)} in ${JSON.stringify(cue)}`)) accepted++;
            cases++;
          }
        }
      }
    }
    // Both kinds were tried: many cues the check accepts, many it refuses.
    expect(cases).toBeGreaterThan(5000);
    expect(accepted).toBeGreaterThan(500);
    expect(cases - accepted).toBeGreaterThan(3000);
  });

  it('for 3,000 mutants of a song file (the fuzz suite\'s own mutator and seeds)', () => {
    let compared = 0;
    for (let seed = 100_000; seed < 103_000; seed++) {
      let song: unknown;
      try {
        song = parseJson(mutateJson(ALPHA, rng(seed))).value;
      } catch {
        continue; // not JSON (or nested past the limit): refused before either check
      }
      expectSame(song, `seed ${seed}`);
      compared++;
    }
    expect(compared).toBeGreaterThan(1000);
  });
});
