// Records the project's English test voicebank (ARPAsing phone pairs) with the built-in
// synthesizer. Each take is one pair sung out of silence: "- x", then "x y", then "y -", cut into
// its own WAV; the oto.ini entries come from the same take, as a recording session with a guide
// track gives them: the phone boundaries are the phones the synthesizer was told to sing (the
// pair's preutterance lands on its second phone), and a phrase-start entry begins where the sound
// is measured to start. Written in UTAU's layout: character.txt readme.txt oto.ini k_aa.wav ...

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Phoneme, VoiceSettings } from '../../show-files/src/timeline.ts';
import { phoneInfo } from '../../vocal/phones.ts';
import { renderVocalSync } from '../../vocal/render.ts';
import { DEFAULT_VOICE } from '../../vocal/track.ts';
import { encodeWav } from '../../vocal/wav.ts';
import { englishPairSet, isArpasingVowel, TO_SHARED } from '../../vocal/voicebank/arpasing.ts';
import { soundStart } from './make.ts';
import { encodeShiftJis } from './shift-jis.ts';

export interface EnglishBankOptions {
  /** Pair aliases to record ("k aa", "- s", "ow -"); default: the whole English CVVC set. */
  pairs?: readonly string[];
  /** MIDI pitch of the recordings (default 65, F4: the middle of the test songs). */
  pitch?: number;
  name?: string;
}

const SR = 44100;
const RECORDING_VOICE: VoiceSettings = { ...DEFAULT_VOICE, vibrato: { ...DEFAULT_VOICE.vibrato, depth: 0 } };
const VOWEL = 0.4;
const SILENCE = 0.2;
const GAP = 0.2; // SILENCE + GAP under the synth's 0.45 s: no in-breath sits in front of a take
const ms = (s: number) => Math.round(s * 1000);

/** How long the synthesizer sings a phone in a take. */
function phoneLength(phone: string): number {
  if (isArpasingVowel(phone)) return VOWEL;
  return Math.max(0.06, phoneInfo((TO_SHARED[phone] ?? [phone])[0]!).length * RECORDING_VOICE.preutterance);
}

interface Take {
  file: string;
  first: string;
  second: string;
  /** Session times: the first phone's start, the boundary, the second phone's end. */
  from: number;
  boundary: number;
  to: number;
}

/** The takes that record `pairs`: one per "x y" pair, plus one per "- x" / "x -" not already sung in one. */
function plan(pairs: readonly string[]): { first: string; second: string }[] {
  const want = new Set(pairs);
  const takes: { first: string; second: string }[] = [];
  const got = new Set<string>();
  const add = (first: string, second: string) => {
    takes.push({ first, second });
    for (const a of [`- ${first}`, `${first} ${second}`, `${second} -`]) got.add(a);
  };
  for (const alias of want) {
    const [a, b] = alias.split(' ') as [string, string];
    if (a !== '-' && b !== '-') add(a, b);
  }
  for (const alias of want) {
    if (got.has(alias)) continue;
    const [a, b] = alias.split(' ') as [string, string];
    // A lone phone out of silence: pair it with a neutral vowel (or consonant) to give the synth a syllable.
    if (a === '-') add(b, isArpasingVowel(b) ? 'hh' : 'ah');
    else add(isArpasingVowel(a) ? 'hh' : 'ah', a);
  }
  return takes;
}

export function makeEnglishTestBank(dir: string, options: EnglishBankOptions = {}): { entries: number; seconds: number } {
  const pitch = options.pitch ?? 65;
  const wanted = new Set(options.pairs ?? englishPairSet());
  const takes: Take[] = [];
  const phonemes: Phoneme[] = [];
  let t = 0.3 + GAP;
  for (const { first, second } of plan([...wanted])) {
    const from = t;
    const boundary = from + phoneLength(first);
    const to = boundary + phoneLength(second);
    for (const [phone, a, b] of [[first, from, boundary], [second, boundary, to]] as const) {
      const shared = TO_SHARED[phone] ?? [phone];
      // A diphthong: its glide takes the last 30 % of the vowel, as the phonemizer sings it.
      const split = shared.length === 2 ? b - 0.3 * (b - a) : b;
      phonemes.push({ symbol: shared[0]!, time: a, end: split, note: takes.length + 1 });
      if (shared.length === 2) phonemes.push({ symbol: shared[1]!, time: split, end: b, note: takes.length + 1 });
    }
    takes.push({ file: `${first}_${second}.wav`, first, second, from, boundary, to });
    t = to + SILENCE + GAP;
  }
  // One note per take (the pitch), and a warm-up note first: the synth breathes in before a song's
  // first phrase, and that breath must not sit in front of the first take.
  const notes = [{ time: 0.05, end: 0.3, pitch, lyric: 'a' }, ...takes.map((k) => ({ time: k.from, end: k.to, pitch, lyric: 'a' }))];
  const { samples, start } = renderVocalSync({ notes, phonemes: [{ symbol: 'a', time: 0.05, end: 0.3, note: 0 }, ...phonemes], warnings: [] }, RECORDING_VOICE, SR);
  const audio = new Float32Array(Math.round((t + 1) * SR));
  audio.set(samples.subarray(Math.max(0, Math.round(-start * SR))).subarray(0, audio.length - Math.max(0, Math.round(start * SR))), Math.max(0, Math.round(start * SR)));

  mkdirSync(dir, { recursive: true });
  const lines: string[] = [];
  const written = new Set<string>();
  for (const take of takes) {
    const sliceStart = take.from - SILENCE;
    const sliceEnd = take.to + SILENCE;
    writeFileSync(join(dir, take.file), encodeWav([audio.slice(Math.round(sliceStart * SR), Math.round(sliceEnd * SR))], SR, 16));
    const rel = (s: number) => s - sliceStart;
    const entry = (alias: string, offset: number, consonant: number, length: number, pre: number, overlap: number) => {
      if (!wanted.has(alias) || written.has(alias)) return;
      written.add(alias);
      lines.push(`${take.file}=${alias},${ms(offset)},${ms(consonant)},${-ms(length)},${ms(pre)},${ms(overlap)}`);
    };
    const firstVowel = isArpasingVowel(take.first);
    const secondVowel = isArpasingVowel(take.second);
    // "- x": from the measured start of sound; the preutterance lands on the phone's start.
    const onset = soundStart(audio, take.from - 0.05, take.boundary, 0.03);
    const startOffset = Math.max(0, rel(Math.min(onset, take.from) - 0.01));
    const startPre = rel(take.from) - startOffset;
    entry(`- ${take.first}`, startOffset, startPre + Math.min(0.05, take.boundary - take.from), rel(take.boundary) - startOffset, startPre, Math.min(0.005, startPre));
    // "x y": from the steady part of a vowel (the whole of a consonant), across the boundary.
    const offset = rel(firstVowel ? take.boundary - 0.15 : take.from);
    const pre = rel(take.boundary) - offset;
    const end = secondVowel ? take.to - 0.03 : take.to;
    entry(`${take.first} ${take.second}`, offset, secondVowel ? pre + 0.04 : rel(end) - offset, rel(end) - offset, pre, firstVowel ? 0.03 : 0.01);
    // "y -": from the steady part of the last phone into the release after it.
    const endOffset = rel(secondVowel ? take.to - 0.15 : take.boundary);
    const endPre = rel(take.to) - endOffset;
    entry(`${take.second} -`, endOffset, endPre + 0.12, endPre + 0.12, endPre, 0.02);
  }
  writeFileSync(join(dir, 'oto.ini'), encodeShiftJis(lines.join('\r\n') + '\r\n'));
  const name = options.name ?? 'holostage English test voice';
  writeFileSync(join(dir, 'character.txt'), encodeShiftJis(`name=${name}\r\nauthor=holostage (recorded from the built-in synthesizer)\r\nweb=https://example.invalid/holostage\r\n`));
  writeFileSync(join(dir, 'readme.txt'), encodeShiftJis(`${name} (ARPAsing phone pairs)\r\nTerms: free to use in any show; credit "holostage test voice".\r\n`));
  return { entries: lines.length, seconds: t };
}
