// The browser side of the Node-vs-Chromium voice test: renders a plan with the AudioWorklet
// processor in an OfflineAudioContext, and with the plain synthesizer function on the page.
import { renderChunks } from '../../../vocal/dsp/render-plan.ts';
import type { SynthPlan } from '../../../vocal/dsp/voice-synth.ts';
import { VOICE_PROCESSOR } from '../../../vocal/worklet.ts';

function toBase64(samples: Float32Array): string {
  const bytes = new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength);
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/** The test sends an envelope track's frames as a plain array: back to the typed array the synth reads. */
function revive(plan: SynthPlan): SynthPlan {
  return plan.envelope ? { ...plan, envelope: { ...plan.envelope, frames: Float32Array.from(plan.envelope.frames) } } : plan;
}

async function renderWithWorklet(sent: SynthPlan, sampleRate: number, workletCode: string): Promise<string> {
  const plan = revive(sent);
  const length = Math.round((plan.end - plan.start) * sampleRate);
  const ctx = new OfflineAudioContext(1, length, sampleRate);
  const url = URL.createObjectURL(new Blob([workletCode], { type: 'text/javascript' }));
  await ctx.audioWorklet.addModule(url);
  const node = new AudioWorkletNode(ctx, VOICE_PROCESSOR, { numberOfInputs: 0, outputChannelCount: [1], processorOptions: { plan } });
  node.connect(ctx.destination);
  const buffer = await ctx.startRendering();
  return toBase64(buffer.getChannelData(0));
}

function renderOnPage(sent: SynthPlan, sampleRate: number): string {
  const plan = revive(sent);
  const it = renderChunks(plan, sampleRate, plan.start, plan.end, 4096);
  let step = it.next();
  while (!step.done) step = it.next();
  return toBase64(step.value);
}

Object.assign(window, { renderWithWorklet, renderOnPage });
