// Vocaloid 5 / 6 project importer (.vpr): a zip holding Project/sequence.json. The master track
// gives tempo (BPM × 100) and time signatures; singing tracks hold parts whose notes and
// controllers (pitchBend, pitchBendSens, dynamics) are positioned relative to the part. There is
// no lead-in: tick 0 is bar 1. One track is sung: the first with notes, or the one chosen.

import { vocaloidPhonemes } from './vocaloid-phonemes.ts';
import { TempoMap, type TempoPoint, type TimeSignature } from '../tempo.ts';
import { ScoreError, type Score, type ScoreImportOptions, type ScoreNote } from './model.ts';
import { finishScore } from './json.ts';
import { applyVocaloidDynamics, applyVocaloidVibratos, meanValue, vocaloidPitchCurve, type VocaloidPart, type VocaloidVibrato } from './vocaloid.ts';
import { zipEntry, zipEntryNames } from './zip.ts';

type Plain = Record<string, unknown>;
const isRecord = (v: unknown): v is Plain => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

const RESOLUTION = 480;
const CONTROLLERS: Record<string, 'pit' | 'pbs' | 'dyn'> = { pitchBend: 'pit', pitchBendSens: 'pbs', dynamics: 'dyn' };

function lineOfOffset(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

export function parseVpr(bytes: Uint8Array, file: string, options: ScoreImportOptions = {}): Score {
  const what = 'Vocaloid 5/6 project (.vpr)';
  const names = zipEntryNames(bytes, file, what);
  const entry = names.find((n) => n === 'Project/sequence.json' || n === 'Project\\sequence.json');
  if (!entry) throw new ScoreError(file, `the ${what} has no Project/sequence.json`);
  const inner = `${file}/Project/sequence.json`;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(zipEntry(bytes, file, entry, what));
  } catch (err) {
    if (err instanceof ScoreError) throw err;
    throw new ScoreError(inner, 'not UTF-8 text');
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    const pos = /position (\d+)/.exec((err as Error).message);
    throw new ScoreError(inner, `not valid JSON: ${(err as Error).message.split('\n')[0]}`, pos ? lineOfOffset(text, Number(pos[1])) : undefined);
  }
  if (!isRecord(data)) throw new ScoreError(inner, 'expected a JSON object', 1);
  return readSequence(data, inner, options);
}

function readSequence(data: Plain, file: string, options: ScoreImportOptions): Score {
  const warnings: string[] = [];
  const master = isRecord(data.masterTrack) ? data.masterTrack : {};
  const tempo = readTempo(master, file);
  const signatures = list(isRecord(master.timeSig) ? master.timeSig.events : undefined).filter(isRecord);
  const ts0 = signatures.find((t) => (t.bar ?? 0) === 0) ?? signatures[0];
  const timeSignature: TimeSignature =
    ts0 && Number.isInteger(ts0.numer) && (ts0.numer as number) > 0 && [1, 2, 4, 8, 16, 32].includes(ts0.denom as number)
      ? { numerator: ts0.numer as number, denominator: ts0.denom as number }
      : { numerator: 4, denominator: 4 };

  // Events after bar 1 that change the signature in force (a return to the first is a change too).
  const byBar = signatures.filter((t) => finite(t.bar)).sort((a, b) => (a.bar as number) - (b.bar as number));
  const later = byBar.filter((t, i) => i > 0 && (t.bar as number) > 0 && (t.numer !== byBar[i - 1]!.numer || t.denom !== byBar[i - 1]!.denom));
  if (later.length > 0) warnings.push(`${file}: time signature changes at bar ${later.map((t) => (t.bar as number) + 1).join(', ')}; note timing follows them, the score keeps ${timeSignature.numerator}/${timeSignature.denominator} as its signature`);

  const tracks = list(data.tracks).filter(isRecord);
  const { track, number } = chooseTrack(tracks, options, file, warnings);
  const parts: VocaloidPart[] = [];
  const notes: ScoreNote[] = [];
  const vibratos = new Map<ScoreNote, VocaloidVibrato>();
  let locked = 0;
  list(track.parts).forEach((rawPart, p) => {
    if (!isRecord(rawPart)) throw new ScoreError(file, `track ${number} part ${p + 1} must be an object`);
    const start = finite(rawPart.pos) && rawPart.pos >= 0 ? rawPart.pos : 0;
    const part: VocaloidPart = { start, end: start + (finite(rawPart.duration) && rawPart.duration > 0 ? rawPart.duration : 0), pit: [], pbs: [], dyn: [] };
    for (const c of list(rawPart.controllers)) {
      if (!isRecord(c)) continue;
      const kind = CONTROLLERS[String(c.name)];
      if (!kind) continue;
      for (const e of list(c.events)) if (isRecord(e) && finite(e.pos) && finite(e.value)) part[kind].push({ tick: start + e.pos, value: e.value });
    }
    parts.push(part);
    list(rawPart.notes).forEach((raw, i) => {
      if (!isRecord(raw)) throw new ScoreError(file, `${noteWhere(number, p, i)} must be an object`);
      if (!finite(raw.pos) || raw.pos < 0 || raw.pos > 1e9) throw new ScoreError(file, `${noteWhere(number, p, i)}: "pos" must be a tick >= 0, got ${JSON.stringify(raw.pos)}`);
      if (!finite(raw.duration) || !(raw.duration > 0 && raw.duration < 1e9)) throw new ScoreError(file, `${noteWhere(number, p, i)}: "duration" must be a length > 0, got ${JSON.stringify(raw.duration)}`);
      if (!Number.isInteger(raw.number) || (raw.number as number) < 0 || (raw.number as number) > 127) throw new ScoreError(file, `${noteWhere(number, p, i)}: "number" must be a MIDI number 0-127, got ${JSON.stringify(raw.number)}`);
      const lyric = typeof raw.lyric === 'string' && raw.lyric.trim() !== '' ? raw.lyric.trim() : 'a';
      const note: ScoreNote = { tick: start + raw.pos, durationTicks: raw.duration, pitch: raw.number as number, lyric, source: { index: i, part: p } };
      if (raw.isProtected === true) {
        // Set by hand: sung as set, where the symbols translate.
        const set = vocaloidPhonemes(typeof raw.phoneme === 'string' ? raw.phoneme : undefined);
        if (set) note.phonemes = set;
        else locked++;
      }
      const v = raw.vibrato;
      if (isRecord(v) && finite(v.type) && v.type > 0 && finite(v.duration) && v.duration > 0) {
        vibratos.set(note, { ticks: Math.min(v.duration, raw.duration), depth: meanValue(pointValues(v.depths), 64), rate: meanValue(pointValues(v.rates), 50) });
      }
      notes.push(note);
      part.end = Math.max(part.end, note.tick + note.durationTicks);
    });
  });
  if (notes.length === 0) throw new ScoreError(file, 'no notes in any singing track');
  if (locked > 0) warnings.push(`${file}: ${locked} note${locked === 1 ? ' has' : 's have'} phonemes set by hand (protected) in symbols this voice does not know; sung from the lyric instead`);
  const score = finishScore({ format: 'vpr', resolution: RESOLUTION, tempo, timeSignature, notes, warnings }, file);
  const map = new TempoMap(tempo, RESOLUTION);
  if (applyVocaloidVibratos(score.notes, (n) => vibratos.get(n), map) > 0) {
    score.warnings.push(`${file}: Vocaloid vibrato depth and rate mapped approximately (Vocaloid's scale is not published)`);
  }
  applyVocaloidDynamics(parts, score.notes);
  const curve = vocaloidPitchCurve(parts, score.notes, map);
  if (curve) score.pitchCurve = curve;
  return score;
}

/** Where a note is, for its error messages. */
function noteWhere(track: number, part: number, note: number): string {
  return `track ${track} part ${part + 1} note ${note + 1}`;
}

/** The values of a vibrato's depth or rate points. */
function pointValues(points: unknown): number[] {
  const values: number[] = [];
  for (const x of list(points)) if (isRecord(x)) values.push(Number(x.value));
  return values;
}

function readTempo(master: Plain, file: string): TempoPoint[] {
  const t = isRecord(master.tempo) ? master.tempo : {};
  const global = isRecord(t.global) ? t.global : undefined;
  const check = (value: unknown, where: string): number => {
    if (!finite(value) || !(value > 0 && value < 100000)) throw new ScoreError(file, `${where} must be BPM × 100 (e.g. 12000), got ${JSON.stringify(value)}`);
    return value / 100;
  };
  if (global?.isEnabled === true) return [{ tick: 0, bpm: check(global.value, 'masterTrack.tempo.global.value') }];
  const events = list(t.events)
    .filter(isRecord)
    .map((e, i) => ({ tick: finite(e.pos) && e.pos >= 0 ? e.pos : 0, bpm: check(e.value, `masterTrack.tempo.events[${i}].value`) }))
    .sort((a, b) => a.tick - b.tick);
  if (events.length === 0) return [{ tick: 0, bpm: 120 }];
  if (events[0]!.tick !== 0) events.unshift({ tick: 0, bpm: events[0]!.bpm });
  return events;
}

function chooseTrack(tracks: Plain[], options: ScoreImportOptions, file: string, warnings: string[]): { track: Plain; number: number } {
  const described = tracks.map((track, i) => ({
    track,
    number: i + 1,
    name: typeof track.name === 'string' ? track.name : '',
    notes: list(track.parts).reduce<number>((a, p) => a + (isRecord(p) ? list(p.notes).length : 0), 0),
  }));
  if (options.part !== undefined) {
    const want = options.part.trim().toLowerCase();
    const t = described.find((x) => String(x.number) === want || x.name.toLowerCase() === want);
    if (!t) throw new ScoreError(file, `no track "${options.part}" (tracks: ${described.map((x) => `${x.number}${x.name ? ` "${x.name}"` : ''}`).join(', ')})`);
    return t;
  }
  const singing = described.filter((x) => x.notes > 0);
  const t = singing[0];
  if (!t) throw new ScoreError(file, 'no notes in any singing track');
  if (singing.length > 1) warnings.push(`${file}: ${singing.length} tracks have notes; singing track ${t.number}${t.name ? ` "${t.name}"` : ''}`);
  return t;
}
