// The singing synthesizer's sample loop, in the Klatt tradition:
//
//   glottal pulses (Glottis) ─┬─► + aspiration ─► nasal pole/zero ─► F1 ► F2 ► F3 ► F4 ► F5 ─┐
//   noise (aspiration) ───────┘                     (cascade: the vocal tract)               ├─► DC block ─► out
//   noise (frication) ─► two fricative resonators + a bypass, in parallel (per consonant) ────┘
//
// Every parameter comes from a breakpoint curve of the plan (articulation.ts); resonator
// coefficients are updated every CONTROL samples, amplitudes are interpolated per sample so
// nothing clicks. Pure arithmetic on numbers with a seeded noise source: the same plan gives the
// same samples in Node and in a browser's AudioWorklet.

import { CurveReader, type Curve } from './curve.ts';
import { Glottis, type GlottalSettings } from './glottis.ts';
import { Noise } from './random.ts';
import { AntiResonator, Resonator } from './resonator.ts';

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
}

export const NASAL_POLE = 270;
const F6 = 6200;
const F6_BANDWIDTH = 800;
const NASAL_BANDWIDTH = 100;
/** Levels of the two noise sources against the glottal pulses (calibrated on sustained phones). */
const ASPIRATION_SCALE = 2.5;
const FRICATION_SCALE = 2;
/** Zero of the source's brightness filter (z-plane radius). */
const BRIGHT_ZERO = 0.93;
/** One-pole coefficient of the frication noise's low-pass at 44.1 kHz. */
const FRIC_LP = 0.75;
/** Output level below which a block with every source at zero counts as silence (-140 dBFS). */
const SILENCE = 1e-7;
/** Samples between coefficient updates (0.73 ms at 44.1 kHz). */
const CONTROL = 32;

export class VoiceSynth {
  private readonly noise: Noise;
  private readonly glottis: Glottis;
  private readonly cascade: Resonator[] = [0, 1, 2, 3, 4].map(() => new Resonator());
  private readonly nasalPole = new Resonator();
  /** A fixed sixth formant: the voice's energy above 5 kHz (its "air"), as in Klatt's F6. */
  private readonly f6 = new Resonator();
  private readonly nasalZero = new AntiResonator();
  private readonly fric: Resonator[] = [new Resonator(), new Resonator()];
  private readonly readers: Record<string, CurveReader>;
  private readonly formantReaders: CurveReader[];
  private readonly bandwidthReaders: CurveReader[];
  private readonly fricReaders: { f: CurveReader; b: CurveReader; g: CurveReader }[];
  /** Next sample to render, counted from plan.start. */
  private position = 0;
  private vibratoPhase = 0;
  private tiltState = 0;
  private prevTilt = 0;
  private aspState = 0;
  private fricLp1 = 0;
  private fricLp2 = 0;
  private dcIn = 0;
  private dcOut = 0;
  // Per-sample interpolated amplitudes.
  private av = 0;
  private ah = 0;
  private af = 0;
  private fg0 = 0;
  private fg1 = 0;
  private fbp = 0;
  private f0 = 220;
  private oq = 0.6;
  private tiltCoef = 0.5;
  private readonly deltas = new Float64Array(6);
  private silent = false;
  /** Largest output of the last rendered control block. */
  private lastPeak = 1;

  constructor(
    private readonly plan: SynthPlan,
    private readonly sampleRate: number,
  ) {
    this.noise = new Noise(plan.seed);
    this.glottis = new Glottis(plan.glottis, new Noise(plan.seed ^ 0x5bd1e995), sampleRate);
    const r = (c: Curve) => new CurveReader(c);
    this.readers = {
      pitch: r(plan.pitch),
      vibratoDepth: r(plan.vibratoDepth),
      vibratoRate: r(plan.vibratoRate),
      voicing: r(plan.voicing),
      aspiration: r(plan.aspiration),
      frication: r(plan.frication),
      openQuotient: r(plan.openQuotient),
      tilt: r(plan.tilt),
      nasalZero: r(plan.nasalZero),
      fricBypass: r(plan.fricBypass),
    };
    this.formantReaders = plan.formants.map(r);
    this.bandwidthReaders = plan.bandwidths.map(r);
    this.fricReaders = plan.fricFormants.map((f, i) => ({ f: r(f), b: r(plan.fricBandwidths[i]!), g: r(plan.fricGains[i]!) }));
    this.nasalPole.set(NASAL_POLE, NASAL_BANDWIDTH, sampleRate);
    this.f6.set(F6, F6_BANDWIDTH, sampleRate);
  }

  /** Total samples of the plan at this sample rate. */
  get length(): number {
    return Math.max(1, Math.round((this.plan.end - this.plan.start) * this.sampleRate));
  }

  /** Renders the next out.length samples of the plan. Chunk sizes never change the samples: control ticks fall on fixed positions. */
  render(out: Float32Array): void {
    const sr = this.sampleRate;
    const gain = this.plan.gain;
    let i = 0;
    while (i < out.length) {
      if (this.position % CONTROL === 0) this.controlTick();
      const n = Math.min(CONTROL - (this.position % CONTROL), out.length - i);
      if (this.silent) {
        // Between phrases nothing sounds and every filter has rung out: skip the arithmetic.
        out.fill(0, i, i + n);
        i += n;
        this.position += n;
        continue;
      }
      let blockPeak = 0;
      const t = this.plan.start + this.position / sr;
      const glottis = this.glottis;
      const noise = this.noise;
      const [c1, c2, c3, c4, c5] = this.cascade as [Resonator, Resonator, Resonator, Resonator, Resonator];
      const [r1, r2] = this.fric as [Resonator, Resonator];
      const tilt = this.tiltCoef;
      const d = this.deltas;
      for (let k = 0; k < n; k++) {
        this.av += d[0]!;
        this.ah += d[1]!;
        this.af += d[2]!;
        this.fg0 += d[3]!;
        this.fg1 += d[4]!;
        this.fbp += d[5]!;
        const pulse = glottis.tick(this.f0, this.oq, t + k / sr);
        // Spectral tilt: a one-pole low-pass on the pulse (softer voices are darker).
        this.tiltState = pulse + tilt * (this.tiltState - pulse);
        // Brightness: a zero near 500 Hz lifts the source's upper harmonics (F2-F3 of front vowels)
        // by about +6 dB an octave until the tilt low-pass flattens it again.
        const bright = (this.tiltState - BRIGHT_ZERO * this.prevTilt) / (1 - BRIGHT_ZERO);
        this.prevTilt = this.tiltState;
        const open = glottis.open;
        // Aspiration: low-passed noise, stronger while the folds are open.
        this.aspState = noise.gaussian() + 0.5 * this.aspState;
        const asp = ASPIRATION_SCALE * this.aspState * this.ah * (open ? 1 : 0.45);
        let x = bright * this.av + asp;
        x = this.nasalZero.tick(this.nasalPole.tick(x));
        x = this.f6.tick(c5.tick(c4.tick(c3.tick(c2.tick(c1.tick(x))))));
        // Frication: two one-pole low-passes (about 9 kHz) on white noise, through the parallel
        // branch; voiced fricatives pulse with the folds.
        this.fricLp1 += FRIC_LP * (noise.uniform() - this.fricLp1);
        this.fricLp2 += FRIC_LP * (this.fricLp1 - this.fricLp2);
        const fn = FRICATION_SCALE * this.fricLp2 * this.af * (this.av > 0.05 && !open ? 0.5 : 1);
        const y = x + r1.tick(fn) * this.fg0 + r2.tick(fn) * this.fg1 + fn * this.fbp;
        // DC blocker: the flow's mean never reaches the output.
        this.dcOut = y - this.dcIn + 0.995 * this.dcOut;
        this.dcIn = y;
        const sample = this.dcOut * gain;
        out[i + k] = sample;
        if (sample > blockPeak) blockPeak = sample;
        else if (-sample > blockPeak) blockPeak = -sample;
      }
      this.lastPeak = blockPeak;
      i += n;
      this.position += n;
    }
  }

  /** Every CONTROL samples: new filter coefficients, and per-sample ramps of the amplitudes to their values at the next tick. */
  private controlTick(): void {
    const t = this.plan.start + this.position / this.sampleRate;
    const tEnd = t + CONTROL / this.sampleRate;
    const rd = this.readers;
    const d = this.deltas;
    d[0] = (rd.voicing!.at(tEnd) - this.av) / CONTROL;
    d[1] = (rd.aspiration!.at(tEnd) - this.ah) / CONTROL;
    d[2] = (rd.frication!.at(tEnd) - this.af) / CONTROL;
    d[3] = (this.fricReaders[0]!.g.at(tEnd) - this.fg0) / CONTROL;
    d[4] = (this.fricReaders[1]!.g.at(tEnd) - this.fg1) / CONTROL;
    d[5] = (rd.fricBypass!.at(tEnd) - this.fbp) / CONTROL;
    this.updateFilters(t);
    // Silent when no source sounds now or by the next tick and the output has died away.
    this.silent = this.av === 0 && this.ah === 0 && this.af === 0 && d[0] === 0 && d[1] === 0 && d[2] === 0 && this.lastPeak < SILENCE;
  }

  private updateFilters(t: number): void {
    const sr = this.sampleRate;
    const rd = this.readers;
    const pitch = rd.pitch!.at(t);
    const depth = rd.vibratoDepth!.at(t);
    this.vibratoPhase += (rd.vibratoRate!.at(t) * CONTROL) / sr;
    if (this.vibratoPhase > 1) this.vibratoPhase -= 1;
    const semis = pitch + depth * Math.sin(2 * Math.PI * this.vibratoPhase);
    this.f0 = 440 * Math.pow(2, (semis - 69) / 12);
    this.oq = rd.openQuotient!.at(t);
    this.tiltCoef = Math.exp((-2 * Math.PI * rd.tilt!.at(t)) / sr);
    for (let k = 0; k < 5; k++) this.cascade[k]!.set(this.formantReaders[k]!.at(t), this.bandwidthReaders[k]!.at(t), sr);
    this.nasalZero.set(rd.nasalZero!.at(t), NASAL_BANDWIDTH, sr);
    for (let k = 0; k < 2; k++) this.fric[k]!.set(this.fricReaders[k]!.f.at(t), this.fricReaders[k]!.b.at(t), sr);
  }
}

/**
 * Renders [from, to) of a plan into a new buffer, yielding the fraction done after each chunk.
 * The synth always runs from the plan's start (samples before the window are rendered and
 * dropped), so any window is exactly the same samples as that part of a whole render.
 */
export function* renderChunks(plan: SynthPlan, sampleRate: number, from: number, to: number, chunk: number): Generator<number, Float32Array> {
  const out = new Float32Array(Math.max(1, Math.round((to - from) * sampleRate)));
  const synth = new VoiceSynth(plan, sampleRate);
  let skip = Math.round((from - plan.start) * sampleRate);
  const scratch = new Float32Array(Math.max(1, Math.min(chunk, 1 << 16)));
  while (skip > 0) {
    const n = Math.min(scratch.length, skip);
    synth.render(scratch.subarray(0, n));
    skip -= n;
  }
  // A window that starts before the plan is silent until the plan begins.
  const planEnd = Math.min(out.length, Math.round((plan.end - from) * sampleRate));
  let pos = Math.max(0, -skip);
  while (pos < planEnd) {
    const n = Math.min(chunk, planEnd - pos);
    synth.render(out.subarray(pos, pos + n));
    pos += n;
    yield pos / planEnd;
  }
  return out;
}
