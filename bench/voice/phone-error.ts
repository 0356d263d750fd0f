// Phone error rate of a sung English vocal: PocketSphinx's phone decoder (allphone mode, its
// US-English phone model) against the lyrics' phones from the CMU dictionary. Finer-grained and
// steadier than word error rate, and it says which sounds are lost: each reference phone is
// aligned to the hypothesis (Levenshtein backtrace) and counted as found or not.

import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { letterRulesArpabet, lookupArpabet } from '../../vocal/english.ts';

const MODEL = '/usr/share/pocketsphinx/model/en-us';
const VOWELS = new Set(['AA', 'AE', 'AH', 'AO', 'AW', 'AY', 'EH', 'ER', 'EY', 'IH', 'IY', 'OW', 'OY', 'UH', 'UW']);

export interface PhoneScore {
  per: number;
  reference: number;
  found: number;
  vowels: number;
  vowelsFound: number;
  /** Reference phone -> [found, total]. */
  byPhone: Map<string, [number, number]>;
  heard: string;
}

export function lyricPhones(lyrics: string): string[] {
  return lyrics
    .toLowerCase()
    .split(/[^a-z']+/)
    .filter(Boolean)
    .flatMap((w) => (lookupArpabet(w) ?? letterRulesArpabet(w)).map((p) => (p === 'AX' ? 'AH' : p.replace(/\d/g, ''))));
}

export function decodePhones(wav: string): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'holostage-phones-'));
  const wav16 = join(dir, 'in16k.wav');
  execFileSync('sox', [wav, '-r', '16000', '-c', '1', '-b', '16', wav16, 'pad', '0.5', '0.5']);
  const out = execFileSync('pocketsphinx_continuous', ['-infile', wav16, '-hmm', `${MODEL}/en-us`, '-allphone', `${MODEL}/en-us-phone.lm.bin`, '-backtrace', 'yes', '-beam', '1e-20', '-pbeam', '1e-20', '-lw', '2.0', '-logfn', '/dev/null'], { encoding: 'utf8', maxBuffer: 1 << 24 });
  return out.split(/\s+/).filter((p) => /^[A-Z]+$/.test(p) && p !== 'SIL');
}

export function phoneScore(ref: string[], hyp: string[]): PhoneScore {
  const n = ref.length;
  const m = hyp.length;
  const d: number[][] = Array.from({ length: n + 1 }, (_, i) => Array.from({ length: m + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= n; i++) for (let j = 1; j <= m; j++) d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (ref[i - 1] === hyp[j - 1] ? 0 : 1));
  const byPhone = new Map<string, [number, number]>();
  let i = n;
  let j = m;
  let found = 0;
  let vowelsFound = 0;
  const mark = (p: string, ok: boolean) => {
    const e = byPhone.get(p) ?? [0, 0];
    e[1]++;
    if (ok) e[0]++;
    byPhone.set(p, e);
    if (ok) {
      found++;
      if (VOWELS.has(p)) vowelsFound++;
    }
  };
  while (i > 0) {
    if (j > 0 && d[i]![j] === d[i - 1]![j - 1]! + (ref[i - 1] === hyp[j - 1] ? 0 : 1)) {
      mark(ref[i - 1]!, ref[i - 1] === hyp[j - 1]);
      i--;
      j--;
    } else if (d[i]![j] === d[i - 1]![j]! + 1) {
      mark(ref[i - 1]!, false);
      i--;
    } else j--;
  }
  return { per: d[n]![m]! / Math.max(1, n), reference: n, found, vowels: ref.filter((p) => VOWELS.has(p)).length, vowelsFound, byPhone, heard: hyp.join(' ') };
}
