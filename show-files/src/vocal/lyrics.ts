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

const CONTINUATIONS = new Set(['+', '-', '~', 'ー', '〜', '+~', '+*', '+-', '…', '_']);

export function cleanLyric(raw: string): CleanLyric {
  let text = raw.trim().normalize('NFKC');
  if (CONTINUATIONS.has(text)) return { text: '', continuation: true };
  let prefix: string | undefined;
  const vcv = /^([aiueonN]|-|\*|・)\s+(?=\S)/.exec(text);
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
