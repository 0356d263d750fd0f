// UTAU .ust importer. An INI-like file: [#SETTING] holds the song tempo, then one [#nnnn] section
// per note in order (Length in ticks at 480 per quarter, Lyric, NoteNum, optional Tempo change from
// that note on). Rests are notes with lyric R; they advance time and make no sound.

import { TempoMap, type TempoPoint } from '../tempo.ts';
import { ScoreError, type Score, type ScoreNote } from './model.ts';
import { finishScore, isRestLyric } from './json.ts';
import { decodeJapaneseText } from './text.ts';
import { applyUtauTuning, parseVbr, ustShape, type UtauPitchPoint, type UtauTuning } from './utau-tuning.ts';

const UST_RESOLUTION = 480;

/** One [#...] section: its keys in file order, each with its value and line (a later key wins). */
class Section {
  readonly keys: string[] = [];
  readonly values: string[] = [];
  readonly lines: number[] = [];
  constructor(
    readonly name: string,
    readonly line: number,
  ) {}

  private find(key: string): number {
    for (let i = this.keys.length - 1; i >= 0; i--) if (this.keys[i] === key) return i;
    return -1;
  }

  get(key: string): { value: string; line: number } | undefined {
    const i = this.find(key);
    return i < 0 ? undefined : { value: this.values[i]!, line: this.lines[i]! };
  }

  value(key: string): string | undefined {
    const i = this.find(key);
    return i < 0 ? undefined : this.values[i];
  }

  has(key: string): boolean {
    return this.find(key) >= 0;
  }
}

/** White space as String.trim and \\s see it. */
const isSpace = (c: number): boolean =>
  c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;

/** Text from `from` to `to` without the white space around it (String.trim without the copy). */
function trimmedSlice(text: string, from: number, to: number): string {
  let a = from;
  let b = to;
  while (a < b && isSpace(text.charCodeAt(a))) a++;
  while (b > a && isSpace(text.charCodeAt(b - 1))) b--;
  return text.slice(a, b);
}

/** Lines end at \r\n, \n or \r (old Mac files). */
function parseSections(source: string): Section[] {
  // A lone \r (not before \n) is rare: such text is brought to \n first.
  const text = source.indexOf('\r') >= 0 && LONE_CR.test(source) ? source.replace(/\r\n?/g, '\n') : source;
  const sections: Section[] = [];
  let current: Section | undefined;
  let line = 0;
  let start = 0;
  while (start <= text.length) {
    line++;
    const lf = text.indexOf('\n', start);
    const next = lf < 0 ? text.length + 1 : lf + 1;
    const end = lf < 0 ? text.length : lf > start && text.charCodeAt(lf - 1) === 13 ? lf - 1 : lf;
    const header = sectionName(text, start, end);
    if (header !== undefined) {
      current = new Section(header, line);
      sections.push(current);
    } else if (current) {
      const eq = text.indexOf('=', start);
      if (eq > start && eq < end) {
        current.keys.push(trimmedSlice(text, start, eq));
        current.values.push(trimmedSlice(text, eq + 1, end));
        current.lines.push(line);
      }
    }
    start = next;
  }
  return sections;
}

const LONE_CR = /\r(?!\n)/;

/** The name in a "[#NAME]" line (upper case, trimmed), or undefined for any other line. */
function sectionName(text: string, start: number, end: number): string | undefined {
  let a = start;
  let b = end;
  while (a < b && isSpace(text.charCodeAt(a))) a++;
  while (b > a && isSpace(text.charCodeAt(b - 1))) b--;
  if (b - a < 4 || text.charCodeAt(a) !== 91 || text.charCodeAt(a + 1) !== 35 || text.charCodeAt(b - 1) !== 93) return undefined; // [# ... ]
  const close = text.indexOf(']', a + 2);
  if (close !== b - 1) return undefined;
  return trimmedSlice(text, a + 2, b - 1).toUpperCase();
}

/** UTAU writes tempos like "120.00"; some locales wrote "120,00". */
function parseTempo(value: string): number {
  return Number(value.replace(',', '.'));
}

export function parseUst(bytes: Uint8Array, file: string): Score {
  const { text } = decodeJapaneseText(bytes);
  const sections = parseSections(text);
  if (!sections.some((s) => s.name === 'SETTING' || /^\d+$/.test(s.name))) {
    throw new ScoreError(file, 'not an UTAU .ust file: no [#SETTING] or [#0000] sections found', 1);
  }
  const warnings: string[] = [];
  const tempo: TempoPoint[] = [];
  const setting = sections.find((s) => s.name === 'SETTING');
  const songTempo = setting?.get('Tempo');
  if (songTempo) {
    const bpm = parseTempo(songTempo.value);
    if (!(bpm > 0 && bpm < 1000)) throw new ScoreError(file, `[#SETTING] Tempo must be a positive number, got "${songTempo.value}"`, songTempo.line);
    tempo.push({ tick: 0, bpm });
  }

  const notes: ScoreNote[] = [];
  const tunings = new Map<ScoreNote, UtauTuning>();
  const mode1Lines: number[] = [];
  let tick = 0;
  let index = 0;
  for (const s of sections) {
    if (!/^\d+$/.test(s.name)) continue; // VERSION, SETTING, TRACKEND, plugin PREV/NEXT/INSERT/DELETE
    const length = s.get('Length');
    if (!length) throw new ScoreError(file, `note [#${s.name}] has no Length`, s.line);
    const ticks = Number(length.value);
    if (!Number.isFinite(ticks) || ticks < 0) throw new ScoreError(file, `note [#${s.name}]: Length must be a number of ticks, got "${length.value}"`, length.line);
    const noteTempo = s.get('Tempo');
    if (noteTempo && noteTempo.value !== '') {
      const bpm = parseTempo(noteTempo.value);
      if (!(bpm > 0 && bpm < 1000)) throw new ScoreError(file, `note [#${s.name}]: Tempo must be a positive number, got "${noteTempo.value}"`, noteTempo.line);
      tempo.push({ tick, bpm });
    }
    const lyric = s.value('Lyric') ?? '';
    if (!isRestLyric(lyric) && lyric !== '' && ticks > 0) {
      const noteNum = s.get('NoteNum');
      const pitch = noteNum ? Number(noteNum.value) : NaN;
      if (!Number.isInteger(pitch) || pitch < 0 || pitch > 127) {
        throw new ScoreError(file, `note [#${s.name}] "${lyric}": NoteNum must be a MIDI number 0-127, got "${noteNum?.value ?? ''}"`, noteNum?.line ?? s.line);
      }
      const note: ScoreNote = { tick, durationTicks: ticks, pitch, lyric, source: { line: s.line, index } };
      const intensity = s.get('Intensity');
      if (intensity && intensity.value !== '') {
        const value = Number(intensity.value);
        if (!(value >= 0 && value <= 1000)) throw new ScoreError(file, `note [#${s.name}]: Intensity must be a number 0-200, got "${intensity.value}"`, intensity.line);
        note.dynamics = value / 100;
      }
      const tuning = readTuning(s);
      if (tuning) tunings.set(note, tuning);
      if (s.has('PitchBend') || s.has('Piches')) mode1Lines.push(s.line);
      notes.push(note);
    } else if (lyric === '' && ticks > 0) {
      warnings.push(`${file}:${s.line}: note [#${s.name}] has no lyric; treated as a rest`);
    }
    tick += ticks;
    index++;
  }
  if (tempo.length === 0) {
    warnings.push(`${file}: no Tempo in [#SETTING]; using 120 BPM`);
    tempo.push({ tick: 0, bpm: 120 });
  }
  if (mode1Lines.length > 0) warnings.push(`${file}: mode1 pitch bends (PitchBend/Piches) on ${mode1Lines.length} note${mode1Lines.length === 1 ? '' : 's'} (line ${mode1Lines.slice(0, 5).join(', ')}) not read; mode2 (PBS/PBW/PBY/PBM) is`);
  const score = finishScore({ format: 'ust', resolution: UST_RESOLUTION, tempo, timeSignature: { numerator: 4, denominator: 4 }, notes, warnings }, file);
  if (tunings.size > 0) {
    const curve = applyUtauTuning(score.notes, (n) => tunings.get(n), new TempoMap(tempo, UST_RESOLUTION), [], score.warnings, file);
    if (curve) score.pitchCurve = curve;
  }
  return score;
}

/** Numbers of a PBW/PBY list ("20,30,,40"; empty = 0). */
function numberList(value: string | undefined): number[] {
  if (value === undefined || value.trim() === '') return [];
  const out: number[] = [];
  let from = 0;
  for (;;) {
    const comma = value.indexOf(',', from);
    // Number() ignores the white space around a field; an empty field is 0.
    const n = Number(value.slice(from, comma < 0 ? value.length : comma));
    out.push(Number.isFinite(n) ? n : 0);
    if (comma < 0) return out;
    from = comma + 1;
  }
}

/**
 * Mode2 portamento and vibrato of one note. PBS is the first point (ms from the note's start;
 * its pitch in tenths of a semitone, snapped to the previous note when omitted), PBW the widths
 * to each next point, PBY their pitches, PBM their shapes.
 */
function readTuning(s: Section): UtauTuning | undefined {
  const pbs = s.value('PBS');
  const vbr = s.value('VBR');
  const vibrato = vbr ? parseVbr(vbr) : undefined;
  let points: UtauPitchPoint[] | undefined;
  let snapFirst = true;
  if (pbs !== undefined && pbs.trim() !== '') {
    const [xs, ys] = pbs.includes(';') ? pbs.split(';') : pbs.split(',');
    const x0 = Number(xs);
    const y0 = ys === undefined || ys.trim() === '' ? undefined : Number(ys);
    if (Number.isFinite(x0)) {
      snapFirst = y0 === undefined || !Number.isFinite(y0);
      const widths = numberList(s.value('PBW'));
      const heights = numberList(s.value('PBY'));
      const shapes = (s.value('PBM') ?? '').split(',');
      points = [{ x: x0, y: snapFirst ? 0 : y0!, shape: ustShape(shapes[0] ?? '') }];
      let x = x0;
      for (let i = 0; i < widths.length; i++) {
        x += Math.max(0, widths[i]!);
        points.push({ x, y: heights[i] ?? 0, shape: ustShape(shapes[i + 1] ?? '') });
      }
    }
  }
  if (!points && !vibrato) return undefined;
  return { points, snapFirst, vibrato };
}
