// The singing synthesizer's sample loop, in the Klatt tradition:
//
//   glottal pulses (Glottis) ─┬─► + aspiration ─► nasal pole/zero ─► F1 ► F2 ► F3 ► F4 ► F5 ─┐
//   noise (aspiration) ───────┘                     (cascade: the vocal tract)               ├─► DC block ─► out
//   noise (frication) ─► two fricative band-passes + a bypass, in parallel (per consonant) ──┘
//
// Every parameter comes from a breakpoint curve of the plan (articulation.ts); resonator
// coefficients are updated every CONTROL samples, amplitudes are interpolated per sample so
// nothing clicks. Pure arithmetic on numbers with a seeded noise source: the same plan gives the
// same samples in Node and in a browser's AudioWorklet.

import { CurveReader, type Curve } from './curve.ts';
import { Glottis, type GlottalSettings } from './glottis.ts';
import { Noise } from './random.ts';
import { AntiResonator, BandPass, Resonator } from './resonator.ts';
import { restartPositions, segmentSeed } from './restarts.ts';
import { filterFrication, filterTract, type TractFilters } from './tract.ts';
import type { Synth, SynthPlan } from './synth-plan.ts';

export type { Synth, SynthPlan };

export const NASAL_POLE = 270;
const F6 = 6200;
const F6_BANDWIDTH = 800;
const NASAL_BANDWIDTH = 100;
/** Levels of the two noise sources against the glottal pulses (calibrated on sustained phones). */
const ASPIRATION_SCALE = 2.5;
const FRICATION_SCALE = 2;
/** Zero of the aspiration noise's radiation filter (a first difference, flat below ~350 Hz). */
const RADIATION = 0.95;
/** Zero of the source's brightness filter (z-plane radius). */
const BRIGHT_ZERO = 0.93;
/** One-pole coefficient of the frication noise's low-pass at 44.1 kHz. */
const FRIC_LP = 0.75;
/** Output level below which a block with every source at zero counts as silence (-140 dBFS). */
const SILENCE = 1e-7;
/** A fricative resonator whose state is below this has rung out (-200 dB): it is set to zero and skipped. */
const FRIC_QUIET = 1e-10;
/** Sounding blocks at the start of each segment that always run the fricative branch. */
const FULL_BLOCKS = 8;
/** Samples between coefficient updates (0.73 ms at 44.1 kHz). */
const CONTROL = 32;


export class VoiceSynth implements Synth {
  private noise!: Noise;
  private glottis!: Glottis;
  private readonly cascade = [new Resonator(), new Resonator(), new Resonator(), new Resonator(), new Resonator()] as const;
  private readonly nasalPole = new Resonator();
  /** A fixed sixth formant: the voice's energy above 5 kHz (its "air"), as in Klatt's F6. */
  private readonly f6 = new Resonator();
  private readonly nasalZero = new AntiResonator();
  private readonly tract: TractFilters = { nasalPole: this.nasalPole, nasalZero: this.nasalZero, cascade: this.cascade, f6: this.f6 };
  private readonly fric: BandPass[] = [new BandPass(), new BandPass()];
  private readonly readers: Record<string, CurveReader>;
  private readonly formantReaders: CurveReader[];
  private readonly bandwidthReaders: CurveReader[];
  private readonly fricReaders: { f: CurveReader; b: CurveReader; g: CurveReader }[];
  /** Next sample to render, counted from plan.start. */
  private position = 0;
  /** Sample positions where the synth starts afresh (restarts.ts), and the next one due. */
  private readonly restarts: number[];
  private nextRestart = 0;
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
  /** Scratch signals of one control block. */
  private readonly block = {
    tract: new Float64Array(CONTROL),
    fricNoise: new Float64Array(CONTROL),
    fric0: new Float64Array(CONTROL),
    fric1: new Float64Array(CONTROL),
    pulses: new Float64Array(CONTROL),
    openFlags: new Uint8Array(CONTROL),
    gauss: new Float64Array(CONTROL),
    uniform: new Float64Array(CONTROL),
  };
  private silent = false;
  /** Sounding blocks since the segment started, this one included (the first few always run every branch). */
  private blocksInSegment = 0;
  /**
   * Largest output of the last control block, over all of it: a block split between two render
   * calls counts both parts, so whether the next tick finds silence never depends on chunk sizes.
   */
  private lastPeak = 1;

  constructor(
    private readonly plan: SynthPlan,
    private readonly sampleRate: number,
  ) {
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
    this.restarts = restartPositions([plan.voicing, plan.aspiration, plan.frication], plan.start, plan.end, sampleRate, CONTROL);
    this.startSegment(0);
  }

  /** Every piece of state as a new synth has it, for the segment that starts here. */
  private startSegment(segment: number): void {
    const seed = segmentSeed(this.plan.seed, segment);
    this.noise = new Noise(seed);
    this.glottis = new Glottis(this.plan.glottis, new Noise(seed ^ 0x5bd1e995), this.sampleRate);
    for (const r of [...this.cascade, this.nasalPole, this.f6, this.nasalZero, ...this.fric]) r.reset();
    this.vibratoPhase = 0;
    this.tiltState = this.prevTilt = this.aspState = 0;
    this.fricLp1 = this.fricLp2 = this.dcIn = this.dcOut = 0;
    this.av = this.ah = this.af = this.fg0 = this.fg1 = this.fbp = 0;
    this.f0 = 220;
    this.oq = 0.6;
    this.tiltCoef = 0.5;
    this.silent = false;
    this.blocksInSegment = 0;
    this.lastPeak = 1;
    this.nextRestart = segment;
  }

  /**
   * Moves n samples on without handing them out. It jumps to the last restart on the way (where
   * the state is the same however it got there) and renders only the rest, into scratch.
   */
  skip(n: number, scratch: Float32Array = new Float32Array(4096)): void {
    const target = this.position + n;
    let k = this.nextRestart;
    while (k < this.restarts.length && this.restarts[k]! <= target) k++;
    if (k > this.nextRestart) {
      // At restart k-1 the render loop would start segment k; position there and let it.
      this.position = this.restarts[k - 1]!;
      this.nextRestart = k - 1;
    }
    while (this.position < target) this.render(scratch.subarray(0, Math.min(scratch.length, target - this.position)));
  }

  /** The sample positions of the restarts (for splitting a render into independent parts). */
  get restartSamples(): readonly number[] {
    return this.restarts;
  }

  /** Total samples of the plan at this sample rate. */
  get length(): number {
    return Math.max(1, Math.round((this.plan.end - this.plan.start) * this.sampleRate));
  }

  /** Renders the next out.length samples of the plan. Chunk sizes never change the samples: control ticks fall on fixed positions. */
  render(out: Float32Array): void {
    let i = 0;
    while (i < out.length) {
      if (this.position % CONTROL === 0) {
        if (this.nextRestart < this.restarts.length && this.position === this.restarts[this.nextRestart]) this.startSegment(this.nextRestart + 1);
        this.controlTick();
      }
      const n = Math.min(CONTROL - (this.position % CONTROL), out.length - i);
      if (this.silent) {
        // Between phrases nothing sounds and every filter has rung out: skip the arithmetic.
        out.fill(0, i, i + n);
        i += n;
        this.position += n;
        continue;
      }
      this.lastPeak = Math.max(this.lastPeak, this.renderBlock(out, i, n));
      i += n;
      this.position += n;
    }
  }

  /**
   * One control block of sound: n samples into out at i. A method of its own so the compiler
   * optimizes it as a whole, apart from the silent path and the block bookkeeping around it.
   * Returns the block's peak.
   */
  private renderBlock(out: Float32Array, i: number, n: number): number {
    const sr = this.sampleRate;
    const gain = this.plan.gain;
    let blockPeak = 0;
    const glottis = this.glottis;
    const noise = this.noise;
    const tilt = this.tiltCoef;
    const f0 = this.f0;
    const oq = this.oq;
    const d = this.deltas;
    const dav = d[0]!, dah = d[1]!, daf = d[2]!, dfg0 = d[3]!, dfg1 = d[4]!, dfbp = d[5]!;
    const { tract, fricNoise, fric0, fric1, pulses, openFlags, gauss, uniform } = this.block;
    // The block is built stage by stage (sources, then each filter over the whole block): each
    // stage's state stays in locals, and every sample sees the same arithmetic in the same order
    // as a sample-by-sample loop would do.
    let av = this.av, ah = this.ah, af = this.af;
    let tiltState = this.tiltState, prevTilt = this.prevTilt, aspState = this.aspState;
    let fricLp1 = this.fricLp1, fricLp2 = this.fricLp2;
    glottis.fill(f0, oq, this.plan.start, this.position, pulses, openFlags, n);
    noise.fillSourceNoise(gauss, uniform, n);
    for (let k = 0; k < n; k++) {
      av += dav;
      ah += dah;
      af += daf;
      const pulse = pulses[k]!;
      // Spectral tilt: a one-pole low-pass on the pulse (softer voices are darker).
      tiltState = pulse + tilt * (tiltState - pulse);
      // Brightness: a zero near 500 Hz lifts the source's upper harmonics (F2-F3 of front vowels)
      // by about +6 dB an octave until the tilt low-pass flattens it again.
      const bright = (tiltState - BRIGHT_ZERO * prevTilt) / (1 - BRIGHT_ZERO);
      prevTilt = tiltState;
      const open = openFlags[k] === 1;
      // Aspiration: noise, stronger while the folds are open, with the lips' radiation (+6 dB an
      // octave, a first difference) as the pulses have it: unradiated, a /t/'s aspiration or an
      // /h/ is a dark murmur that listeners (and recognizers) hear as no consonant at all.
      const asp = gauss[k]! - RADIATION * aspState;
      aspState = gauss[k]!;
      tract[k] = bright * av + ASPIRATION_SCALE * asp * ah * (open ? 1 : 0.45);
      // Frication: two one-pole low-passes (about 9 kHz) on white noise, through the parallel
      // branch; voiced fricatives pulse with the folds.
      fricLp1 += FRIC_LP * (uniform[k]! - fricLp1);
      fricLp2 += FRIC_LP * (fricLp1 - fricLp2);
      fricNoise[k] = FRICATION_SCALE * fricLp2 * af * (av > 0.05 && !open ? 0.5 : 1);
    }
    this.av = av;
    this.ah = ah;
    this.af = af;
    this.tiltState = tiltState;
    this.prevTilt = prevTilt;
    this.aspState = aspState;
    this.fricLp1 = fricLp1;
    this.fricLp2 = fricLp2;
    // The tract: nasal pole/zero, then the formant cascade and F6, in place.
    filterTract(this.tract, tract, n);
    // The first blocks of a segment run the fricative branch whatever it holds (at a segment's
    // start it holds zeros, so the samples are the same): the JIT then has the types of both paths
    // before it optimizes this method, instead of throwing the optimized code away at the song's
    // first consonant.
    const warm = this.blocksInSegment > FULL_BLOCKS;
    // The branch's gains ramp per sample like the amplitudes above.
    let fg0 = this.fg0, fg1 = this.fg1, fbp = this.fbp;
    if (warm && daf === 0 && this.af === 0 && this.fric[0]!.settle(FRIC_QUIET) && this.fric[1]!.settle(FRIC_QUIET)) {
      // No frication in this block and its resonators have rung out (vowels, nasals, most of a
      // song): the branch would add exact zeros, so only its gains move on.
      for (let k = 0; k < n; k++) {
        fg0 += dfg0;
        fg1 += dfg1;
        fbp += dfbp;
      }
    } else {
      // The fricative resonances are band-passes (nothing below them); the bypass (f, th, p) is flat.
      filterFrication(this.fric[0]!, this.fric[1]!, fricNoise, fric0, fric1, n);
      for (let k = 0; k < n; k++) {
        fg0 += dfg0;
        fg1 += dfg1;
        fbp += dfbp;
        tract[k] = tract[k]! + fric0[k]! * fg0 + fric1[k]! * fg1 + fricNoise[k]! * fbp;
      }
    }
    this.fg0 = fg0;
    this.fg1 = fg1;
    this.fbp = fbp;
    let dcIn = this.dcIn, dcOut = this.dcOut;
    for (let k = 0; k < n; k++) {
      const y = tract[k]!;
      // DC blocker: the flow's mean never reaches the output.
      dcOut = y - dcIn + 0.995 * dcOut;
      dcIn = y;
      const sample = dcOut * gain;
      out[i + k] = sample;
      if (sample > blockPeak) blockPeak = sample;
      else if (-sample > blockPeak) blockPeak = -sample;
    }
    this.dcIn = dcIn;
    this.dcOut = dcOut;
    return blockPeak;
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
    // Counted here, once per block position, so a block split between two render calls counts once.
    if (!this.silent) this.blocksInSegment++;
    this.lastPeak = 0;
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
