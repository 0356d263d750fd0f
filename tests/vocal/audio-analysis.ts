import { phoneInfo } from '../../vocal/phones.ts';
// Small signal measurements for tests on rendered audio.

export function rms(samples: Float32Array, from: number, to: number): number {
  let s = 0;
  const a = Math.max(0, Math.floor(from));
  const b = Math.min(samples.length, Math.floor(to));
  for (let i = a; i < b; i++) s += samples[i]! * samples[i]!;
  return b > a ? Math.sqrt(s / (b - a)) : 0;
}

/** Normalized correlation of samples [from, from + n) with the same span `lag` samples on. */
export function correlationAt(x: Float32Array, from: number, n: number, lag: number): number {
  let xy = 0;
  let xx = 0;
  let yy = 0;
  for (let i = from; i < from + n; i++) {
    xy += x[i]! * x[i + lag]!;
    xx += x[i]! * x[i]!;
    yy += x[i + lag]! * x[i + lag]!;
  }
  return xy / Math.sqrt(xx * yy + 1e-20);
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
  for (let lag = minLag - 1; lag <= maxLag + 1; lag++) score[lag] = correlationAt(x, 0, n, lag);
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

/**
 * Formant peaks by linear prediction (autocorrelation method): the window is low-passed and
 * decimated to about 11 kHz, pre-emphasised and Hamming-windowed; the peaks of the all-pole
 * envelope below 5 kHz are returned in Hz, lowest first.
 */
export function lpcPeaks(samples: Float32Array, sampleRate: number, from: number, to: number, order = 12): number[] {
  const factor = Math.max(1, Math.round(sampleRate / 11025));
  const rate = sampleRate / factor;
  const a0 = Math.floor(from);
  const n = Math.floor((Math.floor(to) - a0) / factor);
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < factor; k++) s += samples[a0 + i * factor + k]!;
    x[i] = s / factor;
  }
  for (let i = n - 1; i > 0; i--) x[i] = x[i]! - 0.9 * x[i - 1]!;
  for (let i = 0; i < n; i++) x[i] = x[i]! * (0.54 - 0.46 * Math.cos((2 * Math.PI * i) / (n - 1)));
  const r = new Float64Array(order + 1);
  for (let lag = 0; lag <= order; lag++) for (let i = lag; i < n; i++) r[lag] = r[lag]! + x[i]! * x[i - lag]!;
  // Levinson-Durbin.
  let a = new Float64Array(order + 1);
  a[0] = 1;
  let err = r[0]! * (1 + 1e-9);
  for (let i = 1; i <= order; i++) {
    let acc = r[i]!;
    for (let j = 1; j < i; j++) acc += a[j]! * r[i - j]!;
    const k = -acc / err;
    const next = a.slice();
    for (let j = 1; j < i; j++) next[j] = a[j]! + k * a[i - j]!;
    next[i] = k;
    a = next;
    err *= 1 - k * k;
  }
  const envelope = (hz: number) => {
    const w = (2 * Math.PI * hz) / rate;
    let re = 0;
    let im = 0;
    for (let j = 0; j <= order; j++) {
      re += a[j]! * Math.cos(w * j);
      im -= a[j]! * Math.sin(w * j);
    }
    return -Math.log(re * re + im * im);
  };
  const peaks: number[] = [];
  const step = 10;
  let prev = envelope(100);
  let cur = envelope(100 + step);
  for (let hz = 100 + 2 * step; hz < 5000; hz += step) {
    const next = envelope(hz);
    if (cur > prev && cur >= next) peaks.push(hz - step);
    prev = cur;
    cur = next;
  }
  return peaks;
}

/** Energy in [loHz, hiHz) over a window, from a Hann-windowed DFT on a 25 Hz grid. */
export function bandEnergy(samples: Float32Array, sampleRate: number, from: number, to: number, loHz: number, hiHz: number): number {
  let e = 0;
  for (let hz = loHz; hz < hiHz; hz += 25) e += magnitudeAt(samples, sampleRate, from, to, hz) ** 2;
  return e;
}

/**
 * Clicks: 1 ms blocks whose largest second difference (a high-pass that a step or a kink turns into
 * a spike, while the voice's own harmonics stay small) stands out 3x from the blocks around it.
 * Fricatives (h included) and stop releases are noise and transients by design and are skipped.
 */
export function findClicks(x: Float32Array, start: number, sampleRate: number, phonemes: { time: number; end: number; symbol: string }[]): string[] {
  const block = Math.round(sampleRate / 1000);
  const jumps: number[] = [];
  let peak = 0;
  for (let b = 0; (b + 1) * block < x.length; b++) {
    let m = 0;
    for (let i = Math.max(2, b * block); i < (b + 1) * block; i++) {
      m = Math.max(m, Math.abs(x[i]! - 2 * x[i - 1]! + x[i - 2]!));
      peak = Math.max(peak, Math.abs(x[i]!));
    }
    jumps.push(m);
  }
  const noisy = phonemes.filter((p) => ['fricative', 'affricate', 'stop'].includes(phoneInfo(p.symbol).kind));
  const inNoise = (t: number) => noisy.some((p) => t > p.time - 0.002 && t < p.end + 0.006);
  const clicks: string[] = [];
  for (let b = 10; b < jumps.length - 10; b++) {
    const around = [...jumps.slice(b - 10, b - 1), ...jumps.slice(b + 2, b + 11)].sort((p, q) => p - q);
    const typical = around[Math.floor(around.length / 2)]!;
    const t = start + (b * block) / sampleRate;
    if (jumps[b]! > 0.02 * peak && jumps[b]! > 3 * typical && !inNoise(t)) clicks.push(`${t.toFixed(3)} s: ${jumps[b]!.toFixed(3)} vs ${typical.toFixed(3)}`);
  }
  return clicks;
}
