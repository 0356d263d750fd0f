// `holostage sing` on two cores (opt-in): the synthesizer restarts from nothing in the rests
// between phrases (vocal/dsp/restarts.ts), so the song splits there into two parts that share no
// state. A worker thread renders the second part while this thread renders the first; the samples
// are exactly those of one straight render. Short songs, songs without a rest near the middle, or
// a worker that fails to start are rendered here alone.

import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { VocalTrack, VoiceSettings } from '../show-files/src/timeline.ts';
import { planVoice, type TunedTrack } from '../vocal/articulation.ts';
import { createSynth } from '../vocal/dsp/render-plan.ts';
import type { SynthPlan } from '../vocal/dsp/synth-plan.ts';
import type { RenderedVocal } from '../vocal/render.ts';

/** Below this much audio a second thread costs more to start than it saves. */
const MIN_PARALLEL_SECONDS = 6;

/**
 * Where a render worker starts, when asked for one (HOLOSTAGE_RENDER_THREADS=2): the bundled
 * entry when the CLI runs from its bundle (run from source, a worker would spend longer
 * registering tsx than the render takes). One thread is the default: measured on this 2-core
 * machine with other work running, a second isolate's start-up and cold JIT cost more than half
 * of a 29 s song's render saves (0.34 s against 0.29 s for the whole process).
 */
export function bundledWorkerEntry(): string | undefined {
  const bundle = process.env.HOLOSTAGE_CLI_BUNDLE;
  if (process.env.HOLOSTAGE_RENDER_THREADS !== '2') return undefined;
  return bundle ? join(bundle, 'render-worker.mjs') : undefined;
}

/** The worker entry that runs from source (tsx): for tests of the parallel path. */
export const SOURCE_WORKER_ENTRY = new URL('./render-worker-boot.mjs', import.meta.url);

/** The restart nearest the middle of the song, if one lies in its middle 40 %. */
export function splitPoint(restarts: readonly number[], total: number): number | undefined {
  let best: number | undefined;
  for (const r of restarts) if (r > 0.3 * total && r < 0.7 * total && (best === undefined || Math.abs(r - total / 2) < Math.abs(best - total / 2))) best = r;
  return best;
}

function renderInWorker(entry: string | URL, plan: SynthPlan, sampleRate: number, from: number, to: number): Promise<Float32Array> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(entry, { workerData: { plan, sampleRate, from, to }, name: 'holostage-render' });
    worker.once('message', (samples: Float32Array) => {
      resolve(samples);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`render worker exited with code ${code}`)));
  });
}

export interface ParallelRenderOptions {
  sampleRate: number;
  onProgress?: (fraction: number) => void;
  /** The worker's entry; without one everything renders on this thread. */
  workerEntry?: string | URL;
}

export async function renderVocalParallel(track: VocalTrack, voice: VoiceSettings, options: ParallelRenderOptions): Promise<RenderedVocal & { parts: number }> {
  const { sampleRate, onProgress, workerEntry } = options;
  const plan = planVoice(track as TunedTrack, voice);
  const synth = createSynth(plan, sampleRate);
  const total = synth.length;
  const out = new Float32Array(total);
  const worth = workerEntry !== undefined && availableParallelism() > 1 && total >= MIN_PARALLEL_SECONDS * sampleRate;
  const split = worth ? splitPoint(synth.restartSamples, total) : undefined;
  const tail = split === undefined ? undefined : renderInWorker(workerEntry!, plan, sampleRate, split, total).catch(() => undefined);
  const mine = split ?? total;
  const chunk = Math.max(4096, Math.round(total / 50));
  for (let pos = 0; pos < mine; pos += chunk) {
    synth.render(out.subarray(pos, Math.min(mine, pos + chunk)));
    onProgress?.(Math.min(pos + chunk, mine) / total);
  }
  let parts = 1;
  if (tail) {
    const samples = await tail;
    // A worker that could not start or failed: the rest is rendered here, the same samples.
    if (samples && samples.length === total - mine) {
      out.set(samples, mine);
      parts = 2;
    } else synth.render(out.subarray(mine));
  }
  onProgress?.(1);
  return { samples: out, sampleRate, start: plan.start, plan, parts };
}
