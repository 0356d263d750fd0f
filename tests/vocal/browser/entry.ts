// Browser side of the synth test: the same synth.ts graph, built on Tone.js's offline context in
// chromium. Exposed on window so the test can call it with a plan computed in Node.
import * as Tone from 'tone';
import { buildSingerGraph, type SingerContext } from '../../../show-files/src/vocal/synth.ts';
import type { SingerPlan } from '../../../show-files/src/vocal/singer-plan.ts';

async function renderInBrowser(plan: SingerPlan, sampleRate: number): Promise<string> {
  const buffer = await Tone.Offline((context) => {
    const graph = buildSingerGraph(context as unknown as SingerContext, plan, plan.start, 0);
    Tone.connect(graph.output, context.destination);
  }, plan.end - plan.start, 1, sampleRate);
  const samples = buffer.getChannelData(0);
  // Base64 of the float32 bytes: compact to hand back to Node.
  const bytes = new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

(window as unknown as { renderInBrowser: typeof renderInBrowser }).renderInBrowser = renderInBrowser;
(window as unknown as { toneVersion: string }).toneVersion = Tone.version;
