// Damaged files of every new format: each mutant either gives a valid score (with a valid pitch
// curve, vibratos and dynamics, and a vocal track built from it) or a ScoreError naming the file.
import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { zipSync } from 'fflate';
import { parseScore, ScoreError, type Score } from '../../show-files/src/score/index.ts';
import { TempoMap } from '../../show-files/src/tempo.ts';
import { buildVocalTrack, DEFAULT_VOICE } from '../../vocal/track.ts';
import { rng } from './random.ts';

const MUTANTS = 300;

const SPECIAL = '0123456789-.<>/="[]{},:;\n';

function mutate(bytes: Uint8Array, random: () => number): Uint8Array {
  const out = new Uint8Array(bytes);
  const edits = 1 + Math.floor(random() * 8);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(random() * out.length);
    const kind = random();
    if (kind < 0.5) out[at] = Math.floor(random() * 256);
    else if (kind < 0.85) out[at] = SPECIAL.charCodeAt(Math.floor(random() * SPECIAL.length));
    else return out.subarray(0, at);
  }
  return out;
}

function invalid(score: Score): string | undefined {
  for (const n of score.notes) {
    if (!(Number.isFinite(n.tick) && n.tick >= 0 && Number.isFinite(n.durationTicks) && n.durationTicks > 0 && Number.isInteger(n.pitch) && n.pitch >= 0 && n.pitch <= 127)) return `note ${JSON.stringify(n)}`;
    if (n.dynamics !== undefined && !(Number.isFinite(n.dynamics) && n.dynamics >= 0)) return `dynamics ${n.dynamics}`;
    const v = n.vibrato;
    if (v && ![v.depth, v.rate, v.delay, v.fadeIn ?? 0, v.fadeOut ?? 0].every((x) => Number.isFinite(x) && x >= 0)) return `vibrato ${JSON.stringify(v)}`;
  }
  const c = score.pitchCurve;
  if (c) {
    for (let i = 0; i < c.length; i++) {
      if (!Number.isFinite(c[i]!.tick) || !Number.isFinite(c[i]!.cents)) return `curve point ${JSON.stringify(c[i])}`;
      if (i > 0 && c[i]!.tick < c[i - 1]!.tick) return `curve out of order at ${i}`;
    }
  }
  return undefined;
}

async function fixture(name: string): Promise<Uint8Array> {
  return new Uint8Array(await readFile(`tests/fixtures/scores/${name}`));
}

describe('new importers survive damaged files', () => {
  it(`returns a valid score or a ScoreError for ${MUTANTS} mutants of each format`, async () => {
    const xml = await fixture('repeat-verses.musicxml');
    const container = new TextEncoder().encode('<container><rootfiles><rootfile full-path="s.musicxml"/></rootfiles></container>');
    const vprJson = await fixture('vpr-sequence.json');
    // For the zip formats both the archive bytes and the file inside are damaged.
    const sources: [string, Uint8Array, ((b: Uint8Array) => Uint8Array)?][] = [
      ['song.musicxml', xml],
      ['song.xml', await fixture('pickup-6-8.musicxml')],
      ['song.mxl', zipSync({ 'META-INF/container.xml': container, 's.musicxml': xml })],
      ['inner.mxl', xml, (b) => zipSync({ 'META-INF/container.xml': container, 's.musicxml': b })],
      ['song.vsqx', await fixture('tuned-v4.vsqx')],
      ['old.vsqx', await fixture('plain-v3.vsqx')],
      ['song.vpr', zipSync({ 'Project/sequence.json': vprJson })],
      ['inner.vpr', vprJson, (b) => zipSync({ 'Project/sequence.json': b })],
      ['tuned.ust', await fixture('tuned.ust')],
      ['tuned.ustx', await fixture('tuned.ustx')],
    ];
    const random = rng(20261130);
    for (const [name, bytes, wrap] of sources) {
      let ok = 0;
      let refused = 0;
      for (let i = 0; i < MUTANTS; i++) {
        const damaged = wrap ? wrap(mutate(bytes, random)) : mutate(bytes, random);
        let score: Score;
        try {
          score = parseScore(damaged, name);
        } catch (err) {
          if (!(err instanceof ScoreError)) throw new Error(`${name} mutant ${i} crashed: ${(err as Error).stack}`);
          if (!err.message.startsWith(name)) throw new Error(`${name} mutant ${i}: the error does not name the file: ${err.message}`);
          refused++;
          continue;
        }
        const problem = invalid(score);
        if (problem) throw new Error(`${name} mutant ${i} gave an invalid ${problem}`);
        const map = new TempoMap(score.tempo, score.resolution);
        const track = buildVocalTrack(score, (t) => map.secondsAt(t), DEFAULT_VOICE);
        if (track.notes.length !== score.notes.length) throw new Error(`${name} mutant ${i}: the track lost notes`);
        ok++;
      }
      expect(ok + refused).toBe(MUTANTS);
      // Both outcomes happen: the mutants are neither all harmless nor all fatal.
      expect(refused, name).toBeGreaterThan(0);
      expect(ok, name).toBeGreaterThan(0);
    }
  }, 120_000);
});
