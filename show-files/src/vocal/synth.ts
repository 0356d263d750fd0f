// The singing synthesizer graph. One module for the browser (Tone.js's live context) and for
// offline rendering in Node (Tone.Offline over node-web-audio-api): it only needs an object that
// creates Web Audio nodes, which Tone's Context is.
//
//   source (periodic wave: bright, glottal-like harmonic slope; pitch with glides and vibrato)
//        │
//   formant peak F1 ─ F2 ─ F3 ─ voiced envelope ───────────────────────────────┐
//                                                                              ├─ output gain ─► destination
//   white noise (looped buffer) ─ band-pass (consonant colour) ─ noise envelope ─┘
//
// Nine nodes for the whole song: one voice, every musical change written as automation (see
// singer-plan.ts; vibrato too is drawn into the pitch curve), no per-sample JavaScript. That is
// what keeps offline rendering fast.

import type { Curve, SingerPlan } from './singer-plan.ts';
import { curveAt } from './singer-plan.ts';
import { FORMANT_PEAKS, SOURCE_HARMONICS, SOURCE_SLOPE } from './timbre.ts';

/** The part of a Web Audio context the graph needs (Tone's Context and a native context both fit). */
export interface SingerContext {
  readonly sampleRate: number;
  createOscillator(): OscillatorNode;
  createGain(): GainNode;
  createBiquadFilter(): BiquadFilterNode;
  createBufferSource(): AudioBufferSourceNode;
  createBuffer(channels: number, length: number, sampleRate: number): AudioBuffer;
  createPeriodicWave(real: Float32Array, imag: Float32Array, constraints?: PeriodicWaveConstraints): PeriodicWave;
}

export interface SingerGraph {
  /** Connect this to the destination (or a mixer). */
  output: GainNode;
  /** Stop the sources (live playback: on seek, pause or end). */
  stop(when?: number): void;
}

/** Level of the source before the formant peaks: keeps the summed peaks clear of clipping. */
const SOURCE_LEVEL = 0.07;
const NOISE_LEVEL = 0.5;
/** Stair length for filter automation (see scheduleCurve): about two render quanta at 44.1 kHz. */
const FILTER_STEP = 0.005;

/**
 * Writes a curve onto an AudioParam. `origin` is the show time that plays at context time `at`;
 * breakpoints before `origin` are replaced by the curve's value at `origin`, so playback can
 * start from the middle of a song; breakpoints stop one past show time `until`.
 *
 * `step` > 0 writes the curve as a staircase of that many seconds per stair instead of linear
 * ramps. Filters recompute their coefficients every sample while a parameter ramps (several
 * times the cost of the filtering itself); a staircase of a few milliseconds sounds the same for
 * formant moves and costs one coefficient update per stair.
 */
export function scheduleCurve(param: AudioParam, curve: Curve, origin: number, at: number, scale = 1, until = Infinity, step = 0): void {
  param.cancelScheduledValues(0);
  // Always begin with setValueAtTime: some engines misbehave before the first event otherwise.
  let value = curveAt(curve, origin) * scale;
  param.setValueAtTime(value, at);
  // Binary search to the first breakpoint after origin.
  let lo = 0;
  let hi = curve.times.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (curve.times[mid]! <= origin) lo = mid + 1;
    else hi = mid;
  }
  let prevTime = origin;
  for (let i = lo; i < curve.times.length; i++) {
    const t = curve.times[i]!;
    const target = curve.values[i]! * scale;
    if (step <= 0) param.linearRampToValueAtTime(target, at + (t - origin));
    else if (target !== value) {
      const stairs = Math.max(1, Math.round((t - prevTime) / step));
      for (let k = 1; k <= stairs; k++) {
        const tk = prevTime + ((t - prevTime) * k) / stairs;
        param.setValueAtTime(value + ((target - value) * k) / stairs, at + (tk - origin));
      }
    }
    value = target;
    prevTime = t;
    if (t > until) break;
  }
}

/** A deterministic white-noise buffer (same render every time). */
function noiseBuffer(ctx: SingerContext, seconds: number): AudioBuffer {
  const length = Math.round(ctx.sampleRate * seconds);
  const buffer = ctx.createBuffer(1, length, ctx.sampleRate);
  const data = buffer.getChannelData(0);
  let seed = 0x9e3779b9;
  for (let i = 0; i < length; i++) {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    data[i] = ((seed >>> 0) / 4294967296) * 2 - 1;
  }
  return buffer;
}

/**
 * Builds the singer for a plan. `origin` (show seconds) sounds at context time `at`; automation is
 * written up to show time `until` (a piece of a longer render needs no more).
 */
export function buildSingerGraph(ctx: SingerContext, plan: SingerPlan, origin = plan.start, at = 0, until = Infinity): SingerGraph {
  const source = ctx.createOscillator();
  const real = new Float32Array(SOURCE_HARMONICS + 1);
  const imag = new Float32Array(SOURCE_HARMONICS + 1);
  for (let n = 1; n <= SOURCE_HARMONICS; n++) imag[n] = 1 / Math.pow(n, SOURCE_SLOPE);
  source.setPeriodicWave(ctx.createPeriodicWave(real, imag));
  scheduleCurve(source.frequency, plan.frequency, origin, at, 1, until);

  let chain: AudioNode = source;
  FORMANT_PEAKS.forEach((peak, k) => {
    const f = ctx.createBiquadFilter();
    f.type = 'peaking';
    f.gain.value = peak.gainDb;
    f.Q.value = peak.q;
    scheduleCurve(f.frequency, plan.formants[k]!, origin, at, 1, until, FILTER_STEP);
    chain.connect(f);
    chain = f;
  });
  const voiced = ctx.createGain();
  scheduleCurve(voiced.gain, plan.voiced, origin, at, SOURCE_LEVEL, until);
  chain.connect(voiced);

  const noise = ctx.createBufferSource();
  noise.buffer = noiseBuffer(ctx, 2);
  noise.loop = true;
  const band = ctx.createBiquadFilter();
  band.type = 'bandpass';
  scheduleCurve(band.frequency, plan.noiseFreq, origin, at, 1, until, FILTER_STEP);
  scheduleCurve(band.Q, plan.noiseQ, origin, at, 1, until, FILTER_STEP);
  const noiseEnv = ctx.createGain();
  scheduleCurve(noiseEnv.gain, plan.noise, origin, at, NOISE_LEVEL, until);
  noise.connect(band);
  band.connect(noiseEnv);

  const output = ctx.createGain();
  output.gain.value = plan.outputGain;
  voiced.connect(output);
  noiseEnv.connect(output);

  source.start(at);
  noise.start(at);
  return {
    output,
    stop(when = 0) {
      for (const node of [source, noise]) {
        try {
          node.stop(when);
        } catch {
          // already stopped
        }
      }
    },
  };
}
