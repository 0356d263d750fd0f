// Standard MIDI File importer. Notes come from the vocal track; lyrics come from lyric meta events
// (FF 05) or, failing those, text events (FF 01), and are matched to the note that starts at
// (or just after) the lyric's tick. Karaoke habits are understood: "/" and "\" line marks are
// dropped, and "hel-" "lo" syllables stay as written so the phonemizer can join them.

import { parseMidi, type MidiData, type MidiEvent } from 'midi-file';
import type { TempoPoint, TimeSignature } from '../tempo.ts';
import { ScoreError, type Score, type ScoreNote } from './model.ts';
import { finishScore } from './json.ts';
import { decodeByteString } from './text.ts';

interface TrackNotes {
  track: number;
  notes: { tick: number; end: number; pitch: number }[];
  lyrics: { tick: number; text: string }[];
  texts: { tick: number; text: string }[];
  name?: string;
}

function cleanLyric(text: string): string {
  return text.replace(/[\r\n/\\]/g, ' ').replace(/\s+/g, ' ').trim();
}

export function parseMidiScore(bytes: Uint8Array, file: string): Score {
  let midi: MidiData;
  try {
    midi = parseMidi(bytes);
  } catch (err) {
    // midi-file throws plain strings for some damage ("Bad MThd header"): say what it said either way.
    const why = err instanceof Error ? err.message : String(err);
    throw new ScoreError(file, `not a readable Standard MIDI File: ${why || 'damaged data'}`);
  }
  const resolution = midi.header.ticksPerBeat;
  if (!resolution) throw new ScoreError(file, 'SMPTE-timed MIDI files are not supported; export with ticks per quarter note');

  const tempo: TempoPoint[] = [];
  let timeSignature: TimeSignature | undefined;
  const warnings: string[] = [];
  const tracks: TrackNotes[] = midi.tracks.map((events: MidiEvent[], track) => {
    const out: TrackNotes = { track, notes: [], lyrics: [], texts: [] };
    const open = new Map<number, number>(); // channel*128+pitch -> start tick
    let tick = 0;
    for (const e of events) {
      tick += e.deltaTime;
      switch (e.type) {
        case 'noteOn':
        case 'noteOff': {
          const key = e.channel * 128 + e.noteNumber;
          const start = open.get(key);
          // A note-on of a pitch already sounding first ends the earlier one.
          if (start !== undefined) {
            if (tick > start) out.notes.push({ tick: start, end: tick, pitch: e.noteNumber });
            open.delete(key);
          }
          if (e.type === 'noteOn' && e.velocity > 0) open.set(key, tick);
          break;
        }
        case 'setTempo':
          tempo.push({ tick, bpm: 60_000_000 / e.microsecondsPerBeat });
          break;
        case 'timeSignature':
          if (!timeSignature && tick === 0) timeSignature = { numerator: e.numerator, denominator: e.denominator };
          break;
        case 'lyrics':
          out.lyrics.push({ tick, text: cleanLyric(decodeByteString(e.text)) });
          break;
        case 'text':
          out.texts.push({ tick, text: cleanLyric(decodeByteString(e.text)) });
          break;
        case 'trackName':
          out.name = decodeByteString(e.text);
          break;
      }
    }
    for (const [key, start] of open) {
      if (tick > start) out.notes.push({ tick: start, end: tick, pitch: key % 128 });
      warnings.push(`${file}: track ${track}: a note ${key % 128} at tick ${start} is never released; ended at the track's end`);
    }
    out.notes.sort((a, b) => a.tick - b.tick);
    return out;
  });

  // Lyrics: lyric meta events if any track has them, else text events (minus karaoke "@" headers).
  let lyrics = tracks.flatMap((t) => t.lyrics);
  let lyricKind = 'lyric (FF 05)';
  if (lyrics.length === 0) {
    lyrics = tracks.flatMap((t) => t.texts).filter((l) => !l.text.startsWith('@') && l.text !== '');
    lyricKind = 'text (FF 01)';
  }
  lyrics = lyrics.filter((l) => l.text !== '').sort((a, b) => a.tick - b.tick);

  // The vocal track: the one holding lyrics and notes, else the one with the most notes.
  const withNotes = tracks.filter((t) => t.notes.length > 0);
  if (withNotes.length === 0) throw new ScoreError(file, 'no notes in any track');
  const byCount = (a: TrackNotes, b: TrackNotes) => b.notes.length - a.notes.length;
  const vocal =
    withNotes.filter((t) => t.lyrics.length > 0 || t.texts.some((x) => !x.text.startsWith('@'))).sort(byCount)[0] ?? [...withNotes].sort(byCount)[0]!;
  if (withNotes.length > 1) {
    warnings.push(`${file}: ${withNotes.length} tracks have notes; using track ${vocal.track}${vocal.name ? ` "${vocal.name}"` : ''} as the vocal line`);
  }

  // Match each lyric to the note it belongs to: the first note whose start is at or after the
  // lyric (within a 32nd note), or the note sounding at the lyric's tick.
  const tolerance = resolution / 8;
  const lyricOfNote: (string | undefined)[] = new Array(vocal.notes.length);
  let n = 0;
  for (const l of lyrics) {
    while (n < vocal.notes.length && vocal.notes[n]!.end <= l.tick && vocal.notes[n]!.tick + tolerance < l.tick) n++;
    let target = -1;
    for (let k = Math.max(0, n - 1); k < vocal.notes.length && vocal.notes[k]!.tick <= l.tick + tolerance; k++) {
      if (Math.abs(vocal.notes[k]!.tick - l.tick) <= tolerance && lyricOfNote[k] === undefined) {
        target = k;
        break;
      }
    }
    if (target < 0) {
      warnings.push(`${file}: ${lyricKind} "${l.text}" at tick ${l.tick} starts no note; ignored`);
      continue;
    }
    lyricOfNote[target] = l.text;
  }
  if (lyrics.length === 0) warnings.push(`${file}: no lyric or text events; every note sings "a"`);

  const notes: ScoreNote[] = vocal.notes.map((note, index) => ({
    tick: note.tick,
    durationTicks: note.end - note.tick,
    pitch: note.pitch,
    // Without its own lyric a note continues the previous syllable (a melisma), as in karaoke files.
    lyric: lyricOfNote[index] ?? (lyrics.length === 0 ? 'a' : index === 0 ? 'a' : '+'),
    source: { index, part: vocal.track },
  }));
  if (tempo.length === 0) tempo.push({ tick: 0, bpm: 120 });
  return finishScore({ format: 'mid', resolution, tempo, timeSignature: timeSignature ?? { numerator: 4, denominator: 4 }, notes, warnings }, file);
}
