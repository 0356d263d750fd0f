// MusicXML measures: one part's <measure> elements read into timed events (in ticks at 480 per
// quarter from the measure's start), and the order the measures are played in once repeats and
// voltas (first/second endings) are unfolded.

import { child, childNumber, childText, children, type XmlElement } from './xml.ts';

export const MUSICXML_RESOLUTION = 480;

export interface MxLyric {
  text: string;
  syllabic?: string;
  extend: boolean;
}

export interface MxNote {
  /** Ticks from the measure's start. */
  offset: number;
  duration: number;
  /** MIDI pitch (sounding, after <transpose>); undefined for rests. */
  pitch?: number;
  /** The written alteration was not a whole semitone (a microtone), rounded. */
  microtone: boolean;
  voice: string;
  chord: boolean;
  grace: boolean;
  cue: boolean;
  tieStart: boolean;
  tieStop: boolean;
  /** Under a slur (started here or earlier and not yet ended), for melisma detection. */
  slurred: boolean;
  /** Lyrics by verse number ("1", "2", ...). */
  lyrics: Map<string, MxLyric>;
  /** Line of the <note> element, for messages. */
  line: number;
}

export interface MxMeasure {
  number: string;
  line: number;
  /** Length in ticks: how far the measure's events reach (a pickup bar is short). */
  length: number;
  notes: MxNote[];
  tempos: { offset: number; bpm: number }[];
  time?: { numerator: number; denominator: number };
  forwardRepeat: boolean;
  /** Times the section is played when this measure ends in a backward repeat. */
  backwardRepeat?: number;
  /** Ending numbers when a volta starts in this measure; endingStop when one ends here. */
  endingStart?: number[];
  endingStop: boolean;
  /** Jumps and marks that are not followed (D.C., D.S., Fine, coda). */
  jumps: string[];
}

/** A problem found while reading: the message and the line it belongs to. */
export interface MxIssue {
  message: string;
  line: number;
}

const STEPS: Record<string, number> = { C: 0, D: 2, E: 4, F: 5, G: 7, A: 9, B: 11 };
const BEAT_UNIT_QUARTERS: Record<string, number> = { whole: 4, half: 2, quarter: 1, eighth: 0.5, '16th': 0.25, '32nd': 0.125 };

/** Quarter-note BPM from a <sound tempo> or a <metronome> (beat unit, dots, per-minute). */
function tempoOf(direction: XmlElement): number | undefined {
  const sound = child(direction, 'sound');
  const fromSound = sound ? Number(sound.attrs.tempo) : NaN;
  if (fromSound > 0 && fromSound < 1000) return fromSound;
  const metronome = child(child(direction, 'direction-type'), 'metronome');
  if (!metronome) return undefined;
  const unit = BEAT_UNIT_QUARTERS[childText(metronome, 'beat-unit') ?? ''];
  const perMinute = Number((childText(metronome, 'per-minute') ?? '').replace(/[^\d.]/g, ''));
  if (!unit || !(perMinute > 0)) return undefined;
  let quarters = unit;
  let dot = unit / 2;
  for (let d = 0; d < children(metronome, 'beat-unit-dot').length; d++, dot /= 2) quarters += dot;
  const bpm = perMinute * quarters;
  return bpm > 0 && bpm < 1000 ? bpm : undefined;
}

/** Part-wide state that carries from measure to measure. */
interface PartState {
  divisions: number;
  /** A <divisions> was given before the first duration (MusicXML requires one). */
  divisionsSeen: boolean;
  transpose: number;
  time: { numerator: number; denominator: number };
  slurDepth: number;
}

/** Every measure of one <part>, in document order. */
export function readPartMeasures(part: XmlElement, issues: MxIssue[]): MxMeasure[] {
  const state: PartState = { divisions: 1, divisionsSeen: false, transpose: 0, time: { numerator: 4, denominator: 4 }, slurDepth: 0 };
  return children(part, 'measure').map((m) => readMeasure(m, state, issues));
}

function readMeasure(m: XmlElement, state: PartState, issues: MxIssue[]): MxMeasure {
  const measure: MxMeasure = { number: m.attrs.number ?? '?', line: m.line, length: 0, notes: [], tempos: [], forwardRepeat: false, endingStop: false, jumps: [] };
  let cursor = 0;
  let reach = 0;
  let lastStart = 0;
  const ticks = (el: XmlElement | undefined, name: string): number => {
    const d = childNumber(el, name);
    return d !== undefined && d >= 0 ? (d * MUSICXML_RESOLUTION) / state.divisions : 0;
  };
  for (const el of m.children) {
    switch (el.name) {
      case 'attributes': {
        const divisions = childNumber(el, 'divisions');
        if (divisions !== undefined) {
          if (divisions > 0) {
            state.divisions = divisions;
            state.divisionsSeen = true;
          }
          else issues.push({ message: `measure ${measure.number}: <divisions> must be a positive number, got "${childText(el, 'divisions')}"; kept ${state.divisions}`, line: el.line });
        }
        const time = child(el, 'time');
        if (time) {
          const beats = (childText(time, 'beats') ?? '').split('+').reduce((a, b) => a + Number(b), 0);
          const beatType = Number(childText(time, 'beat-type'));
          if (beats > 0 && [1, 2, 4, 8, 16, 32].includes(beatType)) {
            state.time = { numerator: beats, denominator: beatType };
            measure.time = state.time;
          }
        }
        const transpose = child(el, 'transpose');
        if (transpose) state.transpose = (childNumber(transpose, 'chromatic') ?? 0) + 12 * (childNumber(transpose, 'octave-change') ?? 0);
        break;
      }
      case 'note': {
        if (!state.divisionsSeen) {
          issues.push({ message: `measure ${measure.number}: a note comes before any <divisions>; durations read as quarter notes`, line: el.line });
          state.divisionsSeen = true;
        }
        const note = readNote(el, state, ticks(el, 'duration'), cursor);
        if (!note.chord) lastStart = cursor;
        note.offset = note.chord ? lastStart : cursor;
        if (!note.chord && !note.grace) cursor += note.duration;
        reach = Math.max(reach, cursor, note.offset + note.duration);
        measure.notes.push(note);
        break;
      }
      case 'backup':
        cursor = Math.max(0, cursor - ticks(el, 'duration'));
        break;
      case 'forward':
        cursor += ticks(el, 'duration');
        reach = Math.max(reach, cursor);
        break;
      case 'direction': {
        const bpm = tempoOf(el);
        if (bpm !== undefined) measure.tempos.push({ offset: cursor + ticks(el, 'offset'), bpm });
        const sound = child(el, 'sound');
        if (sound) collectJumps(sound, measure);
        break;
      }
      case 'sound': {
        const bpm = Number(el.attrs.tempo);
        if (bpm > 0 && bpm < 1000) measure.tempos.push({ offset: cursor, bpm });
        collectJumps(el, measure);
        break;
      }
      case 'barline':
        readBarline(el, measure);
        break;
    }
  }
  // An empty measure (or one holding only directions) lasts a bar of the time signature.
  measure.length = reach > 0 ? reach : (state.time.numerator * 4 * MUSICXML_RESOLUTION) / state.time.denominator;
  return measure;
}

function collectJumps(sound: XmlElement, measure: MxMeasure): void {
  for (const key of ['dacapo', 'dalsegno', 'fine', 'tocoda']) if (sound.attrs[key] !== undefined) measure.jumps.push(key);
}

function readBarline(el: XmlElement, measure: MxMeasure): void {
  const repeat = child(el, 'repeat');
  if (repeat?.attrs.direction === 'forward') measure.forwardRepeat = true;
  if (repeat?.attrs.direction === 'backward') {
    const times = Number(repeat.attrs.times);
    measure.backwardRepeat = Number.isInteger(times) && times >= 2 && times <= 16 ? times : 2;
  }
  const ending = child(el, 'ending');
  if (ending) {
    const type = ending.attrs.type;
    if (type === 'start') {
      measure.endingStart = (ending.attrs.number ?? '1')
        .split(/[,\s]+/)
        .map(Number)
        .filter((n) => Number.isInteger(n) && n > 0);
    } else if (type === 'stop' || type === 'discontinue') measure.endingStop = true;
  }
}

function readNote(el: XmlElement, state: PartState, duration: number, cursor: number): MxNote {
  const note: MxNote = {
    offset: cursor,
    duration,
    microtone: false,
    voice: childText(el, 'voice') || '1',
    chord: child(el, 'chord') !== undefined,
    grace: child(el, 'grace') !== undefined,
    cue: child(el, 'cue') !== undefined,
    tieStart: false,
    tieStop: false,
    slurred: state.slurDepth > 0,
    lyrics: new Map(),
    line: el.line,
  };
  const pitch = child(el, 'pitch');
  if (pitch && child(el, 'rest') === undefined) {
    const step = STEPS[(childText(pitch, 'step') ?? '').toUpperCase()];
    const octave = childNumber(pitch, 'octave');
    const alter = childNumber(pitch, 'alter') ?? 0;
    if (step !== undefined && octave !== undefined) {
      const exact = (octave + 1) * 12 + step + alter + state.transpose;
      note.pitch = Math.round(exact);
      note.microtone = Math.abs(exact - note.pitch) > 1e-6;
    }
  }
  for (const tie of children(el, 'tie')) {
    if (tie.attrs.type === 'start') note.tieStart = true;
    if (tie.attrs.type === 'stop') note.tieStop = true;
  }
  const notations = children(el, 'notations');
  for (const n of notations) {
    for (const tied of children(n, 'tied')) {
      if (tied.attrs.type === 'start') note.tieStart = true;
      if (tied.attrs.type === 'stop') note.tieStop = true;
    }
    for (const slur of children(n, 'slur')) {
      if (slur.attrs.type === 'start') state.slurDepth++;
      if (slur.attrs.type === 'stop') {
        state.slurDepth = Math.max(0, state.slurDepth - 1);
        note.slurred = true;
      }
    }
  }
  for (const lyric of children(el, 'lyric')) {
    const texts = children(lyric, 'text').map((t) => t.text);
    const extend = child(lyric, 'extend');
    const verse = lyric.attrs.number ?? '1';
    if ((texts.length === 0 && !extend) || note.lyrics.has(verse)) continue;
    note.lyrics.set(verse, { text: texts.join(' ').trim(), syllabic: childText(lyric, 'syllabic'), extend: extend !== undefined && extend.attrs.type !== 'stop' });
  }
  return note;
}

export interface PlayedMeasure {
  index: number;
  /** 1 on the first time through a repeated section, 2 on the second, ... */
  pass: number;
}

/** The measures in playing order: repeats taken, voltas chosen by pass. Jumps stay unfollowed. */
export function unfoldRepeats(measures: readonly MxMeasure[]): { order: PlayedMeasure[]; truncated: boolean } {
  const order: PlayedMeasure[] = [];
  const limit = measures.length * 16 + 64;
  const taken = new Map<number, number>();
  let repeatStart = 0;
  let pass = 1;
  let i = 0;
  while (i < measures.length) {
    if (order.length >= limit) return { order, truncated: true };
    const m = measures[i]!;
    if (m.forwardRepeat && repeatStart !== i) {
      repeatStart = i;
      pass = 1;
    }
    if (m.endingStart && m.endingStart.length > 0 && !m.endingStart.includes(pass)) {
      // Skip this volta: on to the measure after the one that closes it.
      let j = i;
      while (j < measures.length - 1 && !measures[j]!.endingStop) j++;
      i = j + 1;
      continue;
    }
    order.push({ index: i, pass });
    const times = m.backwardRepeat;
    if (times !== undefined) {
      const done = taken.get(i) ?? 0;
      if (done < times - 1) {
        taken.set(i, done + 1);
        pass++;
        i = repeatStart;
        continue;
      }
      taken.delete(i);
      repeatStart = i + 1;
      pass = 1;
    } else if (m.endingStop) {
      // The last volta closes the repeated section: what follows is sung once.
      repeatStart = i + 1;
      pass = 1;
    }
    i++;
  }
  return { order, truncated: false };
}
