import { describe, expect, it } from 'vitest';
import { cleanLyric } from '../../vocal/lyrics.ts';
import { kanaToMorae, isStrictRomaji } from '../../vocal/japanese.ts';
import { englishSyllables } from '../../vocal/english.ts';
import { detectLanguage, describeNotePhonemes, phonemizeNotes } from '../../vocal/phonemize.ts';
import { buildVocalTrack, DEFAULT_VOICE } from '../../vocal/track.ts';
import { readScoreFile } from '../../show-files/src/score/index.ts';
import { TempoMap } from '../../show-files/src/tempo.ts';
import type { Phoneme, VocalNote } from '../../show-files/src/timeline.ts';

const voice = { ...DEFAULT_VOICE, preutterance: 0.08 };

/** Quarter notes at 120 BPM from t = 1 s, one per lyric; null makes a rest of one beat. */
function notesOf(lyrics: (string | null)[], beat = 0.5): VocalNote[] {
  const notes: VocalNote[] = [];
  lyrics.forEach((lyric, i) => {
    if (lyric !== null) notes.push({ time: 1 + i * beat, end: 1 + (i + 1) * beat, pitch: 60, lyric });
  });
  return notes;
}

function symbols(phonemes: Phoneme[], notes: number): string[] {
  return Array.from({ length: notes }, (_, i) => describeNotePhonemes(phonemes, i));
}

function expectSortedDisjoint(phonemes: Phoneme[]) {
  for (let i = 0; i < phonemes.length; i++) {
    expect(phonemes[i]!.end).toBeGreaterThan(phonemes[i]!.time);
    if (i > 0) expect(phonemes[i]!.time).toBeGreaterThanOrEqual(phonemes[i - 1]!.end - 1e-12);
  }
}

describe('lyric forms', () => {
  it('strips VCV prefixes, pitch and colour suffixes, and recognizes continuations', () => {
    expect(cleanLyric('a か')).toMatchObject({ text: 'か', prefix: 'a', continuation: false });
    expect(cleanLyric('- か')).toMatchObject({ text: 'か', prefix: '-' });
    expect(cleanLyric('か_C4')).toMatchObject({ text: 'か', suffix: '_C4' });
    expect(cleanLyric('かR')).toMatchObject({ text: 'か', suffix: 'R' });
    expect(cleanLyric('ka_D#5')).toMatchObject({ text: 'ka', suffix: '_D#5' });
    expect(cleanLyric('+').continuation).toBe(true);
    expect(cleanLyric('-').continuation).toBe(true);
    expect(cleanLyric('ー').continuation).toBe(true);
    expect(cleanLyric('hello').text).toBe('hello');
    // An English article is not a VCV prefix.
    expect(cleanLyric('a song')).toMatchObject({ text: 'a song', continuation: false });
    expect(cleanLyric('a song').prefix).toBeUndefined();
  });

  it('reads kana: small kana, ん, っ, ー', () => {
    const m = (s: string) => kanaToMorae(s).morae.map((x) => x.onset.join('') + x.nucleus);
    expect(m('きゃ')).toEqual(['kya']);
    expect(m('ふぁ')).toEqual(['fa']);
    expect(m('しゅ')).toEqual(['shu']);
    expect(m('ティ')).toEqual(['ti']);
    expect(m('うぃ')).toEqual(['wi']);
    expect(m('かっ')).toEqual(['ka', 'cl']);
    expect(m('さん')).toEqual(['sa', 'N']);
    expect(m('つ')).toEqual(['tsu']);
    expect(m('ち')).toEqual(['chi']);
  });

  it('tells romaji from English', () => {
    expect(isStrictRomaji('kya')).toBe(true);
    expect(isStrictRomaji('shinjitsu')).toBe(true);
    expect(isStrictRomaji('love')).toBe(false);
    expect(isStrictRomaji('song')).toBe(false);
    expect(detectLanguage(['ka', 'ze', 'ni', 'no', 'tte'])).toBe('ja');
    expect(detectLanguage(['I', 'love', 'you', 'so'])).toBe('en');
    expect(detectLanguage(['love', 'さ'])).toBe('ja');
  });

  it('looks English words up in the CMU dictionary and guesses unknown ones by letter rules', () => {
    expect(englishSyllables('hello')).toEqual({ guessed: false, syllables: [{ onset: ['h'], nucleus: ['ah'], coda: [] }, { onset: ['l'], nucleus: ['o', 'uh'], coda: [] }] });
    expect(englishSyllables('love').syllables).toEqual([{ onset: ['l'], nucleus: ['ah'], coda: ['v'] }]);
    const guess = englishSyllables('zorblax');
    expect(guess.guessed).toBe(true);
    expect(guess.syllables.length).toBe(2);
  });

  it('maps every ARPAbet vowel to a sung phone (none left undefined)', () => {
    const nuclei = ['law', 'now', 'sky', 'bed', 'her', 'day', 'boy', 'go', 'cat', 'cup', 'hot', 'see', 'sit', 'book', 'blue']
      .map((w) => englishSyllables(w).syllables[0]!.nucleus.join('+'));
    expect(nuclei).toEqual(['ao', 'a+uh', 'a+ih', 'e', 'er', 'e+ih', 'o+ih', 'o+uh', 'ae', 'ah', 'a', 'i', 'ih', 'uh', 'uw']);
  });
});

describe('phonemes and singer timing', () => {
  it('Japanese kana and romaji give the same phonemes, with the consonant before the beat', () => {
    const kana = phonemizeNotes(notesOf(['さ', 'く', 'ら']), voice);
    const romaji = phonemizeNotes(notesOf(['sa', 'ku', 'ra']), voice);
    expect(symbols(kana.phonemes, 3)).toEqual(['s a', 'k u', 'r a']);
    expect(romaji.phonemes).toEqual(kana.phonemes);
    const [s, a] = kana.phonemes;
    // The vowel lands on the beat; the consonant starts before it, by its share of the pre-utterance.
    expect(a!.symbol).toBe('a');
    expect(a!.time).toBeCloseTo(1, 12);
    expect(s!.end).toBeCloseTo(1, 12);
    expect(s!.time).toBeCloseTo(1 - 1.3 * 0.08, 12);
    // Vowels hold to the note's end or to the next consonant.
    const u = kana.phonemes.find((p) => p.symbol === 'u')!;
    const r = kana.phonemes.find((p) => p.symbol === 'r')!;
    expect(u.end).toBeCloseTo(r.time, 12);
    expect(kana.phonemes[kana.phonemes.length - 1]!.end).toBeCloseTo(2.5, 12);
    expectSortedDisjoint(kana.phonemes);
  });

  it('clamps the pre-utterance by the previous note and the song start, never losing the consonant', () => {
    const notes: VocalNote[] = [
      { time: 1, end: 1.34, pitch: 60, lyric: 'ら' },
      { time: 1.34, end: 1.5, pitch: 60, lyric: 'ら' },
      { time: 1.5, end: 2, pitch: 62, lyric: 'しゃ' },
    ];
    const { phonemes } = phonemizeNotes(notes, voice);
    // Clamped to the second half of the short previous note, still long enough: sh ends on the beat.
    const sh = phonemes.find((p) => p.symbol === 'sh')!;
    expect(sh.time).toBeCloseTo(1.42, 12);
    expect(sh.end).toBeCloseTo(1.5, 12);
    // Too little room: the consonant starts at the clamp (half the previous note) and runs into its note.
    const squeezed = phonemizeNotes([{ time: 1, end: 1.06, pitch: 60, lyric: 'ら' }, { time: 1.06, end: 1.5, pitch: 62, lyric: 'しゃ' }], voice).phonemes;
    const sh2 = squeezed.find((p) => p.symbol === 'sh')!;
    expect(sh2.time).toBeCloseTo(1.03, 12);
    expect(sh2.end).toBeCloseTo(1.03 + 1.3 * 0.08, 12);
    expect(squeezed.find((p) => p.symbol === 'a' && p.note === 1)!.time).toBeCloseTo(sh2.end, 12);
    // At the song start there is no room at all: k sits on the beat and the vowel follows it.
    const first = phonemizeNotes([{ time: 0, end: 0.5, pitch: 60, lyric: 'か' }], voice, { songStart: 0 }).phonemes;
    expect(first.map((p) => p.symbol)).toEqual(['k', 'a']);
    expect(first[0]!.time).toBe(0);
    expect(first[0]!.end).toBeCloseTo(0.7 * 0.08, 12);
  });

  it('rests leave gaps; continuations hold the vowel; ん and っ close the note', () => {
    const { phonemes, warnings } = phonemizeNotes(notesOf(['か', '+', null, 'a さ_C4', 'ー', 'かん', 'かっ', 'たR']), voice);
    expect(warnings).toEqual([]);
    expect(symbols(phonemes, 7)).toEqual(['k a', 'a', 's a', 'a', 'k a N', 'k a cl', 't a']);
    // Nothing sounds during the rest beat (2.0 .. 2.5) except the next consonant's pre-utterance.
    const inRest = phonemes.filter((p) => p.end > 2.0 && p.time < 2.5 - 0.2);
    expect(inRest).toEqual([]);
    const n = phonemes.find((p) => p.symbol === 'N')!;
    // かん is sung on 3.5 .. 4.0: ん ends where the next note's consonant begins.
    expect(n.end).toBeCloseTo(phonemes.find((p) => p.note === 5)!.time, 12);
    expect(n.time).toBeGreaterThan(3.5);
    expect(n.end - n.time).toBeGreaterThan(0.1);
    expectSortedDisjoint(phonemes);
  });

  it('spreads an English word over its notes: hyphenated syllables and held melismas with the coda at the end', () => {
    const { phonemes, language, warnings } = phonemizeNotes(notesOf(['hel-', 'lo', 'love', '+', '+', 'zorblax']), voice);
    expect(language).toBe('en');
    expect(symbols(phonemes, 6)).toEqual(['h ah', 'l o uh', 'l ah', 'ah', 'ah v', 'z a r b l ae k s']);
    expect(warnings.join('\n')).toMatch(/note 5 \("zorblax"\): "zorblax" is not in the pronouncing dictionary; guessed by letter rules/);
    // The coda v of "love" closes its last held note, right where the next word's z begins.
    const v = phonemes.find((p) => p.symbol === 'v')!;
    expect(v.note).toBe(4);
    expect(v.end).toBeCloseTo(phonemes.find((p) => p.symbol === 'z')!.time, 12);
    expect(v.end).toBeLessThan(3.5);
    // One multi-syllable word on one note with continuation notes gets one syllable per note.
    const spread = phonemizeNotes(notesOf(['beautiful', '+', '+']), voice);
    expect(symbols(spread.phonemes, 3)).toEqual(['b y uw', 't ah', 'f ah l']);
    expectSortedDisjoint(phonemes);
  });

  it('buildVocalTrack fills phonemes in absolute show seconds from a real score', async () => {
    const score = await readScoreFile('tests/fixtures/scores/sakura-sjis.ust');
    const tempo = new TempoMap(score.tempo, score.resolution);
    const songStart = 100;
    const track = buildVocalTrack(score, (tick) => songStart + tempo.secondsAt(tick), voice);
    expect(track.notes).toHaveLength(6);
    expect(track.notes[0]!.time).toBeCloseTo(100.4, 9);
    expect(symbols(track.phonemes, 6)).toEqual(['s a', 'k u', 'r a', 'ky a', 'a', 'N']);
    expect(track.phonemes.every((p) => p.time >= songStart)).toBe(true);
    expectSortedDisjoint(track.phonemes);
  });
});
