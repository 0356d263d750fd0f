// Compile time of a large generated show: 30 songs × 2,000 cues, written to a temp folder and put
// through the same load → validate → compile path as `holostage compile`. Baseline in the same
// run: plain JSON.parse of the same files (the least any loader must do).

import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileLoadedShow } from '../show-files/src/compile.ts';
import { loadShow } from '../show-files/src/load.ts';
import type { BenchSection } from './run.ts';

const SONGS = 30;
const CUES_PER_SONG = 2000;
const BARS = 120;

export function generateShow(dir: string): string[] {
  mkdirSync(join(dir, 'songs'));
  mkdirSync(join(dir, 'scores'));
  const notes = Array.from({ length: 240 }, (_, i) => ({ tick: i * 960, length: 900, pitch: 60 + (i % 12), lyric: ['ら', 'la', 'あ', 'ん'][i % 4] }));
  writeFileSync(join(dir, 'scores', 'score.json'), JSON.stringify({ format: 'holostage-score', resolution: 480, tempo: [{ tick: 0, bpm: 120 }], notes }));
  const files: string[] = [];
  for (let s = 0; s < SONGS; s++) {
    // Cue mix per song: 1,400 lighting, 200 motion, 200 camera, 200 effects, spread over 120 bars.
    const at = (i: number, n: number) => {
      const tick = Math.floor((i * BARS * 1920) / n);
      return `${Math.floor(tick / 1920) + 1}:${Math.floor((tick % 1920) / 480) + 1}:${tick % 480}`;
    };
    const lighting = Array.from({ length: 1400 }, (_, i) =>
      i % 4 === 0 ? { at: at(i, 1400), type: 'noteOn', note: i % 128, velocity: 100 } : i % 4 === 1 ? { at: at(i, 1400), type: 'cc', controller: 7, value: i % 128 } : i % 4 === 2 ? { at: at(i, 1400), type: 'msc', command: 'GO', cue: String(i) } : { at: at(i, 1400), type: 'noteOff', note: (i - 3) % 128 },
    );
    const motion = Array.from({ length: 200 }, (_, i) => ({ at: at(i, 200), clip: i % 2 ? 'dance' : 'sway', blend: 0.3 }));
    const camera = Array.from({ length: 200 }, (_, i) => ({ at: at(i, 200), shot: 'medium', move: 0.5 }));
    const effects = Array.from({ length: 200 }, (_, i) => ({ at: at(i, 200), effect: 'sparkles', duration: 0.5 }));
    const song = {
      id: `song-${s}`,
      title: `Generated ${s}`,
      credits: { composer: 'bench' },
      license: { name: 'CC0' },
      tempo: [{ at: '1:1', bpm: 120 }, { at: '61:1', bpm: 140 }],
      end: `${BARS + 1}:1`,
      score: '../scores/score.json',
      cues: { lighting, motion, camera, effects },
    };
    const file = `songs/song-${s}.json`;
    writeFileSync(join(dir, file), JSON.stringify(song, null, 2));
    files.push(file);
  }
  const show = {
    title: 'Bench show',
    outputs: [{ id: 'main', kind: 'projector' }],
    songs: files,
    setlist: files.map((_, s) => ({ type: 'song', song: `song-${s}` })),
  };
  writeFileSync(join(dir, 'show.json'), JSON.stringify(show, null, 2));
  return ['show.json', ...files];
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

export async function bench(): Promise<BenchSection> {
  const dir = mkdtempSync(join(tmpdir(), 'holostage-bench-'));
  try {
    const files = generateShow(dir);
    const totalCues = SONGS * CUES_PER_SONG;
    const runs = 7;
    const full: number[] = [];
    const compileOnly: number[] = [];
    const parseOnly: number[] = [];
    for (let r = 0; r < runs; r++) {
      let t0 = performance.now();
      for (const f of files) JSON.parse(readFileSync(join(dir, f), 'utf8'));
      parseOnly.push(performance.now() - t0);

      t0 = performance.now();
      const loaded = await loadShow(dir);
      const t1 = performance.now();
      if (!loaded.show) throw new Error(`bench show invalid: ${loaded.errors[0]?.message}`);
      const timeline = compileLoadedShow(loaded.show);
      const t2 = performance.now();
      if (timeline.songs.reduce((n, s) => n + s.tracks.lighting.length, 0) !== SONGS * 1400) throw new Error('cue count mismatch');
      full.push(t2 - t0);
      compileOnly.push(t2 - t1);
    }
    const f = median(full);
    const c = median(compileOnly);
    const p = median(parseOnly);
    return {
      title: 'Show compile (30 songs × 2,000 cues)',
      rows: [
        { name: 'load + validate + compile, whole show', value: `${f.toFixed(1)} ms`, note: `aim < 100 ms; median of ${runs}` },
        { name: 'per cue, whole pipeline', value: `${((f * 1000) / totalCues).toFixed(2)} µs`, note: `${totalCues.toLocaleString('en')} cues` },
        { name: 'compile step alone (timeline from validated show)', value: `${c.toFixed(1)} ms`, note: `${((c * 1000) / totalCues).toFixed(2)} µs per cue` },
        { name: 'baseline: JSON.parse of the same files', value: `${p.toFixed(1)} ms`, note: `pipeline = ${(f / p).toFixed(1)}× plain parsing` },
      ],
      notes: 'The pipeline reads every file, parses it with line/column positions, checks it against the zod schema and the cross-file rules, converts every cue through its tempo map and encodes the MIDI bytes.',
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
