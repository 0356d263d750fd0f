// The voice source: glottal airflow, pulse by pulse. Each period the folds open for a share of it
// (the open quotient), the flow rises and falls (U = t^2 - t^3 over the open phase, the KLGLOTT88
// shape) and closes abruptly; the closing is the main excitation of the vocal tract. The
// synthesizer hears the flow's derivative (the lips' radiation turns flow into pressure).
// - Loud voices close faster and more completely: lower open quotient, less spectral tilt.
// - Real folds are not clocks: each period's length (jitter) and height (shimmer) vary a little,
//   and the pitch flutters slowly (three slow sines, as in Klatt's synthesizer).
// - The closure step is corrected with a polynomial band-limited step (polyBLEP), so high notes
//   do not alias into a buzz.

import type { Noise } from './random.ts';

export interface GlottalSettings {
  /** Relative period-to-period variation of the period length (0.004 = 0.4 %). */
  jitter: number;
  /** Relative period-to-period variation of the pulse height. */
  shimmer: number;
  /** Slow pitch flutter, as a fraction of f0 at its peak. */
  flutter: number;
}

export class Glottis {
  /** Position in the current period, 0..1. */
  phase = 1;
  /** Phase increment per sample for the current period. */
  private step = 0;
  private openQuotient = 0.6;
  private height = 1;
  /** True while the folds are open (aspiration and voiced frication are louder then). */
  open = false;

  constructor(
    private readonly settings: GlottalSettings,
    private readonly noise: Noise,
    private readonly sampleRate: number,
  ) {}

  /**
   * n samples of flow derivative into pulse[0..n), and whether the folds were open at each into
   * open[0..n) (peak about -1 at closure), for a pitch f0 (Hz) and open quotient taken by each
   * period that starts in the block. For the flutter, a period's time (s) is origin + (position +
   * k) / sampleRate, from the block's first sample position: the same number however a render is
   * cut into chunks (origin + position / rate + k / rate rounds differently when a block is split).
   * The state stays in locals: a per-sample call returning a number allocates when it is not inlined.
   */
  fill(f0: number, openQuotient: number, origin: number, position: number, pulse: Float64Array, open: Uint8Array, n: number): void {
    const sr = this.sampleRate;
    let phase = this.phase;
    let dt = this.step;
    let oq = this.openQuotient;
    let height = this.height;
    for (let k = 0; k < n; k++) {
      if (phase >= 1) {
        this.phase = phase;
        this.startPeriod(f0, openQuotient, origin + (position + k) / sr);
        phase = this.phase;
        dt = this.step;
        oq = this.openQuotient;
        height = this.height;
      }
      let out = 0;
      if (phase < oq) {
        const tau = phase / oq;
        out = (2 * tau - 3 * tau * tau) * height;
        open[k] = 1;
      } else open[k] = 0;
      let rel = phase - oq;
      if (rel < 0) rel += 1;
      if (rel < dt) {
        const x = rel / dt;
        out += 0.5 * height * (2 * x - x * x - 1);
      } else if (rel > 1 - dt) {
        const x = (rel - 1) / dt;
        out += 0.5 * height * (x * x + 2 * x + 1);
      }
      pulse[k] = out;
      phase = phase + dt;
    }
    this.phase = phase;
    if (n > 0) this.open = open[n - 1] === 1;
  }

  private startPeriod(f0: number, openQuotient: number, time: number): void {
    const { jitter, shimmer, flutter } = this.settings;
    const slow = flutter * (Math.sin(2 * Math.PI * 12.7 * time) + Math.sin(2 * Math.PI * 7.1 * time) + Math.sin(2 * Math.PI * 4.7 * time)) / 3;
    const f = f0 * (1 + slow + jitter * this.noise.gaussian());
    this.step = Math.min(0.5, Math.max(1e-4, f / this.sampleRate));
    this.phase -= Math.floor(this.phase);
    this.openQuotient = Math.min(0.9, Math.max(0.3, openQuotient));
    this.height = Math.max(0, 1 + shimmer * this.noise.gaussian());
  }

  reset(): void {
    this.phase = 1;
    this.open = false;
  }
}
