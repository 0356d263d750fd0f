// English lyrics -> phonemes through the CMU pronouncing dictionary (ARPAbet), with letter rules for
// words it lacks. Words are split into syllables so a word sung over several notes can give each
// note its own syllable.

import { activeLexicon } from './lexicon.ts';

export interface Syllable {
  onset: string[];
  /** One vowel, or a diphthong as two vowels (the second is the glide at the end of the note). */
  nucleus: string[];
  coda: string[];
}

// ARPAbet -> the shared inventory (see phones.ts). Diphthongs become two vowels.
const ARPA: Record<string, string[]> = {
  // AX (the schwa) is sung as /ʌ/: measured better for word recognition than a reduced [ax].
  AA: ['a'], AE: ['ae'], AH: ['ah'], AX: ['ah'], AO: ['ao'], AW: ['a', 'uh'], AY: ['a', 'ih'], EH: ['e'], ER: ['er'],
  EY: ['e', 'ih'], IH: ['ih'], IY: ['i'], OW: ['o', 'uh'], OY: ['o', 'ih'], UH: ['uh'], UW: ['uw'],
  B: ['b'], CH: ['ch'], D: ['d'], DH: ['dh'], F: ['f'], G: ['g'], HH: ['h'], JH: ['j'], K: ['k'], L: ['l'],
  M: ['m'], N: ['n'], NG: ['ng'], P: ['p'], R: ['r'], S: ['s'], SH: ['sh'], T: ['t'], TH: ['th'], V: ['v'],
  W: ['w'], Y: ['y'], Z: ['z'], ZH: ['zh'],
};
const ARPA_VOWELS = new Set(['AA', 'AE', 'AH', 'AX', 'AO', 'AW', 'AY', 'EH', 'ER', 'EY', 'IH', 'IY', 'OW', 'OY', 'UH', 'UW']);

// Consonant pairs that may begin an English syllable (for splitting "mister" as mis-ter, "april" as a-pril).
const ONSET_CLUSTERS = new Set(['P R', 'P L', 'B R', 'B L', 'T R', 'D R', 'K R', 'K L', 'G R', 'G L', 'F R', 'F L', 'TH R', 'S T', 'S P', 'S K', 'S M', 'S N', 'S L', 'S W', 'T W', 'K W', 'D W', 'SH R', 'P Y', 'B Y', 'K Y', 'M Y', 'F Y', 'H Y', 'V Y']);

export function normalizeWord(word: string): string {
  return word.toLowerCase().replace(/[’`]/g, "'").replace(/^[^a-z']+|[^a-z']+$/g, '');
}

/**
 * ARPAbet for a word, from the dictionary; undefined when it is not there. Stress digits are
 * dropped, except that an unstressed AH (AH0, the schwa of "the", "a", "about") becomes AX: it is
 * sung as a central, reduced vowel, not the open /ʌ/ of "cup".
 */
export function lookupArpabet(word: string): string[] | undefined {
  const w = normalizeWord(word);
  const lexicon = activeLexicon();
  const entry = lexicon?.lookup(w) ?? (w.endsWith("in'") ? lexicon?.lookup(w.slice(0, -1) + 'g') : undefined);
  return entry?.split(' ').map((p) => (p === 'AH0' ? 'AX' : p.replace(/\d/g, '')));
}

// Letter rules: longest spelling first. Coarse on purpose: they only have to give a singable guess.
const LETTER_RULES: [string, string[]][] = [
  ['tion', ['SH', 'AH', 'N']], ['igh', ['AY']], ['tch', ['CH']], ['dge', ['JH']], ['ough', ['AO']],
  ['sh', ['SH']], ['ch', ['CH']], ['th', ['TH']], ['ph', ['F']], ['wh', ['W']], ['ck', ['K']], ['ng', ['NG']], ['qu', ['K', 'W']],
  ['ee', ['IY']], ['ea', ['IY']], ['oo', ['UW']], ['ou', ['AW']], ['ow', ['OW']], ['oa', ['OW']], ['ai', ['EY']], ['ay', ['EY']],
  ['oi', ['OY']], ['oy', ['OY']], ['au', ['AO']], ['aw', ['AO']], ['ie', ['IY']], ['ei', ['EY']], ['ue', ['UW']], ['ew', ['UW']],
  ['a', ['AE']], ['e', ['EH']], ['i', ['IH']], ['o', ['AA']], ['u', ['AH']], ['y', ['IY']],
  ['b', ['B']], ['c', ['K']], ['d', ['D']], ['f', ['F']], ['g', ['G']], ['h', ['HH']], ['j', ['JH']], ['k', ['K']], ['l', ['L']],
  ['m', ['M']], ['n', ['N']], ['p', ['P']], ['q', ['K']], ['r', ['R']], ['s', ['S']], ['t', ['T']], ['v', ['V']], ['w', ['W']],
  ['x', ['K', 'S']], ['z', ['Z']],
];

export function letterRulesArpabet(word: string): string[] {
  let w = normalizeWord(word).replace(/'/g, '');
  // A silent final e after a consonant ("make", "time") makes no sound of its own.
  if (/[^aeiou]e$/.test(w) && w.length > 2) w = w.slice(0, -1);
  const out: string[] = [];
  let i = 0;
  while (i < w.length) {
    const rule = LETTER_RULES.find(([spelling]) => w.startsWith(spelling, i));
    if (!rule) {
      i++;
      continue;
    }
    // A doubled consonant sounds once.
    const prev = out[out.length - 1];
    if (!(rule[1].length === 1 && prev === rule[1][0] && !ARPA_VOWELS.has(prev))) out.push(...rule[1]);
    i += rule[0].length;
  }
  if (!out.some((p) => ARPA_VOWELS.has(p))) out.push('AH');
  return out;
}

/** Splits ARPAbet into syllables (one vowel nucleus each), with consonants assigned by onset rules. */
export function syllabify(arpabet: string[]): Syllable[] {
  const nuclei: number[] = [];
  arpabet.forEach((p, i) => ARPA_VOWELS.has(p) && nuclei.push(i));
  if (nuclei.length === 0) return [{ onset: [], nucleus: ['ah'], coda: arpabet.flatMap((p) => ARPA[p] ?? []) }];
  const map = (ps: string[]) => ps.flatMap((p) => ARPA[p] ?? []);
  const syllables: Syllable[] = [];
  let onsetStart = 0;
  for (let s = 0; s < nuclei.length; s++) {
    const v = nuclei[s]!;
    const next = nuclei[s + 1];
    let codaEnd = arpabet.length; // exclusive
    if (next !== undefined) {
      const between = arpabet.slice(v + 1, next);
      // Maximal onset: the next syllable takes the last consonant, or a legal two-consonant cluster.
      let take = between.length === 0 ? 0 : 1;
      if (between.length >= 2 && ONSET_CLUSTERS.has(between.slice(-2).join(' '))) take = 2;
      if (between[between.length - take] === 'NG') take = Math.max(0, take - 1);
      codaEnd = next - take;
    }
    syllables.push({ onset: map(arpabet.slice(onsetStart, v)), nucleus: map([arpabet[v]!]), coda: map(arpabet.slice(v + 1, codaEnd)) });
    onsetStart = codaEnd;
  }
  return syllables;
}

const syllableCache = new Map<string, { syllables: Syllable[]; guessed: boolean }>();

/**
 * A word's syllables: from the dictionary, or from letter rules (then `guessed` is true). Cached;
 * the returned syllables are fresh copies the caller may change.
 */
export function englishSyllables(word: string): { syllables: Syllable[]; guessed: boolean } {
  let hit = syllableCache.get(word);
  if (hit === undefined) {
    if (syllableCache.size >= 20_000) syllableCache.clear();
    const known = lookupArpabet(word);
    hit = { syllables: syllabify(known ?? letterRulesArpabet(word)), guessed: known === undefined };
    syllableCache.set(word, hit);
  }
  return { guessed: hit.guessed, syllables: hit.syllables.map((s) => ({ onset: [...s.onset], nucleus: [...s.nucleus], coda: [...s.coda] })) };
}

export function isEnglishWord(word: string): boolean {
  return lookupArpabet(word) !== undefined;
}
