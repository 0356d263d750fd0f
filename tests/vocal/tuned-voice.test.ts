// A tuned score sings as it was tuned: the importers' pitch curve, per-note vibrato and dynamics
// drive the synthesizer's plan (and so the audio) instead of the engine's defaults.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseScore } from '../../show-files/src/score/index.ts';
import { standaloneVocal } from '../../vocal/standalone.ts';
import { DEFAULT_VOICE } from '../../vocal/track.ts';
import { planVoice } from '../../vocal/articulation.ts';
import { curveAt } from '../../vocal/dsp/curve.ts';
import { renderVocalSync } from '../../vocal/render.ts';
import type { VocalNote } from '../../show-files/src/timeline.ts';
import { phonemizeNotes } from '../../vocal/phonemize.ts';
import { fundamental } from './audio-analysis.ts';

describe('tuned scores drive the voice', () => {
  for (const file of ['tests/fixtures/scores/tuned.ust', 'tests/fixtures/scores/tuned.ustx']) {
    it(`${file}: the planned pitch follows the score's tuned curve wherever it has one`, () => {
      const score = parseScore(readFileSync(file), file);
      const { track } = standaloneVocal(score, DEFAULT_VOICE);
      const curve = track.pitchCurve!;
      expect(curve.length).toBeGreaterThan(2);
      const plan = planVoice(track, DEFAULT_VOICE);
      let checked = 0;
      for (let k = 1; k < curve.length - 1; k++) {
        const p = curve[k]!;
        if (curve[k + 1]!.time - p.time < 0.02 || p.time - curve[k - 1]!.time < 0.02) continue; // skip steps
        const note = track.notes.find((n) => n.time <= p.time && p.time < n.end);
        if (!note) continue;
        expect(curveAt(plan.pitch, p.time)).toBeCloseTo(note.pitch + p.cents / 100, 1);
        checked++;
      }
      expect(checked).toBeGreaterThan(0);
    });
  }

  it('per-note vibrato replaces the automatic one, and louder notes are voiced louder', () => {
    const notes: VocalNote[] = [
      { time: 0.3, end: 1.3, pitch: 64, lyric: 'あ', vibrato: { depth: 0.8, rate: 7, delay: 0.1, fadeIn: 0.05 }, dynamics: 0.5 },
      { time: 1.6, end: 2.6, pitch: 64, lyric: 'あ', dynamics: 1.3 },
      { time: 2.9, end: 3.9, pitch: 64, lyric: 'あ', vibrato: { depth: 0, rate: 5, delay: 0 } },
    ];
    const { phonemes } = phonemizeNotes(notes, DEFAULT_VOICE, { songStart: 0 });
    const track = { notes, phonemes, warnings: [] };
    const plan = planVoice(track, DEFAULT_VOICE);
    expect(curveAt(plan.vibratoDepth, 0.8)).toBeCloseTo(0.8, 5);
    expect(curveAt(plan.vibratoRate, 0.8)).toBeCloseTo(7, 5);
    expect(curveAt(plan.vibratoDepth, 3.5)).toBe(0); // the creator chose no vibrato here
    expect(curveAt(plan.vibratoDepth, 2.3)).toBeGreaterThan(0.1); // the default rises on an untuned long note
    expect(curveAt(plan.voicing, 2.1)).toBeGreaterThan(2 * curveAt(plan.voicing, 0.8));
    // And the audio swings: 0.8 semitone at 7 Hz is heard as a pitch that moves by over 4 %.
    const out = renderVocalSync(track, DEFAULT_VOICE);
    const at = (t: number) => (t - out.start) * out.sampleRate;
    const f0s: number[] = [];
    for (let t = 0.6; t < 1.1; t += 0.02) f0s.push(fundamental(out.samples, out.sampleRate, at(t), at(t + 0.03), 250, 420));
    expect(Math.max(...f0s) / Math.min(...f0s)).toBeGreaterThan(1.04);
  });
});
