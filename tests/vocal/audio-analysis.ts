// Small signal measurements for tests on rendered audio.

export function rms(samples: Float32Array, from: number, to: number): number {
  let s = 0;
  const a = Math.max(0, Math.floor(from));
  const b = Math.min(samples.length, Math.floor(to));
  for (let i = a; i < b; i++) s += samples[i]! * samples[i]!;
  return b > a ? Math.sqrt(s / (b - a)) : 0;
}

/**
 * Fundamental frequency by normalized autocorrelation over [from, to) samples, searching periods
 * for frequencies in [minHz, maxHz]; the peak is refined by parabolic interpolation.
 */
export function fundamental(samples: Float32Array, sampleRate: number, from: number, to: number, minHz: number, maxHz: number): number {
  const x = samples.subarray(Math.floor(from), Math.floor(to));
  const minLag = Math.floor(sampleRate / maxHz);
  const maxLag = Math.ceil(sampleRate / minHz);
  const n = x.length - maxLag;
  const score = new Float64Array(maxLag + 2);
  for (let lag = minLag - 1; lag <= maxLag + 1; lag++) {
    let xy = 0;
    let xx = 0;
    let yy = 0;
    for (let i = 0; i < n; i++) {
      xy += x[i]! * x[i + lag]!;
      xx += x[i]! * x[i]!;
      yy += x[i + lag]! * x[i + lag]!;
    }
    score[lag] = xy / Math.sqrt(xx * yy + 1e-20);
  }
  let best = minLag;
  for (let lag = minLag; lag <= maxLag; lag++) if (score[lag]! > score[best]!) best = lag;
  const a = score[best - 1]!;
  const b = score[best]!;
  const c = score[best + 1]!;
  const shift = (a - c) / (2 * (a - 2 * b + c) || 1);
  return sampleRate / (best + shift);
}

/** Magnitude of the DFT at one frequency over [from, to) samples (Hann window). */
export function magnitudeAt(samples: Float32Array, sampleRate: number, from: number, to: number, hz: number): number {
  let re = 0;
  let im = 0;
  const n = Math.floor(to) - Math.floor(from);
  const w = (2 * Math.PI * hz) / sampleRate;
  for (let i = 0; i < n; i++) {
    const win = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (n - 1));
    const x = samples[Math.floor(from) + i]! * win;
    re += x * Math.cos(w * i);
    im -= x * Math.sin(w * i);
  }
  return Math.sqrt(re * re + im * im) / n;
}

/** Energy of the harmonics of f0 that fall inside [lowHz, highHz]. */
export function harmonicBandEnergy(samples: Float32Array, sampleRate: number, from: number, to: number, f0: number, lowHz: number, highHz: number): number {
  let e = 0;
  for (let h = Math.ceil(lowHz / f0); h * f0 <= highHz; h++) e += magnitudeAt(samples, sampleRate, from, to, h * f0) ** 2;
  return e;
}
