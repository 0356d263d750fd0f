// The Japanese CV table a voicebank is measured against (`voice inspect` coverage, the test bank):
// every mora a Japanese song needs, as hiragana, and the vowel and consonant each one is sung with.

import { kanaToMorae, toKanaText } from '../japanese.ts';

const ROWS = [
  'あいうえお', 'かきくけこ', 'がぎぐげご', 'さしすせそ', 'ざじずぜぞ', 'たちつてと', 'だでど', 'なにぬねの',
  'はひふへほ', 'ばびぶべぼ', 'ぱぴぷぺぽ', 'まみむめも', 'やゆよ', 'らりるれろ', 'わを', 'ん',
];
const YOUON = ['き', 'ぎ', 'し', 'じ', 'ち', 'に', 'ひ', 'び', 'ぴ', 'み', 'り'].flatMap((k) => ['ゃ', 'ゅ', 'ょ'].map((y) => k + y));

/** The kana coverage table: 68 plain morae and 33 palatal ones. */
export const KANA_TABLE: readonly string[] = [...ROWS.join(''), ...YOUON];

export interface MoraSound {
  /** The consonant(s) before the vowel, in the shared phone set ([] for a bare vowel). */
  onset: string[];
  /** 'a' 'i' 'u' 'e' 'o', or 'n' for ん. */
  vowel: string;
}

const VOWEL_KANA: Record<string, string> = { a: 'あ', i: 'い', u: 'う', e: 'え', o: 'お', n: 'ん' };

/** The vowel kana VCV aliases start from (`a` -> あ). */
export function vowelKana(vowel: string): string {
  return VOWEL_KANA[vowel] ?? 'あ';
}

/**
 * A lyric (kana or romaji) as morae: the hiragana of each and how it sounds. Readings that are
 * not Japanese give an empty list.
 */
export function lyricMorae(text: string): { kana: string; sound: MoraSound }[] {
  const hira = toKanaText(text);
  const out: { kana: string; sound: MoraSound }[] = [];
  // Split into kana units the way the table spells them (small ゃゅょぁぃぅぇぉ join the kana before).
  const units = hira.match(/[\u3040-\u309f\u30a0-\u30ff][ゃゅょぁぃぅぇぉ]?/g) ?? [];
  for (const unit of units) {
    const { morae } = kanaToMorae(unit);
    const m = morae[0];
    if (!m || m.nucleus === '-' || m.nucleus === 'cl') continue;
    out.push({ kana: unit, sound: { onset: m.onset, vowel: m.nucleus === 'N' ? 'n' : m.nucleus } });
  }
  return out;
}

/** The romaji consonant a CVVC bank writes in its VC aliases (`a k`) for a mora's onset. */
export function vcConsonant(onset: readonly string[]): string | undefined {
  const c = onset[0];
  if (!c) return undefined;
  const map: Record<string, string> = { hy: 'h', ky: 'k', gy: 'g', ny: 'n', by: 'b', py: 'p', my: 'm', ry: 'r', rt: 'r' };
  return map[c] ?? c;
}
