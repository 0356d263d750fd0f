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
  /** Called with 0..1 while rendering. */
  onProgress?: (fraction: number) => void;
  /** Aim for pieces of about this many seconds (cut only in rests; default 10). */
  chunkSeconds?: number;
}

export interface RenderedVocal {
  samples: Float32Array;
  sampleRate: number;
  /** Show time of samples[0]. */
  start: number;
  plan: SingerPlan;
}

/**
 * Where a long render may be cut into separately rendered pieces without an audible join: the
 * middle of rests long enough for every envelope and filter to have fallen silent.
 */
export function silentCutPoints(plan: SingerPlan, track: VocalTrack, every: number, minRest = 0.12): number[] {
  const cuts: number[] = [];
  let last = plan.start;
  const ph = track.phonemes;
  for (let i = 1; i < ph.length; i++) {
    const gapStart = ph[i - 1]!.end + 0.06; // after the release and a filter tail
    const gapEnd = ph[i]!.time - 0.03;
    if (ph[i]!.time - ph[i - 1]!.end >= minRest && gapEnd > gapStart) {
      const mid = (gapStart + gapEnd) / 2;
      if (mid - last >= every) {
        cuts.push(mid);
        last = mid;
      }
    }
  }
  return cuts;
}

/**
 * Renders the sung vocal line offline with Tone.js. A long song renders as pieces cut in the
 * middle of its rests (each piece is a fresh graph started at its own origin; the voice is silent
 * at every cut, so the joins are inaudible): that gives a true progress bar and keeps memory low.
 */
export async function renderVocal(track: VocalTrack, voice: VoiceSettings, options: RenderOptions = {}): Promise<RenderedVocal> {
  const Tone = await loadTone();
  const sampleRate = options.sampleRate ?? 44100;
  const plan = planSinger(track, voice);
  const from = options.from ?? plan.start;
  const to = options.to ?? plan.end;
  const total = Math.max(1, Math.round((to - from) * sampleRate));
  const samples = new Float32Array(total);
  const cuts = silentCutPoints(plan, track, options.chunkSeconds ?? 10).filter((t) => t > from && t < to);
  const bounds = [0, ...cuts.map((t) => Math.round((t - from) * sampleRate)), total];
  for (let k = 0; k + 1 < bounds.length; k++) {
    const offset = bounds[k]!;
    const length = bounds[k + 1]! - offset;
    if (length <= 0) continue;
    const context = new Tone.OfflineContext(1, length / sampleRate, sampleRate);
    const graph = buildSingerGraph(context as unknown as SingerContext, plan, from + offset / sampleRate, 0, from + (offset + length) / sampleRate);
    Tone.connect(graph.output, context.rawContext.destination as unknown as AudioNode);
    // Synchronous clock: Tone's asynchronous mode only adds a 1 ms pause per rendered second.
    const buffer = await context.render(false);
    samples.set(buffer.getChannelData(0).subarray(0, length), offset);
    await context.dispose();
    options.onProgress?.(bounds[k + 1]! / total);
  }
  return { samples, sampleRate, start: from, plan };
}
