// How much of the words the voice's building blocks can carry, measured on speech, where the
// recognizer hears a natural voice well. Festival's speaking voices say the test songs' lyrics line
// by line: kal (a man's diphones cut from recordings) and, where Debian's festvox-us-slt-hts is
// installed, slt (a woman's voice from a statistical model of her recordings). Each recording then
// passes through ever coarser descriptions of its spectrum, each scored by PocketSphinx
// (../shared/tools/intelligibility):
//   - an LPC vocoder of order 18, 14 and 10 (the spectral envelope with 9, 7 and 5 pole pairs over
//     a plain pulse-and-noise source; bench/voice/lpc-resynthesis.praat);
//   - copy synthesis: this project's synthesizer driven by the recording's tracked F0 and F1-F5
//     (bench/voice/copy-synthesis.ts), the planner's rules left out;
//   - this voice's planner and synthesizer on the recording's phone timings and intonation.
// All are matched frame by frame to the recording's level and written at 16 kHz, so the tool
// scores them without resampling: the same number every run.
// A diagnostic beside the voice bench (voice.bench.ts), not an aim of its own.

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BenchRow, BenchSection } from './run.ts';
import { hasCommand as has, heardIn } from './voice/recognizer.ts';
import { TEST_SONGS, lyricsText } from './voice/songs.ts';
import { festivalSegments, readWav, type TimedPhone } from './voice/consonant-spectra.ts';
import { copyPlan, matchLevel, pitchFrom, readFrames, speechTrack } from './voice/copy-synthesis.ts';
import { planVoice } from '../vocal/articulation.ts';
import { renderRange } from '../vocal/dsp/render-plan.ts';
import { DEFAULT_VOICE } from '../vocal/track.ts';
import { encodeWav } from '../vocal/wav.ts';

const root = resolve(import.meta.dirname, '..');
const RATE = 16000;
const LPC_ORDERS = [18, 14, 10];

interface SpeakingVoice {
  name: string;
  /** Festival's command that selects the voice (none: its default, kal). */
  select?: string;
  /** Semitones from the voice's intonation to this voice's speaking range. */
  pitchShift: number;
}

const SPEAKERS: SpeakingVoice[] = [
  { name: 'kal', pitchShift: 12 },
  { name: 'slt', select: '(voice_cmu_us_slt_arctic_hts)', pitchShift: 0 },
];

const hasVoice = (v: SpeakingVoice) => !v.select || spawnSync('festival', ['-b', v.select]).status === 0;

/** A Festival voice on each lyric line (one utterance a line), joined, at 16 kHz, with its phone timings. */
function festivalSpeech(dir: string, lines: string[], speaker: SpeakingVoice): { samples: Float64Array; segments: TimedPhone[] } {
  const parts: Float64Array[] = [];
  const segments: TimedPhone[] = [];
  let offset = 0;
  lines.forEach((line, i) => {
    const base = join(dir, `line${i}`);
    writeFileSync(`${base}.txt`, `${line}.\n`);
    const hook = `(set! after_synth_hooks (list (lambda (utt) (utt.save.segs utt "${base}.segs"))))`;
    const select = speaker.select ? ['-eval', speaker.select] : [];
    execFileSync('text2wave', [...select, `${base}.txt`, '-o', `${base}.raw.wav`, '-eval', hook], { stdio: 'ignore' });
    // slt speaks at 32 kHz: down to the recognizer's rate without dither, so a run scores the same every time.
    execFileSync('sox', ['-D', `${base}.raw.wav`, '-r', String(RATE), `${base}.wav`], { stdio: 'ignore' });
    const wav = readWav(`${base}.wav`);
    if (wav.rate !== RATE) throw new Error(`Festival wrote ${wav.rate} Hz, expected ${RATE}`);
    for (const s of festivalSegments(readFileSync(`${base}.segs`, 'utf8'))) segments.push({ symbol: s.symbol, start: s.start + offset, end: s.end + offset });
    parts.push(wav.samples);
    offset += wav.samples.length / RATE;
  });
  const samples = new Float64Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    samples.set(p, at);
    at += p.length;
  }
  return { samples, segments };
}

function writeWav(file: string, samples: ArrayLike<number>): void {
  writeFileSync(file, encodeWav([Float32Array.from(samples)], RATE));
}

interface Scores {
  open: number;
  song: number;
  heard: string;
}

function score(wav: string, lyrics: string): Scores {
  const r = heardIn(wav, lyrics);
  return { open: r.open.wer, song: r.song.wer, heard: r.open.heard };
}

const RECORDING = 'the recording (Festival speech)';
const COPY = 'copy synthesis (this synthesizer, tracked F0 and F1-F5)';
const OURS = 'this voice (planner and synthesizer) on the same timings';
const VARIANTS = [RECORDING, ...LPC_ORDERS.map((o) => `LPC vocoder, order ${o}`), COPY, OURS];

/** The recording and its coarser descriptions, as 16 kHz files, by the names in VARIANTS. */
function speechLadder(dir: string, lines: string[], speaker: SpeakingVoice): Map<string, string> {
  const { samples, segments } = festivalSpeech(dir, lines, speaker);
  const files = new Map<string, string>();
  const recording = join(dir, 'recording.wav');
  writeWav(recording, samples);
  files.set(RECORDING, recording);
  LPC_ORDERS.forEach((order) => {
    const raw = join(dir, `lpc${order}.raw.wav`);
    execFileSync('praat', ['--run', join(root, 'bench/voice/lpc-resynthesis.praat'), recording, raw, String(order)], { stdio: 'ignore' });
    const out = join(dir, `lpc${order}.wav`);
    writeWav(out, matchLevel(readWav(raw).samples, samples, RATE));
    files.set(`LPC vocoder, order ${order}`, out);
  });
  const frames = readFrames(execFileSync('praat', ['--run', join(root, 'bench/voice/track-formants.praat'), recording], { encoding: 'utf8' }));
  const copy = join(dir, 'copy.wav');
  writeWav(copy, matchLevel(renderRange(copyPlan(frames), RATE, 0, samples.length), samples, RATE));
  files.set(COPY, copy);
  // This voice as it is (its female tract, no vibrato), on the recording's phones and intonation.
  const voice = { ...DEFAULT_VOICE, vibrato: { ...DEFAULT_VOICE.vibrato, depth: 0 } };
  const plan = { ...planVoice(speechTrack(segments), voice, 'en'), start: 0, pitch: pitchFrom(frames, speaker.pitchShift) };
  const ours = join(dir, 'ours.wav');
  writeWav(ours, matchLevel(renderRange(plan, RATE, 0, samples.length), samples, RATE));
  files.set(OURS, ours);
  return files;
}

export async function bench(): Promise<BenchSection> {
  const title = 'Voice: how much of the words each description of a spectrum carries (speech)';
  const missing = ['text2wave', 'praat', 'sox', 'pocketsphinx_continuous'].filter((c) => !has(c));
  if (missing.length) return { title, rows: [{ name: 'skipped', value: '-', note: `missing ${missing.join(', ')}` }] };
  const dir = mkdtempSync(join(tmpdir(), 'holostage-ceiling-'));
  const rows: BenchRow[] = [];
  const heard: string[] = [];
  for (const speaker of SPEAKERS) {
    if (!hasVoice(speaker)) {
      rows.push({ name: `${speaker.name}: skipped`, value: '-', note: 'voice not installed (apt-get install festvox-us-slt-hts)' });
      continue;
    }
    const results = new Map<string, Scores[]>(VARIANTS.map((v) => [v, []]));
    for (const song of TEST_SONGS) {
      const songDir = mkdtempSync(join(dir, `${speaker.name}-${song.id}-`));
      const lyrics = join(songDir, 'lyrics.txt');
      writeFileSync(lyrics, lyricsText(song));
      for (const [variant, file] of speechLadder(songDir, song.lines.map((l) => l.replace(/-/g, '')), speaker)) results.get(variant)!.push(score(file, lyrics));
    }
    for (const v of VARIANTS) {
      const s = results.get(v)!;
      const mean = (k: 'open' | 'song') => (s.reduce((a, x) => a + x[k], 0) / s.length).toFixed(2);
      rows.push({ name: `${speaker.name}: ${v}`, value: `${mean('open')} / ${mean('song')}`, note: TEST_SONGS.map((song, i) => `${song.id} ${s[i]!.open.toFixed(2)} / ${s[i]!.song.toFixed(2)}`).join('; ') });
    }
    heard.push(...TEST_SONGS.map((song, i) => `- **${speaker.name}, ${song.id}**, copy synthesis heard: “${results.get(COPY)![i]!.heard}”`));
  }
  return {
    title,
    rows,
    notes: [
      'Word error rate, open vocabulary / song grammar, mean of the three test songs (bench/voice/songs.ts) spoken line by line; lower is better. Method and readings: docs/vocal.md, “What a formant synthesizer can carry”.',
      'For each speaking voice, each row describes the same recording more coarsely: the spectral envelope with 9, 7 or 5 pole pairs (LPC of order 18, 14, 10), then five tracked formants through this synthesizer, then this voice’s own rules on the recording’s phones and intonation (kal’s an octave up).',
      heard.join('\n'),
    ].join('\n\n'),
  };
}
