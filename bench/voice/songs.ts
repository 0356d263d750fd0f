// The voice benchmark's English test songs, written for this project (not Festival's examples,
// which are held back for independent checks). Each line is sung one syllable per note; a word
// split with hyphens ("ev-er-y") spreads over several notes; the line's last note is held.
// From one description come the score in the project's JSON format, the lyrics, and Festival's
// singing-mode XML of the same notes.

export interface TestSong {
  id: string;
  bpm: number;
  /** Scale degrees the melody walks on (MIDI notes). */
  scale: number[];
  lines: string[];
}

export const TEST_SONGS: TestSong[] = [
  {
    id: 'morning-train',
    bpm: 100,
    scale: [62, 64, 66, 67, 69, 71, 73, 74],
    lines: [
      'I wake up ear-ly ev-er-y day',
      'to catch the morn-ing train',
      'the cit-y lights are fad-ing out',
      'and I can hear the rain',
      'I sing a lit-tle song for you',
      'and hope you sing it too',
      'the sun will rise a-bove the town',
      'and paint the sky in blue',
    ],
  },
  {
    id: 'paper-stars',
    bpm: 96,
    scale: [60, 62, 64, 65, 67, 69, 71, 72],
    lines: [
      'we made a sky of pa-per stars',
      'and hung them on the wall',
      'you told me ev-er-y one of them',
      'would nev-er ev-er fall',
      'so close your eyes and make a wish',
      'the night is al-most here',
      'I will be stand-ing by your side',
      'there is noth-ing left to fear',
    ],
  },
  {
    id: 'neon-heart',
    bpm: 104,
    scale: [64, 66, 68, 69, 71, 73, 75, 76],
    lines: [
      'my heart is shin-ing like a ne-on sign',
      'it beats so loud to-night',
      'come dance with me a-long the street',
      'un-til the morn-ing light',
      'we run to-geth-er through the crowd',
      'and no one knows our name',
      'the mu-sic takes us far a-way',
      'and noth-ing is the same',
    ],
  },
];

interface SungNote {
  tick: number;
  length: number;
  pitch: number;
  /** The syllable as written in the score ("ev-" "er-" "y"). */
  lyric: string;
  /** Index of the word this syllable belongs to. */
  word: number;
}

export const RES = 480;
const NAMES = ['C', 'C#', 'D', 'D#', 'E', 'F', 'F#', 'G', 'G#', 'A', 'A#', 'B'];

/** Deterministic melody: a contour that rises through each line and falls at its end. */
export function songNotes(song: TestSong): SungNote[] {
  const notes: SungNote[] = [];
  let tick = 0;
  let word = 0;
  song.lines.forEach((line, li) => {
    const syllables: { text: string; word: number }[] = [];
    for (const w of line.split(/\s+/)) {
      const parts = w.split('-');
      parts.forEach((p, k) => syllables.push({ text: k < parts.length - 1 ? `${p}-` : p, word }));
      word++;
    }
    syllables.forEach((s, k) => {
      const last = k === syllables.length - 1;
      const shape = [0, 1, 2, 3, 4, 3, 2, 4, 5, 4, 3, 2, 1][(k + li * 3) % 13]!;
      const degree = last ? (li % 2 === 0 ? 4 : 0) : shape + (li % 2);
      const length = last ? RES * 2 : RES / 2;
      notes.push({ tick, length, pitch: song.scale[Math.min(song.scale.length - 1, degree)]!, lyric: s.text, word: s.word });
      tick += length;
    });
    tick += RES; // a quarter rest between lines
  });
  return notes;
}

/**
 * Each lyric line's stretch of a render, in seconds: from the middle of the rest before it to the
 * middle of the rest after it (the first from 0, the last to its final note's end plus half a
 * beat). The rests are a beat long, so the cut falls in silence for both voices: neither sings
 * its consonants early, or lets a line's last note ring, by half a beat.
 */
export function lineSpans(song: TestSong): { start: number; end: number; text: string }[] {
  const notes = songNotes(song);
  const seconds = 60 / song.bpm / RES;
  const lines: { first: number; last: number }[] = [];
  notes.forEach((n, i) => {
    const prev = notes[i - 1];
    if (!prev || n.tick > prev.tick + prev.length) lines.push({ first: i, last: i });
    else lines[lines.length - 1]!.last = i;
  });
  const endOf = (i: number) => (notes[i]!.tick + notes[i]!.length) * seconds;
  return lines.map((l, k) => {
    const next = lines[k + 1];
    return {
      start: k === 0 ? 0 : (endOf(lines[k - 1]!.last) + notes[l.first]!.tick * seconds) / 2,
      end: next ? (endOf(l.last) + notes[next.first]!.tick * seconds) / 2 : endOf(l.last) + (RES / 2) * seconds,
      text: song.lines[k]!.replace(/-/g, ''),
    };
  });
}

export function scoreJson(song: TestSong): string {
  const notes = songNotes(song).map((n) => ({ tick: n.tick, length: n.length, pitch: n.pitch, lyric: n.lyric }));
  return JSON.stringify({ format: 'holostage-score', resolution: RES, tempo: song.bpm, timeSignature: '4/4', notes }, null, 1);
}

export function lyricsText(song: TestSong): string {
  return song.lines.map((l) => l.replace(/-/g, '')).join('\n') + '\n';
}

/** Festival names MIDI 69 "A5": one octave above the usual name. */
function festivalNote(midi: number): string {
  return `${NAMES[midi % 12]}${Math.floor(midi / 12)}`;
}

/**
 * Festival's singing mode (text2wave -mode singing): one PITCH/DURATION element per word, with a
 * comma list of notes for a word sung over several. Festival plays 50/BPM seconds a beat, so its
 * BPM is 5/6 of the score's tempo for the same timing; rests are REST elements.
 */
export function festivalXml(song: TestSong): string {
  const notes = songNotes(song);
  const out: string[] = [
    '<?xml version="1.0"?>',
    '<!DOCTYPE SINGING PUBLIC "-//SINGING//DTD SINGING mark up//EN" "Singing.v0_1.dtd" []>',
    `<SINGING BPM="${((song.bpm * 5) / 6).toFixed(3)}">`,
  ];
  let end = 0;
  for (let i = 0; i < notes.length; ) {
    const w = notes[i]!.word;
    const group = [];
    while (i < notes.length && notes[i]!.word === w) group.push(notes[i++]!);
    if (group[0]!.tick > end) out.push(`<REST BEATS="${((group[0]!.tick - end) / RES).toFixed(3)}"></REST>`);
    const text = group.map((n) => n.lyric.replace(/-$/, '')).join('');
    out.push(`<PITCH NOTE="${group.map((n) => festivalNote(n.pitch)).join(',')}"><DURATION BEATS="${group.map((n) => (n.length / RES).toFixed(3)).join(',')}">${text}</DURATION></PITCH>`);
    end = group[group.length - 1]!.tick + group[group.length - 1]!.length;
  }
  out.push('</SINGING>');
  return out.join('\n') + '\n';
}
