// Mouth shapes (aa ih ou ee oh) from the vocal track at a show time. Each phoneme maps to a
// viseme; its weight rises over a short attack before the phoneme starts (the mouth moves before
// the sound) and falls over a release after it ends, so neighbours overlap instead of snapping.
// When a track has no phonemes, the vowel of each note's lyric is used for the length of the note.

import type { VocalTrack } from '../../../show-files/src/timeline.ts';
import { lastAtOrBefore } from '../../../show-files/src/timeline.ts';

export interface MouthWeights { aa: number; ih: number; ou: number; ee: number; oh: number }
export type VisemeName = keyof MouthWeights;

/** Seconds the mouth starts opening before a phoneme, and keeps closing after it. */
export const ATTACK = 0.05;
export const RELEASE = 0.08;

/** A phoneme symbol's viseme weights: a vowel opens fully, most consonants a little, m/b/p close. */
export function visemeOf(symbol: string): Partial<MouthWeights> {
  const s = symbol.toLowerCase().replace(/[0-9ː:]/g, '');
  switch (s) {
    case 'a': case 'aa': case 'ah': case 'ae': case 'ax': case 'ay': case 'aw': case 'ɑ': case 'ə': case 'æ':
      return { aa: 1 };
    case 'i': case 'ih': case 'iy': case 'ɪ': case 'y': case 'j':
      return { ih: 1 };
    case 'u': case 'uw': case 'uh': case 'w': case 'ɯ': case 'ʊ':
      return { ou: 1 };
    case 'e': case 'eh': case 'ey': case 'er': case 'ɛ':
      return { ee: 1 };
    case 'o': case 'ow': case 'ao': case 'oy': case 'ɔ':
      return { oh: 1 };
    case 'm': case 'b': case 'p': case 'sil': case 'pau': case 'sp': case 'r': case '': case '-': case 'br':
      return {};
    case 'n': case 'ng': case 'nn':
      return { ih: 0.15 };
    default:
      // Other consonants: the mouth just parts.
      return { ih: 0.2, aa: 0.1 };
  }
}

/** The vowel a lyric ends on (kana or romaji, or an English word), as a viseme. */
export function lyricVowel(lyric: string): VisemeName | null {
  const kana: Record<string, VisemeName> = {};
  const rows: [string, VisemeName][] = [
    ['あかさたなはまやらわがざだばぱぁゃアカサタナハマヤラワガザダバパァャ', 'aa'],
    ['いきしちにひみりぎじぢびぴぃイキシチニヒミリギジヂビピィ', 'ih'],
    ['うくすつぬふむゆるぐずづぶぷぅゅゥクスツヌフムユルグズヅブプゥュウ', 'ou'],
    ['えけせてねへめれげぜでべぺぇエケセテネヘメレゲゼデベペェ', 'ee'],
    ['おこそとのほもよろをごぞどぼぽぉょオコソトノホモヨロヲゴゾドボポォョ', 'oh'],
  ];
  for (const [chars, v] of rows) for (const c of chars) kana[c] = v;
  for (let i = lyric.length - 1; i >= 0; i--) {
    const c = lyric[i]!;
    if (kana[c]) return kana[c];
    const lower = c.toLowerCase();
    if ('aeiou'.includes(lower)) return ({ a: 'aa', i: 'ih', u: 'ou', e: 'ee', o: 'oh' } as const)[lower as 'a'];
  }
  return null;
}

function addWeighted(out: MouthWeights, v: Partial<MouthWeights>, w: number): void {
  if (w <= 0) return;
  if (v.aa !== undefined) out.aa = Math.max(out.aa, v.aa * w);
  if (v.ih !== undefined) out.ih = Math.max(out.ih, v.ih * w);
  if (v.ou !== undefined) out.ou = Math.max(out.ou, v.ou * w);
  if (v.ee !== undefined) out.ee = Math.max(out.ee, v.ee * w);
  if (v.oh !== undefined) out.oh = Math.max(out.oh, v.oh * w);
}

/** Envelope of a sound that spans [start, end): ramps up over ATTACK before start, down over RELEASE after end. */
export function envelope(start: number, end: number, t: number): number {
  if (t < start - ATTACK || t >= end + RELEASE) return 0;
  if (t < start) return (t - (start - ATTACK)) / ATTACK;
  if (t < end) return 1;
  return 1 - (t - end) / RELEASE;
}

/** Writes the mouth weights at show time t into `out` (allocation-free apart from the viseme table look-up). */
export function mouthAt(track: VocalTrack, t: number, out: MouthWeights): MouthWeights {
  out.aa = out.ih = out.ou = out.ee = out.oh = 0;
  const events = track.phonemes.length > 0 ? track.phonemes : track.notes;
  if (events.length === 0) return out;
  // Everything that can touch t starts before t + ATTACK; look at the few around there.
  const last = lastAtOrBefore(events, t + ATTACK);
  const usePhonemes = track.phonemes.length > 0;
  for (let i = last; i >= 0 && i >= last - 3; i--) {
    const e = events[i]!;
    const w = envelope(e.time, e.end, t);
    if (w <= 0) continue;
    if (usePhonemes) addWeighted(out, visemeOf((e as { symbol: string }).symbol), w);
    else {
      const v = lyricVowel((e as { lyric: string }).lyric);
      if (v) addWeighted(out, { [v]: 1 }, w);
    }
  }
  return out;
}
