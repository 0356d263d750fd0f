// Loads a show folder and checks everything a show needs before it may start: JSON syntax,
// the schema (strict keys), and the cross-file facts (songs exist, files exist, cues fit inside
// their song, exclusive cues don't overlap). Returns every finding at once, never throws for bad input.

import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, extname, join, relative, resolve, sep } from 'node:path';
import { FileReport, readJson, type LoadedJson } from './load-json.ts';
import { MAX_SONG_SECONDS, parseMusicalTime, showSchema, type CueTimeValue, type ShowFile, type SongFile } from './schema.ts';
import { songCheck } from './song-check.ts';
import { TICKS_PER_QUARTER, TempoMap, type TimeSignature } from './tempo.ts';
import { readScoreFile, SCORE_EXTENSIONS, ScoreError, type Score } from './score/index.ts';
import { tidyErrors, type ValidationError } from './errors.ts';
import { checkVoiceBank } from '../../vocal/voicebank/validate.ts';
import type { VoiceBank } from '../../vocal/voicebank/bank.ts';
import { vmdProblem } from './motion/vmd.ts';

export const SHOW_FILE_NAME = 'show.json';
export const SUPPORTED_SCORE_EXTENSIONS: readonly string[] = SCORE_EXTENSIONS;

export type { LoadedJson } from './load-json.ts';

export interface LoadedSong extends LoadedJson<SongFile> {
  score: Score;
  scoreFile: string;
  tempo: TempoMap;
  /** Song length in seconds. */
  duration: number;
  /** Each cue's time in song seconds, by track, in file order (computed once, during validation). */
  cueTimes: CueTimes;
  /** The song's UTAU voicebank, opened and checked (`voice.bank`). */
  voiceBank?: VoiceBank;
}

export interface CueTimes {
  motion: number[];
  camera: number[];
  lighting: number[];
  effects: number[];
}

export interface LoadedShow extends LoadedJson<ShowFile> {
  dir: string;
  songs: Map<string, LoadedSong>;
}

export interface LoadResult {
  show?: LoadedShow;
  errors: ValidationError[];
  warnings: string[];
  /** With leaveOutBrokenSongs: the songs taken off the setlist, each with what is wrong with it. */
  leftOut: LeftOutSong[];
}

/** A song file that failed and was left out of the show, with its errors. */
export interface LeftOutSong {
  file: string;
  id?: string;
  errors: ValidationError[];
}

export interface LoadOptions {
  /** Leave a song that fails out of the setlist instead of failing the show (the server's choice). */
  leaveOutBrokenSongs?: boolean;
}

function toPosix(p: string): string {
  return p.split(sep).join('/');
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

function parseTimeSignature(s: string | undefined): TimeSignature | undefined {
  if (!s) return undefined;
  const [n, d] = s.split('/').map(Number);
  return { numerator: n!, denominator: d! };
}

/** Converts a cue time to song seconds, or explains why it can't be. */
export function cueSeconds(at: CueTimeValue, tempo: TempoMap): number | string {
  if (typeof at === 'number') return at;
  const m = parseMusicalTime(at)!;
  const { numerator } = tempo.timeSignature;
  if (m.bar < 1) return `bar numbers start at 1, got "${at}"`;
  if (m.beat < 1 || m.beat > numerator) return `beat must be 1-${numerator} in ${numerator}/${tempo.timeSignature.denominator}, got "${at}"`;
  if (m.tick >= tempo.ticksPerBeat) return `tick must be 0-${tempo.ticksPerBeat - 1} (${TICKS_PER_QUARTER} per quarter note), got "${at}"`;
  return tempo.secondsAt(tempo.barBeatToTick(m.bar, m.beat, m.tick));
}

function songTempo(song: SongFile, score: Score, report: FileReport): TempoMap {
  const timeSignature = parseTimeSignature(song.timeSignature) ?? score.timeSignature;
  if (song.tempo === undefined) {
    const scale = TICKS_PER_QUARTER / score.resolution;
    return new TempoMap(score.tempo.map((p) => ({ tick: p.tick * scale, bpm: p.bpm })), TICKS_PER_QUARTER, timeSignature);
  }
  if (typeof song.tempo === 'number') return TempoMap.constant(song.tempo, TICKS_PER_QUARTER, timeSignature);
  // Bar:beat positions need the time signature only, not the tempo, so place them with a unit map.
  const grid = TempoMap.constant(120, TICKS_PER_QUARTER, timeSignature);
  const points = song.tempo.map((change, i) => {
    const m = parseMusicalTime(change.at)!;
    if (i === 0 && (m.bar !== 1 || m.beat !== 1 || m.tick !== 0)) report.error(['tempo', 0, 'at'], `the first tempo must be at "1:1", got "${change.at}"`);
    if (m.beat < 1 || m.beat > timeSignature.numerator) report.error(['tempo', i, 'at'], `beat must be 1-${timeSignature.numerator}, got "${change.at}"`);
    return { tick: grid.barBeatToTick(m.bar, m.beat, m.tick), bpm: change.bpm };
  });
  for (let i = 1; i < points.length; i++) {
    if (points[i]!.tick <= points[i - 1]!.tick) report.error(['tempo', i, 'at'], `tempo changes must be in order, "${song.tempo[i]!.at}" is not after "${song.tempo[i - 1]!.at}"`);
  }
  return new TempoMap(points, TICKS_PER_QUARTER, timeSignature);
}

async function loadSong(
  show: LoadedJson<ShowFile>,
  index: number,
  showDir: string,
  errors: ValidationError[],
  warnings: string[],
  onRawId: (id: string | undefined, known?: boolean) => void,
): Promise<LoadedSong | undefined> {
  const relPath = show.data.songs[index]!;
  const abs = resolve(showDir, relPath);
  const rel = toPosix(relative(showDir, abs));
  if (!(await isFile(abs))) {
    new FileReport(show.file, show.positions, errors).error(['songs', index], `song file "${relPath}" not found`);
    return undefined;
  }
  const loaded = await readJson(abs, rel, songCheck, errors, (raw) => {
    const id = (raw as { id?: unknown } | null)?.id;
    onRawId(typeof id === 'string' ? id : undefined);
  });
  // Unreadable JSON: the file name is the best guess of its id, so the setlist doesn't also complain.
  if (!loaded) {
    onRawId(basename(relPath, extname(relPath)), false);
    return undefined;
  }
  const song = loaded.data;
  const report = new FileReport(rel, loaded.positions, errors);
  const songDir = dirname(abs);
  const relToShow = (p: string) => toPosix(relative(showDir, resolve(songDir, p)));

  // The score: format first, then existence, then content.
  const scoreAbs = resolve(songDir, song.score);
  const ext = extname(song.score).toLowerCase();
  if (!SUPPORTED_SCORE_EXTENSIONS.includes(ext)) {
    report.error(['score'], `unsupported score format "${ext || song.score}" (supported: ${SUPPORTED_SCORE_EXTENSIONS.join(', ')})`);
    return undefined;
  }
  if (!(await isFile(scoreAbs))) {
    report.error(['score'], `score file "${song.score}" not found`);
    return undefined;
  }
  let score: Score;
  try {
    score = await readScoreFile(scoreAbs);
  } catch (err) {
    // An importer that trips over damage it did not foresee still names the file, never throws past here.
    if (err instanceof ScoreError) errors.push({ file: relToShow(song.score), path: '', line: err.line ?? 1, column: 1, message: err.detail });
    else errors.push({ file: relToShow(song.score), path: '', line: 1, column: 1, message: `not a readable score: ${err instanceof Error ? err.message : String(err)}` });
    return undefined;
  }
  for (const w of score.warnings) warnings.push(`${relToShow(song.score)}: ${w}`);

  if (song.audio && !(await isFile(resolve(songDir, song.audio.file)))) report.error(['audio', 'file'], `audio file "${song.audio.file}" not found`);
  if (song.avatar && !(await isFile(resolve(songDir, song.avatar)))) report.error(['avatar'], `avatar file "${song.avatar}" not found`);
  const voiceBank = song.voice?.bank ? checkVoiceBank(resolve(songDir, song.voice.bank), song.voice.bank, relToShow, report, errors) : undefined;

  const tempo = songTempo(song, score, report);
  const scoreFile = relToShow(song.score);
  const scale = TICKS_PER_QUARTER / score.resolution;
  // Every note inside the hour a song may last: a note 1e11 ticks long would make the vocal
  // renderer ask for a buffer no process can hold.
  let lastTick = 0;
  for (const [i, n] of score.notes.entries()) {
    const end = (n.tick + n.durationTicks) * scale;
    const bad = !Number.isFinite(end) || n.tick < 0 || n.durationTicks < 0 ? 'has no sensible position or length' : tempo.secondsAt(end) > MAX_SONG_SECONDS ? `ends after ${MAX_SONG_SECONDS} s (a song lasts at most an hour)` : null;
    if (bad) {
      errors.push({ file: scoreFile, path: `notes[${n.source?.index ?? i}]`, line: n.source?.line ?? 1, column: 1, message: `note ${i + 1} (tick ${n.tick}, length ${n.durationTicks}) ${bad}` });
      return undefined;
    }
    if (end > lastTick) lastTick = end;
  }
  let duration = tempo.secondsAt(Math.ceil(lastTick / tempo.ticksPerBar) * tempo.ticksPerBar);
  if (song.end !== undefined) {
    const end = cueSeconds(song.end, tempo);
    if (typeof end === 'string') report.error(['end'], end);
    else if (end > MAX_SONG_SECONDS) report.error(['end'], `the song would end at ${Math.round(end)} s; a song lasts at most ${MAX_SONG_SECONDS} s`);
    else {
      if (end <= 0) report.error(['end'], 'the song must end after it starts');
      duration = end;
    }
  }
  if (duration > MAX_SONG_SECONDS) {
    report.error(['score'], `the song runs to ${Math.round(duration)} s; a song lasts at most ${MAX_SONG_SECONDS} s`);
    return undefined;
  }
  if (duration <= 0) report.error(['score'], 'the score has no notes and the song has no "end"');

  const cueTimes = await checkCues(song, tempo, duration, report, songDir);
  return { ...loaded, score, scoreFile: relToShow(song.score), tempo, duration, cueTimes, ...(voiceBank ? { voiceBank } : {}) };
}

async function checkCues(song: SongFile, tempo: TempoMap, duration: number, report: FileReport, songDir: string): Promise<CueTimes> {
  const cues = song.cues ?? {};
  const times: CueTimes = { motion: [], camera: [], lighting: [], effects: [] };
  const fmt = (s: number) => `${s.toFixed(3).replace(/\.?0+$/, '')} s`;
  // Start and end of each cue of an exclusive track, for the overlap check.
  const checkTrack = (track: 'motion' | 'camera' | 'lighting' | 'effects', list: { at: CueTimeValue }[] | undefined, span: (cue: never, at: number) => number | undefined) => {
    if (!list) return;
    const placed: { i: number; at: number; end: number | undefined; group: string }[] = [];
    const trackTimes = times[track];
    list.forEach((cue, i) => {
      const at = cueSeconds(cue.at, tempo);
      if (typeof at === 'string') return report.error(['cues', track, i, 'at'], at);
      trackTimes[i] = at;
      if (at > duration + 1e-9) return report.error(['cues', track, i, 'at'], `cue at ${fmt(at)} is after the song's end (${fmt(duration)})`);
      const len = span(cue as never, at);
      const group = track === 'effects' ? (cue as unknown as { effect: string }).effect : track;
      placed.push({ i, at, end: len === undefined ? undefined : at + len, group });
    });
    if (track === 'lighting') return;
    const byGroup = new Map<string, typeof placed>();
    for (const p of placed) {
      const group = byGroup.get(p.group);
      if (group) group.push(p);
      else byGroup.set(p.group, [p]);
    }
    for (const [group, items] of byGroup) {
      const sorted = [...items].sort((a, b) => a.at - b.at || a.i - b.i);
      for (let k = 1; k < sorted.length; k++) {
        const prev = sorted[k - 1]!;
        const cur = sorted[k]!;
        const what = track === 'effects' ? `"${group}" effect` : `${track} cue`;
        if (cur.at === prev.at) report.error(['cues', track, cur.i, 'at'], `${what} at the same time as cues.${track}[${prev.i}] (${fmt(cur.at)})`);
        else if (prev.end !== undefined && prev.end > cur.at + 1e-9)
          report.error(['cues', track, cur.i, 'at'], `overlaps cues.${track}[${prev.i}], which runs until ${fmt(prev.end)}`);
      }
    }
  };
  checkTrack('motion', cues.motion, (c: { duration?: number }) => c.duration);
  checkTrack('camera', cues.camera, (c: { move?: number }) => c.move);
  checkTrack('lighting', cues.lighting, () => undefined);
  checkTrack('effects', cues.effects, (c: { duration: number }) => c.duration);
  for (const [i, cue] of (cues.motion ?? []).entries()) {
    if (/\.(vrma|bvh|vmd)$/i.test(cue.clip) && !(await isFile(resolve(songDir, cue.clip)))) report.error(['cues', 'motion', i, 'clip'], `motion file "${cue.clip}" not found`);
    else if (/\.vmd$/i.test(cue.clip)) {
      const problem = vmdProblem(await readFile(resolve(songDir, cue.clip)), cue.clip);
      if (problem) report.error(['cues', 'motion', i, 'clip'], problem);
    }
  }
  return times;
}

/** Loads `show.json` from a folder (or the given file) and every song it names. */
export async function loadShow(dirOrFile: string, options: LoadOptions = {}): Promise<LoadResult> {
  const errors: ValidationError[] = [];
  const warnings: string[] = [];
  let showPath = resolve(dirOrFile);
  if (!(await isFile(showPath))) showPath = join(showPath, SHOW_FILE_NAME);
  const dir = dirname(showPath);
  const rel = toPosix(relative(dir, showPath));
  if (!(await isFile(showPath))) {
    errors.push({ file: rel, path: '', line: 1, column: 1, message: `no ${SHOW_FILE_NAME} in ${dirOrFile}` });
    return { errors, warnings, leftOut: [] };
  }
  const show = await readJson(showPath, rel, showSchema, errors);
  if (!show) return { errors: dedupe(errors), warnings, leftOut: [] };
  const report = new FileReport(rel, show.positions, errors);

  const outputIds = new Map<string, number>();
  show.data.outputs.forEach((o, i) => {
    const first = outputIds.get(o.id);
    if (first !== undefined) report.error(['outputs', i, 'id'], `duplicate output id "${o.id}" (also outputs[${first}])`);
    else outputIds.set(o.id, i);
  });
  if (show.data.avatar && !(await isFile(resolve(dir, show.data.avatar)))) report.error(['avatar'], `avatar file "${show.data.avatar}" not found`);

  // Each song's findings are kept apart, so a server can leave out just the songs that fail.
  const songErrors: ValidationError[][] = show.data.songs.map(() => []);
  const rawSongIds: (string | undefined)[] = [];
  // A file listed twice is reported once, and read once.
  const firstListing = new Map<string, number>();
  const loadedSongs = await Promise.all(show.data.songs.map((p, i) => {
    const abs = resolve(dir, p);
    const first = firstListing.get(abs);
    if (first !== undefined) {
      report.error(['songs', i], `song file "${p}" is listed twice (also songs[${first}])`);
      return undefined;
    }
    firstListing.set(abs, i);
    return loadSong(show, i, dir, songErrors[i]!, warnings, (id, known = true) => {
      if (known || rawSongIds[i] === undefined) rawSongIds[i] = id;
    });
  }));
  const songs = new Map<string, LoadedSong>();
  const songFileIndex = new Map<string, number>();
  loadedSongs.forEach((song, i) => {
    if (!song) return;
    const seen = songFileIndex.get(song.data.id);
    if (seen !== undefined) {
      new FileReport(song.file, song.positions, songErrors[i]!).error(['id'], `duplicate song id "${song.data.id}" (also in ${show.data.songs[seen]})`);
      return;
    }
    songFileIndex.set(song.data.id, i);
    songs.set(song.data.id, song);
  });
  const leftOut: LeftOutSong[] = [];
  const broken = new Set<number>(songErrors.flatMap((list, i) => (list.length ? [i] : [])));
  for (const i of broken) {
    const id = loadedSongs[i]?.data.id ?? rawSongIds[i];
    if (id !== undefined && songFileIndex.get(id) === i) songs.delete(id);
    if (options.leaveOutBrokenSongs) leftOut.push({ file: loadedSongs[i]?.file ?? toPosix(show.data.songs[i]!), ...(id !== undefined ? { id } : {}), errors: dedupe(songErrors[i]!) });
    else errors.push(...songErrors[i]!);
  }

  // The setlist: known songs, sensible transitions, encores at the end. A song file that failed to
  // load still lends its id (if it has one), so its entries don't also read as "unknown song".
  const brokenIds = new Set<string>();
  for (const i of broken) {
    const id = loadedSongs[i]?.data.id ?? rawSongIds[i];
    if (id !== undefined && !songs.has(id)) brokenIds.add(id);
  }
  checkSetlist(show.data, songs, brokenIds, report, warnings);

  if (errors.length) return { errors: dedupe(errors), warnings: [...new Set(warnings)], leftOut };
  const loaded: LoadedShow = { ...show, dir, songs };
  if (brokenIds.size === 0) return { show: loaded, errors, warnings, leftOut };
  const remaining = withoutSongs(loaded, brokenIds);
  if (!remaining) {
    const all = leftOut.flatMap((l) => l.errors);
    return { errors: dedupe([{ file: rel, path: 'setlist', line: 1, column: 1, message: 'every song on the setlist failed to load' }, ...all]), warnings, leftOut };
  }
  return { show: remaining, errors, warnings: [...new Set(warnings)], leftOut };
}

function checkSetlist(data: ShowFile, songs: Map<string, LoadedSong>, brokenIds: Set<string>, report: FileReport, warnings: string[]): void {
  let sawEncore = false;
  const used = new Set<string>();
  data.setlist.forEach((entry, i) => {
    if (entry.type === 'song') {
      used.add(entry.song);
      if (!songs.has(entry.song) && !brokenIds.has(entry.song)) {
        const known = [...songs.keys(), ...brokenIds].sort().join(', ');
        report.error(['setlist', i, 'song'], `unknown song "${entry.song}" (known: ${known || 'none'})`);
      }
    }
    if (entry.encore) sawEncore = true;
    else if (sawEncore) report.error(['setlist', i, 'encore'], 'encore entries must come last: this entry follows an encore but is not marked "encore": true');
    if (entry.transition?.type === 'crossfade') {
      const prev = data.setlist[i - 1];
      const own = entryDuration(entry, songs);
      const prevLen = prev ? entryDuration(prev, songs) : undefined;
      const s = entry.transition.seconds;
      if (i === 0) report.error(['setlist', i, 'transition'], 'the first entry cannot crossfade from nothing; use "cut"');
      else if ((own !== undefined && s >= own) || (prevLen !== undefined && s >= prevLen))
        report.error(['setlist', i, 'transition', 'seconds'], `a ${s} s crossfade is longer than the entries it joins`);
    }
  });
  for (const [id, song] of songs) if (!used.has(id)) warnings.push(`${song.file}: song "${id}" is not on the setlist`);
}

/**
 * The show without the given songs: their setlist entries go, and an entry that now follows
 * something else comes in with a cut. Null when no song entry is left.
 */
export function withoutSongs(show: LoadedShow, ids: Set<string>): LoadedShow | null {
  const songs = new Map([...show.songs].filter(([id]) => !ids.has(id)));
  const setlist: ShowFile['setlist'] = [];
  let dropped = false;
  for (const entry of show.data.setlist) {
    if (entry.type === 'song' && ids.has(entry.song)) {
      dropped = true;
      continue;
    }
    setlist.push(dropped || setlist.length === 0 ? { ...entry, transition: { type: 'cut' } } : entry);
    dropped = false;
  }
  if (!setlist.some((e) => e.type === 'song')) return null;
  return { ...show, data: { ...show.data, setlist }, songs };
}

/** Two songs sharing a broken score would report it twice. */
function dedupe(errors: ValidationError[]): ValidationError[] {
  const seen = new Set<string>();
  return tidyErrors(errors).filter((e) => {
    const key = `${e.file}\0${e.line}\0${e.column}\0${e.path}\0${e.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function entryDuration(entry: ShowFile['setlist'][number], songs: Map<string, LoadedSong>): number | undefined {
  return entry.type === 'song' ? songs.get(entry.song)?.duration : entry.duration;
}
