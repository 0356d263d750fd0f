// Voicebank engine benchmark: a 4-minute song sung with the project's test voicebank (every CV
// mora, recorded into a temp folder first) in Node, against the built-in synthesizer on the same
// notes in the same run; and the first-sound latency: a freshly opened bank rendering the song's
// first 2 s window (what a streaming player waits for).

import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchSection } from './run.ts';
import { fourMinuteScore } from './vocal.bench.ts';
import { makeTestVoiceBank } from '../scripts/voicebank/make.ts';
import { KANA_TABLE } from '../vocal/voicebank/kana.ts';
import { openVoiceBankDir } from '../vocal/voicebank/node.ts';
import { renderWithBank } from '../vocal/voicebank/wavtool.ts';
import { standaloneVocal } from '../vocal/standalone.ts';
import { renderVocalSync } from '../vocal/render.ts';
import { DEFAULT_VOICE } from '../vocal/track.ts';

function timed<T>(task: () => T): { value: T; wall: number; cpu: number } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = task();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { value, wall, cpu: (c.user + c.system) / 1000 };
}

export async function bench(): Promise<BenchSection> {
  const dir = mkdtempSync(join(tmpdir(), 'vb-bench-'));
  try {
    const made = timed(() => makeTestVoiceBank(dir));
    const score = fourMinuteScore();
    // The test bank sings Japanese: every lyric becomes a mora of the kana table, in turn.
    score.notes = score.notes.map((n, i) => ({ ...n, lyric: KANA_TABLE[(i * 7) % KANA_TABLE.length]! }));
    const { track } = standaloneVocal(score);
    const firstNote = track.notes[0]!.time;
    const first = timed(() => renderWithBank(track, DEFAULT_VOICE, openVoiceBankDir(dir), { from: firstNote - 0.5, to: firstNote + 1.5 }));
    const bank = openVoiceBankDir(dir);
    const cold = timed(() => renderWithBank(track, DEFAULT_VOICE, bank));
    const warm = timed(() => renderWithBank(track, DEFAULT_VOICE, bank));
    const builtin = timed(() => renderVocalSync(track, DEFAULT_VOICE));
    const audio = warm.value.samples.length / warm.value.sampleRate;
    const x = (ms: number) => `${(audio / (ms / 1000)).toFixed(1)}× real time`;
    const load = loadavg()[0]!.toFixed(1);
    return {
      title: 'Voicebank engine (UTAU bank, TD-PSOLA resampler, wavtool)',
      rows: [
        { name: 'record the test voicebank (102 CV morae)', value: `${(made.wall / 1000).toFixed(2)} s`, note: `${made.value.entries} oto entries from ${made.value.seconds.toFixed(0)} s of built-in singing` },
        { name: '4-minute song with the bank, first render', value: x(cold.wall), note: `${(cold.wall / 1000).toFixed(2)} s wall for ${audio.toFixed(0)} s at 44.1 kHz, ${track.notes.length} notes; includes decoding samples and finding pitch marks (aim ≥ 60×); load average ${load}` },
        { name: 'same, samples analysed (second render)', value: x(warm.wall), note: `${(warm.wall / 1000).toFixed(2)} s wall, ${x(warm.cpu)} by CPU time` },
        { name: 'baseline: built-in synthesizer, same notes', value: x(builtin.wall), note: `bank render = ${(warm.wall / builtin.wall).toFixed(2)}× the built-in voice's time` },
        { name: 'first sound: fresh bank, first 2 s window', value: `${first.wall.toFixed(0)} ms`, note: 'open the folder, choose aliases for the whole song, decode + analyse the samples the window needs, render (aim < 300 ms)' },
      ],
      notes: 'Rendering is synchronous TypeScript on the main thread; the server renders a song once per show revision and caches it.',
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
