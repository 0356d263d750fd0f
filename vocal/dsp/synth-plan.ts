// What the planners hand the sample loops: breakpoint curves (the formant voice's, and the pitch
// and restarts both voices use) and, for the envelope voice, its track of spectral envelopes.
// Pure numbers: a plan can be tested without rendering, and posted to an AudioWorklet.

import type { Curve } from './curve.ts';
import type { GlottalSettings } from './glottis.ts';
import type { EnvelopeTrack } from '../envelope/plan.ts';

export interface SynthPlan {
  /** Show seconds the plan covers. */
  start: number;
  end: number;
  /** Seed of every random choice of the render (noise, jitter). */
  seed: number;
  glottis: GlottalSettings;
  /** Sung pitch as a MIDI note number (fractional), before vibrato. */
  pitch: Curve;
  /** Vibrato depth (semitones, half the swing) and rate (Hz). */
  vibratoDepth: Curve;
  vibratoRate: Curve;
  /** Amplitudes, linear: voicing, aspiration (through the tract), frication (parallel branch). */
  voicing: Curve;
  aspiration: Curve;
  frication: Curve;
  /** Open quotient of the glottal pulse (0.3-0.9) and the source's tilt cutoff in Hz. */
  openQuotient: Curve;
  tilt: Curve;
  /** Cascade formants F1-F5 and bandwidths B1-B5, Hz. */
  formants: Curve[];
  bandwidths: Curve[];
  /** Nasal zero frequency, Hz: equal to NASAL_POLE when the velum is closed (the pair cancels). */
  nasalZero: Curve;
  /** Fricative resonators (two), Hz and linear gains; and the flat bypass gain. */
  fricFormants: Curve[];
  fricBandwidths: Curve[];
  fricGains: Curve[];
  fricBypass: Curve;
  /** Linear output gain. */
  gain: number;
  /**
   * The envelope voice's track (envelope/plan.ts): when present, dsp/envelope-synth.ts sings the
   * plan from it (with the pitch, vibrato and restarts above) instead of the formant cascade.
   */
  envelope?: EnvelopeTrack;
}

/** What renders a plan: the formant synth, or the envelope synth for a plan with an envelope track. */
export interface Synth {
  render(out: Float32Array): void;
  skip(n: number, scratch?: Float32Array): void;
  readonly restartSamples: readonly number[];
  readonly length: number;
}

