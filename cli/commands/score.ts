// `holostage score <file> [--json] [--part P] [--voice V] [--verse N]`: read any score the vocal
// engine takes (.ust .ustx .mid .json .musicxml/.xml/.mxl .vsqx .vpr) and show what the
// vocal engine makes of it: notes, tempo, timed phonemes, length and every warning.

import { importOptionsOf, IMPORT_FLAGS, readScoreOrExit } from './score-input.ts';
import { parseArgs } from './args.ts';
import { pitchName } from '../../show-files/src/score/pitch.ts';
import { standaloneVocal } from '../../vocal/standalone.ts';
import { describeNotePhonemes } from '../../vocal/phonemize.ts';

const round = (x: number) => Math.round(x * 1e6) / 1e6;

const USAGE = 'usage: holostage score <file.ust|.ustx|.mid|.json|.musicxml|.xml|.mxl|.vsqx|.vpr> [--json] [--part id|name] [--voice n] [--verse n]\n';

export async function run(args: string[]): Promise<number> {
  const p = parseArgs(args, { booleans: ['json'], values: IMPORT_FLAGS, positionals: { required: ['score file'] }, usage: USAGE });
  const file = p.positional[0]!;
  const asJson = p.flags.has('json');
  const score = await readScoreOrExit(file, importOptionsOf(p));
  if (typeof score === 'number') return score;
  const { track, durationSeconds } = standaloneVocal(score);
  if (asJson) {
    const report = {
      format: score.format,
      resolution: score.resolution,
      timeSignature: `${score.timeSignature.numerator}/${score.timeSignature.denominator}`,
      tempo: score.tempo,
      notes: score.notes.map((n, i) => ({
        tick: n.tick,
        durationTicks: n.durationTicks,
        pitch: n.pitch,
        name: pitchName(n.pitch),
        lyric: n.lyric,
        time: round(track.notes[i]!.time),
        end: round(track.notes[i]!.end),
        ...(n.dynamics !== undefined ? { dynamics: round(n.dynamics) } : {}),
        ...(n.vibrato ? { vibrato: n.vibrato } : {}),
      })),
      ...(track.pitchCurve ? { pitchCurve: track.pitchCurve.map((p) => ({ time: round(p.time), cents: round(p.cents) })) } : {}),
      phonemes: track.phonemes.map((p) => ({ symbol: p.symbol, start: round(p.time), end: round(p.end), note: p.note })),
      durationSeconds: round(durationSeconds),
      warnings: track.warnings,
    };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return 0;
  }
  const tempos = score.tempo.map((t) => `${t.bpm} BPM at tick ${t.tick}`).join(', ');
  process.stdout.write(`${file}: ${score.format}, ${score.notes.length} notes, ${durationSeconds.toFixed(2)} s, tempo ${tempos}\n`);
  track.notes.forEach((n, i) => {
    process.stdout.write(`  ${n.time.toFixed(3).padStart(8)}s  ${pitchName(n.pitch).padEnd(4)} ${JSON.stringify(n.lyric).padEnd(12)} ${describeNotePhonemes(track.phonemes, i)}\n`);
  });
  const vibratos = score.notes.filter((n) => n.vibrato && n.vibrato.depth > 0).length;
  const loud = score.notes.filter((n) => n.dynamics !== undefined).length;
  if (score.pitchCurve || vibratos > 0 || loud > 0) {
    process.stdout.write(`tuning: ${score.pitchCurve ? `pitch curve of ${score.pitchCurve.length} points` : 'no pitch curve'}, ${vibratos} note${vibratos === 1 ? '' : 's'} with vibrato, ${loud} with dynamics\n`);
  }
  for (const w of track.warnings) process.stderr.write(`warning: ${w}\n`);
  return 0;
}
