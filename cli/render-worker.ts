// A worker thread's share of a parallel render (parallel-render.ts): samples [from, to) of a plan.
import { parentPort, workerData } from 'node:worker_threads';
import { renderRange } from '../vocal/dsp/render-plan.ts';
import type { SynthPlan } from '../vocal/dsp/synth-plan.ts';

const { plan, sampleRate, from, to } = workerData as { plan: SynthPlan; sampleRate: number; from: number; to: number };
const samples = renderRange(plan, sampleRate, from, to);
parentPort!.postMessage(samples, [samples.buffer as ArrayBuffer]);
