// What fans and voicebanks write into a note's lyric, reduced to the sung text: VCV prefixes
// ("a か", "- か"), pitch suffixes ("か_C4", "かA#3"), voice-colour suffixes ("かR", "か強", "か↑"),
// and the continuation marks ("+", "-", "ー", "~") that mean "keep singing the previous vowel".

export interface CleanLyric {
  /** The text to pronounce ('' for a continuation). */
  text: string;
  continuation: boolean;
  /** What was stripped, for the CLI report. */
  prefix?: string;
  suffix?: string;
}

/** A rest written as a lyric (UTAU's "R", "rest", "pau", "sil"): nothing is sung. */
export function isRestLyric(lyric: string): boolean {
  const l = lyric.trim().toLowerCase();
  return l === 'r' || l === 'rest' || l === 'pau' || l === 'sil';
}

const CONTINUATIONS = new Set(['+', '-', '~', 'ー', '〜', '+~', '+*', '+-', '…', '_']);

// Lyrics repeat a lot within a song and across a show: results are kept (bounded), and frozen
// because callers share them.
const cache = new Map<string, Readonly<CleanLyric>>();
const CACHE_LIMIT = 20_000;

export function cleanLyric(raw: string): Readonly<CleanLyric> {
  let hit = cache.get(raw);
  if (hit === undefined) {
    if (cache.size >= CACHE_LIMIT) cache.clear();
    hit = Object.freeze(parseLyric(raw));
    cache.set(raw, hit);
  }
  return hit;
}

function parseLyric(raw: string): CleanLyric {
  // Checked before NFKC too: it turns "…" into "...", which would then be sung as text.
  if (CONTINUATIONS.has(raw.trim())) return { text: '', continuation: true };
  let text = raw.trim().normalize('NFKC');
  if (CONTINUATIONS.has(text)) return { text: '', continuation: true };
  let prefix: string | undefined;
  // Only before kana: "a love" on one English note is two words, not a VCV alias.
  const vcv = /^([aiueonN]|-|\*|・)\s+(?=[\u3040-\u30ff])/.exec(text);
  if (vcv) {
    prefix = vcv[1];
    text = text.slice(vcv[0].length);
  }
  let suffix: string | undefined;
  const hasJapanese = /[\u3040-\u30ff]/.test(text);
  const suffixRe = hasJapanese
    ? // After kana anything that is not kana is a voicebank suffix: _C4, A#3, R, 強, ↑, 2.
      /(?<=[\u3040-\u30ff])[^\u3040-\u30ff]+$/
    : // After romaji or English only the explicit forms: "_C4" / "_R" and a trailing pitch name.
      /(?:_[^_\s]*|(?<=[a-z])[A-G][#b]?-?\d)$/;
  const m = suffixRe.exec(text);
  if (m && m.index > 0) {
    suffix = m[0];
    text = text.slice(0, m.index);
  }
  if (CONTINUATIONS.has(text)) return { text: '', continuation: true, prefix, suffix };
  return { text: text.trim(), continuation: false, prefix, suffix };
}
