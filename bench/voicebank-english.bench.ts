// English sung with an English voicebank, judged like the built-in voice: the project's English
// test bank (ARPAsing pairs recorded from the built-in synthesizer: the whole English CVVC set plus
// the consonant clusters and vowel pairs the test songs need) sings the voice bench's own test
// songs (bench/voice/songs.ts); beside it, in the same run and on the same notes, the built-in
// voice and Festival's singing mode. All three are scored by PocketSphinx through
// ../shared/tools/intelligibility (word error rate: open vocabulary / song grammar; lower is better).
// Tools missing on this machine give a skipped row (apt-get install festival festvox-kallpc16k
// pocketsphinx pocketsphinx-en-us sox).

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BenchRow, BenchSection } from './run.ts';
import { hasCommand as has, heardIn as score, intelligibility, type Heard } from './voice/recognizer.ts';
import { TEST_SONGS, festivalXml, lyricsText, scoreJson } from './voice/songs.ts';
import { makeEnglishTestBank } from '../scripts/voicebank/make-english.ts';
import { englishPairSet } from '../vocal/voicebank/arpasing.ts';
import { lyricNeeds, lyricPairs } from '../vocal/voicebank/lyric-needs.ts';
import { openVoiceBankDir } from '../vocal/voicebank/node.ts';

const root = resolve(import.meta.dirname, '..');

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length);
const pair = (h: Heard) => `${h.open.wer.toFixed(2)} / ${h.song.wer.toFixed(2)}`;

export async function bench(): Promise<BenchSection> {
  const title = 'English with an English voicebank (intelligibility beside the built-in voice and Festival)';
  const missingTools = ['text2wave', 'pocketsphinx_continuous', 'sox'].filter((c) => !has(c));
  if (missingTools.length || !existsSync(intelligibility)) {
    return { title, rows: [{ name: 'skipped', value: '-', note: `missing: ${[...missingTools, existsSync(intelligibility) ? '' : intelligibility].filter(Boolean).join(', ')}` }] };
  }
  const dir = mkdtempSync(join(tmpdir(), 'holostage-en-bank-'));
  const bankDir = join(dir, 'english-bank');
  const pairs = [...new Set([...englishPairSet(), ...TEST_SONGS.flatMap((song) => lyricPairs(lyricsText(song)))])];
  const t0 = performance.now();
  const made = makeEnglishTestBank(bankDir, { pairs });
  const recordSeconds = (performance.now() - t0) / 1000;
  const bank = openVoiceBankDir(bankDir);
  const rows: BenchRow[] = [
    { name: 'record the English test bank', value: `${recordSeconds.toFixed(1)} s`, note: `${made.entries} pair entries (${englishPairSet().length} of the English CVVC set + clusters and vowel pairs the songs need) from ${made.seconds.toFixed(0)} s of built-in singing` },
  ];
  const transcripts: string[] = [];
  const sums = { bank: [] as number[], builtin: [] as number[], festival: [] as number[] };
  for (const song of TEST_SONGS) {
    const base = join(dir, song.id);
    writeFileSync(`${base}.json`, scoreJson(song));
    writeFileSync(`${base}.txt`, lyricsText(song));
    writeFileSync(`${base}.xml`, festivalXml(song));
    execFileSync('node', ['bin/holostage.js', 'sing', `${base}.json`, '--bank', bankDir, '-o', `${base}.bank.wav`], { stdio: 'ignore', cwd: root });
    execFileSync('node', ['bin/holostage.js', 'sing', `${base}.json`, '-o', `${base}.builtin.wav`], { stdio: 'ignore', cwd: root });
    execFileSync('text2wave', ['-mode', 'singing', `${base}.xml`, '-o', `${base}.festival.wav`], { stdio: 'ignore' });
    const heard = { bank: score(`${base}.bank.wav`, `${base}.txt`), builtin: score(`${base}.builtin.wav`, `${base}.txt`), festival: score(`${base}.festival.wav`, `${base}.txt`) };
    for (const k of ['bank', 'builtin', 'festival'] as const) sums[k].push(heard[k].open.wer, heard[k].song.wer);
    const needs = lyricNeeds(bank, lyricsText(song));
    rows.push({
      name: `${song.id} (${lyricsText(song).split(/\s+/).filter(Boolean).length} words): WER open / song grammar, bank`,
      value: pair(heard.bank),
      note: `built-in voice ${pair(heard.builtin)}; Festival ${pair(heard.festival)}; the bank has ${needs.needed - needs.missing.length}/${needs.needed} pairs the lyrics need`,
    });
    transcripts.push(`- **${song.id}** — bank heard: “${heard.bank.open.heard}”; built-in: “${heard.builtin.open.heard}”; Festival: “${heard.festival.open.heard}”`);
  }
  const openMean = (k: keyof typeof sums) => mean(sums[k].filter((_, i) => i % 2 === 0));
  const songMean = (k: keyof typeof sums) => mean(sums[k].filter((_, i) => i % 2 === 1));
  rows.push({
    name: 'mean WER open / song grammar: bank · built-in · Festival',
    value: `${openMean('bank').toFixed(2)} / ${songMean('bank').toFixed(2)}`,
    note: `built-in ${openMean('builtin').toFixed(2)} / ${songMean('builtin').toFixed(2)}; Festival ${openMean('festival').toFixed(2)} / ${songMean('festival').toFixed(2)}; bank minus built-in (open) ${(openMean('bank') - openMean('builtin')).toFixed(2)}`,
  });
  rows.push({ name: 'load average', value: loadavg()[0]!.toFixed(1), note: 'speed is not measured here (see the voicebank engine section)' });
  return {
    title,
    rows,
    notes: [
      'The bank is recorded from the built-in voice, so it can at best match it: the gap measures what cutting, pitch-shifting (TD-PSOLA) and joining pair samples cost. Sung audio scores badly for every synthesizer; compare within a run.',
      '',
      'Transcripts (open vocabulary):',
      '',
      ...transcripts,
      '',
      `Files: ${dir}.`,
    ].join('\n'),
  };
}
