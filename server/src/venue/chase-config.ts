// `serve --chase mtc|ltc` and its companions, checked before anything starts: the chase's source,
// its input (MTC: the --midi-in port; LTC: --ltc-input, a WAV file, "-" for stdin or
// "alsa:<device>"), the freewheel time, and the show's timecode start (show.json "timecode").

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseTimecode, type MtcRate } from './timecode.ts';
import type { ChaseOptions } from './timecode-chase.ts';

export const CHASE_FLAGS = ['chase', 'ltc-input', 'chase-freewheel'] as const;

export const CHASE_HELP = `  --chase <mtc|ltc>        follow external timecode: the transport locks to it (docs/venue.md)
                           mtc: from the --midi-in port; ltc: from --ltc-input
  --ltc-input <src>        LTC audio: a WAV file (played in real time), - (raw 16-bit mono 48 kHz
                           PCM on stdin) or alsa:<device> (through arecord)
  --chase-freewheel <s>    how long the show plays on when the timecode stops, then holds (default 2)
`;

export interface ChaseFlagValues {
  chase?: string;
  ltcInput?: string;
  freewheel?: string;
  midiIn?: string;
}

/** The chase's options, undefined without --chase, or an error line. */
export function chaseOptionsFor(showDir: string, f: ChaseFlagValues): ChaseOptions | undefined | string {
  if (f.chase === undefined) {
    if (f.ltcInput !== undefined || f.freewheel !== undefined) return '--ltc-input and --chase-freewheel go with --chase';
    return undefined;
  }
  if (f.chase !== 'mtc' && f.chase !== 'ltc') return `--chase: expected mtc or ltc, got "${f.chase}"`;
  const freewheel = f.freewheel === undefined ? 2 : Number(f.freewheel);
  if (!Number.isFinite(freewheel) || freewheel < 0 || freewheel > 600) return `--chase-freewheel: expected seconds from 0 to 600, got "${f.freewheel}"`;
  if (f.chase === 'mtc' && !f.midiIn) return '--chase mtc reads MIDI Time Code from a MIDI input: add --midi-in <name>';
  if (f.chase === 'ltc') {
    if (!f.ltcInput) return '--chase ltc needs --ltc-input <file.wav | - | alsa:device>';
    if (f.ltcInput !== '-' && !f.ltcInput.startsWith('alsa:') && !existsSync(f.ltcInput)) return `--ltc-input: no such file "${f.ltcInput}" (a WAV file, - for stdin, or alsa:<device>)`;
  }
  return { source: f.chase, offsetSeconds: showTimecodeStart(showDir), freewheelSeconds: freewheel, ltcInput: f.ltcInput, midiInputName: f.midiIn };
}

/** show.json's timecode.start in seconds (0 without one; a bad one stops the show at validation anyway). */
function showTimecodeStart(showDir: string): number {
  try {
    const show = JSON.parse(readFileSync(join(showDir, 'show.json'), 'utf8')) as { timecode?: { fps?: MtcRate; start?: string } };
    const start = show.timecode?.start;
    return start ? (parseTimecode(start, show.timecode?.fps ?? 30) ?? 0) : 0;
  } catch {
    return 0;
  }
}
