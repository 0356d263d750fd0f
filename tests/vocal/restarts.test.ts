// The synthesizer's restarts (vocal/dsp/restarts.ts): where they fall, that what they cut off is
// silence, and that a render from any point is the same samples as that part of a whole render.

import { describe, expect, it } from 'vitest';
import { restartPositions, zeroIntervals, QUIET_BEFORE_RESTART } from '../../vocal/dsp/restarts.ts';
import { createSynth, renderChunks, renderRange } from '../../vocal/dsp/render-plan.ts';
import { planVoice, type TunedTrack } from '../../vocal/articulation.ts';
import { standaloneVocal } from '../../vocal/standalone.ts';
import { DEFAULT_VOICE } from '../../vocal/track.ts';
import { parseScore } from '../../show-files/src/score/index.ts';
import { phraseSong } from './phrase-song.ts';

const whole = (plan: ReturnType<typeof planVoice>, sr: number) => {
  const it = renderChunks(plan, sr, plan.start, plan.end, 4096);
  let s = it.next();
  while (!s.done) s = it.next();
  return s.value;
};

describe('synth restarts', () => {
  it('finds where curves are exactly zero, and restarts only inside silences of every source', () => {
    expect(zeroIntervals({ times: [0, 1, 2, 3], values: [0, 0, 1, 0] })).toEqual([[-Infinity, 1], [3, Infinity]]);
    expect(zeroIntervals({ times: [], values: [] })).toEqual([[-Infinity, Infinity]]);
    const voicing = { times: [0, 1, 1.01, 2, 2.01, 3], values: [1, 1, 0, 0, 1, 1] };
    const noise = { times: [0, 1.05, 1.06, 1.1, 1.11], values: [0, 0, 0.3, 0.3, 0] };
    // Voicing is silent over [1.01, 2]; noise sounds at 1.05-1.11, so all are silent over [1.01, 1.05]
    // (too short) and [1.11, 2].
    const at = restartPositions([voicing, noise], 0, 3, 1000, 32);
    expect(at).toEqual([Math.ceil(((1.11 + QUIET_BEFORE_RESTART) * 1000) / 32) * 32]);
    // A silence shorter than the minimum gets none.
    expect(restartPositions([{ times: [0, 1, 1.01, 1.05, 1.06], values: [1, 1, 0, 0, 1] }], 0, 2, 1000, 32)).toEqual([]);
  });

  for (const engine of ['formant', 'envelope'] as const) {
    it(`${engine} voice: restarts in the rests of a real song, where the output is already silent`, () => {
      const voice = { ...DEFAULT_VOICE, engine };
      const { track } = standaloneVocal(parseScore(new TextEncoder().encode(phraseSong()), 'phrases.json'), voice);
      const plan = planVoice(track as TunedTrack, voice);
      expect(plan.envelope !== undefined).toBe(engine === 'envelope');
      const sr = 22050;
      const restarts = createSynth(plan, sr).restartSamples;
      expect(restarts.length).toBeGreaterThanOrEqual(2);
      const all = whole(plan, sr);
      let loud = 0;
      for (const x of all) loud = Math.max(loud, Math.abs(x));
      expect(loud).toBeGreaterThan(0.05);
      for (const r of restarts) {
        let tail = 0;
        for (let i = r - 256; i < r; i++) tail = Math.max(tail, Math.abs(all[i]!));
        expect(tail).toBeLessThan(1e-6);
      }
    });

    it(`${engine} voice: renders any part, from before, at or after a restart, as the same samples as the whole`, () => {
      const voice = { ...DEFAULT_VOICE, engine };
      const { track } = standaloneVocal(parseScore(new TextEncoder().encode(phraseSong()), 'phrases.json'), voice);
      const plan = planVoice(track as TunedTrack, voice);
      expect(plan.envelope !== undefined).toBe(engine === 'envelope');
      // The envelope voice renders at 22.05 kHz inside: also through its resampler (48 kHz, a browser's rate).
      for (const sr of engine === 'envelope' ? [22050, 48000] : [22050]) {
        const all = whole(plan, sr);
        const restarts = createSynth(plan, sr).restartSamples;
        for (const from of [restarts[0]! - 100, restarts[0]!, restarts[0]! + 1, restarts[1]! + 5000]) {
          const part = renderRange(plan, sr, from, from + 20000);
          expect(Array.from(part)).toEqual(Array.from(all.subarray(from, from + 20000)));
        }
        // Windows in show seconds go through the same skip.
        const t = plan.start + (restarts[1]! + 777) / sr;
        const it = renderChunks(plan, sr, t, t + 0.5, 1000);
        let s = it.next();
        while (!s.done) s = it.next();
        expect(Array.from(s.value)).toEqual(Array.from(all.subarray(restarts[1]! + 777, restarts[1]! + 777 + s.value.length)));
      }
    });
  }
});
