// OpenUtau .ustx importer (YAML). Reads resolution, the tempo list (or the older single `bpm`),
// time signature, and every voice part: note positions are relative to their part's position.
// Several parts (on one or several tracks) are merged into the one vocal line, in time order.

import { TempoMap, type TempoPoint, type TimeSignature } from '../tempo.ts';
import { ScoreError, type Score, type ScoreNote } from './model.ts';
import { finishScore } from './json.ts';
import type { CurvePoint } from './pitch-curve.ts';
import { applyUtauTuning, type UtauTuning } from './utau-tuning.ts';
import { dynOverNote, noteExpression, partCurve, readUstxTuning } from './ustx-tuning.ts';
import { readUstxYamlBytes, type UstxYaml } from './ustx-yaml.ts';

type Plain = Record<string, unknown>;

function isRecord(v: unknown): v is Plain {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function noteError(file: string, part: number, note: number, line: number | undefined, detail: string): ScoreError {
  return new ScoreError(file, `voice part ${part} note ${note}: ${detail}`, line);
}

export function parseUstx(bytes: Uint8Array, file: string): Score {
  return parseUstxValues(readUstxYamlBytes(bytes, file), file);
}

/** The project from its YAML values (whichever reader read them). */
export function parseUstxValues({ root, keyLine, itemLines }: UstxYaml, file: string): Score {
  if (!isRecord(root)) throw new ScoreError(file, 'not an OpenUtau project: expected a YAML mapping', 1);

  const resolution = root.resolution ?? 480;
  if (typeof resolution !== 'number' || !Number.isInteger(resolution) || resolution <= 0) {
    throw new ScoreError(file, `resolution must be a positive integer, got ${JSON.stringify(resolution)}`, keyLine('resolution'));
  }

  const tempo: TempoPoint[] = [];
  if (Array.isArray(root.tempos) && root.tempos.length > 0) {
    root.tempos.forEach((t, i) => {
      if (!isRecord(t) || typeof t.position !== 'number' || !(t.position >= 0 && t.position < 1e9) || typeof t.bpm !== 'number' || !(t.bpm > 0 && t.bpm < 1000)) {
        throw new ScoreError(file, `tempos[${i}] must have a position and a positive bpm`, itemLines(['tempos'])(i));
      }
      tempo.push({ tick: t.position, bpm: t.bpm });
    });
  } else if (typeof root.bpm === 'number' && root.bpm > 0 && root.bpm < 1000) tempo.push({ tick: 0, bpm: root.bpm });
  else tempo.push({ tick: 0, bpm: 120 });

  let timeSignature: TimeSignature = { numerator: 4, denominator: 4 };
  const ts0 = Array.isArray(root.time_signatures) ? root.time_signatures[0] : undefined;
  if (isRecord(ts0) && typeof ts0.beat_per_bar === 'number' && typeof ts0.beat_unit === 'number') {
    timeSignature = { numerator: ts0.beat_per_bar, denominator: ts0.beat_unit };
  } else if (typeof root.beat_per_bar === 'number' && typeof root.beat_unit === 'number') {
    timeSignature = { numerator: root.beat_per_bar, denominator: root.beat_unit };
  }

  if (!Array.isArray(root.voice_parts)) {
    throw new ScoreError(file, 'not an OpenUtau project: no voice_parts list (is this a .ustx file?)');
  }
  const warnings: string[] = [];
  // Entries after the first that change the signature in force (a return to the first is a change too).
  const signatures = (Array.isArray(root.time_signatures) ? root.time_signatures : []).filter(isRecord);
  const laterSignatures = signatures.filter((t, i) => i > 0 && (t.beat_per_bar !== signatures[i - 1]!.beat_per_bar || t.beat_unit !== signatures[i - 1]!.beat_unit));
  if (laterSignatures.length > 0) {
    const bars = laterSignatures.map((t) => (typeof t.bar_position === 'number' ? String(t.bar_position + 1) : '?')).join(', ');
    warnings.push(`${file}: time signature changes at bar ${bars}; note timing follows them, the score keeps ${timeSignature.numerator}/${timeSignature.denominator} as its signature`);
  }
  const notes: ScoreNote[] = [];
  const tunings = new Map<ScoreNote, UtauTuning>();
  const pitd: CurvePoint[][] = [];
  let velocityNotes = 0;
  root.voice_parts.forEach((part, p) => {
    if (!isRecord(part)) throw new ScoreError(file, `voice part ${p} must be a mapping`, itemLines(['voice_parts'])(p));
    const partStart = typeof part.position === 'number' && part.position >= 0 && part.position < 1e9 ? part.position : 0;
    const deviation = partCurve(part, 'pitd', partStart);
    if (deviation) pitd.push(deviation);
    const dyn = partCurve(part, 'dyn', partStart);
    const list = part.notes ?? [];
    if (!Array.isArray(list)) throw new ScoreError(file, `voice part ${p}: notes must be a list`, itemLines(['voice_parts'])(p));
    const noteLine = itemLines(['voice_parts', p, 'notes']);
    for (let i = 0; i < list.length; i++) {
      const n: unknown = list[i];
      const line = noteLine(i);
      if (!isRecord(n)) throw noteError(file, p, i, line, 'must be a mapping');
      const note = n;
      if (typeof note.position !== 'number' || !(note.position >= 0 && note.position < 1e9)) throw noteError(file, p, i, line, `position must be a number >= 0, got ${JSON.stringify(note.position)}`);
      if (typeof note.duration !== 'number' || !(note.duration > 0 && note.duration < 1e9)) throw noteError(file, p, i, line, `duration must be a number > 0, got ${JSON.stringify(note.duration)}`);
      if (typeof note.tone !== 'number' || !Number.isInteger(note.tone) || note.tone < 0 || note.tone > 127) throw noteError(file, p, i, line, `tone must be a MIDI number 0-127, got ${JSON.stringify(note.tone)}`);
      const lyric = note.lyric === undefined || note.lyric === null ? 'a' : String(note.lyric);
      const scoreNote: ScoreNote = {
        tick: partStart + (note.position as number),
        durationTicks: note.duration as number,
        pitch: note.tone as number,
        lyric: lyric.trim(),
        source: { part: p, index: i, line },
      };
      // Loudness: the vol expression (percent) times the part's dyn curve over the note.
      const vol = noteExpression(note, 'vol');
      if (vol !== undefined || dyn) {
        scoreNote.dynamics = Math.max(0, (vol ?? 100) / 100) * (dyn ? dynOverNote(dyn, scoreNote.tick, scoreNote.durationTicks) : 1);
      }
      const vel = noteExpression(note, 'vel');
      if (vel !== undefined && vel !== 100) velocityNotes++;
      const tuning = readUstxTuning(note);
      if (tuning) tunings.set(scoreNote, tuning);
      notes.push(scoreNote);
    }
  });
  if (root.voice_parts.length > 1) {
    const tracks = new Set(root.voice_parts.map((v) => (isRecord(v) ? v.track_no : undefined)));
    if (tracks.size > 1) warnings.push(`${file}: ${root.voice_parts.length} voice parts on ${tracks.size} tracks merged into one vocal line`);
  }
  if (velocityNotes > 0) warnings.push(`${file}: velocity (vel, the consonant's speed in OpenUtau) on ${velocityNotes} note${velocityNotes === 1 ? '' : 's'} not kept; loudness comes from vol and dyn`);
  const score = finishScore({ format: 'ustx', resolution, tempo, timeSignature, notes, warnings }, file);
  if (tunings.size > 0 || pitd.length > 0) {
    const curve = applyUtauTuning(score.notes, (n) => tunings.get(n), new TempoMap(tempo, resolution), pitd, score.warnings, file);
    if (curve) score.pitchCurve = curve;
  }
  return score;
}
