// The envelope voice's sample loop: band-limited pulses at the sung pitch and noise, mixed by each
// frame's voicing, through an all-pole lattice filter whose reflection coefficients move from frame
// to frame of the plan's envelope track (envelope/plan.ts); a breath noise through the same
// envelope with its resonances widened; then the lips' radiation (the de-emphasis that undoes the
// analysis' pre-emphasis). It runs at the track's rate (the bank's 22.05 kHz, where the envelopes
// were measured, scaled by a formant shift) and a polyphase windowed-sinc filter (sinc.ts) takes
// it to the output rate. Seeded noise and plain arithmetic: the same plan gives the same samples
// in Node and in a browser's AudioWorklet. Like the formant synth, it starts afresh at the
// restarts in the rests (restarts.ts), so any window is exactly that part of a whole render.

import { CurveReader } from './curve.ts';
import { AHEAD, gcd, placeSincPulse, resamplingWeights } from './sinc.ts';
import { Noise } from './random.ts';
import { restartPositions, segmentSeed } from './restarts.ts';
import { predictorFromReflection } from '../envelope/lpc.ts';
import type { SynthPlan } from './synth-plan.ts';
import { ENVELOPE_STRIDE, SILENT_LEVEL, type EnvelopeTrack } from '../envelope/plan.ts';

/** Internal samples between control updates (1.45 ms at 22.05 kHz). */
const BLOCK = 32;
/** Output blocks the restarts are aligned to (as the formant synth's control blocks). */
const OUTPUT_BLOCK = 32;
/** Output samples rendered by one inner call (see render). */
const SPAN = 2048;
/** Half-width of the resampling filter, in internal samples, when the output rate is higher. */
const HALF_WIDTH = 8;
const DEEMPHASIS = 0.97;
/**
 * Period-to-period shimmer (uniform spread of each pulse's size). No jitter: 1 % already moved a
 * pitch tracker's reading of short notes (Praat: median error 9.4 cents without, 10.8 with; the
 * aim is under 10).
 */
const SHIMMER = 0.03;
/**
 * Breath: noise through the frame's envelope, at this amplitude against the pulses' (which have
 * unit power). A high voice's harmonics sample its resonances sparsely (one harmonic every 400 Hz
 * or so); the breath fills the envelope in between, where a listener (and a recognizer) finds
 * the vowel. Over the nine renders of the voice bench the open-vocabulary WER fell from 0.75 to
 * 0.67 (docs/vocal.md).
 */
const BREATH = 0.3;
/**
 * The breath's resonances are widened (the predictor's poles drawn in by this factor, about
 * 290 Hz more bandwidth at 22.05 kHz): noise through the sharp resonances rings like a tone for
 * several periods and a pitch tracker took F0 / 2 for the pitch (Praat: 81 % of the notes within
 * 50 cents, against 96 % here).
 */
const BREATH_POLES = 0.96;
/** Scales a uniform draw to unit power (the filter makes it Gaussian enough, and one draw is cheaper than four). */
const BREATH_NOISE = Math.sqrt(3);
/**
 * One-pole rounding of each pulse (-3 dB near 3.7 kHz): a one-sample impulse put a sharp step in
 * every period that stood out like a click where the fractional pulse fell whole on one sample.
 */
const PULSE_SMOOTH = 0.35;
const DC_POLE = 0.99;
/** Level that puts the envelope voice at about the formant voice's loudness. */
const LEVEL = 37;
/** Output below this over a silent block counts as rung out (-140 dBFS). */
const SILENCE = 1e-7;


export class EnvelopeSynth {
  private readonly env: EnvelopeTrack;
  private readonly rate: number;
  private readonly order: number;
  /** Output sample i sits at internal sample i * up / down. */
  private readonly up: number;
  private readonly down: number;
  private readonly width: number;
  /** Resampling weights, `2 * width` a phase, `up` phases. */
  private readonly weights: Float64Array;
  private readonly restarts: number[];
  /** Internal sample where each restart resets the synth (a block boundary, ahead of what its output needs). */
  private readonly internalRestarts: number[];
  private nextRestart = 0;
  private position = 0;
  private buf = new Float64Array(1 << 14);
  /** Per internal block of the buffer: 1 when it holds exact zeros (a rest), so resampling can skip it. */
  private silentBlocks = new Uint8Array((1 << 14) / BLOCK);
  /** Per phase: 1 when the phase falls on an internal sample and its filter is that one tap. */
  private readonly singleTap: Uint8Array;
  private bufStart = 0;
  private generated = 0;
  // Synth state.
  private noise!: Noise;
  /** The folds' own randomness (shimmer), apart from the noise source. */
  private folds!: Noise;
  /** This period's pulse size against the nominal. */
  private pulseScale = 1;
  /** State of the pulse's rounding low-pass. */
  private soft = 0;
  private readonly lattice: Float64Array;
  private readonly k: Float64Array;
  private readonly dk: Float64Array;
  private level = 0;
  private voicing = 0;
  private phase = 0;
  /** Pulses already placed on the samples to come (a ring, AHEAD long). */
  private readonly ahead = new Float64Array(AHEAD);
  /** The breath's own noise, its filter (bandwidth-widened predictor) and its past outputs twice over (a ring read in one run). */
  private breath!: Noise;
  private readonly breathPredictor: Float64Array;
  private readonly breathScratch: Float64Array;
  private readonly breathPast: Float64Array;
  private breathAt = 0;
  private breathStale = true;
  /** frameAt's level, voicing and silence (1 or 0). */
  private readonly target = new Float64Array(3);
  private vibratoPhase = 0;
  private deemph = 0;
  private dcIn = 0;
  private dcOut = 0;
  private quiet = true;
  private readonly pitch: CurveReader;
  private readonly vibratoDepth: CurveReader;
  private readonly vibratoRate: CurveReader;

  constructor(
    private readonly plan: SynthPlan,
    private readonly sampleRate: number,
  ) {
    if (!plan.envelope) throw new Error('EnvelopeSynth needs a plan with an envelope track');
    this.env = plan.envelope;
    this.rate = this.env.rate;
    this.order = this.env.order;
    const g = gcd(this.rate, Math.round(sampleRate));
    this.up = Math.round(sampleRate) / g;
    this.down = this.rate / g;
    // Going down in rate the filter's cut-off follows the output's Nyquist, and it grows wider.
    const cutoff = Math.min(1, sampleRate / this.rate);
    this.width = Math.ceil(HALF_WIDTH / cutoff);
    this.weights = resamplingWeights(this.up, this.width, cutoff);
    this.singleTap = new Uint8Array(this.up);
    // Going up by a whole factor, the phase on an internal sample is a single tap of weight 1.
    if (cutoff === 1) this.singleTap[0] = 1;
    this.lattice = new Float64Array(this.order);
    this.breathPredictor = new Float64Array(this.order);
    this.breathScratch = new Float64Array(this.order);
    this.breathPast = new Float64Array(2 * this.order);
    this.k = new Float64Array(this.order);
    this.dk = new Float64Array(this.order);
    this.pitch = new CurveReader(plan.pitch);
    this.vibratoDepth = new CurveReader(plan.vibratoDepth);
    this.vibratoRate = new CurveReader(plan.vibratoRate);
    this.restarts = restartPositions([plan.voicing, plan.aspiration, plan.frication], plan.start, plan.end, sampleRate, OUTPUT_BLOCK);
    this.internalRestarts = this.restarts.map((p) => Math.max(0, Math.floor((Math.floor((p * this.down) / this.up) - this.width - BLOCK) / BLOCK) * BLOCK));
    this.startSegment(0);
  }

  get restartSamples(): readonly number[] {
    return this.restarts;
  }

  get length(): number {
    return Math.max(1, Math.round((this.plan.end - this.plan.start) * this.sampleRate));
  }

  private startSegment(segment: number): void {
    this.noise = new Noise(segmentSeed(this.plan.seed, segment));
    this.folds = new Noise(segmentSeed(this.plan.seed, segment) ^ 0x5bd1e995);
    this.breath = new Noise(segmentSeed(this.plan.seed, segment) ^ 0x27d4eb2f);
    this.ahead.fill(0);
    this.breathPast.fill(0);
    this.breathAt = 0;
    this.breathStale = true;
    this.pulseScale = 1;
    this.soft = 0;
    this.lattice.fill(0);
    this.k.fill(0);
    this.level = this.voicing = this.phase = this.vibratoPhase = 0;
    this.deemph = this.dcIn = this.dcOut = 0;
    this.quiet = true;
    this.nextRestart = segment;
  }

  /** Moves n output samples on, jumping to the last restart on the way. */
  skip(n: number, scratch: Float32Array = new Float32Array(4096)): void {
    const target = this.position + n;
    let k = this.nextRestart;
    while (k < this.restarts.length && this.restarts[k]! <= target) k++;
    if (k > this.nextRestart && this.restarts[k - 1]! > this.position) {
      this.position = this.restarts[k - 1]!;
      const j = this.internalRestarts[k - 1]!;
      this.bufStart = this.generated = j;
      this.buf.fill(0);
      this.silentBlocks.fill(1);
      this.startSegment(k);
    }
    while (this.position < target) this.render(scratch.subarray(0, Math.min(scratch.length, target - this.position)));
  }

  render(out: Float32Array): void {
    // In short spans: a function called often is optimized whole, where one long loop was
    // optimized mid-way (on-stack) and fell back to the interpreter at every exit.
    for (let from = 0; from < out.length; from += SPAN) this.renderSpan(out.subarray(from, Math.min(out.length, from + SPAN)));
  }

  private renderSpan(out: Float32Array): void {
    const n = out.length;
    if (n === 0) return;
    const up = this.up, down = this.down, width = this.width, span = 2 * width;
    const weights = this.weights, single = this.singleTap;
    const gain = this.plan.gain * LEVEL;
    let centre = Math.floor((this.position * down) / up);
    let phase = this.position * down - centre * up;
    this.ensure(centre - width + 1, Math.floor(((this.position + n - 1) * down) / up) + width + 1);
    const buf = this.buf, silent = this.silentBlocks, bufStart = this.bufStart;
    for (let i = 0; i < n; i++) {
      const at = centre - width + 1 - bufStart;
      let acc = 0;
      if (single[phase] === 1) {
        // This phase falls on an internal sample: the filter is that sample alone.
        acc = buf[at + width - 1]!;
      } else if (at < 0) {
        const w0 = phase * span;
        for (let t = 0; t < span; t++) if (at + t >= 0) acc += weights[w0 + t]! * buf[at + t]!;
      } else if (silent[at >> 5] === 0 || silent[(at + span - 1) >> 5] === 0) {
        const w0 = phase * span;
        for (let t = 0; t < span; t++) acc += weights[w0 + t]! * buf[at + t]!;
      }
      out[i] = acc * gain;
      phase += down;
      while (phase >= up) {
        phase -= up;
        centre++;
      }
    }
    this.position += n;
  }

  /** Makes internal samples [from, to) available in the buffer (from never goes back). */
  private ensure(from: number, to: number): void {
    if (from - this.bufStart > 2 * BLOCK) {
      // Drop what no later output needs, a whole number of blocks.
      const drop = Math.floor((from - this.bufStart - BLOCK) / BLOCK) * BLOCK;
      this.buf.copyWithin(0, drop, this.generated - this.bufStart);
      this.silentBlocks.copyWithin(0, drop / BLOCK, (this.generated - this.bufStart) / BLOCK);
      this.bufStart += drop;
    }
    const need = to - this.bufStart + BLOCK;
    if (need > this.buf.length) {
      let size = this.buf.length;
      while (size < need) size *= 2;
      const bigger = new Float64Array(size);
      bigger.set(this.buf);
      this.buf = bigger;
      const flags = new Uint8Array(size / BLOCK);
      flags.set(this.silentBlocks);
      this.silentBlocks = flags;
    }
    while (this.generated < to) {
      this.block(this.generated);
      this.generated += BLOCK;
    }
  }

  /**
   * Frame values at internal sample j: k (into this.dk as the target); level, voicing and whether
   * it is silent into this.target (numbers in a typed array: an object whose level was 0 in a rest
   * and a fraction elsewhere sent the optimized loop back to the interpreter).
   */
  private frameAt(j: number, k: Float64Array): void {
    const env = this.env;
    const frames = env.frames;
    const count = frames.length / ENVELOPE_STRIDE;
    const x = j / this.rate / env.hop;
    const f = Math.min(count - 1, Math.max(0, Math.floor(x)));
    const g = Math.min(count - 1, f + 1);
    const w = Math.min(1, Math.max(0, x - f));
    const a = f * ENVELOPE_STRIDE, b = g * ENVELOPE_STRIDE, order = this.order;
    for (let m = 0; m < order; m++) k[m] = frames[a + m]! + w * (frames[b + m]! - frames[a + m]!);
    const la = frames[a + order]!, lb = frames[b + order]!;
    const level = la + w * (lb - la);
    const voicing = frames[a + order + 1]! + w * (frames[b + order + 1]! - frames[a + order + 1]!);
    const silent = la <= SILENT_LEVEL && lb <= SILENT_LEVEL;
    const target = this.target;
    target[0] = silent ? 0 : Math.exp(level);
    target[1] = voicing;
    target[2] = silent ? 1 : 0;
  }

  /** One block of BLOCK internal samples starting at internal sample j. */
  private block(j: number): void {
    if (this.nextRestart < this.internalRestarts.length && j === this.internalRestarts[this.nextRestart]) this.startSegment(this.nextRestart + 1);
    const out = this.buf;
    const at = j - this.bufStart;
    const rate = this.rate;
    const t = this.plan.start + j / rate;
    this.frameAt(j + BLOCK, this.dk);
    const targetLevel = this.target[0]!, targetVoicing = this.target[1]!, targetSilent = this.target[2] === 1;
    if (targetSilent && this.level === 0 && this.quiet) {
      out.fill(0, at, at + BLOCK);
      this.silentBlocks[at / BLOCK] = 1;
      this.lattice.fill(0);
      this.breathPast.fill(0);
      this.deemph = this.dcIn = this.dcOut = 0;
      return;
    }
    this.silentBlocks[at / BLOCK] = 0;
    this.sound(j, at, t, targetLevel, targetVoicing, targetSilent);
  }

  /**
   * A block with sound in it. Apart from block() so the compiler optimizes it once it has seen
   * sound: optimized during a song's silent lead-in, it knew nothing of the sound and was thrown
   * away at the first phone, and again at the first vowel (each time 10-30 ms back in slow code).
   */
  private sound(j: number, at: number, t: number, targetLevel: number, targetVoicing: number, targetSilent: boolean): void {
    const out = this.buf;
    const rate = this.rate;
    const order = this.order;
    const k = this.k, dk = this.dk, lattice = this.lattice;
    // The coefficients step once a block (1.45 ms); the level and voicing ramp per sample.
    for (let m = 0; m < order; m++) k[m] = dk[m]!;
    // The breath's filter follows every fourth block (5.8 ms), and the first of a segment.
    const breathPredictor = this.breathPredictor;
    if (this.breathStale || (j / BLOCK) % 4 === 0) {
      predictorFromReflection(k, breathPredictor, this.breathScratch);
      for (let m = 0, g = BREATH_POLES; m < order; m++, g *= BREATH_POLES) breathPredictor[m]! *= g;
      this.breathStale = false;
    }
    const semis = this.pitch.at(t) + this.vibratoDepth.at(t) * Math.sin(2 * Math.PI * this.vibratoPhase);
    // Wrapped without a branch (one first taken mid-song sent the optimized code back).
    const vibratoPhase = this.vibratoPhase + (this.vibratoRate.at(t) * BLOCK) / rate;
    this.vibratoPhase = vibratoPhase - Math.floor(vibratoPhase);
    const f0 = 440 * Math.pow(2, (semis - 69) / 12);
    const step = f0 / rate;
    const pulseSize = Math.sqrt(rate / f0);
    let level = this.level, voicing = this.voicing;
    const dLevel = (targetLevel - level) / BLOCK, dVoicing = (targetVoicing - voicing) / BLOCK;
    let phase = this.phase, deemph = this.deemph, dcIn = this.dcIn, dcOut = this.dcOut;
    let peak = 0;
    const noise = this.noise, breath = this.breath, ahead = this.ahead;
    const past = this.breathPast;
    let breathAt = this.breathAt;
    const breathAmount = this.env.breath ?? BREATH;
    let pulseScale = this.pulseScale;
    let soft = this.soft;
    for (let n = 0; n < BLOCK; n++) {
      level += dLevel;
      voicing += dVoicing;
      // A pulse where the phase wraps: a windowed sinc centred PULSE_TAPS samples after its exact time.
      const now = j + n;
      phase += step;
      if (phase >= 1) {
        phase -= 1;
        placeSincPulse(ahead, now, phase / step, pulseSize * pulseScale);
        pulseScale = 1 + SHIMMER * this.folds.uniform();
      }
      const pulse = ahead[now & (AHEAD - 1)]!;
      ahead[now & (AHEAD - 1)] = 0;
      const v = voicing < 0 ? 0 : voicing > 1 ? 1 : voicing;
      // Noise only where the frame asks for it (voiceless and voiced consonants): a vowel draws none.
      // The pulse is rounded off by a one-pole low-pass: the folds do not close in one sample.
      soft = (1 - PULSE_SMOOTH) * pulse + PULSE_SMOOTH * soft;
      const voiced = v >= 1 ? 1 : Math.sqrt(v);
      let f = level * voiced * soft;
      if (v < 1) f += level * Math.sqrt(1 - v) * noise.gaussian();
      // The lattice, its last stage first (that one has no backward output to keep).
      f -= k[order - 1]! * lattice[order - 1]!;
      for (let m = order - 2; m >= 0; m--) {
        const km = k[m]!, lm = lattice[m]!;
        f -= km * lm;
        lattice[m + 1] = km * f + lm;
      }
      lattice[0] = f;
      // The breath, in voiced frames: through the widened envelope (past[breathAt..] holds its last outputs, newest first).
      let b = BREATH_NOISE * breath.uniform();
      for (let m = 0; m < order; m++) b -= breathPredictor[m]! * past[breathAt + m]!;
      breathAt = breathAt === 0 ? order - 1 : breathAt - 1;
      past[breathAt] = past[breathAt + order] = b;
      deemph = f + breathAmount * level * voiced * b + DEEMPHASIS * deemph;
      dcOut = deemph - dcIn + DC_POLE * dcOut;
      dcIn = deemph;
      out[at + n] = dcOut;
      const mag = dcOut < 0 ? -dcOut : dcOut;
      if (mag > peak) peak = mag;
    }
    this.phase = phase;
    this.breathAt = breathAt;
    this.pulseScale = pulseScale;
    this.soft = soft;
    this.level = targetSilent ? 0 : level;
    this.voicing = voicing;
    this.deemph = deemph;
    this.dcIn = dcIn;
    this.dcOut = dcOut;
    this.quiet = peak < SILENCE;
  }
}
