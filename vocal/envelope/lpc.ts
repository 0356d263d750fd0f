// Linear prediction: a frame's spectral envelope as an all-pole filter. The autocorrelation method
// with the Levinson-Durbin recursion gives reflection coefficients, each strictly inside (-1, 1)
// for a non-silent frame, so any mix of two frames' coefficients is again a stable filter: the
// envelope voice interpolates between frames in this form (envelope-synth.ts).

export interface LpcFrame {
  /** Reflection coefficients k1..kp (the lattice filter's, sign as in a(i) = k_i at step i). */
  reflection: Float64Array;
  /** Direct-form predictor a1..ap of 1 + a1 z^-1 + ... + ap z^-p. */
  predictor: Float64Array;
  /** Root-mean-square of the prediction error: the level of a flat source under this envelope. */
  gain: number;
}

/** Autocorrelation r[0..order] of a frame. */
export function autocorrelation(frame: ArrayLike<number>, order: number): Float64Array {
  const r = new Float64Array(order + 1);
  const n = frame.length;
  for (let lag = 0; lag <= order; lag++) {
    let s = 0;
    for (let i = lag; i < n; i++) s += frame[i]! * frame[i - lag]!;
    r[lag] = s;
  }
  return r;
}

/** Levinson-Durbin on an autocorrelation; a silent frame gives zero coefficients and zero gain. */
export function levinson(r: Float64Array, order: number, frameLength: number): LpcFrame {
  const reflection = new Float64Array(order);
  let a = new Float64Array(order + 1);
  a[0] = 1;
  // A white floor of 40 dB under the frame keeps the recursion well conditioned (no |k| near 1
  // from a band the recording left empty).
  const r0 = r[0]! * 1.0001 + 1e-12;
  let err = r0;
  for (let i = 1; i <= order && err > 0; i++) {
    let acc = r[i]!;
    for (let j = 1; j < i; j++) acc += a[j]! * r[i - j]!;
    const k = -acc / err;
    reflection[i - 1] = k;
    const next = new Float64Array(order + 1);
    next[0] = 1;
    for (let j = 1; j < i; j++) next[j] = a[j]! + k * a[i - j]!;
    next[i] = k;
    a = next;
    err *= 1 - k * k;
  }
  return { reflection, predictor: a.subarray(1), gain: Math.sqrt(Math.max(0, err) / Math.max(1, frameLength)) };
}

/** Direct-form predictor a1..ap from reflection coefficients (the step-up recursion). */
export function predictorFromReflection(k: ArrayLike<number>, out: Float64Array = new Float64Array(k.length), scratch: Float64Array = new Float64Array(k.length)): Float64Array {
  const p = k.length;
  for (let i = 0; i < p; i++) {
    const ki = k[i]!;
    for (let j = 0; j < i; j++) scratch[j] = out[j]! + ki * out[i - 1 - j]!;
    for (let j = 0; j < i; j++) out[j] = scratch[j]!;
    out[i] = ki;
  }
  return out;
}

/** Power response in dB of gain / A(z) at frequency f (Hz) for a sample rate: for tests and analysis. */
export function envelopeDb(predictor: ArrayLike<number>, gain: number, f: number, sampleRate: number): number {
  const w = (2 * Math.PI * f) / sampleRate;
  let re = 1;
  let im = 0;
  for (let j = 0; j < predictor.length; j++) {
    re += predictor[j]! * Math.cos(w * (j + 1));
    im -= predictor[j]! * Math.sin(w * (j + 1));
  }
  return 20 * Math.log10(gain) - 10 * Math.log10(re * re + im * im);
}
