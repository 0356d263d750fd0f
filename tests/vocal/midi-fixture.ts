// Builds real Standard MIDI File bytes with the midi-file writer, for importer and CLI tests.
import { writeMidi, type MidiEvent } from 'midi-file';

/** Text as the one-byte-per-char string midi-file writes: UTF-8 bytes of the lyric. */
export function utf8ByteString(s: string): string {
  return String.fromCharCode(...new TextEncoder().encode(s));
}

export interface FixtureNote { tick: number; length: number; pitch: number; lyric?: string; lyricAs?: 'lyrics' | 'text' }

/**
 * A two-track SMF (format 1): track 0 holds tempo and time signature, track 1 the vocal notes with
 * their lyrics placed just before each note-on, as DAWs write them. A third track holds a bass
 * line without lyrics that the importer must ignore.
 */
export function buildVocalMidi(notes: FixtureNote[], opts: { ppq?: number; bpm?: number; bass?: boolean } = {}): Uint8Array {
  const ppq = opts.ppq ?? 480;
  const conductor: MidiEvent[] = [
    { deltaTime: 0, meta: true, type: 'trackName', text: 'Conductor' },
    { deltaTime: 0, meta: true, type: 'setTempo', microsecondsPerBeat: Math.round(60_000_000 / (opts.bpm ?? 120)) },
    { deltaTime: 0, meta: true, type: 'timeSignature', numerator: 4, denominator: 4, metronome: 24, thirtyseconds: 8 },
    { deltaTime: 0, meta: true, type: 'endOfTrack' },
  ];
  const timed: { tick: number; order: number; event: Omit<MidiEvent, 'deltaTime'> }[] = [];
  for (const n of notes) {
    if (n.lyric !== undefined) timed.push({ tick: n.tick, order: 1, event: { meta: true, type: n.lyricAs ?? 'lyrics', text: utf8ByteString(n.lyric) } as Omit<MidiEvent, 'deltaTime'> });
    timed.push({ tick: n.tick, order: 2, event: { type: 'noteOn', channel: 0, noteNumber: n.pitch, velocity: 100 } as Omit<MidiEvent, 'deltaTime'> });
    timed.push({ tick: n.tick + n.length, order: 0, event: { type: 'noteOff', channel: 0, noteNumber: n.pitch, velocity: 0 } as Omit<MidiEvent, 'deltaTime'> });
  }
  timed.sort((a, b) => a.tick - b.tick || a.order - b.order);
  const vocal: MidiEvent[] = [{ deltaTime: 0, meta: true, type: 'trackName', text: 'Vocal' }];
  let last = 0;
  for (const t of timed) {
    vocal.push({ ...t.event, deltaTime: t.tick - last } as MidiEvent);
    last = t.tick;
  }
  vocal.push({ deltaTime: 0, meta: true, type: 'endOfTrack' });
  const tracks = [conductor, vocal];
  if (opts.bass) {
    const bass: MidiEvent[] = [{ deltaTime: 0, meta: true, type: 'trackName', text: 'Bass' }];
    for (let i = 0; i < 12; i++) {
      bass.push({ deltaTime: 0, type: 'noteOn', channel: 1, noteNumber: 36, velocity: 90 });
      bass.push({ deltaTime: ppq / 2, type: 'noteOff', channel: 1, noteNumber: 36, velocity: 0 });
    }
    bass.push({ deltaTime: 0, meta: true, type: 'endOfTrack' });
    tracks.push(bass);
  }
  return new Uint8Array(writeMidi({ header: { format: 1, numTracks: tracks.length, ticksPerBeat: ppq }, tracks }));
}
