// Vocaloid 3 / 4 project importer (.vsqx, XML; also .xml files whose root is <vsq3>/<vsq4>).
// The master track gives resolution, pre-measures (a lead-in Vocaloid puts before bar 1),
// time signatures and tempo (BPM × 100); each track's parts hold notes (positions relative to the
// part), controller events (PIT, PBS, DYN) and per-note vibrato settings. One track is sung: the
// first with notes, or the one chosen by name or number.

import { vocaloidPhonemes } from './vocaloid-phonemes.ts';
import { TempoMap, type TempoPoint, type TimeSignature } from '../tempo.ts';
import { ScoreError, type Score, type ScoreImportOptions, type ScoreNote } from './model.ts';
import { finishScore } from './json.ts';
import { applyVocaloidDynamics, applyVocaloidVibratos, meanValue, vocaloidPitchCurve, type ControlEvent, type VocaloidPart, type VocaloidVibrato } from './vocaloid.ts';
import { child, childNumber, childText, children, parseXmlBytes, type XmlElement } from './xml.ts';

/** Element names that differ between the two schema versions. */
const TAGS = {
  vsq3: { trackName: 'trackName', part: 'musicalPart', pos: 'posTick', ctrl: 'mCtrl', ctrlValue: 'attr', dur: 'durTick', noteNum: 'noteNum', lyric: 'lyric', phoneme: 'phnms', style: 'noteStyle', styleAttr: 'attr', seq: 'seqAttr', seqPoint: 'elem', seqValue: 'elv', tsBar: 'posMes', tsNum: 'nume', tsDen: 'denomi', tempoValue: 'bpm' },
  vsq4: { trackName: 'name', part: 'vsPart', pos: 't', ctrl: 'cc', ctrlValue: 'v', dur: 'dur', noteNum: 'n', lyric: 'y', phoneme: 'p', style: 'nStyle', styleAttr: 'v', seq: 'seq', seqPoint: 'cc', seqValue: 'v', tsBar: 'm', tsNum: 'nu', tsDen: 'de', tempoValue: 'v' },
};
type Tags = (typeof TAGS)['vsq4'];

const CONTROL_IDS: Record<string, 'pit' | 'pbs' | 'dyn'> = { PIT: 'pit', P: 'pit', PBS: 'pbs', S: 'pbs', DYN: 'dyn', D: 'dyn' };

export function parseVsqx(bytes: Uint8Array, file: string, options: ScoreImportOptions = {}): Score {
  return parseVsqxTree(parseXmlBytes(bytes, file), file, options);
}

export function isVsqxRoot(root: XmlElement): boolean {
  return root.name === 'vsq3' || root.name === 'vsq4';
}

export function parseVsqxTree(root: XmlElement, file: string, options: ScoreImportOptions = {}): Score {
  if (!isVsqxRoot(root)) throw new ScoreError(file, `not a Vocaloid 3/4 project: the root element is <${root.name}> (expected <vsq3> or <vsq4>)`, root.line);
  const tags: Tags = TAGS[root.name as 'vsq3' | 'vsq4'];
  const master = child(root, 'masterTrack');
  if (!master) throw new ScoreError(file, 'no <masterTrack> (tempo and resolution)', root.line);
  const warnings: string[] = [];
  const resolution = childNumber(master, 'resolution') ?? 480;
  if (!Number.isInteger(resolution) || resolution <= 0 || resolution > 100000) throw new ScoreError(file, `<resolution> must be a positive integer, got "${childText(master, 'resolution')}"`, master.line);

  const signatures = children(master, 'timeSig')
    .map((el) => ({ bar: childNumber(el, tags.tsBar) ?? 0, numerator: childNumber(el, tags.tsNum) ?? 4, denominator: childNumber(el, tags.tsDen) ?? 4 }))
    .filter((t) => Number.isInteger(t.numerator) && t.numerator > 0 && [1, 2, 4, 8, 16, 32].includes(t.denominator))
    .sort((a, b) => a.bar - b.bar);
  const preMeasure = Math.max(0, Math.min(64, Math.floor(childNumber(master, 'preMeasure') ?? 0)));
  // The lead-in in ticks: its bars at the signature in force there.
  let prefix = 0;
  for (let bar = 0; bar < preMeasure; bar++) {
    const ts = [...signatures].reverse().find((t) => t.bar <= bar) ?? { numerator: 4, denominator: 4 };
    prefix += (ts.numerator * 4 * resolution) / ts.denominator;
  }
  const first = [...signatures].reverse().find((t) => t.bar <= preMeasure) ?? signatures[0];
  const timeSignature: TimeSignature = first ? { numerator: first.numerator, denominator: first.denominator } : { numerator: 4, denominator: 4 };

  // Bars count from the first bar after the lead-in (as Vocaloid shows them, from 1).
  // Signatures after the one in force at bar 1 that change it (a return to it is a change too).
  const laterSignatures = signatures.filter((t, i) => t.bar > preMeasure && i > 0 && (t.numerator !== signatures[i - 1]!.numerator || t.denominator !== signatures[i - 1]!.denominator));
  if (laterSignatures.length > 0) warnings.push(`${file}: time signature changes at bar ${laterSignatures.map((t) => t.bar - preMeasure + 1).join(', ')}; note timing follows them, the score keeps ${timeSignature.numerator}/${timeSignature.denominator} as its signature`);

  const tempo = readTempo(master, tags, prefix, file);
  const tracks = children(root, 'vsTrack');
  const track = chooseTrack(tracks, tags, options, file, warnings);

  const parts: VocaloidPart[] = [];
  const notes: ScoreNote[] = [];
  const vibratos = new Map<ScoreNote, VocaloidVibrato>();
  let locked = 0;
  children(track.el, tags.part).forEach((partEl, p) => {
    const start = (childNumber(partEl, tags.pos) ?? 0) - prefix;
    const playTime = childNumber(partEl, 'playTime');
    const part: VocaloidPart = { start, end: start + (playTime !== undefined && playTime > 0 ? playTime : 0), pit: [], pbs: [], dyn: [] };
    for (const cc of children(partEl, tags.ctrl)) {
      const value = child(cc, tags.ctrlValue);
      const kind = CONTROL_IDS[value?.attrs.id ?? ''];
      const t = childNumber(cc, tags.pos);
      const v = value ? Number(value.text) : NaN;
      if (kind && t !== undefined && Number.isFinite(v)) part[kind].push({ tick: start + t, value: v } satisfies ControlEvent);
    }
    parts.push(part);
    children(partEl, 'note').forEach((el, i) => {
      const line = el.line;
      const pos = childNumber(el, tags.pos);
      const dur = childNumber(el, tags.dur);
      const pitch = childNumber(el, tags.noteNum);
      if (pos === undefined || pos < 0 || pos > 1e9) throw new ScoreError(file, `${noteWhere(track.number, p, i)}: <${tags.pos}> must be a tick >= 0, got "${childText(el, tags.pos) ?? ''}"`, line);
      if (dur === undefined || !(dur > 0 && dur < 1e9)) throw new ScoreError(file, `${noteWhere(track.number, p, i)}: <${tags.dur}> must be a length > 0, got "${childText(el, tags.dur) ?? ''}"`, line);
      if (pitch === undefined || !Number.isInteger(pitch) || pitch < 0 || pitch > 127) throw new ScoreError(file, `${noteWhere(track.number, p, i)}: <${tags.noteNum}> must be a MIDI number 0-127, got "${childText(el, tags.noteNum) ?? ''}"`, line);
      const note: ScoreNote = { tick: start + pos, durationTicks: dur, pitch, lyric: (childText(el, tags.lyric) ?? '').trim() || 'a', source: { line, index: i, part: p } };
      const phonemeEl = child(el, tags.phoneme);
      if (phonemeEl?.attrs.lock === '1') {
        // Set by hand: sung as set, where the symbols translate.
        const set = vocaloidPhonemes(childText(el, tags.phoneme));
        if (set) note.phonemes = set;
        else locked++;
      }
      const vibrato = readVibrato(child(el, tags.style), tags, dur);
      if (vibrato) vibratos.set(note, vibrato);
      notes.push(note);
      part.end = Math.max(part.end, note.tick + note.durationTicks);
    });
  });
  if (notes.length === 0) throw new ScoreError(file, 'no notes in any track');
  if (locked > 0) warnings.push(`${file}: ${locked} note${locked === 1 ? ' has' : 's have'} phonemes set by hand (locked) in symbols this voice does not know; sung from the lyric instead`);
  const score = finishScore({ format: 'vsqx', resolution, tempo, timeSignature, notes, warnings }, file);
  const map = new TempoMap(tempo, resolution);
  const tuned = applyVocaloidVibratos(score.notes, (n) => vibratos.get(n), map);
  if (tuned > 0) score.warnings.push(`${file}: Vocaloid vibrato depth and rate mapped approximately (Vocaloid's scale is not published)`);
  applyVocaloidDynamics(parts, score.notes);
  const curve = vocaloidPitchCurve(parts, score.notes, map);
  if (curve) score.pitchCurve = curve;
  return score;
}

function readTempo(master: XmlElement, tags: Tags, prefix: number, file: string): TempoPoint[] {
  const events: TempoPoint[] = [];
  for (const el of children(master, 'tempo')) {
    const tick = childNumber(el, tags.pos) ?? 0;
    const raw = childNumber(el, tags.tempoValue);
    if (raw === undefined || !(raw > 0 && raw < 100000)) throw new ScoreError(file, `tempo must be BPM × 100 (e.g. 12000), got "${childText(el, tags.tempoValue) ?? ''}"`, el.line);
    events.push({ tick: tick - prefix, bpm: raw / 100 });
  }
  events.sort((a, b) => a.tick - b.tick);
  // Tempo changes inside the lead-in: the last of them is the tempo at bar 1.
  const before = events.filter((e) => e.tick <= 0);
  const tempo = [{ tick: 0, bpm: before[before.length - 1]?.bpm ?? events[0]?.bpm ?? 120 }, ...events.filter((e) => e.tick > 0)];
  return tempo;
}

function chooseTrack(tracks: XmlElement[], tags: Tags, options: ScoreImportOptions, file: string, warnings: string[]): { el: XmlElement; number: number } {
  const named = tracks.map((el, i) => ({ el, number: i + 1, name: childText(el, tags.trackName) ?? '', notes: children(el, tags.part).reduce((a, p) => a + children(p, 'note').length, 0) }));
  if (options.part !== undefined) {
    const want = options.part.trim().toLowerCase();
    const t = named.find((x) => String(x.number) === want || x.name.toLowerCase() === want);
    if (!t) throw new ScoreError(file, `no track "${options.part}" (tracks: ${named.map((x) => `${x.number}${x.name ? ` "${x.name}"` : ''}`).join(', ')})`);
    return t;
  }
  const withNotes = named.filter((x) => x.notes > 0);
  const t = withNotes[0] ?? named[0];
  if (!t) throw new ScoreError(file, 'no <vsTrack> in the project');
  if (withNotes.length > 1) warnings.push(`${file}: ${withNotes.length} tracks have notes; singing track ${t.number}${t.name ? ` "${t.name}"` : ''}`);
  return t;
}

/** Where a note is, for its error messages. */
function noteWhere(track: number, part: number, note: number): string {
  return `track ${track} part ${part + 1} note ${note + 1}`;
}

/** A number from the style attribute (<v id="vibLen">) with this id; undefined when there is none. */
function styleValue(style: XmlElement, tags: Tags, id: string): number | undefined {
  for (const el of style.children) if (el.name === tags.styleAttr && el.attrs.id === id) return Number(el.text);
  return undefined;
}

/** The values of the point list (<seq id="vibDep">) with this id. */
function styleSequence(style: XmlElement, tags: Tags, id: string): number[] {
  const values: number[] = [];
  for (const seq of style.children) {
    if (seq.name !== tags.seq || seq.attrs.id !== id) continue;
    for (const point of seq.children) if (point.name === tags.seqPoint) values.push(Number(childText(point, tags.seqValue)));
    break;
  }
  return values;
}

/** vibLen (% of the note, at its end), vibType (0 = none) and the vibDep/vibRate point lists. */
function readVibrato(style: XmlElement | undefined, tags: Tags, duration: number): VocaloidVibrato | undefined {
  if (!style) return undefined;
  const length = styleValue(style, tags, 'vibLen') ?? 0;
  const type = styleValue(style, tags, 'vibType') ?? 0;
  if (!(length > 0) || !(type > 0)) return undefined;
  return { ticks: (duration * Math.min(100, length)) / 100, depth: meanValue(styleSequence(style, tags, 'vibDep'), 64), rate: meanValue(styleSequence(style, tags, 'vibRate'), 50) };
}
