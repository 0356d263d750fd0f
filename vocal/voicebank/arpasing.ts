// English voicebanks in the ARPAsing convention (the English UTAU layout OpenUtau's ARPAsing
// phonemizer reads): lowercase ARPAbet phones, and one sample per *pair* of phones ("hh eh",
// "eh l", "l ow"), with "-" for silence ("- hh" starts a phrase, "ow -" ends it). A CV pair
// ("l ow") and a VC pair ("eh l") make it the English counterpart of a Japanese CVVC bank.
//
// The phones come from the built-in voice's phonemizer (CMU dictionary, syllables over notes,
// consonants before the beat), so a bank sings English with the same timing as the built-in
// voice; every pair sample lands its preutterance on the start of its second phone.

import type { Phoneme } from '../../show-files/src/timeline.ts';

export const ARPASING_VOWELS = ['aa', 'ae', 'ah', 'ao', 'aw', 'ay', 'eh', 'er', 'ey', 'ih', 'iy', 'ow', 'oy', 'uh', 'uw'] as const;
export const ARPASING_CONSONANTS = ['b', 'ch', 'd', 'dh', 'f', 'g', 'hh', 'jh', 'k', 'l', 'm', 'n', 'ng', 'p', 'r', 's', 'sh', 't', 'th', 'v', 'w', 'y', 'z', 'zh'] as const;
const VOWELS = new Set<string>(ARPASING_VOWELS);
const PHONES = new Set<string>([...ARPASING_VOWELS, ...ARPASING_CONSONANTS]);

// The phonemizer's shared phone set -> ARPAsing. Diphthongs arrive as two vowels (the glide last).
const FROM_SHARED: Record<string, string> = { a: 'aa', e: 'eh', i: 'iy', o: 'ow', u: 'uw', h: 'hh', j: 'jh', N: 'n' };
const DIPHTHONGS: Record<string, string> = { 'a ih': 'ay', 'a uh': 'aw', 'e ih': 'ey', 'o uh': 'ow', 'o ih': 'oy' };
/** ARPAsing -> the shared phones the built-in voice sings (used to record the test bank). */
export const TO_SHARED: Record<string, string[]> = { aa: ['a'], eh: ['e'], iy: ['i'], hh: ['h'], jh: ['j'], ay: ['a', 'ih'], aw: ['a', 'uh'], ey: ['e', 'ih'], ow: ['o', 'uh'], oy: ['o', 'ih'] };

export const isArpasingVowel = (phone: string): boolean => VOWELS.has(phone);

/**
 * Is this alias an ARPAsing pair with an English vowel ("hh eh", "eh l", "- aa", "ow -")? Those
 * vowels (two letters) tell an English bank from a Japanese one, whose "n -" or "a k" look alike.
 */
export function isArpasingAlias(alias: string): boolean {
  const m = /^(\S+) (\S+)$/.exec(alias);
  if (!m) return false;
  const [a, b] = [m[1]!, m[2]!];
  return (VOWELS.has(a) && (b === '-' || PHONES.has(b))) || (VOWELS.has(b) && (a === '-' || PHONES.has(a)));
}

export interface ArpaPhone {
  phone: string;
  time: number;
  end: number;
  /** Index of the note the phone belongs to. */
  note: number;
}

/** The phonemizer's timed phones as ARPAsing phones: diphthongs joined, a vowel held over notes kept as one. */
export function arpasingPhones(phonemes: readonly Phoneme[]): ArpaPhone[] {
  const out: (ArpaPhone & { last: string })[] = [];
  for (const p of phonemes) {
    if (!p.symbol || p.symbol === 'cl') continue;
    const prev = out[out.length - 1];
    const touching = prev !== undefined && Math.abs(p.time - prev.end) < 1e-6;
    const diphthong = touching && prev.note === p.note ? DIPHTHONGS[`${prev.last} ${p.symbol}`] : undefined;
    const phone = FROM_SHARED[p.symbol] ?? p.symbol;
    if (touching && (diphthong || (VOWELS.has(phone) && (prev.phone === phone || prev.last === p.symbol)))) {
      // The glide of a diphthong, or the same vowel going on into a continuation note.
      if (diphthong) prev.phone = diphthong;
      prev.end = p.end;
      prev.last = p.symbol;
      continue;
    }
    out.push({ phone, time: p.time, end: p.end, note: p.note, last: p.symbol });
  }
  return out.map(({ phone, time, end, note }) => ({ phone, time, end, note }));
}

export interface Diphone {
  alias: string;
  /** Show time the pair's preutterance lands on: the start of its second phone (the end of the first for "x -"). */
  time: number;
  /** The note it sings (its second phone's; the first's for "x -"). */
  note: number;
  /** Where the pair's phrase stops sounding (its last phone's end). */
  phraseEnd: number;
  /** Start of the next phrase when this pair ends one ("x -"), else undefined. */
  nextPhrase?: number;
}

/** Every phone pair the phones need, phrase by phrase (a phrase ends where the sound stops). */
export function phoneDiphones(phones: readonly ArpaPhone[]): Diphone[] {
  const out: Diphone[] = [];
  let phraseStart = 0;
  phones.forEach((p, k) => {
    const prev = phones[k - 1];
    const next = phones[k + 1];
    if (!prev || p.time - prev.end > 1e-3) {
      phraseStart = out.length;
      out.push({ alias: `- ${p.phone}`, time: p.time, note: p.note, phraseEnd: 0 });
    } else out.push({ alias: `${prev.phone} ${p.phone}`, time: p.time, note: p.note, phraseEnd: 0 });
    if (!next || next.time - p.end > 1e-3) {
      out.push({ alias: `${p.phone} -`, time: p.end, note: p.note, phraseEnd: p.end, nextPhrase: next?.time });
      for (let j = phraseStart; j < out.length; j++) out[j]!.phraseEnd = p.end;
    }
  });
  return out;
}

/**
 * The English CVVC set a bank is measured against: every consonant-vowel and vowel-consonant
 * pair, and every phone after and before silence.
 */
export function englishPairSet(): string[] {
  const all = [...ARPASING_CONSONANTS, ...ARPASING_VOWELS];
  const out = [...all.map((p) => `- ${p}`), ...all.map((p) => `${p} -`)];
  for (const c of ARPASING_CONSONANTS) for (const v of ARPASING_VOWELS) out.push(`${c} ${v}`, `${v} ${c}`);
  return out;
}
