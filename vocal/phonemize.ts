// Notes with lyrics -> timed phonemes, sung like a real singer:
// - the consonants of a note start before it (the pre-utterance) so the vowel lands on the beat,
//   clamped so they never take more than half of the previous note;
// - the vowel holds to the note's end (or until the next note's consonants begin);
// - final consonants (English codas, ん, っ) sit at the end of the note;
// - continuation notes ("+", "-", "ー") keep singing the previous vowel; English words sung over
//   several notes get one syllable per note, the last syllable's vowel held over the rest;
// - rests are gaps: no phoneme, so the mouth closes and the synth is silent.

import type { Phoneme, VocalNote, VoiceSettings } from '../show-files/src/timeline.ts';
import { cleanLyric } from './lyrics.ts';
import { hasKana, isStrictRomaji, kanaToMorae, toKanaText, type Mora } from './japanese.ts';
import { englishSyllables, normalizeWord, type Syllable } from './english.ts';
import { isSyllabic, phoneInfo } from './phones.ts';

export type LyricLanguage = 'ja' | 'en';

interface Unit {
  onset: string[];
  /** One vowel, a diphthong (two vowels) or ["N"]. */
  nucleus: string[];
  coda: string[];
}

interface NotePlan {
  units: Unit[];
}

export interface PhonemizeOptions {
  /** Earliest time any phoneme may start (the song's first tick): the first consonant is clamped to it. */
  songStart?: number;
  /** Force a language; otherwise chosen from the lyrics (any kana, or nearly all romaji -> Japanese). */
  language?: LyricLanguage;
}

export interface PhonemizeResult {
  phonemes: Phoneme[];
  warnings: string[];
  language: LyricLanguage;
}

/** Longest share of a note its final consonants may take. */
const MAX_CODA_SHARE = 0.4;
/** Share of a diphthong's vowel span given to its glide (the "i" of "fly"), and its cap in seconds. */
const GLIDE_SHARE = 0.3;
const GLIDE_MAX = 0.12;

export function detectLanguage(lyrics: string[]): LyricLanguage {
  let latin = 0;
  let romaji = 0;
  for (const raw of lyrics) {
    const { text, continuation } = cleanLyric(raw);
    if (continuation || text === '') continue;
    if (hasKana(text)) return 'ja';
    for (const word of text.split(/\s+/)) {
      latin++;
      if (isStrictRomaji(word)) romaji++;
    }
  }
  return latin > 0 && romaji / latin >= 0.9 ? 'ja' : 'en';
}

const japaneseCache = new Map<string, { morae: readonly Mora[]; unknown: string }>();

/** Kana reading of a lyric, cached: wanakana's conversion is the costliest step of phonemizing. */
function readJapanese(text: string): { morae: readonly Mora[]; unknown: string } {
  let hit = japaneseCache.get(text);
  if (hit === undefined) {
    if (japaneseCache.size >= 20_000) japaneseCache.clear();
    hit = kanaToMorae(toKanaText(text));
    japaneseCache.set(text, hit);
  }
  return hit;
}

function japaneseUnits(text: string, where: string, warnings: string[]): Unit[] {
  const { morae, unknown } = readJapanese(text);
  if (unknown) warnings.push(`${where}: "${text}": cannot read "${unknown}"; ignored`);
  const units: Unit[] = [];
  for (const m of morae) {
    const last = units[units.length - 1];
    if ((m.nucleus === 'N' || m.nucleus === 'cl') && last) last.coda.push(m.nucleus);
    else if (m.nucleus === '-' && last) continue; // ー inside a lyric: the vowel already holds
    else if (m.nucleus === 'N') units.push({ onset: [], nucleus: ['N'], coda: [] });
    else if (m.nucleus === 'cl' || m.nucleus === '-') continue;
    else units.push({ onset: [...m.onset], nucleus: [m.nucleus], coda: [] });
  }
  return units;
}

/**
 * Phones set by hand, as units: each vowel (or a run of vowels: a diphthong) with the consonants
 * before it; consonants after the last vowel close the last unit. No vowel at all: sung on /a/.
 */
function unitsOfPhones(phones: readonly string[]): Unit[] {
  const units: Unit[] = [];
  let onset: string[] = [];
  for (const p of phones) {
    const last = units[units.length - 1];
    if ((p === 'N' || p === 'cl') && last && onset.length === 0) {
      last.coda.push(p); // ん and っ close the mora before them, as in a kana reading
      continue;
    }
    if (isSyllabic(p)) {
      if (last && onset.length === 0 && last.coda.length === 0) last.nucleus.push(p);
      else units.push({ onset, nucleus: [p], coda: [] });
      onset = [];
    } else onset.push(p);
  }
  if (units.length === 0) return [{ onset, nucleus: ['a'], coda: [] }];
  units[units.length - 1]!.coda.push(...onset);
  return units;
}

function syllableUnit(s: Syllable): Unit {
  return { onset: [...s.onset], nucleus: [...s.nucleus], coda: [...s.coda] };
}

/** The sound a continuation note keeps singing: the last vowel (or ん) sung before it. */
function heldSymbol(plans: NotePlan[], upTo: number): string | undefined {
  for (let i = upTo; i >= 0; i--) {
    const units = plans[i]?.units;
    if (!units || units.length === 0) continue;
    const u = units[units.length - 1]!;
    if (u.coda.includes('N')) return 'N';
    return u.nucleus[u.nucleus.length - 1];
  }
  return undefined;
}

function planNotes(notes: VocalNote[], language: LyricLanguage, warnings: string[]): NotePlan[] {
  const plans: NotePlan[] = notes.map(() => ({ units: [] }));
  const where = (i: number) => `note ${i} ("${notes[i]!.lyric}")`;
  let i = 0;
  while (i < notes.length) {
    const lyric = cleanLyric(notes[i]!.lyric);
    const handSet = notes[i]!.phonemes;
    if (handSet && handSet.length > 0 && !lyric.continuation) {
      plans[i]!.units = unitsOfPhones(handSet);
      i++;
      continue;
    }
    if (lyric.continuation || lyric.text === '') {
      const held = heldSymbol(plans, i - 1) ?? 'a';
      if (i === 0 || heldSymbol(plans, i - 1) === undefined) warnings.push(`${where(i)}: a continuation with nothing before it; sung as "a"`);
      plans[i]!.units = [{ onset: [], nucleus: [held], coda: [] }];
      // A final consonant of the previous note moves to the end of the held note ("love" + "+" = lo-o-ve).
      const prevUnits = plans[i - 1]?.units;
      const prev = prevUnits?.[prevUnits.length - 1];
      if (prev && notes[i - 1]!.end >= notes[i]!.time - 1e-6 && prev.coda.length > 0 && !prev.coda.includes('N')) {
        plans[i]!.units[0]!.coda = prev.coda;
        prev.coda = [];
      }
      i++;
      continue;
    }
    const useJapanese = hasKana(lyric.text) || (language === 'ja' && lyric.text.split(/\s+/).every(isStrictRomaji));
    if (useJapanese) {
      const units = japaneseUnits(lyric.text, where(i), warnings);
      plans[i]!.units = units.length > 0 ? units : [{ onset: [], nucleus: ['a'], coda: [] }];
      i++;
      continue;
    }
    // English: gather a word sung over several notes: "hel-" "lo", or "love" "+" "+".
    const group = [i];
    const pieces = [lyric.text];
    let j = i + 1;
    while (j < notes.length) {
      const next = cleanLyric(notes[j]!.lyric);
      if (pieces[pieces.length - 1]!.endsWith('-') && !next.continuation && next.text !== '') {
        pieces.push(next.text);
        group.push(j);
      } else if (next.continuation) group.push(j);
      else break;
      j++;
    }
    const pieceNotes = group.filter((n) => !cleanLyric(notes[n]!.lyric).continuation);
    const wordText = pieces.map((p) => p.replace(/-$/, '')).join('');
    const syllables: Syllable[] = [];
    for (const word of wordText.split(/\s+/).filter((w) => normalizeWord(w) !== '')) {
      const { syllables: s, guessed } = englishSyllables(word);
      if (guessed) {
        warnings.push(`${where(i)}: "${word}" is not in the pronouncing dictionary; guessed by letter rules as /${s.map((x) => [...x.onset, ...x.nucleus, ...x.coda].join(' ')).join(' . ')}/`);
      }
      syllables.push(...s);
    }
    if (syllables.length === 0) {
      warnings.push(`${where(i)}: no singable word in "${lyric.text}"; sung as "a"`);
      syllables.push({ onset: [], nucleus: ['a'], coda: [] });
    }
    // Syllables over the notes: a hyphenated word gives one syllable per written piece; a whole word
    // followed by continuation notes spreads over all of them. One syllable per note in order; extra
    // syllables are packed into the last note, extra notes hold the last vowel.
    const slots = pieceNotes.length > 1 ? pieceNotes : group;
    const S = syllables.length;
    slots.forEach((n, k) => {
      const from = Math.min(k, S);
      const to = k === slots.length - 1 ? S : Math.min(k + 1, S);
      plans[n]!.units = syllables.slice(from, to).map(syllableUnit);
    });
    // A note of the word whose phonemes were set by hand sings those instead of its syllable.
    for (const n of pieceNotes) {
      const set = notes[n]!.phonemes;
      if (set && set.length > 0) plans[n]!.units = unitsOfPhones(set);
    }
    // Continuation notes (and text notes left without a syllable) hold the vowel before them;
    // the held syllable's final consonants move to the end of the last held note.
    for (let g = 0; g < group.length; g++) {
      const n = group[g]!;
      if (plans[n]!.units.length > 0) continue;
      const held = heldSymbol(plans, n - 1) ?? 'a';
      plans[n]!.units = [{ onset: [], nucleus: [held], coda: [] }];
      const prevUnits = plans[n - 1]!.units;
      const prev = prevUnits[prevUnits.length - 1]!;
      plans[n]!.units[0]!.coda = prev.coda;
      prev.coda = [];
    }
    i = j;
  }
  return plans;
}

/** Lays out a list of consonants over [start, end), each in proportion to its typical length. */
function layConsonants(out: Phoneme[], symbols: string[], start: number, end: number, note: number): void {
  if (symbols.length === 0 || end <= start) return;
  const total = symbols.reduce((s, c) => s + phoneInfo(c).length, 0);
  let t = start;
  for (const c of symbols) {
    const next = t + ((end - start) * phoneInfo(c).length) / total;
    out.push({ time: t, end: next, symbol: c, note });
    t = next;
  }
}

function consonantLength(symbols: string[], voice: VoiceSettings): number {
  const pre = voice.preutterance > 0 ? voice.preutterance : 0.06;
  return symbols.reduce((s, c) => s + phoneInfo(c).length * pre, 0);
}

/**
 * Lengths of a note's final consonants: consonants by their typical length, ん and っ by a share of
 * the note; all scaled down together if they would take more than MAX_CODA_SHARE of it.
 */
function codaLengths(coda: string[], span: number, voice: VoiceSettings): number[] {
  const pre = voice.preutterance > 0 ? voice.preutterance : 0.06;
  const lengths = coda.map((c) => (c === 'N' ? Math.min(0.3 * span, 0.25) : c === 'cl' ? Math.min(0.25 * span, 0.15) : phoneInfo(c).length * pre));
  const total = lengths.reduce((a, b) => a + b, 0);
  const limit = MAX_CODA_SHARE * span;
  return total > limit ? lengths.map((l) => (l * limit) / total) : lengths;
}

function layNucleus(out: Phoneme[], nucleus: string[], start: number, end: number, note: number): void {
  if (end <= start) return;
  if (nucleus.length === 1) {
    out.push({ time: start, end, symbol: nucleus[0]!, note });
    return;
  }
  const glide = Math.min(GLIDE_MAX, GLIDE_SHARE * (end - start));
  out.push({ time: start, end: end - glide, symbol: nucleus[0]!, note });
  out.push({ time: end - glide, end, symbol: nucleus[1]!, note });
}

function layCoda(out: Phoneme[], coda: string[], lengths: number[], start: number, note: number): void {
  let t = start;
  coda.forEach((c, k) => {
    out.push({ time: t, end: t + lengths[k]!, symbol: c, note });
    t += lengths[k]!;
  });
}

export function phonemizeNotes(notes: VocalNote[], voice: VoiceSettings, options: PhonemizeOptions = {}): PhonemizeResult {
  const warnings: string[] = [];
  const language = options.language ?? detectLanguage(notes.map((n) => n.lyric));
  const plans = planNotes(notes, language, warnings);
  const songStart = options.songStart ?? -Infinity;

  // Pass 1: where each note's first consonants start and end (pre-utterance, clamped by the note
  // before). When the clamp leaves less than half the consonants' length, they start at the clamp
  // and run into the note instead: a consonant squeezed to nothing would be lost.
  const onsetStart: number[] = [];
  const onsetEnd: number[] = [];
  notes.forEach((note, i) => {
    const onset = plans[i]!.units[0]?.onset ?? [];
    if (onset.length === 0) {
      onsetStart.push(note.time);
      onsetEnd.push(note.time);
      return;
    }
    const length = consonantLength(onset, voice);
    const prev = notes[i - 1];
    let bound = songStart;
    if (prev && prev.end > note.time - length) bound = Math.max(bound, prev.time + 0.5 * (prev.end - prev.time));
    const start = Math.min(note.time, Math.max(note.time - length, bound));
    onsetStart.push(start);
    onsetEnd.push(note.time - start >= 0.5 * length ? note.time : Math.min(start + length, note.time + 0.4 * (note.end - note.time)));
  });

  // Pass 2: lay each note out: onset before the beat, vowel(s) on it, coda at the end.
  const phonemes: Phoneme[] = [];
  notes.forEach((note, i) => {
    const units = plans[i]!.units;
    if (units.length === 0) return;
    const next = notes[i + 1];
    const singEnd = next && onsetStart[i + 1]! < note.end ? Math.max(note.time, onsetStart[i + 1]!) : note.end;
    const voiceStart = onsetEnd[i]!;
    const share = (singEnd - voiceStart) / units.length;
    units.forEach((u, k) => {
      let start = voiceStart + k * share;
      const end = start + share;
      if (k === 0) layConsonants(phonemes, u.onset, onsetStart[i]!, voiceStart, i);
      else if (u.onset.length > 0) {
        // A later mora of the same note ("さくら" on one note): its consonant opens its own share.
        const len = Math.min(consonantLength(u.onset, voice), 0.4 * share);
        layConsonants(phonemes, u.onset, start, start + len, i);
        start += len;
      }
      const lengths = codaLengths(u.coda, end - start, voice);
      const coda = lengths.reduce((a, b) => a + b, 0);
      layNucleus(phonemes, u.nucleus, start, end - coda, i);
      layCoda(phonemes, u.coda, lengths, end - coda, i);
    });
  });
  const cleaned = phonemes.filter((p) => p.end - p.time > 1e-9);
  for (let k = 1; k < cleaned.length; k++) {
    // Float rounding must never make two phonemes overlap: lookups assume sorted, disjoint spans.
    if (cleaned[k]!.time < cleaned[k - 1]!.end) cleaned[k - 1]!.end = cleaned[k]!.time;
  }
  return { phonemes: cleaned, warnings, language };
}

/** The phonemes of one note as text, e.g. "k a" or "l ah | v" — used by the CLI report and tests. */
export function describeNotePhonemes(phonemes: Phoneme[], note: number): string {
  return phonemes.filter((p) => p.note === note).map((p) => p.symbol).join(' ');
}

export { isSyllabic };
