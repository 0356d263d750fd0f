// The resampler: one oto entry sung for one note, by TD-PSOLA. Grains two periods long are cut
// around the sample's pitch marks (epochs.ts) and laid down again one *target* period apart: the
// pitch follows the planned curve while each grain keeps the vocal tract's response, so the
// formants stay where the singer's were. The fixed (consonant) area plays at its own speed; only
// the rest of the entry is stretched to fill the note, as UTAU resamplers do.

import type { PitchMarks } from './epochs.ts';

export interface ResampleJob {
  /** The whole sample file at `sampleRate`, and its pitch marks. */
  source: Float32Array;
  marks: PitchMarks;
  sampleRate: number;
  /** The entry in the source, seconds: its start (oto offset), its fixed area and its length. */
  entryStart: number;
  fixed: number;
  entryLength: number;
  /** Output length in samples. */
  length: number;
  /** Target frequency (Hz) at an output sample. */
  frequencyAt: (outputSample: number) => number;
}

/** Index of the mark nearest to position p (samples). */
function nearestMark(at: Float64Array, p: number, hint: number): number {
  let k = Math.min(Math.max(hint, 0), at.length - 1);
  while (k > 0 && at[k]! > p) k--;
  while (k + 1 < at.length && at[k + 1]! <= p) k++;
  return k + 1 < at.length && at[k + 1]! - p < p - at[k]! ? k + 1 : k;
}

export function resample(job: ResampleJob): Float32Array {
  const { source, marks, sampleRate: sr, length } = job;
  const out = new Float32Array(length);
  const n = marks.at.length;
  if (n < 3) return out;
  const fixed = Math.min(job.fixed, job.entryLength) * sr;
  const entryStart = job.entryStart * sr;
  const entryLen = job.entryLength * sr;
  const stretch = length > fixed ? (entryLen - fixed) / (length - fixed) : 1;
  const sourceAt = (t: number) => entryStart + (t < fixed ? t : fixed + (t - fixed) * stretch);
  const entryEnd = entryStart + entryLen;
  let t = 0;
  let hint = 0;
  while (t < length) {
    const s = Math.min(sourceAt(t), entryEnd);
    const k = Math.max(1, Math.min(n - 2, nearestMark(marks.at, s, hint)));
    hint = k;
    const centre = marks.at[k]!;
    const left = centre - marks.at[k - 1]!;
    const right = marks.at[k + 1]! - centre;
    let step: number;
    let gain = 1;
    if (marks.voiced[k]) {
      step = sr / job.frequencyAt(t);
      // Keep the level: grains per second change by (source period / target period).
      gain = Math.sqrt(Math.min(4, step / (0.5 * (left + right))));
    } else step = 0.5 * (left + right);
    const at = Math.round(t);
    const c = Math.round(centre);
    const from = Math.max(-Math.floor(left), -at, -c);
    const to = Math.min(Math.floor(right), length - 1 - at, source.length - 1 - c);
    for (let d = from; d <= to; d++) {
      // Asymmetric Hann: rises over the previous period, falls over the next one.
      const w = d < 0 ? 0.5 + 0.5 * Math.cos((Math.PI * d) / left) : 0.5 + 0.5 * Math.cos((Math.PI * d) / right);
      out[at + d]! += gain * w * source[c + d]!;
    }
    t += Math.max(1, step);
  }
  return out;
}
