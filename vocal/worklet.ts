// The live edge of the voice: an AudioWorklet processor that runs the same synthesizer as the
// offline render (dsp/voice-synth.ts), block by block on the browser's audio thread. Register it
// with `audioWorklet.addModule(<this module, bundled>)`, then create
// `new AudioWorkletNode(ctx, VOICE_PROCESSOR, { outputChannelCount: [1], processorOptions: { plan, from } })`.
// Samples are identical to renderChunks() in Node for the same plan (a test compares them).

import { createSynth } from './dsp/render-plan.ts';
import type { Synth, SynthPlan } from './dsp/synth-plan.ts';

export const VOICE_PROCESSOR = 'holostage-voice';

export interface VoiceProcessorOptions {
  plan: SynthPlan;
  /** Show time the node's first sample is at (defaults to the plan's start). */
  from?: number;
}

// The AudioWorkletGlobalScope's names, declared here: the project's DOM typings do not include them.
declare const sampleRate: number;
declare function registerProcessor(name: string, ctor: unknown): void;
declare class AudioWorkletProcessor {
  readonly port: MessagePort;
}

/** Registers the processor; call from inside an AudioWorkletGlobalScope. */
export function registerVoiceProcessor(): void {
  class VoiceProcessor extends AudioWorkletProcessor {
    private readonly synth: Synth;
    private lead: number;
    private remaining: number;

    constructor(options: { processorOptions: VoiceProcessorOptions }) {
      super();
      const { plan, from = plan.start } = options.processorOptions;
      this.synth = createSynth(plan, sampleRate);
      // Before the plan: silence; inside it: skip what lies before `from`.
      this.lead = Math.max(0, Math.round((plan.start - from) * sampleRate));
      const skip = Math.round((from - plan.start) * sampleRate);
      if (skip > 0) this.synth.skip(skip);
      this.remaining = Math.max(0, Math.round((plan.end - Math.max(from, plan.start)) * sampleRate));
    }

    process(_inputs: Float32Array[][], outputs: Float32Array[][]): boolean {
      const out = outputs[0]?.[0];
      if (!out) return this.remaining > 0;
      let i = 0;
      if (this.lead > 0) {
        const n = Math.min(this.lead, out.length);
        out.fill(0, 0, n);
        this.lead -= n;
        i = n;
      }
      if (i < out.length && this.remaining > 0) {
        const n = Math.min(this.remaining, out.length - i);
        this.synth.render(out.subarray(i, i + n));
        this.remaining -= n;
        i += n;
      }
      if (i < out.length) out.fill(0, i);
      // Keep the node alive until the plan has been sung.
      return this.remaining > 0 || this.lead > 0;
    }
  }
  registerProcessor(VOICE_PROCESSOR, VoiceProcessor);
}
