// `holostage sing <file> -o out.wav`: sing a score with the built-in synth and write a WAV.
// Progress goes to stderr as a bar; the render speed (x real time) is printed at the end.

import { writeFile } from 'node:fs/promises';
import { readScoreOrExit } from './score-input.ts';
import { standaloneVocal } from '../../vocal/standalone.ts';
import { DEFAULT_VOICE } from '../../vocal/track.ts';
import { bundledWorkerEntry, renderVocalParallel } from '../parallel-render.ts';
import { encodeWav, encodeWavWithPeak } from '../../vocal/wav.ts';
import { flagString, numberFlag, parseArgs, UsageError } from './args.ts';
import type { VocalTrack, VoiceSettings } from '../../show-files/src/timeline.ts';

const USAGE = 'usage: holostage sing <score> -o out.wav [--bank voicebank-dir] [--transpose semitones] [--gain dB] [--sample-rate hz] [--float]\n';

/** The score sung with a UTAU voicebank; 1 (after the message naming the file and line) when the bank is broken. */
async function renderBank(dir: string, track: VocalTrack, voice: VoiceSettings, sampleRate: number): Promise<{ samples: Float32Array; start: number } | number> {
  const { openVoiceBankDir } = await import('../../vocal/voicebank/node.ts');
  const { renderWithBank } = await import('../../vocal/voicebank/wavtool.ts');
  const { VoiceBankError } = await import('../../vocal/voicebank/errors.ts');
  try {
    const bank = openVoiceBankDir(dir);
    const out = renderWithBank(track, voice, bank, { sampleRate });
    for (const w of out.warnings) process.stderr.write(`warning: ${w}\n`);
    process.stderr.write(`voicebank: ${bank.displayName} (${bank.aliases.size} aliases)\n`);
    return out;
  } catch (err) {
    if (!(err instanceof VoiceBankError)) throw err;
    process.stderr.write(`error: voicebank ${dir}: ${err.message}\n`);
    return 1;
  }
}

function progressBar(fraction: number, width = 30): string {
  const filled = Math.round(fraction * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${Math.round(fraction * 100)
    .toString()
    .padStart(3)}%`;
}

export async function run(args: string[]): Promise<number> {
  const p = parseArgs(args, {
    booleans: ['float'],
    values: ['out', 'bank', 'transpose', 'gain', 'sample-rate'],
    aliases: { o: 'out', output: 'out' },
    positionals: { required: ['score'] },
    usage: USAGE,
  });
  const file = p.positional[0]!;
  const outPath = flagString(p, 'out');
  if (!outPath) throw new UsageError('-o out.wav is needed (where to write the WAV)', USAGE);
  const voice = { ...DEFAULT_VOICE, vibrato: { ...DEFAULT_VOICE.vibrato } };
  voice.transpose = Math.round(numberFlag(p, 'transpose', voice.transpose, -48, 48, USAGE));
  voice.gainDb = numberFlag(p, 'gain', voice.gainDb, -60, 12, USAGE);
  const sampleRate = Math.round(numberFlag(p, 'sample-rate', 44100, 8000, 96000, USAGE));
  const float = p.flags.has('float');
  const bankDir = flagString(p, 'bank');
  const score = await readScoreOrExit(file);
  if (typeof score === 'number') return score;
  const { track } = standaloneVocal(score, voice);
  for (const w of track.warnings) process.stderr.write(`warning: ${w}\n`);
  if (track.phonemes.length === 0) {
    process.stderr.write(`error: ${file}: nothing to sing (no notes)\n`);
    return 1;
  }
  const isTty = process.stderr.isTTY === true;
  let lastShown = -1;
  const show = (fraction: number) => {
    const pct = Math.floor(fraction * 100);
    if (pct === lastShown) return;
    lastShown = pct;
    // On a terminal the bar redraws in place; in a log each step is its own line.
    process.stderr.write(isTty ? `\rsinging ${progressBar(fraction)}` : `singing ${progressBar(fraction)}\n`);
  };
  show(0);
  const renderStart = performance.now();
  const cpuStart = process.cpuUsage();
  const rendered = bankDir ? await renderBank(bankDir, track, voice, sampleRate) : await renderVocalParallel(track, voice, { sampleRate, onProgress: show, workerEntry: bundledWorkerEntry() });
  if (typeof rendered === 'number') return rendered;
  const threads = 'parts' in rendered ? (rendered.parts as number) : 1;
  const renderSeconds = (performance.now() - renderStart) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  if (isTty) process.stderr.write('\n');
  // The WAV starts at the song's 0 s so it lines up with a backing track; lead-in before that is dropped.
  const skip = Math.max(0, Math.round(-rendered.start * sampleRate));
  const pad = Math.max(0, Math.round(rendered.start * sampleRate));
  // Usually the render starts before 0 s and a view past the lead-in is enough (no 5 MB copy).
  let samples = rendered.samples.subarray(skip);
  if (pad > 0) {
    samples = new Float32Array(pad + rendered.samples.length);
    samples.set(rendered.samples, pad);
  }
  // A peak guard rather than a limiter: very high notes on a formant peak could exceed full scale.
  // The writer finds the peak as it goes; in the rare file that needs it, the samples are scaled
  // and written again.
  let { bytes, peak } = encodeWavWithPeak([samples], sampleRate, float ? 32 : 16);
  if (peak > 0.98) {
    const scale = 0.98 / peak;
    for (let i = 0; i < samples.length; i++) samples[i]! *= scale;
    process.stderr.write(`note: peak ${(20 * Math.log10(peak)).toFixed(1)} dBFS; scaled down to -0.2 dBFS to avoid clipping\n`);
    peak = 0.98;
    bytes = encodeWav([samples], sampleRate, float ? 32 : 16);
  }
  await writeFile(outPath, bytes);
  const audioSeconds = rendered.samples.length / sampleRate;
  const speed = audioSeconds / renderSeconds;
  process.stdout.write(
    `${outPath}: ${(samples.length / sampleRate).toFixed(2)} s, ${sampleRate} Hz, ${float ? '32-bit float' : '16-bit'} mono, peak ${(20 * Math.log10(Math.max(peak, 1e-9))).toFixed(1)} dBFS\n` +
      `rendered ${audioSeconds.toFixed(2)} s of vocal in ${renderSeconds.toFixed(2)} s${threads > 1 ? ` on ${threads} threads` : ''}: ${speed.toFixed(1)}x real time ` +
      `(${(audioSeconds / Math.max(cpuSeconds, 1e-6)).toFixed(1)}x by CPU time)\n`,
  );
  return 0;
}
