// The envelope voice's two uses of a windowed sinc (Blackman window): pulses placed between
// samples at their exact times, and the polyphase filter that takes the voice to the output rate.

/**
 * Each pulse is a windowed sinc this many samples either side of its exact time (so the train is
 * delayed by as much). Split linearly between two samples instead, its top octave swung with the
 * pulse's fraction from period to period: at 494 Hz the fraction steps by about 2/3 of a sample,
 * which repeats every third period, and Praat heard the note a twelfth low (F0 / 3).
 */
export const PULSE_TAPS = 8;
/** cos and sin of pi (m - PULSE_TAPS) / PULSE_TAPS for each tap m of a pulse. */
const TAP_COS = Float64Array.from({ length: 2 * PULSE_TAPS + 1 }, (_, m) => Math.cos((Math.PI * (m - PULSE_TAPS)) / PULSE_TAPS));
const TAP_SIN = Float64Array.from({ length: 2 * PULSE_TAPS + 1 }, (_, m) => Math.sin((Math.PI * (m - PULSE_TAPS)) / PULSE_TAPS));
/** Slots for pulses still to come (a power of two above 2 * PULSE_TAPS + 1). */
export const AHEAD = 32;

/**
 * Adds a pulse of `size`, due `late` samples before internal sample `now`, to the ring `ahead`
 * (AHEAD long, indexed by sample number): 2 * PULSE_TAPS + 1 taps centred PULSE_TAPS samples on.
 */
export function placeSincPulse(ahead: Float64Array, now: number, late: number, size: number): void {
  // sin(pi x) at x = m - PULSE_TAPS + late is +-sin(pi late), the sign alternating with m; the
  // window's cosine at x comes from the tap's angle and the fraction's (three calls a pulse, not 34).
  const sinLate = Math.sin(Math.PI * late);
  const cosShift = Math.cos((Math.PI * late) / PULSE_TAPS), sinShift = Math.sin((Math.PI * late) / PULSE_TAPS);
  for (let m = 0; m <= 2 * PULSE_TAPS; m++) {
    const x = m - PULSE_TAPS + late;
    if (x >= PULSE_TAPS) break;
    const sinc = x === 0 ? 1 : (m & 1 ? -sinLate : sinLate) / (Math.PI * x);
    const c = TAP_COS[m]! * cosShift - TAP_SIN[m]! * sinShift;
    const window = 0.42 + 0.5 * c + 0.08 * (2 * c * c - 1);
    ahead[(now + m) & (AHEAD - 1)]! += size * sinc * window;
  }
}

/**
 * Weights of a polyphase resampler: `up` phases of 2 * width taps each, phase p for an output
 * sample p / up of an input sample past the tap centre; cut-off as a fraction of the input's
 * Nyquist; each phase sums to 1.
 */
export function resamplingWeights(up: number, width: number, cutoff: number): Float64Array {
  const weights = new Float64Array(up * 2 * width);
  for (let p = 0; p < up; p++) {
    const frac = p / up;
    let sum = 0;
    for (let t = 0; t < 2 * width; t++) {
      const x = frac + width - 1 - t;
      const arg = Math.PI * cutoff * x;
      const sinc = x === 0 ? 1 : Math.sin(arg) / arg;
      const win = 0.42 + 0.5 * Math.cos((Math.PI * x) / width) + 0.08 * Math.cos((2 * Math.PI * x) / width);
      const w = Math.abs(x) < width ? sinc * win : 0;
      weights[p * 2 * width + t] = w;
      sum += w;
    }
    for (let t = 0; t < 2 * width; t++) weights[p * 2 * width + t]! /= sum;
  }
  return weights;
}

export function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

