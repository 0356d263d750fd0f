// Which recorded sample sings each note, as UTAU and OpenUtau choose:
// - a lyric that is itself an alias of the bank (`a か`, `か_強`) is used as written;
// - otherwise its kana (romaji is read as kana): VCV from the vowel sung before (`a か`), `- か` at
//   a phrase's start, then the plain CV (`か`); a continuation (`+`, `-`, `ー`) holds the vowel;
// - in a CVVC bank (VC aliases such as `a k`), a VC sample joins a note's vowel to the next
//   note's consonant;
// - prefix.map adds the note pitch's prefix and suffix (a pitch subfolder), falling back to the
//   bare alias;
// - an English bank (ARPAsing phone pairs, english-choice.ts) sings the phonemizer's phones;
// - aliases the bank's style expects but lacks are collected, for one warning per song.

import type { Phoneme, VocalNote } from '../../show-files/src/timeline.ts';
import { cleanLyric } from '../lyrics.ts';
import { LEGATO_GAP } from '../melody.ts';
import type { VoiceBank } from './bank.ts';
import { lyricMorae, vcConsonant, vowelKana, type MoraSound } from './kana.ts';
import type { OtoEntry } from './oto.ts';
import { lookupAlias, type AliasChoice, type Placement } from './placement.ts';
import { chooseEnglishSamples } from './english-choice.ts';
import { isArpasingAlias } from './arpasing.ts';
import { detectLanguage } from '../phonemize.ts';

export type { AliasChoice, Placement } from './placement.ts';

const VCV_ALIAS = /^[aiueoNn-] \S/;
const VC_ALIAS = /^[aiueoNn] [a-z]+$/;

/** The bank's style: VCV aliases, VC aliases, English (ARPAsing) pairs, kana at all? */
export function bankStyle(bank: VoiceBank): { vcv: boolean; vc: boolean; english: boolean; kana: boolean } {
  let vcv = false;
  let vc = false;
  let english = false;
  let kana = false;
  for (const alias of bank.aliases.keys()) {
    if (/[\u3040-\u30ff]/.test(alias)) kana = true;
    if (isArpasingAlias(alias)) english = true;
    else if (VC_ALIAS.test(alias)) vc = true;
    else if (VCV_ALIAS.test(alias)) vcv = true;
  }
  // "- s" or "n t" in an English bank are phone pairs, not Japanese VCV or VC.
  if (english && !kana) return { vcv: false, vc: false, english, kana };
  return { vcv, vc, english, kana };
}

const lookup = lookupAlias;

/**
 * @param phonemes the track's timed phones: with them, an English bank (ARPAsing pairs) sings
 *   English lyrics (and, lacking kana, any lyrics) phone pair by phone pair.
 */
export function chooseSamples(notes: readonly VocalNote[], bank: VoiceBank, phonemes?: readonly Phoneme[]): AliasChoice {
  const style = bankStyle(bank);
  if (phonemes && style.english && (!style.kana || detectLanguage(notes.map((n) => n.lyric)) === 'en')) return chooseEnglishSamples(notes, phonemes, bank);
  const missing = new Set<string>();
  const unsung: string[] = [];
  const placements: Placement[] = [];
  let prevVowel = '-';
  let prevEnd = -Infinity;
  notes.forEach((note, i) => {
    const legato = note.time - prevEnd < LEGATO_GAP;
    const raw = note.lyric.trim();
    // A plain kana lyric goes through the choice below (VCV first); anything else may be an alias.
    const direct = /^[\u3040-\u30ff]+$/.test(raw) ? undefined : lookup(bank, raw, note.pitch);
    const place = (entry: OtoEntry, kind: Placement['kind'], time: number, sound: MoraSound) =>
      placements.push({ note: i, kind, entry, time, end: note.end, pitch: note.pitch, onset: sound.onset, vowel: sound.vowel });
    if (direct && !cleanLyric(raw).continuation) {
      const m = lyricMorae(cleanLyric(raw).text);
      place(direct, 'alias', note.time, m[m.length - 1]?.sound ?? { onset: [], vowel: 'a' });
      prevVowel = m[m.length - 1]?.sound.vowel ?? prevVowel;
      prevEnd = note.end;
      return;
    }
    const lyric = cleanLyric(raw);
    let morae = lyric.continuation ? [{ kana: vowelKana(prevVowel), sound: { onset: [], vowel: prevVowel === '-' ? 'a' : prevVowel } }] : lyricMorae(lyric.text);
    if (morae.length === 0) {
      unsung.push(`note ${i} ("${note.lyric}"): not a kana or romaji lyric; this voicebank cannot sing it`);
      prevEnd = note.end;
      return;
    }
    // Several morae on one note share it equally, like the built-in voice.
    const share = (note.end - note.time) / morae.length;
    morae.forEach((m, k) => {
      const time = note.time + k * share;
      const before = k === 0 ? (legato ? prevVowel : '-') : morae[k - 1]!.sound.vowel;
      const vcvAlias = `${before === 'n' ? 'n' : before} ${m.kana}`;
      const vcv = style.vcv ? lookup(bank, vcvAlias, note.pitch) : undefined;
      if (vcv) return place(vcv, 'vcv', time, m.sound);
      if (style.vcv && before !== '-') missing.add(vcvAlias);
      const cv = lookup(bank, m.kana, note.pitch) ?? (before === '-' ? lookup(bank, `- ${m.kana}`, note.pitch) : undefined);
      if (cv) return place(cv, 'cv', time, m.sound);
      missing.add(m.kana);
      // Last resort: the mora's vowel, so the melody is not lost.
      const vowel = lookup(bank, vowelKana(m.sound.vowel), note.pitch);
      if (vowel) return place(vowel, 'cv', time, { onset: [], vowel: m.sound.vowel });
      unsung.push(`note ${i} ("${note.lyric}"): no sample for "${m.kana}" or its vowel`);
    });
    prevVowel = morae[morae.length - 1]!.sound.vowel;
    prevEnd = note.end;
  });
  for (let k = 0; k + 1 < placements.length; k++) {
    const p = placements[k]!;
    const next = placements[k + 1]!;
    if (next.time - p.end < LEGATO_GAP || next.note === p.note) p.end = Math.min(p.end, next.time);
  }
  if (style.vc) addVcPlacements(placements, bank, missing);
  return { placements, missing: [...missing], unsung };
}

/** CVVC: before each consonant-initial CV sung legato, the VC joining the vowel before to it. */
function addVcPlacements(placements: Placement[], bank: VoiceBank, missing: Set<string>): void {
  for (let k = placements.length - 1; k > 0; k--) {
    const p = placements[k - 1]!;
    const next = placements[k]!;
    if (next.kind !== 'cv' || next.time - p.end >= LEGATO_GAP) continue;
    const c = vcConsonant(next.onset);
    if (!c || p.kind === 'vc') continue;
    const alias = `${p.vowel} ${c}`;
    const entry = lookup(bank, alias, p.pitch);
    if (!entry) {
      missing.add(alias);
      continue;
    }
    // The VC's preutterance (its consonant start) lands where the next CV's sample begins.
    const time = next.time - next.entry.preutterance / 1000;
    if (time - entry.preutterance / 1000 <= p.time) continue;
    placements.splice(k, 0, { note: p.note, kind: 'vc', entry, time, end: next.time, pitch: p.pitch, onset: [], vowel: p.vowel });
    p.end = time;
  }
}
