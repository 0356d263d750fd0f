// `holostage voice inspect`: what a bank offers and what is wrong with it — its aliases, how much
// of the kana table (and of the English CVVC set) it covers, its pitch subfolders, and problems (missing, silent or short
// samples, duplicate aliases, lines the parser flagged).

import { entrySpan, type VoiceBank } from './bank.ts';
import { describeProblem, VoiceBankError } from './errors.ts';
import { KANA_TABLE } from './kana.ts';
import { bankStyle } from './aliases.ts';
import { englishPairSet } from './arpasing.ts';

export interface BankReport {
  name: string;
  folder: string;
  character: { name?: string; image?: string; author?: string; web?: string };
  /** readme.txt: the terms shown to organisers. */
  terms: string;
  style: { cv: boolean; vcv: boolean; cvvc: boolean; english: boolean };
  aliases: string[];
  kana: { total: number; covered: number; missing: string[] };
  /** Coverage of the English CVVC set (ARPAsing C-V, V-C, start and end pairs), when the bank has English pairs. */
  english?: { total: number; covered: number; missing: string[] };
  subfolders: string[];
  prefixMap: boolean;
  samples: number;
  problems: string[];
}

export function inspectBank(bank: VoiceBank): BankReport {
  const problems = bank.problems.map(describeProblem);
  const checked = new Set<string>();
  for (const e of bank.entries) {
    let sample;
    try {
      sample = bank.sample(e);
    } catch (err) {
      if (!(err instanceof VoiceBankError)) throw err;
      if (!checked.has(e.file)) problems.push(err.message);
      checked.add(e.file);
      continue;
    }
    const seconds = sample.samples.length / sample.sampleRate;
    const where = `${e.source}:${e.line}: alias "${e.alias}"`;
    if (sample.conversions.length && !checked.has(e.file)) problems.push(`${e.file}: converted (${sample.conversions.join(', ')})`);
    checked.add(e.file);
    const span = entrySpan(e, seconds);
    const wanted = e.cutoff < 0 ? e.offset / 1000 - e.cutoff / 1000 : e.offset / 1000;
    if (wanted > seconds + 1e-3 || e.offset / 1000 + e.preutterance / 1000 > seconds) {
      problems.push(`${where}: "${e.file}" (${(seconds * 1000).toFixed(0)} ms) is shorter than its oto entry (${(Math.max(wanted, (e.offset + e.preutterance) / 1000) * 1000).toFixed(0)} ms)`);
      continue;
    }
    let energy = 0;
    const a = Math.floor(span.start * sample.sampleRate);
    const b = Math.floor(span.end * sample.sampleRate);
    for (let i = a; i < b; i++) energy += sample.samples[i]! ** 2;
    if (b <= a || Math.sqrt(energy / Math.max(1, b - a)) < 1e-4) problems.push(`${where}: "${e.file}" is silent in its oto entry`);
  }
  const aliases = [...bank.aliases.keys()];
  const heard = new Set<string>();
  for (const alias of aliases) heard.add(alias.replace(/^[aiueonN-] /, '').replace(/[^\u3040-\u30ff]+$/, '').replace(/^[^\u3040-\u30ff]+/, ''));
  const missing = KANA_TABLE.filter((k) => !heard.has(k));
  const style = bankStyle(bank);
  const pairs = englishPairSet();
  const englishMissing = pairs.filter((p) => !bank.aliases.has(p));
  return {
    name: bank.displayName,
    folder: bank.name,
    character: { name: bank.character.name, image: bank.character.image, author: bank.character.author, web: bank.character.web },
    terms: bank.readme,
    style: { cv: aliases.some((a) => /^[\u3040-\u30ff]+$/.test(a)), vcv: style.vcv, cvvc: style.vc, english: style.english },
    aliases,
    kana: { total: KANA_TABLE.length, covered: KANA_TABLE.length - missing.length, missing },
    ...(style.english ? { english: { total: pairs.length, covered: pairs.length - englishMissing.length, missing: englishMissing } } : {}),
    subfolders: bank.subfolders,
    prefixMap: bank.prefixMap !== undefined,
    samples: new Set(bank.entries.map((e) => e.file)).size,
    problems,
  };
}
