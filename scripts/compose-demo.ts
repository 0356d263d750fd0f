// Writes the demo show's scores (show-files/demo/scores/*.json) from the melodies below: three
// original songs written for holostage. Phrases are "lyric:pitch:eighths" tokens, "R:eighths" a
// rest; a section is a list of phrases, a song a list of sections. Run: node bin/run-ts.js scripts/compose-demo.ts

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const RESOLUTION = 480;
const EIGHTH = RESOLUTION / 2;
const BAR = RESOLUTION * 4;

type Section = string[] | { restBars: number };

interface Song {
  file: string;
  tempo: { tick: number; bpm: number }[];
  sections: Section[];
}

// ---- 1. 桜シグナル (Sakura Signal) — Japanese, D major, 128 BPM
const sakuraVerse = [
  'よ:F#4:2 る:A4:2 の:B4:2 ま:A4:1 ち:F#4:1 に:E4:4 R:4',
  'ひ:F#4:2 か:A4:2 る:B4:2 さ:D5:2 く:C#5:2 ら:B4:4 R:2',
  'き:B4:2 み:A4:2 の:F#4:2 こ:A4:1 え:B4:1 が:A4:4 R:4',
  'き:F#4:2 こ:E4:2 え:F#4:2 る:A4:2 よ:D4:6 R:2',
];
const sakuraVerse2 = [
  'ひ:F#4:2 と:A4:2 り:B4:2 じゃ:A4:1 な:F#4:1 い:E4:4 R:4',
  'きゃ:F#4:2 ん:A4:2 ば:B4:2 す:D5:2 に:C#5:2 ふぁ:B4:2 ー:B4:2 R:2',
  'ほ:B4:2 し:A4:2 を:F#4:2 か:A4:1 い:B4:1 て:A4:4 R:4',
  'い:F#4:2 こ:E4:2 う:F#4:2 よ:A4:2 ね:D4:6 R:2',
];
const sakuraChorus = [
  'と:A4:2 ど:B4:2 け:D5:4 シ:D5:2 グ:E5:2 ナ:D5:2 ル:B4:2',
  'そ:A4:2 ら:B4:2 へ:A4:8 R:4',
  'ずっ:B4:2 と:C#5:2 み:D5:2 ん:D5:2 な:E5:2 で:D5:2 R:4',
  'う:A4:2 た:B4:2 う:A4:2 よ:D5:8 R:2',
];
const sakura: Song = {
  file: 'sakura-signal.json',
  tempo: [{ tick: 0, bpm: 128 }],
  sections: [{ restBars: 4 }, sakuraVerse, sakuraChorus, { restBars: 4 }, sakuraVerse2, sakuraChorus],
};

// ---- 2. Neon Lullaby — English, A minor, 100 BPM. "+" continues a word onto the next note.
const neonVerse = [
  'city:A4:2 +:A4:2 lights:C5:2 are:B4:2 fading:A4:2 +:G4:2 slow:E4:4',
  'every:A4:2 +:C5:2 window:D5:2 +:C5:2 humming:B4:2 +:A4:2 low:A4:4',
  'I:E4:2 will:A4:2 keep:C5:2 a:B4:2 lantern:A4:2 +:G4:2 on:A4:4',
  'until:A4:2 +:B4:2 the:C5:2 night:D5:2 is:C5:2 gone:A4:4 R:2',
];
const neonChorus = [
  'sing:E5:2 me:D5:2 a:C5:2 neon:D5:2 +:E5:2 lullaby:D5:2 +:C5:2 +:A4:2',
  'hold:C5:2 the:B4:2 light:A4:2 up:G4:2 high:A4:6 R:2',
  'every:E5:2 +:D5:2 voice:C5:4 a:B4:2 shining:C5:2 +:D5:2 sky:E5:2',
  "we'll:D5:2 be:C5:2 fine:B4:2 tonight:A4:2 +:A4:8",
];
const neon: Song = {
  file: 'neon-lullaby.json',
  tempo: [{ tick: 0, bpm: 100 }],
  sections: [{ restBars: 2 }, neonVerse, neonChorus, { restBars: 4 }, neonChorus],
};

// ---- 3. Hello, Hologram — Japanese and English, E major, 140 BPM, 150 BPM for the last chorus.
const helloVerse = [
  'は:E4:2 じ:G#4:2 め:B4:2 ま:B4:1 し:C#5:1 て:B4:4 R:4',
  'ひ:G#4:2 か:B4:2 り:C#5:2 の:B4:2 な:G#4:2 か:F#4:2 で:E4:2 R:2',
  'あ:E4:2 な:F#4:2 た:G#4:2 に:B4:2 あ:C#5:4 え:B4:2 た:G#4:2',
  'き:F#4:2 せ:G#4:2 き:A4:2 だ:G#4:2 ね:F#4:6 R:2',
];
const helloChorus = [
  'hello:B4:2 +:C#5:2 hologram:E5:2 +:D#5:2 +:B4:4 R:4',
  'う:B4:2 た:C#5:2 お:E5:2 う:C#5:2 よ:B4:4 R:4',
  'shining:G#4:2 +:B4:2 on:C#5:2 the:B4:2 stage:E5:4 R:4',
  'いっ:C#5:2 しょ:B4:2 に:G#4:2 ね:E4:6 R:4',
];
const hello: Song = {
  file: 'hello-hologram.json',
  tempo: [
    { tick: 0, bpm: 140 },
    { tick: 28 * BAR, bpm: 150 },
  ],
  sections: [{ restBars: 2 }, helloVerse, helloChorus, { restBars: 2 }, helloVerse, helloChorus],
};

const PITCH = /^[A-G][#b]?-?\d$/;

function render(song: Song): object {
  const notes: { tick: number; length: number; pitch: string; lyric: string }[] = [];
  let tick = 0;
  for (const section of song.sections) {
    if ('restBars' in section) {
      tick += section.restBars * BAR;
      continue;
    }
    for (const phrase of section) {
      const start = tick;
      for (const token of phrase.split(/\s+/)) {
        const parts = token.split(':');
        if (parts[0] === 'R') {
          tick += Number(parts[1]) * EIGHTH;
          continue;
        }
        const [lyric, pitch, eighths] = parts as [string, string, string];
        if (!PITCH.test(pitch)) throw new Error(`${song.file}: bad pitch in "${token}"`);
        const length = Number(eighths) * EIGHTH;
        notes.push({ tick, length, pitch, lyric });
        tick += length;
      }
      // Every phrase is written as exactly two bars: catch a miscounted one here.
      if (tick - start !== 2 * BAR) throw new Error(`${song.file}: phrase "${phrase}" is ${(tick - start) / EIGHTH} eighths, expected 16`);
    }
  }
  return { format: 'holostage-score', resolution: RESOLUTION, tempo: song.tempo, timeSignature: '4/4', notes };
}

const outDir = join(import.meta.dirname, '..', 'show-files', 'demo', 'scores');
for (const song of [sakura, neon, hello]) {
  const score = render(song) as { notes: unknown[] };
  // One note per line: readable in a diff, and validation errors point at the note's line.
  const json = JSON.stringify(score, null, 2).replace(/\{\n\s+"tick": (\d+),\n\s+"length": (\d+),\n\s+"pitch": ("[^"]+"),\n\s+"lyric": ("[^"]*")\n\s+\}/g, '{ "tick": $1, "length": $2, "pitch": $3, "lyric": $4 }');
  writeFileSync(join(outDir, song.file), `${json}\n`);
  console.log(`${song.file}: ${score.notes.length} notes`);
}
