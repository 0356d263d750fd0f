// `holostage ltc`: SMPTE linear timecode as a WAV, for a sound desk or a playback machine to run
// beside the show (or to rehearse `serve --chase ltc`). From flags, or from a show: its timecode
// start and frame rate (show.json "timecode") and its length.
//
//   holostage ltc --fps 25 --start 01:00:00:00 --duration 60 -o ltc.wav
//   holostage ltc --show my-show --preroll 5 -o show-ltc.wav

import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { flagNumber, flagString, parseArgs } from './args.ts';
import { encodeWav } from '../../vocal/wav.ts';
import { ltcSamples } from '../../server/src/venue/ltc.ts';
import { formatTimecode, framesPerSecond, frameToTimecode, parseTimecode, type MtcRate } from '../../server/src/venue/timecode.ts';
import { parseMtcRate } from '../../server/src/venue/config.ts';
import { compileShowFolder } from '../../show-files/src/compile.ts';
import { formatError } from '../../show-files/src/errors.ts';

const HELP = `usage: holostage ltc [--show dir] [--fps 24|25|29.97|30] [--start HH:MM:SS:FF] [--duration s] -o out.wav
  --show <dir>         take the frame rate, start and length from a show (show.json "timecode")
  --fps <rate>         24, 25, 29.97 (drop frame) or 30 (default: the show's, else 25)
  --start <timecode>   the first frame's timecode (default: the show's timecode.start, else 00:00:00:00)
  --duration <s>       seconds of timecode (default: the show's length; needed without --show)
  --preroll <s>        start this many seconds before --start, so a chaser locks before the show
  --sample-rate <hz>   default 48000
  -o, --out <file>     the WAV to write (16-bit mono)
`;

export async function run(args: string[]): Promise<number> {
  const p = parseArgs(args, {
    booleans: ['help'],
    values: ['show', 'fps', 'start', 'duration', 'preroll', 'sample-rate', 'out'],
    aliases: { o: 'out' },
    positionals: {},
    usage: HELP,
  });
  if (p.flags.has('help')) {
    process.stdout.write(HELP);
    return 0;
  }
  const fail = (message: string): number => {
    process.stderr.write(`holostage ltc: ${message}\n`);
    return 2;
  };
  const out = flagString(p, 'out');
  if (!out) return fail(`-o <file.wav> is needed\n${HELP}`);
  let show: { fps?: MtcRate; start?: string; duration?: number } = {};
  const showDir = flagString(p, 'show');
  if (showDir) {
    const loaded = await readShow(resolve(showDir));
    if (typeof loaded === 'string') {
      process.stderr.write(`holostage ltc: ${loaded}\n`);
      return 1;
    }
    show = loaded;
  }
  const fpsText = flagString(p, 'fps');
  const rate = fpsText === undefined ? (show.fps ?? 25) : parseMtcRate(fpsText);
  if (typeof rate === 'string') return fail(rate.replace('--mtc-fps', '--fps'));
  const startText = flagString(p, 'start') ?? show.start ?? '00:00:00:00';
  const startSeconds = parseTimecode(startText, rate);
  if (startSeconds === null) return fail(`--start: "${startText}" is not a timecode at ${rate} fps (HH:MM:SS:FF, hours 0-23, frames below ${rate === 29.97 ? 30 : rate})`);
  const numbers = { duration: flagNumber(p, 'duration', show.duration ?? NaN, 0.04, 86_400), preroll: flagNumber(p, 'preroll', 0, 0, 3600), sampleRate: flagNumber(p, 'sample-rate', 48000, 8000, 192_000) };
  for (const v of Object.values(numbers)) if (typeof v === 'string') return fail(v);
  const { duration, preroll, sampleRate } = numbers as Record<keyof typeof numbers, number>;
  if (!Number.isFinite(duration)) return fail('--duration <seconds> is needed (or --show <dir> for the show\'s length)');
  const fps = framesPerSecond(rate);
  const startFrame = Math.round((startSeconds - preroll) * fps);
  const frames = Math.ceil((duration + preroll) * fps);
  const samples = ltcSamples({ rate, startFrame, frames, sampleRate });
  writeFileSync(out, encodeWav([samples], sampleRate));
  const first = formatTimecode(frameToTimecode(startFrame, rate), rate);
  const last = formatTimecode(frameToTimecode(startFrame + frames - 1, rate), rate);
  process.stdout.write(`${out}: LTC ${first} to ${last} at ${rate}${rate === 29.97 ? ' drop frame' : ''} fps, ${frames} frames, ${(samples.length / sampleRate).toFixed(2)} s at ${sampleRate} Hz\n`);
  return 0;
}

/** A show's timecode section and length, or a message with every error. */
async function readShow(dir: string): Promise<{ fps?: MtcRate; start?: string; duration: number } | string> {
  const result = await compileShowFolder(dir);
  if (!result.ok) return `${dir} has ${result.errors.length} error(s):\n${result.errors.map((e) => `  ${formatError(e)}`).join('\n')}`;
  const json = JSON.parse(readFileSync(join(dir, 'show.json'), 'utf8')) as { timecode?: { fps?: MtcRate; start?: string } };
  return { fps: json.timecode?.fps, start: json.timecode?.start, duration: result.timeline.duration };
}
