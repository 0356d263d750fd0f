// MusicXML importer (.musicxml / .xml, and .mxl: the same inside a zip). Partwise scores as every
// notation program writes them: the part with lyrics (or a chosen part and voice) becomes the
// vocal line, repeats and voltas are unfolded, tied notes merged, syllables joined by their
// syllabic marks and melismas (extend lines, slurs, lyric-less notes) sung as continuations.

import type { TempoPoint, TimeSignature } from '../tempo.ts';
import { ScoreError, type Score, type ScoreImportOptions, type ScoreNote } from './model.ts';
import { finishScore } from './json.ts';
import { MUSICXML_RESOLUTION, readPartMeasures, unfoldRepeats, type MxIssue, type MxMeasure, type MxNote } from './musicxml-measures.ts';
import { child, childText, children, parseXmlBytes, type XmlElement } from './xml.ts';
import { zipEntry, zipEntryNames } from './zip.ts';

interface PartInfo {
  id: string;
  name: string;
  measures: MxMeasure[];
}

const KANA_OR_CJK = /[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]/;

export function parseMusicXml(bytes: Uint8Array, file: string, options: ScoreImportOptions = {}): Score {
  return parseMusicXmlTree(parseXmlBytes(bytes, file), file, options);
}

/** .mxl: the score named by META-INF/container.xml (or the one MusicXML file in the archive). */
export function parseMxl(bytes: Uint8Array, file: string, options: ScoreImportOptions = {}): Score {
  const names = zipEntryNames(bytes, file, 'compressed MusicXML (.mxl) file');
  let rootPath: string | undefined;
  if (names.includes('META-INF/container.xml')) {
    const container = parseXmlBytes(zipEntry(bytes, file, 'META-INF/container.xml', '.mxl file'), `${file}/META-INF/container.xml`);
    rootPath = child(child(container, 'rootfiles'), 'rootfile')?.attrs['full-path'];
  }
  rootPath ??= names.find((n) => !n.startsWith('META-INF/') && /\.(musicxml|xml)$/i.test(n));
  if (!rootPath || !names.includes(rootPath)) throw new ScoreError(file, 'the .mxl archive holds no MusicXML score');
  const inner = `${file}/${rootPath}`;
  return parseMusicXmlTree(parseXmlBytes(zipEntry(bytes, file, rootPath, '.mxl file'), inner), inner, options);
}

export function parseMusicXmlTree(root: XmlElement, file: string, options: ScoreImportOptions = {}): Score {
  if (root.name === 'score-timewise') {
    throw new ScoreError(file, 'timewise MusicXML is not supported; export partwise MusicXML (what notation programs write by default)', root.line);
  }
  if (root.name !== 'score-partwise') throw new ScoreError(file, `not a MusicXML score: the root element is <${root.name}>`, root.line);

  const names = new Map<string, string>();
  for (const sp of children(child(root, 'part-list'), 'score-part')) names.set(sp.attrs.id ?? '', childText(sp, 'part-name') ?? '');
  const issues: MxIssue[] = [];
  const parts: PartInfo[] = children(root, 'part').map((p, i) => ({ id: p.attrs.id ?? `P${i + 1}`, name: names.get(p.attrs.id ?? '') ?? '', measures: readPartMeasures(p, issues) }));
  if (parts.length === 0) throw new ScoreError(file, 'the score has no <part>', root.line);

  const warnings: string[] = [];
  const partIndex = choosePart(parts, options, file);
  const part = parts[partIndex]!;
  const label = `part ${part.id}${part.name ? ` "${part.name}"` : ''}`;
  const sounding = parts.filter((p) => p.measures.some((m) => m.notes.some((n) => n.pitch !== undefined)));
  if (sounding.length > 1) warnings.push(`${file}: ${sounding.length} parts have notes; singing ${label}`);

  const voice = chooseVoice(part, options, file, label, warnings);
  // Repeat barlines and voltas from every part: some programs write them in the top part only.
  const structure = part.measures.map((m, i) => {
    const all = parts.map((p) => p.measures[i]).filter((x): x is MxMeasure => x !== undefined);
    return {
      ...m,
      forwardRepeat: all.some((x) => x.forwardRepeat),
      backwardRepeat: all.find((x) => x.backwardRepeat !== undefined)?.backwardRepeat,
      endingStart: all.find((x) => x.endingStart !== undefined)?.endingStart,
      endingStop: all.some((x) => x.endingStop),
    };
  });
  const { order, truncated } = unfoldRepeats(structure);
  if (truncated) warnings.push(`${file}: the repeats never end; stopped after ${order.length} measures`);

  // Measure starts in playing order, from the sung part's measure lengths.
  const starts: number[] = [];
  let at = 0;
  for (const played of order) {
    starts.push(at);
    at += part.measures[played.index]!.length;
  }

  const tempo = collectTempo(parts, order, starts);
  if (tempo.length === 0) {
    warnings.push(`${file}: no tempo marking; using 120 BPM`);
    tempo.push({ tick: 0, bpm: 120 });
  }
  const timeSignature: TimeSignature = part.measures[0]?.time ?? { numerator: 4, denominator: 4 };
  const changes = part.measures.slice(1).filter((m) => m.time && (m.time.numerator !== timeSignature.numerator || m.time.denominator !== timeSignature.denominator));
  if (changes.length > 0) warnings.push(`${file}: time signature changes in measure ${changes.map((m) => m.number).join(', ')}; note timing follows them, the score keeps ${timeSignature.numerator}/${timeSignature.denominator} as its signature`);
  const jumps = [...new Set(part.measures.flatMap((m) => m.jumps))];
  if (jumps.length > 0) warnings.push(`${file}: ${jumps.map((j) => ({ dacapo: 'D.C.', dalsegno: 'D.S.', fine: 'Fine', tocoda: 'To Coda' })[j] ?? j).join(', ')} not followed; the measures are sung as written (repeat barlines are followed)`);

  const notes = collectNotes(part, partIndex, voice, order, starts, options, file, warnings);
  if (notes.length === 0) throw new ScoreError(file, `${label} voice ${voice} has no notes to sing`);
  for (const issue of issues) warnings.push(`${file}:${issue.line}: ${issue.message}`);
  return finishScore({ format: 'musicxml', resolution: MUSICXML_RESOLUTION, tempo, timeSignature, notes, warnings: [...new Set(warnings)] }, file);
}

function hasLyrics(p: PartInfo): boolean {
  return p.measures.some((m) => m.notes.some((n) => n.lyrics.size > 0));
}

function choosePart(parts: PartInfo[], options: ScoreImportOptions, file: string): number {
  if (options.part !== undefined) {
    const want = options.part.trim().toLowerCase();
    const i = parts.findIndex((p) => p.id.toLowerCase() === want || p.name.trim().toLowerCase() === want);
    if (i < 0) throw new ScoreError(file, `no part "${options.part}" (parts: ${parts.map((p) => (p.name ? `${p.id} "${p.name}"` : p.id)).join(', ')})`);
    return i;
  }
  const withLyrics = parts.findIndex(hasLyrics);
  if (withLyrics >= 0) return withLyrics;
  const withNotes = parts.findIndex((p) => p.measures.some((m) => m.notes.some((n) => n.pitch !== undefined)));
  return withNotes >= 0 ? withNotes : 0;
}

function chooseVoice(part: PartInfo, options: ScoreImportOptions, file: string, label: string, warnings: string[]): string {
  const lyricCount = new Map<string, number>();
  const noteCount = new Map<string, number>();
  for (const m of part.measures) {
    for (const n of m.notes) {
      if (n.pitch === undefined) continue;
      noteCount.set(n.voice, (noteCount.get(n.voice) ?? 0) + 1);
      if (n.lyrics.size > 0) lyricCount.set(n.voice, (lyricCount.get(n.voice) ?? 0) + 1);
    }
  }
  const voices = [...noteCount.keys()].sort((a, b) => Number(a) - Number(b) || a.localeCompare(b));
  if (options.voice !== undefined) {
    if (!noteCount.has(options.voice)) throw new ScoreError(file, `${label} has no voice "${options.voice}" (voices: ${voices.join(', ') || 'none'})`);
    return options.voice;
  }
  const byLyrics = [...lyricCount.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  const chosen = byLyrics ?? voices[0] ?? '1';
  if (voices.length > 1) warnings.push(`${file}: ${label} has voices ${voices.join(', ')}; singing voice ${chosen}`);
  return chosen;
}

function collectTempo(parts: PartInfo[], order: { index: number }[], starts: number[]): TempoPoint[] {
  const events: TempoPoint[] = [];
  order.forEach((played, k) => {
    for (const p of parts) for (const t of p.measures[played.index]?.tempos ?? []) events.push({ tick: Math.round(starts[k]! + t.offset), bpm: t.bpm });
  });
  events.sort((a, b) => a.tick - b.tick);
  const tempo: TempoPoint[] = [];
  for (const e of events) {
    const last = tempo[tempo.length - 1];
    if (last && last.tick === e.tick) last.bpm = e.bpm;
    else if (!last || last.bpm !== e.bpm) tempo.push({ ...e });
  }
  if (tempo.length > 0 && tempo[0]!.tick !== 0) tempo.unshift({ tick: 0, bpm: tempo[0]!.bpm });
  return tempo;
}

/** The lyric this note sings on this pass: the chosen verse, or verse n on pass n, else the first verse. */
function pickLyric(note: MxNote, pass: number, options: ScoreImportOptions, firstVerse: string | undefined) {
  if (options.verse !== undefined) return note.lyrics.get(options.verse);
  return note.lyrics.get(String(pass)) ?? (firstVerse !== undefined ? note.lyrics.get(firstVerse) : undefined);
}

function collectNotes(
  part: PartInfo,
  partIndex: number,
  voice: string,
  order: { index: number; pass: number }[],
  starts: number[],
  options: ScoreImportOptions,
  file: string,
  warnings: string[],
): ScoreNote[] {
  const verses = new Set<string>();
  for (const m of part.measures) for (const n of m.notes) if (n.voice === voice) for (const v of n.lyrics.keys()) verses.add(v);
  const sortedVerses = [...verses].sort((a, b) => Number(a) - Number(b) || a.localeCompare(b));
  if (options.verse !== undefined && !verses.has(options.verse)) {
    throw new ScoreError(file, `no verse "${options.verse}" in the sung part (verses: ${sortedVerses.join(', ') || 'none'})`);
  }
  const firstVerse = sortedVerses[0];
  const used = new Set<string>();
  const out: (ScoreNote & { end: number; tieOpen: boolean })[] = [];
  // Counted per written note (a repeat plays a note twice but it is one finding).
  const graces = new Set<number>();
  const chords = new Set<number>();
  const microtones = new Set<number>();
  const bare = new Set<number>();
  let extendOpen = false;
  order.forEach((played, k) => {
    for (const n of part.measures[played.index]!.notes) {
      if (n.voice !== voice) continue;
      if (n.grace || n.cue) {
        if (n.pitch !== undefined) graces.add(n.line);
        continue;
      }
      if (n.chord) {
        chords.add(n.line);
        continue;
      }
      const start = starts[k]! + n.offset;
      if (n.pitch === undefined) {
        extendOpen = false; // a rest ends any melisma
        continue;
      }
      if (n.microtone) microtones.add(n.line);
      const lyric = pickLyric(n, played.pass, options, firstVerse);
      const sung = lyric && lyric.text !== '' ? lyric : undefined;
      const prev = out[out.length - 1];
      if (n.tieStop && !sung && prev && prev.tieOpen && prev.pitch === n.pitch && Math.abs(prev.end - start) < 0.5) {
        prev.end = start + n.duration;
        prev.tieOpen = n.tieStart;
        continue;
      }
      if (n.duration <= 0) continue;
      let text: string;
      if (sung) {
        used.add(options.verse ?? (n.lyrics.get(String(played.pass)) === lyric ? String(played.pass) : firstVerse!));
        const joins = (sung.syllabic === 'begin' || sung.syllabic === 'middle') && !KANA_OR_CJK.test(sung.text) && !sung.text.endsWith('-');
        text = joins ? `${sung.text}-` : sung.text;
        extendOpen = sung.extend;
      } else {
        // Melisma: a note without its own syllable holds the one before.
        if (!extendOpen && !n.slurred && !(lyric?.extend ?? false) && out.length > 0) bare.add(n.line);
        text = out.length > 0 && verses.size > 0 ? '+' : 'a';
      }
      out.push({ tick: start, durationTicks: 0, end: start + n.duration, pitch: n.pitch, lyric: text, tieOpen: n.tieStart, source: { line: n.line, index: out.length, part: partIndex } });
    }
  });
  const count = (set: Set<number>, what: string) => `${set.size} ${what}${set.size === 1 ? '' : 's'} (line ${[...set].slice(0, 5).join(', ')}${set.size > 5 ? ', ...' : ''})`;
  if (graces.size > 0) warnings.push(`${file}: ${count(graces, 'grace note')} dropped: a grace note has no time of its own`);
  if (chords.size > 0) warnings.push(`${file}: ${count(chords, 'chord note')} in the sung voice dropped; the first note of each chord is sung`);
  if (microtones.size > 0) warnings.push(`${file}: ${count(microtones, 'microtonal note')} rounded to the nearest semitone`);
  if (bare.size > 0 && verses.size > 0) warnings.push(`${file}: ${count(bare, 'note')} without a syllable, extend line or slur sung as continuations of the syllable before`);
  if (verses.size === 0) warnings.push(`${file}: the sung part has no lyrics; every note sings "a"`);
  const unsung = sortedVerses.filter((v) => !used.has(v));
  if (unsung.length > 0 && used.size > 0) warnings.push(`${file}: verse ${unsung.join(', ')} not sung (choose one with the verse option)`);
  return out.map(({ end, tieOpen: _t, ...note }) => {
    const tick = Math.round(note.tick);
    return { ...note, tick, durationTicks: Math.round(end) - tick };
  });
}

