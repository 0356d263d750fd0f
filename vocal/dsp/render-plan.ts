// Rendering a plan: the synth that sings it (the envelope voice for a plan with an envelope
// track, otherwise the formant voice), a whole plan or any window of it.

import { EnvelopeSynth } from './envelope-synth.ts';
import { VoiceSynth } from './voice-synth.ts';
import type { Synth, SynthPlan } from './synth-plan.ts';

export function createSynth(plan: SynthPlan, sampleRate: number): Synth {
  return plan.envelope ? new EnvelopeSynth(plan, sampleRate) : new VoiceSynth(plan, sampleRate);
}

/**
 * Renders [from, to) of a plan into a new buffer, yielding the fraction done after each chunk.
 * Samples before the window are skipped (from the last restart before it, see restarts.ts), so
 * any window is exactly the same samples as that part of a whole render.
 */
export function* renderChunks(plan: SynthPlan, sampleRate: number, from: number, to: number, chunk: number): Generator<number, Float32Array> {
  const out = new Float32Array(Math.max(1, Math.round((to - from) * sampleRate)));
  const synth = createSynth(plan, sampleRate);
  const skip = Math.round((from - plan.start) * sampleRate);
  if (skip > 0) synth.skip(skip, new Float32Array(Math.max(1, Math.min(chunk, 1 << 16))));
  // A window that starts before the plan is silent until the plan begins.
  const planEnd = Math.min(out.length, Math.round((plan.end - from) * sampleRate));
  let pos = Math.max(0, -skip);
  while (pos < planEnd) {
    const n = Math.min(chunk, planEnd - pos);
    synth.render(out.subarray(pos, pos + n));
    pos += n;
    yield pos / planEnd;
  }
  return out;
}

/** Samples [from, to) of a plan (counted from its start), as a whole render would give them. */
export function renderRange(plan: SynthPlan, sampleRate: number, from: number, to: number): Float32Array {
  const synth = createSynth(plan, sampleRate);
  if (from > 0) synth.skip(from);
  const out = new Float32Array(Math.max(0, to - from));
  for (let pos = 0; pos < out.length; pos += 1 << 16) synth.render(out.subarray(pos, Math.min(out.length, pos + (1 << 16))));
  return out;
}
