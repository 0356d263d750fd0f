// The venue options `serve` starts with: show.json's "osc" and "timecode" sections, overridden by
// flags (--osc-port, --mtc-fps). The show file is validated as a whole when the server compiles it
// (every error with its line); here a section that does not pass is simply not used, since such a
// show never starts anyway.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { showSchema } from '../../../show-files/src/schema.ts';
import { MTC_RATES, parseTimecode, type MtcRate } from './timecode.ts';
import type { VenueOptions } from './venue.ts';

export interface VenueFlags {
  oscPort?: number;
  mtcFps?: MtcRate;
  /** --sacn: send the DMX cues over sACN even without a "sacn" section (multicast). */
  sacn?: boolean;
  /** --artnet: send the DMX cues over Art-Net to the nodes ArtPoll finds, even without an "artnet" section. */
  artnet?: boolean;
}

/** A --mtc-fps value as a rate, or an error line. */
export function parseMtcRate(text: string): MtcRate | string {
  const n = Number(text);
  return (MTC_RATES as readonly number[]).includes(n) ? (n as MtcRate) : `--mtc-fps: expected 24, 25, 29.97 or 30, got "${text}"`;
}

export function venueOptionsFor(showDir: string, flags: VenueFlags): VenueOptions {
  const section = readShowSections(showDir);
  const venue: VenueOptions = {};
  const oscPort = flags.oscPort ?? section.osc?.port;
  if (oscPort !== undefined) venue.osc = { port: oscPort, passcode: section.osc?.passcode };
  const rate = flags.mtcFps ?? section.timecode?.fps;
  if (rate !== undefined) {
    const start = section.timecode?.start;
    venue.mtc = { rate, offsetSeconds: start ? (parseTimecode(start, rate) ?? 0) : 0 };
  }
  if (section.sacn || flags.sacn) venue.sacn = { ...section.sacn };
  if (section.artnet || flags.artnet) venue.artnet = { ...section.artnet };
  return venue;
}

function readShowSections(showDir: string): { osc?: { port?: number; passcode?: string }; timecode?: { fps: MtcRate; start?: string }; sacn?: { unicast?: string[]; priority?: number; sync?: number }; artnet?: { nodes?: string[]; broadcast?: string } } {
  let data: Record<string, unknown>;
  try {
    data = JSON.parse(readFileSync(join(showDir, 'show.json'), 'utf8')) as Record<string, unknown>;
  } catch {
    return {};
  }
  const osc = showSchema.shape.osc.safeParse(data.osc);
  const timecode = showSchema.shape.timecode.safeParse(data.timecode);
  const sacn = showSchema.shape.sacn.safeParse(data.sacn);
  const artnet = showSchema.shape.artnet.safeParse(data.artnet);
  return { sacn: sacn.success ? sacn.data : undefined, artnet: artnet.success ? artnet.data : undefined, osc: osc.success ? osc.data : undefined, timecode: timecode.success ? (timecode.data as { fps: MtcRate; start?: string } | undefined) : undefined };
}
