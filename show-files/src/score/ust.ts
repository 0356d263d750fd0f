// UTAU .ust importer. An INI-like file: [#SETTING] holds the song tempo, then one [#nnnn] section
// per note in order (Length in ticks at 480 per quarter, Lyric, NoteNum, optional Tempo change from
// that note on). Rests are notes with lyric R; they advance time and make no sound.

import { TempoMap, type TempoPoint } from '../tempo.ts';
import { ScoreError, type Score, type ScoreNote } from './model.ts';
import { finishScore, isRestLyric } from './json.ts';
import { decodeJapaneseText } from './text.ts';
import { applyUtauTuning, parseVbr, ustShape, type UtauPitchPoint, type UtauTuning } from './utau-tuning.ts';

const UST_RESOLUTION = 480;

interface Section {
  name: string;
  line: number;
  values: Map<string, { value: string; line: number }>;
}

function parseSections(text: string): Section[] {
  const sections: Section[] = [];
  let current: Section | undefined;
  const lines = text.split(/\r\n|\r|\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const line = i + 1;
    const header = /^\s*\[#([^\]]+)\]\s*$/.exec(raw);
    if (header) {
      current = { name: header[1]!.trim().toUpperCase(), line, values: new Map() };
      sections.push(current);
      continue;
    }
    const eq = raw.indexOf('=');
    if (current && eq > 0) current.values.set(raw.slice(0, eq).trim(), { value: raw.slice(eq + 1).trim(), line });
  }
  return sections;
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
  const songTempo = setting?.values.get('Tempo');
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
    const length = s.values.get('Length');
    if (!length) throw new ScoreError(file, `note [#${s.name}] has no Length`, s.line);
    const ticks = Number(length.value);
    if (!Number.isFinite(ticks) || ticks < 0) throw new ScoreError(file, `note [#${s.name}]: Length must be a number of ticks, got "${length.value}"`, length.line);
    const noteTempo = s.values.get('Tempo');
    if (noteTempo && noteTempo.value !== '') {
      const bpm = parseTempo(noteTempo.value);
      if (!(bpm > 0 && bpm < 1000)) throw new ScoreError(file, `note [#${s.name}]: Tempo must be a positive number, got "${noteTempo.value}"`, noteTempo.line);
      tempo.push({ tick, bpm });
    }
    const lyric = s.values.get('Lyric')?.value ?? '';
    if (!isRestLyric(lyric) && lyric !== '' && ticks > 0) {
      const noteNum = s.values.get('NoteNum');
      const pitch = noteNum ? Number(noteNum.value) : NaN;
      if (!Number.isInteger(pitch) || pitch < 0 || pitch > 127) {
        throw new ScoreError(file, `note [#${s.name}] "${lyric}": NoteNum must be a MIDI number 0-127, got "${noteNum?.value ?? ''}"`, noteNum?.line ?? s.line);
      }
      const note: ScoreNote = { tick, durationTicks: ticks, pitch, lyric, source: { line: s.line, index } };
      const intensity = s.values.get('Intensity');
      if (intensity && intensity.value !== '') {
        const value = Number(intensity.value);
        if (!(value >= 0 && value <= 1000)) throw new ScoreError(file, `note [#${s.name}]: Intensity must be a number 0-200, got "${intensity.value}"`, intensity.line);
        note.dynamics = value / 100;
      }
      const tuning = readTuning(s);
      if (tuning) tunings.set(note, tuning);
      if (s.values.has('PitchBend') || s.values.has('Piches')) mode1Lines.push(s.line);
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
  return value.split(',').map((v) => {
    const n = Number(v.trim());
    return Number.isFinite(n) ? n : 0;
  });
}

/**
 * Mode2 portamento and vibrato of one note. PBS is the first point (ms from the note's start;
 * its pitch in tenths of a semitone, snapped to the previous note when omitted), PBW the widths
 * to each next point, PBY their pitches, PBM their shapes.
 */
function readTuning(s: Section): UtauTuning | undefined {
  const pbs = s.values.get('PBS')?.value;
  const vbr = s.values.get('VBR')?.value;
  const vibrato = vbr ? parseVbr(vbr) : undefined;
  let points: UtauPitchPoint[] | undefined;
  let snapFirst = true;
  if (pbs !== undefined && pbs.trim() !== '') {
    const [xs, ys] = pbs.includes(';') ? pbs.split(';') : pbs.split(',');
    const x0 = Number(xs);
    const y0 = ys === undefined || ys.trim() === '' ? undefined : Number(ys);
    if (Number.isFinite(x0)) {
      snapFirst = y0 === undefined || !Number.isFinite(y0);
      const widths = numberList(s.values.get('PBW')?.value);
      const heights = numberList(s.values.get('PBY')?.value);
      const shapes = (s.values.get('PBM')?.value ?? '').split(',');
      points = [{ x: x0, y: snapFirst ? 0 : y0!, shape: ustShape(shapes[0] ?? '') }];
      let x = x0;
      widths.forEach((w, i) => {
        x += Math.max(0, w);
        points!.push({ x, y: heights[i] ?? 0, shape: ustShape(shapes[i + 1] ?? '') });
      });
    }
  }
  if (!points && !vibrato) return undefined;
  return { points, snapFirst, vibrato };
}
