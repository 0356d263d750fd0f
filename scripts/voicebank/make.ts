// Records the project's test voicebank with the built-in synthesizer: every CV mora sung on one
// pitch (and the VCV/VC entries tests need), cut into WAV files, with an oto.ini whose offsets are
// measured on the audio, written in Shift-JIS in UTAU's layout:
//   character.txt  readme.txt  oto.ini  か.wav  _あか.wav ...   [G4/oto.ini G4/か.wav  prefix.map]
// Like a real recording session with a guide track, the beat of each note is known (the vowel
// starts on it): the preutterance is measured from the start of sound found in the audio to that beat.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { VocalNote, VoiceSettings } from '../../show-files/src/timeline.ts';
import { phonemizeNotes } from '../../vocal/phonemize.ts';
import { renderVocalSync } from '../../vocal/render.ts';
import { DEFAULT_VOICE } from '../../vocal/track.ts';
import { encodeWav } from '../../vocal/wav.ts';
import { KANA_TABLE, lyricMorae, vcConsonant, vowelKana } from '../../vocal/voicebank/kana.ts';
import { encodeShiftJis } from './shift-jis.ts';

export interface TestBankOptions {
  /** CV morae to record (default: the whole kana table). */
  morae?: readonly string[];
  /** VCV entries as [previous vowel, kana]: `['a', 'か']` records "a か" (and "a k" when `vc`). */
  vcv?: readonly (readonly [string, string])[];
  /** Also write the VC aliases ("a k") cut from the VCV recordings. */
  vc?: boolean;
  /** Write only the VC aliases of those recordings (a CVVC bank without VCV). */
  vcOnly?: boolean;
  /** MIDI pitch of the root recordings (default 60, C4). */
  pitch?: number;
  /** A second pitch in a subfolder, with a suffix and a prefix.map choosing it from `from` upwards. */
  upper?: { pitch: number; folder: string; from: number; morae: readonly string[] };
  /** Character name (default "holostage test voice"). */
  name?: string;
}

const SR = 44100;
const RECORDING_VOICE: VoiceSettings = { ...DEFAULT_VOICE, vibrato: { ...DEFAULT_VOICE.vibrato, depth: 0 } };
const CV_LENGTH = 0.7;
const VCV_FIRST = 0.5;
const GAP = 0.42; // under the synth's 0.45 s, so no in-breath sits in front of a mora

interface Take {
  file: string;
  /** Notes of the take, in session seconds; the last note is the recorded mora. */
  notes: VocalNote[];
  aliases: (take: Take, audio: Float32Array, sliceStart: number) => string[];
}

function frameRms(x: Float32Array, at: number, len: number): number {
  let s = 0;
  for (let i = at; i < at + len && i < x.length; i++) s += x[i]! * x[i]!;
  return Math.sqrt(s / len);
}

/** First 5 ms frame from `from` (seconds) whose level reaches `share` of the loudest frame up to `to`. */
export function soundStart(x: Float32Array, from: number, to: number, share: number): number {
  const hop = Math.round(0.005 * SR);
  let peak = 0;
  for (let i = Math.round(from * SR); i < to * SR; i += hop) peak = Math.max(peak, frameRms(x, i, hop));
  for (let i = Math.round(from * SR); i < to * SR; i += hop) if (frameRms(x, i, hop) >= share * peak) return i / SR;
  return from;
}

const ms = (s: number) => Math.round(s * 1000);

export function makeTestVoiceBank(dir: string, options: TestBankOptions = {}): { entries: number; seconds: number } {
  const pitch = options.pitch ?? 60;
  const takes: Take[] = [];
  let t = 0.3 + GAP;
  const cvTake = (kana: string, notePitch: number, folder: string, suffix: string) => {
    takes.push({
      file: `${folder}${kana}.wav`,
      notes: [{ time: t, end: t + CV_LENGTH, pitch: notePitch, lyric: kana }],
      aliases: (take, audio, sliceStart) => {
        const note = take.notes[0]!;
        const onset = soundStart(audio, note.time - 0.25, note.end, 0.03);
        const offset = Math.max(0, onset - 0.01 - sliceStart);
        const pre = note.time - sliceStart - offset;
        const length = note.end - 0.1 - sliceStart - offset;
        const overlap = lyricMorae(kana)[0]?.sound.onset.length ? pre * 0.3 : 0.01;
        return [`${kana}${suffix},${ms(offset)},${ms(Math.min(length, pre + 0.03))},${-ms(length)},${ms(pre)},${ms(overlap)}`];
      },
    });
    t += CV_LENGTH + GAP;
  };
  for (const kana of options.morae ?? KANA_TABLE) cvTake(kana, pitch, '', '');
  if (options.upper) for (const kana of options.upper.morae) cvTake(kana, options.upper.pitch, `${options.upper.folder}/`, options.upper.folder);
  for (const [vowel, kana] of options.vcv ?? []) {
    const first = vowelKana(vowel);
    takes.push({
      file: `_${first}${kana}.wav`,
      notes: [
        { time: t, end: t + VCV_FIRST, pitch, lyric: first },
        { time: t + VCV_FIRST, end: t + VCV_FIRST + CV_LENGTH, pitch, lyric: kana },
      ],
      aliases: (take, audio, sliceStart) => {
        const [a, b] = take.notes as [VocalNote, VocalNote];
        // The VCV sample starts in the steady part of the vowel before.
        const offset = a.end - 0.2 - sliceStart;
        const consonantStart = soundDip(audio, a.end - 0.15, b.time) - sliceStart;
        const pre = b.time - sliceStart - offset;
        const length = b.end - 0.1 - sliceStart - offset;
        const lines = options.vcOnly ? [] : [`${vowel} ${kana},${ms(offset)},${ms(pre + 0.03)},${-ms(length)},${ms(pre)},${ms(0.05)}`];
        const c = vcConsonant(lyricMorae(kana)[0]?.sound.onset ?? []);
        if (options.vc && c) {
          // VC: the vowel, then into the consonant; its preutterance is where the consonant starts.
          const vcPre = consonantStart - offset;
          lines.push(`${vowel} ${c},${ms(offset)},${ms(vcPre)},${-ms(pre)},${ms(vcPre)},${ms(0.03)}`);
        }
        return lines;
      },
    });
    t += VCV_FIRST + CV_LENGTH + GAP;
  }

  // A warm-up note first: the synth breathes in before a song's first phrase, and that breath
  // must not sit in front of the first recorded mora.
  const notes = [{ time: 0.05, end: 0.3, pitch, lyric: 'あ' }, ...takes.flatMap((k) => k.notes)];
  const { phonemes } = phonemizeNotes(notes, RECORDING_VOICE, { songStart: 0, language: 'ja' });
  const { samples, start } = renderVocalSync({ notes, phonemes, warnings: [] }, RECORDING_VOICE, SR);
  const audio = new Float32Array(Math.round((t + 1) * SR));
  audio.set(samples.subarray(Math.max(0, Math.round(-start * SR))), Math.max(0, Math.round(start * SR)));

  const oto = new Map<string, string[]>();
  for (const take of takes) {
    const sliceStart = take.notes[0]!.time - 0.3;
    const sliceEnd = take.notes[take.notes.length - 1]!.end + 0.15;
    const slash = take.file.lastIndexOf('/');
    const folder = slash >= 0 ? take.file.slice(0, slash) : '';
    mkdirSync(join(dir, folder), { recursive: true });
    writeFileSync(join(dir, take.file), encodeWav([audio.slice(Math.round(sliceStart * SR), Math.round(sliceEnd * SR))], SR, 16));
    const lines = oto.get(folder) ?? [];
    for (const alias of take.aliases(take, audio, sliceStart)) lines.push(`${take.file.slice(slash + 1)}=${alias}`);
    oto.set(folder, lines);
  }
  let entries = 0;
  for (const [folder, lines] of oto) {
    entries += lines.length;
    writeFileSync(join(dir, folder, 'oto.ini'), encodeShiftJis(lines.join('\r\n') + '\r\n'));
  }
  const name = options.name ?? 'holostage test voice';
  writeFileSync(join(dir, 'character.txt'), encodeShiftJis(`name=${name}\r\nauthor=holostage (recorded from the built-in synthesizer)\r\nweb=https://example.invalid/holostage\r\n`));
  writeFileSync(join(dir, 'readme.txt'), encodeShiftJis(`${name}\r\n利用規約: 自由に使用できます (free to use in any show).\r\n`));
  if (options.upper) {
    const names = ['C', 'C#', 'D', 'D#', 'E', 'F', 'F#', 'G', 'G#', 'A', 'A#', 'B'];
    const lines: string[] = [];
    for (let p = 107; p >= 24; p--) lines.push(`${names[p % 12]}${Math.floor(p / 12) - 1}\t\t${p >= options.upper.from ? options.upper.folder : ''}`);
    writeFileSync(join(dir, 'prefix.map'), encodeShiftJis(lines.join('\r\n') + '\r\n'));
  }
  return { entries, seconds: t };
}

/** Where the sound drops between a vowel and the next consonant (a stop's closure, a fricative's weaker noise). */
function soundDip(x: Float32Array, from: number, to: number): number {
  const hop = Math.round(0.005 * SR);
  let best = from;
  let level = Infinity;
  for (let i = Math.round(from * SR); i < to * SR; i += hop) {
    const r = frameRms(x, i, hop);
    if (r < level * 0.7) {
      level = r;
      best = i / SR;
    }
  }
  return best;
}
