// Control desk: what the organiser waits for (library listing cold and cached, a score upload's
// validation, the vocal preview render) and what the operator view does every frame (setlist plan,
// lyric line). Baselines in the same run: the cached listing against the cold one, and a plain
// compileShowFolder of the demo (the least any validation of the same songs costs).

import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { compileShowFolder } from '../show-files/src/compile.ts';
import { SongLibrary } from '../server/src/desk/library.ts';
import { renderVocalWav } from '../server/src/desk/vocal-preview.ts';
import { lineAround, lyricLines } from '../client/lyrics.ts';
import type { Timeline } from '../show-files/src/timeline.ts';
import { planSetlist, type SetlistEntry, type SongFacts } from '../control-desk/src/core/setlist.ts';
import type { BenchSection } from './run.ts';

const repoRoot = join(import.meta.dirname, '..');

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function timeIt(fn: () => Promise<unknown> | unknown, runs: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  return median(times);
}

export async function bench(): Promise<BenchSection> {
  const work = mkdtempSync(join(tmpdir(), 'holostage-desk-bench-'));
  const showDir = join(work, 'show');
  cpSync(join(repoRoot, 'show-files', 'demo'), showDir, { recursive: true, filter: (src) => !src.includes('.holostage') });
  try {
    // Library: cold (a fresh library compiles each song alone) vs cached (nothing changed on disk).
    await compileShowFolder(showDir); // warm the modules once
    const baseline = await timeIt(() => compileShowFolder(showDir), 5);
    const cold = await timeIt(() => new SongLibrary(showDir).list(), 5);
    const library = new SongLibrary(showDir);
    const songs = await library.list();
    const cached = await timeIt(() => library.list(), 50);

    // Upload: a .ust validated in a scratch show and added (a new id each run).
    const ust = readFileSync(join(repoRoot, 'tests', 'fixtures', 'scores', 'kane-utf8.ust'));
    let n = 0;
    const upload = await timeIt(async () => {
      const r = await library.add({ fileName: 'kane.ust', score: ust, title: `Bench ${n++}`, credits: { composer: 'bench' }, license: { name: 'CC0' } });
      if (!r.ok) throw new Error(JSON.stringify(r.errors));
    }, 5);

    // Vocal preview: the longest demo song, rendered to WAV as the desk asks for it.
    const longest = [...songs].sort((a, b) => (b.duration ?? 0) - (a.duration ?? 0))[0]!;
    const compiled = (await library.compiled(longest.id))!.compiled!;
    await renderVocalWav(compiled); // engine load
    const render = await timeIt(() => renderVocalWav(compiled), 3);

    // Per frame: plan of a 200-entry setlist, lyric line of a 600-note song.
    const facts = new Map<string, SongFacts>(songs.map((s) => [s.id, { id: s.id, title: s.title, duration: s.duration, valid: s.valid }]));
    const setlist: SetlistEntry[] = Array.from({ length: 200 }, (_, i) => (i % 5 === 4 ? { type: 'mc', title: `MC ${i}`, duration: 30, transition: { type: 'crossfade', seconds: 2 } } : { type: 'song', song: songs[i % songs.length]!.id }));
    const planRuns = 2000;
    const planMs = await timeIt(() => {
      for (let i = 0; i < planRuns; i++) planSetlist(setlist, facts);
    }, 3);
    const notes = Array.from({ length: 600 }, (_, i) => ({ time: i * 0.4 + (Math.floor(i / 8) % 2) * 0.8, end: i * 0.4 + 0.35 + (Math.floor(i / 8) % 2) * 0.8, lyric: ['ra', 'la', '-', 'n'][i % 4]! }));
    const lines = lyricLines({ songs: [{ tracks: { vocal: { notes, phonemes: [] } } }] } as unknown as Pick<Timeline, 'songs'>);
    const lyricRuns = 20000;
    const lyricMs = await timeIt(() => {
      for (let i = 0; i < lyricRuns; i++) lineAround(lines, (i * 0.013) % 240);
    }, 3);

    return {
      title: 'Control desk',
      rows: [
        { name: 'library listing, cold (3 demo songs, each compiled alone)', value: `${cold.toFixed(1)} ms`, note: `baseline: the whole demo show compiled once = ${baseline.toFixed(1)} ms (${(cold / baseline).toFixed(2)}×)` },
        { name: 'library listing, cached', value: `${cached.toFixed(2)} ms`, note: `${(cold / cached).toFixed(0)}× faster than cold (reads show.json and each song file, stats each score; no compile)` },
        { name: 'score upload: validate + write + list', value: `${upload.toFixed(1)} ms`, note: '.ust of 4 notes, scratch show compiled, files written atomically, median of 5' },
        { name: `vocal preview WAV, "${longest.title}"`, value: `${(render / 1000).toFixed(2)} s`, note: `${(compiled.duration / (render / 1000)).toFixed(1)}× real time for ${compiled.duration.toFixed(1)} s of song at 22.05 kHz (median of 3, engine loaded)` },
        { name: 'setlist plan, 200 entries', value: `${((planMs / planRuns) * 1000).toFixed(1)} µs`, note: 'recomputed on every builder edit' },
        { name: 'lyric line lookup, 600-note song', value: `${((lyricMs / lyricRuns) * 1000).toFixed(1)} µs`, note: 'once per animation frame in the operator view (lines built once per timeline)' },
      ],
      notes: 'Times are medians on this machine; the cold listing is what a desk pays on its first library view after a server start.',
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const section = await bench();
  for (const r of section.rows) console.log(`${r.name}: ${r.value}${r.note ? `  (${r.note})` : ''}`);
  process.exit(0);
}
