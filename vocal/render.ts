// Renders a vocal track to samples with the project's own synthesizer (dsp/voice-synth.ts): the
// same TypeScript runs in Node (WAV export, the server's per-song vocal, the desk preview) and in a
// browser's AudioWorklet (worklet.ts), and gives the same samples for the same track.
// Rendering yields to the event loop between chunks, so a server rendering a song stays responsive.

import type { VocalTrack, VoiceSettings } from '../show-files/src/timeline.ts';
import { planVoice, type TunedTrack } from './articulation.ts';
import { renderChunks } from './dsp/render-plan.ts';
import type { SynthPlan } from './dsp/synth-plan.ts';

export { renderChunks };

export interface RenderOptions {
  sampleRate?: number;
  /** Render only this show-time window (defaults to the whole plan). */
  from?: number;
  to?: number;
  /** Called with 0..1 while rendering (last call: 1). */
  onProgress?: (fraction: number) => void;
  /** Report progress (and yield to the event loop) every this many seconds of audio (default: every 2 % of the song). */
  chunkSeconds?: number;
}

export interface RenderedVocal {
  samples: Float32Array;
  sampleRate: number;
  /** Show time of samples[0]. */
  start: number;
  plan: SynthPlan;
}

const yieldToEventLoop: () => Promise<void> =
  typeof setImmediate === 'function' ? () => new Promise((resolve) => setImmediate(resolve)) : () => new Promise((resolve) => setTimeout(resolve, 0));

export async function renderVocal(track: VocalTrack, voice: VoiceSettings, options: RenderOptions = {}): Promise<RenderedVocal> {
  const sampleRate = options.sampleRate ?? 44100;
  const plan = planVoice(track as TunedTrack, voice);
  const from = options.from ?? plan.start;
  const to = options.to ?? plan.end;
  const chunk = Math.max(128, Math.round((options.chunkSeconds ?? Math.max(0.25, (to - from) / 50)) * sampleRate));
  const it = renderChunks(plan, sampleRate, from, to, chunk);
  let step = it.next();
  while (!step.done) {
    options.onProgress?.(Math.min(step.value, 0.999));
    // Let sockets and timers run between chunks.
    await yieldToEventLoop();
    step = it.next();
  }
  options.onProgress?.(1);
  return { samples: step.value, sampleRate, start: from, plan };
}

/** The same render without yielding: for the browser test page, the CLI and benchmarks. */
export function renderVocalSync(track: VocalTrack, voice: VoiceSettings, sampleRate = 44100): RenderedVocal {
  const plan = planVoice(track as TunedTrack, voice);
  const it = renderChunks(plan, sampleRate, plan.start, plan.end, 1 << 16);
  let step = it.next();
  while (!step.done) step = it.next();
  return { samples: step.value, sampleRate, start: plan.start, plan };
}
