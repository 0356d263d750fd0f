// The synth voice's timbre, shared by the graph (synth.ts) and the plan (singer-plan.ts), which
// uses it to predict how loud each vowel comes out at each pitch and even the levels out.

/** Formant peaks over the source: gain in dB and Q of F1, F2, F3 (peaking filters). */
export const FORMANT_PEAKS: readonly { gainDb: number; q: number }[] = [
  { gainDb: 20, q: 4 },
  { gainDb: 17, q: 6 },
  { gainDb: 12, q: 8 },
];

/** Harmonic amplitudes fall as 1/n^SOURCE_SLOPE: a little darker than a sawtooth, brighter than a real glottis. */
export const SOURCE_SLOPE = 1.2;
export const SOURCE_HARMONICS = 80;

/** |H(f)| of an RBJ-cookbook peaking filter (what Web Audio's "peaking" BiquadFilter is). */
export function peakingMagnitude(f: number, centre: number, gainDb: number, q: number, sampleRate: number): number {
  const A = Math.pow(10, gainDb / 40);
  const w0 = (2 * Math.PI * Math.min(centre, sampleRate * 0.49)) / sampleRate;
  const alpha = Math.sin(w0) / (2 * q);
  const cos = Math.cos(w0);
  const b0 = 1 + alpha * A;
  const b1 = -2 * cos;
  const b2 = 1 - alpha * A;
  const a0 = 1 + alpha / A;
  const a1 = -2 * cos;
  const a2 = 1 - alpha / A;
  const w = (2 * Math.PI * f) / sampleRate;
  const c1 = Math.cos(w);
  const s1 = Math.sin(w);
  const c2 = Math.cos(2 * w);
  const s2 = Math.sin(2 * w);
  const nr = b0 + b1 * c1 + b2 * c2;
  const ni = -(b1 * s1 + b2 * s2);
  const dr = a0 + a1 * c1 + a2 * c2;
  const di = -(a1 * s1 + a2 * s2);
  return Math.sqrt((nr * nr + ni * ni) / (dr * dr + di * di));
}

/** Predicted RMS of the voiced chain (before its envelope) for a pitch and formant set. */
export function voicedLoudness(f0: number, formants: readonly number[], sampleRate = 44100): number {
  let energy = 0;
  for (let h = 1; h <= SOURCE_HARMONICS && h * f0 < sampleRate / 2; h++) {
    const f = h * f0;
    let amp = 1 / Math.pow(h, SOURCE_SLOPE);
    for (let k = 0; k < FORMANT_PEAKS.length; k++) amp *= peakingMagnitude(f, formants[k]!, FORMANT_PEAKS[k]!.gainDb, FORMANT_PEAKS[k]!.q, sampleRate);
    energy += amp * amp;
  }
  return Math.sqrt(energy / 2);
}
