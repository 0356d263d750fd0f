// Japanese lyrics -> morae -> phonemes. Kana (hiragana or katakana) and romaji are both read;
// romaji goes through wanakana to kana first, so both spellings meet one table.

import { toHiragana } from 'wanakana';

export interface Mora {
  /** Consonants before the vowel ([] for a bare vowel). */
  onset: string[];
  /** A vowel symbol, "N" for ん, "cl" for っ, or "-" for ー (hold the previous vowel). */
  nucleus: string;
}

// Each hiragana: its consonant ('' for none) and vowel.
const KANA: Record<string, [string, string]> = {};
function row(kana: string, onsets: string[] | string, vowels = 'aiueo'): void {
  [...kana].forEach((k, i) => {
    if (k === '_') return;
    const onset = Array.isArray(onsets) ? onsets[i]! : onsets;
    KANA[k] = [onset, vowels[i]!];
  });
}
row('あいうえお', '');
row('かきくけこ', 'k');
row('がぎぐげご', 'g');
row('さしすせそ', ['s', 'sh', 's', 's', 's']);
row('ざじずぜぞ', ['z', 'j', 'z', 'z', 'z']);
row('たちつてと', ['t', 'ch', 'ts', 't', 't']);
row('だぢづでど', ['d', 'j', 'z', 'd', 'd']);
row('なにぬねの', 'n');
row('はひふへほ', ['h', 'hy', 'f', 'h', 'h']);
row('ばびぶべぼ', 'b');
row('ぱぴぷぺぽ', 'p');
row('まみむめも', 'm');
row('や_ゆ_よ', 'y');
row('らりるれろ', 'r');
row('わゐ_ゑを', ['w', '', '', '', '']);
KANA['ゐ'] = ['', 'i'];
KANA['ゑ'] = ['', 'e'];
KANA['を'] = ['', 'o'];
KANA['ゔ'] = ['v', 'u'];
// Small vowels said on their own (rare, but fans write them).
row('ぁぃぅぇぉ', '');
KANA['ゎ'] = ['w', 'a'];

const SMALL_Y: Record<string, string> = { ゃ: 'a', ゅ: 'u', ょ: 'o' };
const SMALL_VOWEL: Record<string, string> = { ぁ: 'a', ぃ: 'i', ぅ: 'u', ぇ: 'e', ぉ: 'o' };
// Consonant of an i-column kana before a small ya/yu/yo: き+ゃ = kya.
const PALATAL: Record<string, string> = { k: 'ky', g: 'gy', n: 'ny', hy: 'hy', h: 'hy', b: 'by', p: 'py', m: 'my', r: 'ry', sh: 'sh', j: 'j', ch: 'ch', '': 'y', t: 'ch', d: 'j', s: 'sh', z: 'j', f: 'hy', v: 'by' };

const KANA_RE = /[\u3040-\u30ff]/;

export function hasKana(text: string): boolean {
  return KANA_RE.test(text);
}

/**
 * Romaji a Japanese singer would write: a sequence of morae (optional consonant onset, a vowel),
 * ん as n / nn / n', and doubled consonants for っ. "l" and "v" onsets are excluded on purpose so
 * that English words ("love", "live") are not mistaken for romaji.
 */
const ROMAJI_RE = /^(?:(?:(?:ky|gy|sh|sy|j|jy|zy|ch|cy|ty|dy|ny|hy|by|py|my|ry|ts|f|k|g|s|z|t|d|n|h|b|p|m|y|r|w)?[aiueo])|n(?:n|')?(?![aiueoy])|([kgsztdhbpmrfjc])(?=\1)|t(?=ch))+$/;

export function isStrictRomaji(text: string): boolean {
  return ROMAJI_RE.test(text.toLowerCase());
}

/** Kana or romaji -> hiragana ("nn" at a syllable end is one ん, as singers type it). */
export function toKanaText(text: string): string {
  if (hasKana(text)) return toHiragana(text, { passRomaji: true });
  return toHiragana(text.toLowerCase().replace(/nn(?![aiueoy])/g, 'n').replace(/tch/g, 'cch'));
}

/** Splits kana into morae. Unknown characters are returned in `unknown` (the caller warns). */
export function kanaToMorae(text: string): { morae: Mora[]; unknown: string } {
  const hira = toHiragana(text, { passRomaji: true });
  const morae: Mora[] = [];
  let unknown = '';
  for (const ch of hira) {
    const last = morae[morae.length - 1];
    if (ch === 'ん') morae.push({ onset: [], nucleus: 'N' });
    else if (ch === 'っ') morae.push({ onset: [], nucleus: 'cl' });
    else if (ch === 'ー' || ch === '〜' || ch === '~') morae.push({ onset: [], nucleus: '-' });
    else if (SMALL_Y[ch] && last && last.nucleus === 'i') {
      // きゃ: the i-mora's consonant palatalizes and takes the small kana's vowel.
      const base = last.onset[0] ?? '';
      last.onset = [PALATAL[base] ?? base + 'y'];
      last.nucleus = SMALL_Y[ch]!;
    } else if (SMALL_VOWEL[ch] && last && last.nucleus !== 'N' && last.nucleus !== 'cl' && last.nucleus !== '-') {
      // ふぁ, てぃ, うぃ, ちぇ: the small vowel replaces the vowel; a bare う/ぅ becomes w.
      if (last.onset.length === 0 && last.nucleus === 'u') last.onset = ['w'];
      if (last.onset.length === 0 && last.nucleus === 'i' && SMALL_VOWEL[ch] === 'e') last.onset = ['y'];
      last.nucleus = SMALL_VOWEL[ch]!;
    } else if (SMALL_Y[ch]) morae.push({ onset: ['y'], nucleus: SMALL_Y[ch]! });
    else if (KANA[ch]) {
      const [onset, v] = KANA[ch]!;
      morae.push({ onset: onset ? [onset] : [], nucleus: v });
    } else if (/\s/.test(ch)) continue;
    else unknown += ch;
  }
  return { morae, unknown };
}
