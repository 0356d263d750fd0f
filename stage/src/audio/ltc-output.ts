// Wiring LTC into an output's sound: `ltc=left|right` on the stage URL puts the show's audio on one
// channel and LTC (the show's timecode.start and fps from show.json; 25 fps from 00:00:00:00
// without them) on the other. Also a read-only tap for tests: the output's two channels as heard,
// with the show clock's timecode at each block.

import type { MtcRate } from '../../../show-files/src/timecode.ts';
import { parseTimecode } from '../../../show-files/src/timecode.ts';
import { showUrl } from '../../../client/assets.ts';
import { LtcTrack } from './ltc-track.ts';

export interface LtcOutput {
  track: LtcTrack;
  /** Where the show's audio goes (its channel of the output). */
  showAudio: AudioNode;
  merger: ChannelMergerNode;
}

/** The output's channels and the LTC track, or null when the URL asks for none. */
export async function openLtcOutput(ctx: AudioContext, channel: string | null): Promise<LtcOutput | null> {
  if (channel !== 'left' && channel !== 'right') return null;
  let rate: MtcRate = 25;
  let offset = 0;
  try {
    const show = (await (await fetch(showUrl('show.json'))).json()) as { timecode?: { fps?: MtcRate; start?: string } };
    rate = show.timecode?.fps ?? 25;
    offset = show.timecode?.start ? (parseTimecode(show.timecode.start, rate) ?? 0) : 0;
  } catch {
    // No show.json to read: timecode from 00:00:00:00 at 25 fps.
  }
  const merger = ctx.createChannelMerger(2);
  merger.connect(ctx.destination);
  const showAudio = ctx.createGain();
  showAudio.connect(merger, 0, channel === 'right' ? 0 : 1);
  const ltcIn = ctx.createGain();
  ltcIn.connect(merger, 0, channel === 'right' ? 1 : 0);
  return { track: new LtcTrack(ctx, ltcIn, rate, offset), showAudio, merger };
}

export interface AudioTap {
  sampleRate: number;
  left: number[];
  right: number[];
  /** Per block: its first sample's index and the show clock's timecode (seconds) when it plays. */
  blocks: { index: number; timecode: number }[];
}

// The tap's worklet: posts each render quantum's two channels with the context time it renders.
const TAP_WORKLET = `registerProcessor('holostage-tap', class extends AudioWorkletProcessor {
  process(inputs) {
    const input = inputs[0];
    if (input && input.length) this.port.postMessage({ at: currentTime, left: input[0].slice(), right: (input[1] || input[0]).slice() });
    return true;
  }
});`;

/** Records `seconds` of the output's two channels, as rendered (an AudioWorklet that outputs nothing). */
export async function tapOutput(out: LtcOutput, seconds: number, showTimecodeAt: (contextTime: number) => number): Promise<AudioTap> {
  const ctx = out.track.ctx;
  const url = URL.createObjectURL(new Blob([TAP_WORKLET], { type: 'application/javascript' }));
  await ctx.audioWorklet.addModule(url);
  URL.revokeObjectURL(url);
  const node = new AudioWorkletNode(ctx, 'holostage-tap', { numberOfInputs: 1, numberOfOutputs: 0, channelCount: 2, channelCountMode: 'explicit' });
  const tap: AudioTap = { sampleRate: ctx.sampleRate, left: [], right: [], blocks: [] };
  return new Promise((resolve) => {
    node.port.onmessage = (e: MessageEvent<{ at: number; left: Float32Array; right: Float32Array }>) => {
      tap.blocks.push({ index: tap.left.length, timecode: showTimecodeAt(e.data.at) });
      tap.left.push(...e.data.left);
      tap.right.push(...e.data.right);
      if (tap.left.length >= seconds * ctx.sampleRate) {
        out.merger.disconnect(node);
        node.port.onmessage = null;
        resolve(tap);
      }
    };
    out.merger.connect(node);
  });
}
