// Offline rendering of a vocal track to samples with Tone.js, in Node or in a browser.
// In Node the Web Audio classes come from node-web-audio-api and must be globals before Tone is
// imported (Tone looks for them when it loads): `loadTone()` arranges that once.

import type { VocalTrack, VoiceSettings } from '../timeline.ts';
import { planSinger, type SingerPlan } from './singer-plan.ts';
import { buildSingerGraph, type SingerContext } from './synth.ts';

type ToneModule = typeof import('tone');

let tonePromise: Promise<ToneModule> | undefined;

/** Imports Tone.js; in Node first installs node-web-audio-api's classes as globals. */
export function loadTone(): Promise<ToneModule> {
  tonePromise ??= (async () => {
    const g = globalThis as Record<string, unknown>;
    if (typeof g.AudioContext === 'undefined' && typeof process !== 'undefined' && process.versions?.node) {
      const webAudio = (await import('node-web-audio-api')) as Record<string, unknown>;
      g.window ??= globalThis;
      for (const [name, value] of Object.entries(webAudio)) if (!(name in g)) g[name] = value;
    }
    return import('tone');
  })();
  return tonePromise;
}

export interface RenderOptions {
  sampleRate?: number;
  /** Render only this show-time window (defaults to the whole plan). */
  from?: number;
  to?: number;
  /** Called with 0..1 while rendering (last call: 1). */
  onProgress?: (fraction: number) => void;
  /** Report progress every this many seconds of audio (default: every 2 % of the song). */
  chunkSeconds?: number;
}

export interface RenderedVocal {
  samples: Float32Array;
  sampleRate: number;
  /** Show time of samples[0]. */
  start: number;
  plan: SingerPlan;
}

interface SuspendableContext {
  suspend(when: number): Promise<void>;
  resume(): Promise<void>;
}

/**
 * Renders the sung vocal line offline with Tone.js: a Tone OfflineContext over a native
 * OfflineAudioContext (node-web-audio-api in Node), so node creation and automation go straight to
 * the engine. Progress comes from suspending the native context at regular points of the render.
 */
export async function renderVocal(track: VocalTrack, voice: VoiceSettings, options: RenderOptions = {}): Promise<RenderedVocal> {
  const Tone = await loadTone();
  const sampleRate = options.sampleRate ?? 44100;
  const plan = planSinger(track, voice);
  const from = options.from ?? plan.start;
  const to = options.to ?? plan.end;
  const length = Math.max(1, Math.round((to - from) * sampleRate));
  const duration = length / sampleRate;
  const Native = (globalThis as { OfflineAudioContext?: new (channels: number, length: number, sampleRate: number) => OfflineAudioContext }).OfflineAudioContext;
  const context = Native ? new Tone.OfflineContext(new Native(1, length, sampleRate)) : new Tone.OfflineContext(1, duration, sampleRate);
  const graph = buildSingerGraph(context as unknown as SingerContext, plan, from, 0, to);
  Tone.connect(graph.output, context.rawContext.destination as unknown as AudioNode);

  const onProgress = options.onProgress;
  const raw = context.rawContext as unknown as Partial<SuspendableContext>;
  if (onProgress && typeof raw.suspend === 'function' && typeof raw.resume === 'function') {
    const step = Math.max(options.chunkSeconds ?? duration / 50, 0.05);
    for (let t = step; t < duration - 0.01; t += step) {
      // Suspend times are rounded to render quanta by the engine; report the time asked for.
      const at = t;
      raw.suspend(at).then(
        () => {
          onProgress(at / duration);
          void raw.resume!();
        },
        () => undefined,
      );
    }
  }
  // Synchronous clock: Tone's asynchronous mode only adds a 1 ms pause per rendered second.
  const buffer = await context.render(false);
  const samples = Float32Array.from(buffer.getChannelData(0).subarray(0, length));
  await context.dispose();
  onProgress?.(1);
  return { samples, sampleRate, start: from, plan };
}
