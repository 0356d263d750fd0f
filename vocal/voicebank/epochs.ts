// Pitch marks of a recorded sample for TD-PSOLA: one mark per glottal period in voiced parts (the
// strongest peak of each period, on the polarity the voice pulses show most), and evenly spaced
// marks through unvoiced parts (consonant noise, silence), which are re-laid at the same spacing
// and so keep their sound. Periods come from a normalized autocorrelation on an 8x decimated copy (5.5 kHz: the period only guides the search; marks are picked at full rate).

export interface PitchMarks {
  /** Mark positions in samples, increasing. */
  at: Float64Array;
  /** 1 where the mark is a glottal period, 0 for an unvoiced mark. */
  voiced: Uint8Array;
}

const DECIMATE = 8;
const MIN_HZ = 70;
const MAX_HZ = 1000;
const VOICED_NACF = 0.5;
/** Spacing of unvoiced marks, seconds. */
export const UNVOICED_STEP = 0.005;

/** Period in samples every `hop` samples (0 = unvoiced). */
function trackPeriods(x: Float32Array, sampleRate: number, hop: number): Float32Array {
  const rate = sampleRate / DECIMATE;
  const n = Math.floor(x.length / DECIMATE);
  const d = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < DECIMATE; k++) s += x[i * DECIMATE + k]!;
    d[i] = s / DECIMATE;
  }
  const minLag = Math.floor(rate / MAX_HZ);
  const maxLag = Math.ceil(rate / MIN_HZ);
  const win = Math.round(0.03 * rate);
  const frames = Math.ceil(x.length / hop);
  const periods = new Float32Array(frames);
  let peakEnergy = 0;
  const energy = new Float32Array(frames);
  for (let f = 0; f < frames; f++) {
    const c = Math.floor((f * hop) / DECIMATE) - (win >> 1);
    let e = 0;
    for (let i = Math.max(0, c); i < Math.min(n, c + win); i++) e += d[i]! * d[i]!;
    energy[f] = e;
    peakEnergy = Math.max(peakEnergy, e);
  }
  const score = new Float32Array(maxLag + 2);
  for (let f = 0; f < frames; f++) {
    if (energy[f]! < 1e-3 * peakEnergy) continue;
    const a = Math.max(0, Math.floor((f * hop) / DECIMATE) - (win >> 1));
    const len = Math.min(win, n - a - maxLag - 1);
    if (len < win >> 1) continue;
    let best = 0;
    for (let lag = minLag; lag <= maxLag; lag++) {
      let xy = 0;
      let xx = 0;
      let yy = 0;
      for (let i = a; i < a + len; i++) {
        const p = d[i]!;
        const q = d[i + lag]!;
        xy += p * q;
        xx += p * p;
        yy += q * q;
      }
      score[lag] = xy / Math.sqrt(xx * yy + 1e-20);
      if (score[lag]! > best) best = score[lag]!;
    }
    if (best < VOICED_NACF) continue;
    // The shortest lag close to the best score: a sub-octave (twice the period) scores as high.
    let lag = minLag;
    while (lag < maxLag && !(score[lag]! >= 0.9 * best && score[lag]! >= score[lag - 1]! && score[lag]! >= score[lag + 1]!)) lag++;
    const l = score[lag - 1] ?? score[lag]!;
    const r = score[lag + 1] ?? score[lag]!;
    const shift = (l - r) / (2 * (l - 2 * score[lag]! + r) || 1);
    periods[f] = (lag + Math.max(-0.5, Math.min(0.5, shift))) * DECIMATE;
  }
  return periods;
}

export function findPitchMarks(x: Float32Array, sampleRate: number): PitchMarks {
  const hop = Math.round(0.01 * sampleRate);
  const periods = trackPeriods(x, sampleRate, hop);
  const periodAt = (i: number) => periods[Math.min(periods.length - 1, Math.max(0, Math.round(i / hop)))]!;
  // Polarity: the side on which the voiced parts reach further.
  let pos = 0;
  let neg = 0;
  for (let i = 0; i < x.length; i++) {
    if (periodAt(i) === 0) continue;
    if (x[i]! > pos) pos = x[i]!;
    if (-x[i]! > neg) neg = -x[i]!;
  }
  const sign = pos >= neg ? 1 : -1;
  const at: number[] = [];
  const voiced: number[] = [];
  const step = Math.round(UNVOICED_STEP * sampleRate);
  let i = 0;
  while (i < x.length) {
    const p = periodAt(i);
    if (p === 0) {
      at.push(i);
      voiced.push(0);
      i += step;
      continue;
    }
    // Voiced: the strongest peak in the next period (the first one), then one period on, +-25 %.
    const last = at.length ? at[at.length - 1]! : -Infinity;
    const from = voiced.length && voiced[voiced.length - 1] ? Math.round(last + 0.75 * p) : i;
    const to = voiced.length && voiced[voiced.length - 1] ? Math.round(last + 1.25 * p) : Math.round(i + p);
    let best = Math.max(from, Math.floor(last) + 1);
    for (let k = best; k <= Math.min(to, x.length - 1); k++) if (sign * x[k]! > sign * x[best]!) best = k;
    if (best >= x.length) break;
    at.push(best);
    voiced.push(1);
    i = best + Math.max(1, Math.round(0.75 * p));
    // The next search starts from the mark just found, so set i where that search begins.
    i = Math.max(i, best + 1);
  }
  return { at: Float64Array.from(at), voiced: Uint8Array.from(voiced) };
}
