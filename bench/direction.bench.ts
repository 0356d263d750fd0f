// Auto-direction time for a 4-minute song: a generated pop song (intro, verse, chorus, interlude,
// verse, chorus, bridge, chorus, outro; 132 bars at 132 BPM, about 360 notes), analysed and directed
// as the compiler does for a song with no motion or camera cues. Baseline in the same run: one pass
// that converts every note's ticks to seconds through the same tempo map (the least any reader of
// the score does).

import { loadavg } from 'node:os';
import { directScore } from '../show-files/src/direction/index.ts';
import type { Score, ScoreNote } from '../show-files/src/score/model.ts';
import { TempoMap } from '../show-files/src/tempo.ts';
import type { BenchSection } from './run.ts';

const BPM = 132;
const BAR = 1920;

/** A 4-bar block of eighth and quarter notes; `lyrics` varies the words, `lift` the melody's height. */
function block(startBar: number, seed: number, lyrics: number, lift: number): ScoreNote[] {
  const notes: ScoreNote[] = [];
  let tick = startBar * BAR;
  const end = tick + 4 * BAR - 480;
  let k = 0;
  while (tick < end) {
    const len = k % 7 === 6 ? 960 : k % 3 === 0 ? 240 : 480;
    notes.push({ tick, durationTicks: len, pitch: 62 + lift + ((seed * 5 + k * 3) % 9), lyric: ['ら', 'り', 'る', 'れ', 'ろ'][(k + lyrics) % 5]! });
    tick += len + (k % 8 === 7 ? 480 : 0);
    k++;
  }
  return notes;
}

export function fourMinuteSong(): { score: Score; tempo: TempoMap; duration: number } {
  const plan: [string, number][] = [['intro', 4], ['verse', 16], ['chorus', 16], ['interlude', 8], ['verse', 16], ['chorus', 16], ['bridge', 8], ['chorus', 16], ['chorus', 16], ['outro', 16]];
  const notes: ScoreNote[] = [];
  let bar = 0;
  let verse = 0;
  for (const [kind, bars] of plan) {
    for (let b = 0; b < bars; b += 4) {
      if (kind === 'verse') notes.push(...block(bar + b, b / 4, verse * 3 + b, 0));
      if (kind === 'chorus') notes.push(...block(bar + b, 10 + b / 4, b, 5));
      if (kind === 'bridge') notes.push(...block(bar + b, 20 + b / 4, 7, 2));
    }
    if (kind === 'verse') verse++;
    bar += bars;
  }
  const tempo = TempoMap.constant(BPM);
  return { score: { format: 'json', resolution: 480, tempo: [{ tick: 0, bpm: BPM }], timeSignature: { numerator: 4, denominator: 4 }, notes, warnings: [] }, tempo, duration: tempo.secondsAt(bar * BAR) };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function bench(): Promise<BenchSection> {
  const { score, tempo, duration } = fourMinuteSong();
  const runs = 41;
  const direct: number[] = [];
  const base: number[] = [];
  let result = directScore(score, tempo, duration, ['upbeat']);
  for (let r = 0; r < runs; r++) {
    let t0 = performance.now();
    let sum = 0;
    for (const n of score.notes) sum += tempo.secondsAt(n.tick) + tempo.secondsAt(n.tick + n.durationTicks);
    base.push(performance.now() - t0);
    if (!(sum > 0)) throw new Error('no notes');
    t0 = performance.now();
    result = directScore(score, tempo, duration, ['upbeat']);
    direct.push(performance.now() - t0);
  }
  const d = median(direct);
  const b = median(base);
  const { analysis, direction } = result;
  return {
    title: 'Auto-direction (a 4-minute song)',
    rows: [
      { name: 'analyse + direct, one song', value: `${d.toFixed(2)} ms`, note: `aim < 20 ms; median of ${runs}; ${Math.round(duration)} s, ${score.notes.length} notes` },
      { name: 'found', value: `${analysis.phrases.length} phrases, ${analysis.sections.length} sections`, note: analysis.sections.map((s) => s.kind).join(' ') },
      { name: 'directed', value: `${direction.motion.length} motion, ${direction.camera.length} camera, ${direction.expressions.length} expression cues`, note: '' },
      { name: 'baseline: every note through the tempo map', value: `${b.toFixed(3)} ms`, note: `direction = ${(d / b).toFixed(0)}× that pass` },
      { name: 'load average (1 min)', value: loadavg()[0]!.toFixed(2), note: '2 shared cores' },
    ],
    notes: 'What the compiler runs for a song with no motion or camera cues: phrases and sections from the score (show-files/src/direction/analyze.ts), then the cues (direct.ts).',
  };
}
