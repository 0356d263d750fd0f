// Second-order digital resonators and anti-resonators in the form Klatt (1980) used for formant
// synthesis: y[n] = A x[n] + B y[n-1] + C y[n-2], unity gain at 0 Hz. A cascade of them gives the
// vocal tract's transfer function with the right relative formant levels and deep valleys
// between the peaks, which peaking EQs on a bright source (the old synth) could not.

const shared: [number, number, number] = [1, 0, 0];

/** Klatt's resonator coefficients [A, B, C] for a centre frequency and bandwidth (Hz); reused array. */
function coefficients(freq: number, bandwidth: number, sampleRate: number): [number, number, number] {
  const f = Math.min(freq, 0.45 * sampleRate);
  const r = Math.exp((-Math.PI * bandwidth) / sampleRate);
  const c = -r * r;
  const b = 2 * r * Math.cos((2 * Math.PI * f) / sampleRate);
  shared[0] = 1 - b - c;
  shared[1] = b;
  shared[2] = c;
  return shared;
}

/** Coefficients from a frequency and bandwidth, recomputed only when either changes. */
abstract class SecondOrder {
  // Coefficients and state are public for the loops in tract.ts that run the filters (several at
  // once, sample by sample, with their state in locals); nothing else writes them.
  a = 1;
  b = 0;
  c = 0;
  private freq = NaN;
  private bandwidth = NaN;

  /** Sets centre frequency and bandwidth in Hz (clamped below Nyquist); unchanged values cost nothing. */
  set(freq: number, bandwidth: number, sampleRate: number): void {
    if (freq === this.freq && bandwidth === this.bandwidth) return;
    this.freq = freq;
    this.bandwidth = bandwidth;
    this.take(coefficients(freq, bandwidth, sampleRate));
  }

  protected abstract take(k: [number, number, number]): void;
}

export class Resonator extends SecondOrder {
  y1 = 0;
  y2 = 0;

  protected take(k: [number, number, number]): void {
    this.a = k[0];
    this.b = k[1];
    this.c = k[2];
  }

  reset(): void {
    this.y1 = 0;
    this.y2 = 0;
  }
}

/** The inverse of a resonator (a pair of zeros): the nasal anti-formant. */
export class AntiResonator extends SecondOrder {
  x1 = 0;
  x2 = 0;

  protected take([a, b, c]: [number, number, number]): void {
    this.a = 1 / a;
    this.b = -b / a;
    this.c = -c / a;
  }

  reset(): void {
    this.x1 = 0;
    this.x2 = 0;
  }
}

/**
 * A resonator fed the first difference of its input, the difference's gain at the centre divided
 * out: a band-pass with the resonator's peak level that falls 6 dB an octave below its centre.
 * The fricative branch uses it: a plain resonator passes 0 Hz at unity gain, so white noise
 * through it left an /s/ or a /v/ hissing from 0 to 8 kHz, its lows 10-15 dB under its peak.
 */
export class BandPass extends Resonator {
  x1 = 0;
  norm = 1;
  private normFreq = NaN;

  override set(freq: number, bandwidth: number, sampleRate: number): void {
    super.set(freq, bandwidth, sampleRate);
    // Set every control tick: the sine only when the centre moved.
    if (freq === this.normFreq) return;
    this.normFreq = freq;
    this.norm = 1 / (2 * Math.sin((Math.PI * Math.min(freq, 0.45 * sampleRate)) / sampleRate));
  }

  override reset(): void {
    super.reset();
    this.x1 = 0;
  }

  /**
   * True when the last input was zero and both outputs are below `quiet`; the outputs are then
   * set to exact zeros, so a zero input gives zeros from here on and the filter can be skipped.
   */
  settle(quiet: number): boolean {
    if (this.x1 !== 0 || Math.abs(this.y1) >= quiet || Math.abs(this.y2) >= quiet) return false;
    this.y1 = this.y2 = 0;
    return true;
  }
}
