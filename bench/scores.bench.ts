// Score import benchmark: time to import 1,000 notes in every format (bytes in memory to the
// Score model, tuning included), median of repeated runs, against the project's own JSON format
// imported in the same run. Aim: under 5 ms per 1,000 notes for each format.

import { cpus, loadavg } from 'node:os';
import type { BenchSection } from './run.ts';
import { parseScore } from '../show-files/src/score/index.ts';
import { readFullYaml, readSimpleYaml } from '../show-files/src/score/ustx-yaml.ts';
import { readSimpleXml } from '../show-files/src/score/xml-simple.ts';
import { parseXmlStrict } from '../show-files/src/score/xml.ts';
import { utf8ByteText } from '../show-files/src/score/byte-text.ts';
import { benchNotes, jsonFile, midiFile, musicXmlFile, mxlFile, ustFile, ustxFile, vprFile, vsqxFile } from './score-files.ts';

const NOTES = 1000;
const RUNS = 80;
const PER_ROUND = 5;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

interface Timing {
  times: number[];
  cpu: number[];
  notes: number;
}

/** One import timed by wall clock and by the process's CPU time. */
function timeOnce(bytes: Uint8Array, name: string, into: Timing): void {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  parseScore(bytes, name);
  into.times.push(performance.now() - t0);
  const c = process.cpuUsage(c0);
  into.cpu.push((c.user + c.system) / 1000);
}

/** Median CPU time (ms) of each function, run in rounds in turn (a burst of other work falls on all alike). */
function cpuMedians(runs: (() => unknown)[], rounds: number, perRound: number): number[] {
  for (const run of runs) for (let i = 0; i < 3; i++) run();
  const times: number[][] = runs.map(() => []);
  for (let round = 0; round < rounds; round++) {
    runs.forEach((run, k) => {
      for (let i = 0; i < perRound; i++) {
        const c0 = process.cpuUsage();
        run();
        const c = process.cpuUsage(c0);
        times[k]!.push((c.user + c.system) / 1000);
      }
    });
  }
  return times.map(median);
}

export async function bench(): Promise<BenchSection> {
  const loadBefore = loadavg()[0]!;
  const notes = benchNotes(NOTES);
  const files: [string, string, Uint8Array][] = [
    ['holostage JSON (baseline)', 'song.json', jsonFile(notes)],
    ['UTAU .ust (portamento, vibrato, intensity on every note)', 'song.ust', ustFile(notes)],
    ['OpenUtau .ustx (pitch points, vibrato, vol, pitd)', 'song.ustx', ustxFile(notes)],
    ['Standard MIDI File with lyrics', 'song.mid', midiFile(notes)],
    ['MusicXML', 'song.musicxml', musicXmlFile(notes)],
    ['compressed MusicXML .mxl', 'song.mxl', mxlFile(notes)],
    ['Vocaloid 4 .vsqx (PIT events, vibrato)', 'song.vsqx', vsqxFile(notes)],
    ['Vocaloid 5 .vpr (pitchBend events, vibrato)', 'song.vpr', vprFile(notes)],
  ];
  // Rounds in turn (a few imports of each format per round), so a burst of other work on the
  // machine falls on every format alike rather than on whichever was being timed.
  const timings: Timing[] = files.map(([, name, bytes]) => {
    let notes = 0;
    for (let i = 0; i < 5; i++) notes = parseScore(bytes, name).notes.length; // warm-up (JIT)
    return { times: [], cpu: [], notes };
  });
  for (let round = 0; round < RUNS / PER_ROUND; round++) {
    files.forEach(([, name, bytes], f) => {
      for (let i = 0; i < PER_ROUND; i++) timeOnce(bytes, name, timings[f]!);
    });
  }
  const results = files.map(([label, , bytes], f) => {
    const t = timings[f]!;
    return { label, bytes: bytes.length, median: median(t.times), best: Math.min(...t.times), cpu: median(t.cpu), notes: t.notes };
  });
  const baseline = results[0]!;
  const per1000 = (ms: number, notes: number) => `${((ms * 1000) / notes).toFixed(2)} ms`;
  const rows = results.map((r) => ({
    name: `import 1,000 notes: ${r.label}`,
    value: per1000(r.median, r.notes),
    note: `CPU time ${per1000(r.cpu, r.notes)} (${(r.cpu / baseline.cpu).toFixed(1)}× the JSON import's); best ${per1000(r.best, r.notes)}; wall ${(r.median / baseline.median).toFixed(1)}× the JSON import; ${(r.bytes / 1024).toFixed(0)} KiB; ${r.notes} notes`,
  }));
  // The readers alone, bytes in: byte text (the importers' path), the same reader on the file
  // decoded first (the path before byte text), and the full parser it falls back to; same run.
  const decoded = (bytes: Uint8Array) => new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  const ustx = ustxFile(notes);
  const [yamlBytes, yamlText] = cpuMedians([() => readSimpleYaml(utf8ByteText(ustx)!, true), () => readSimpleYaml(decoded(ustx))], RUNS / PER_ROUND, PER_ROUND) as [number, number];
  const [yamlFull] = cpuMedians([() => readFullYaml(decoded(ustx), 'song.ustx')], 5, 1) as [number];
  rows.push({ name: '… .ustx YAML only: byte text / decoded text / yaml package', value: `${yamlBytes.toFixed(2)} / ${yamlText.toFixed(2)} / ${yamlFull.toFixed(1)} ms`, note: `CPU time; byte text ${(yamlText / yamlBytes).toFixed(2)}× faster than the decoded path, ${(yamlFull / yamlBytes).toFixed(0)}× the yaml package (medians; the package reads anything outside the part of YAML OpenUtau writes)` });
  const vsqx = vsqxFile(notes);
  const [xmlBytes, xmlText, xmlFull] = cpuMedians([() => readSimpleXml(utf8ByteText(vsqx)!, true), () => readSimpleXml(decoded(vsqx)), () => parseXmlStrict(decoded(vsqx), 'song.vsqx')], RUNS / PER_ROUND / 2, PER_ROUND) as [number, number, number];
  rows.push({ name: '… .vsqx XML only: byte text / decoded text / saxes', value: `${xmlBytes.toFixed(2)} / ${xmlText.toFixed(2)} / ${xmlFull.toFixed(1)} ms`, note: `CPU time; byte text ${(xmlText / xmlBytes).toFixed(2)}× faster than the decoded path, ${(xmlFull / xmlBytes).toFixed(1)}× saxes (medians; saxes reads anything else and words every error)` });
  rows.push({ name: 'machine load average (1 min) before / after', value: `${loadBefore.toFixed(1)} / ${loadavg()[0]!.toFixed(1)}`, note: `${cpus().length} cores; other work on the machine inflates these times` });
  return {
    title: 'Score import',
    rows,
    notes: `Bytes in memory to the Score model (tuning, pitch curve and warnings included), per 1,000 notes, median of ${RUNS} runs after 5 warm-up runs, taken in ${RUNS / PER_ROUND} rounds of ${PER_ROUND} per format in turn (wall clock, and the process's CPU time: garbage collection's helper threads included; on a busy shared machine CPU time is inflated too, less than wall time, so compare formats within a run and against the JSON import); the same song (eighth notes at 120 BPM, a rest every 16 notes) written by \`bench/score-files.ts\` in each format. Aim: under 5 ms per 1,000 notes for each format.`,
  };
}
