// The song library of a show folder: every song file that show.json lists, each validated and
// compiled on its own so one broken song never hides the others, plus adding a song from an
// uploaded score. The show's own loader and compiler do the checking; this file only arranges the
// files so that they can (a small candidate show beside the real one) and maps the answers back.

import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join, relative, resolve } from 'node:path';
import { compileShowFolder } from '../../../show-files/src/compile.ts';
import type { ValidationError } from '../../../show-files/src/errors.ts';
import type { SongInfo } from '../../../show-files/src/timeline.ts';
import { writeFileAtomic } from '../atomic.ts';
import type { LibrarySong, LibraryVoice } from '../../../protocol/index.ts';
import { readBankCard } from '../../../vocal/voicebank/node.ts';
import { VoiceBankError } from '../../../vocal/voicebank/errors.ts';

/** The upload form: the score bytes plus what the song file needs. */
export interface SongUpload {
  fileName: string;
  score: Uint8Array;
  id?: string;
  title: string;
  credits: Partial<Record<'composer' | 'lyricist' | 'arranger' | 'tuning' | 'illustrator', string>>;
  license: { name: string; url?: string };
  tags?: string[];
  key?: string;
  bpm?: number;
}

/** An upload finding, placed on the form: a form field, or a line of the score file. */
export interface UploadError extends ValidationError {
  /** The form field this error belongs to ("score" for the score file itself). */
  field: string;
}

export type UploadResult = { ok: true; song: LibrarySong } | { ok: false; errors: UploadError[] };

export const UPLOAD_EXTENSIONS = ['.ust', '.ustx', '.mid', '.midi', '.musicxml', '.xml', '.mxl', '.vsqx', '.vpr'] as const;

interface CacheEntry {
  stamp: string;
  song: LibrarySong;
  compiled: SongInfo | null;
}

/** A show-folder-relative path with / separators. */
function rel(showDir: string, abs: string): string {
  return relative(showDir, abs).split('\\').join('/');
}

/** Turns a title into a song id: lowercase letters, digits and dashes. */
export function slugify(title: string): string {
  const slug = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48);
  return slug || `song-${randomBytes(3).toString('hex')}`;
}

function readJsonFile(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
}

/** The mtime of a file, or 0 when it is missing: part of the cache key. */
function mtime(file: string): number {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

export class SongLibrary {
  private readonly cache = new Map<string, CacheEntry>();
  private candidateSeq = 0;

  constructor(readonly showDir: string) {}

  /** Song files listed in show.json, relative to the show folder. */
  songFiles(): string[] {
    const show = readJsonFile(join(this.showDir, 'show.json'));
    return Array.isArray(show.songs) ? show.songs.filter((s): s is string => typeof s === 'string') : [];
  }

  /** Every library song, validated (cached until the song or its score changes on disk). */
  async list(): Promise<LibrarySong[]> {
    const out: LibrarySong[] = [];
    for (const file of this.songFiles()) out.push((await this.entry(file)).song);
    return out;
  }

  /** One song compiled on its own, starting at show time 0 (for the timeline and the vocal). */
  async compiled(id: string): Promise<{ song: LibrarySong; compiled: SongInfo | null } | null> {
    for (const file of this.songFiles()) {
      const e = await this.entry(file);
      if (e.song.id === id) return e;
    }
    return null;
  }

  private async entry(file: string): Promise<CacheEntry> {
    const abs = resolve(this.showDir, file);
    let raw: Record<string, unknown> | null = null;
    try {
      raw = readJsonFile(abs);
    } catch {
      raw = null;
    }
    const scoreRel = typeof raw?.score === 'string' ? raw.score : null;
    const scoreAbs = scoreRel ? resolve(dirname(abs), scoreRel) : null;
    const stamp = `${mtime(abs)}:${scoreAbs ? mtime(scoreAbs) : 0}`;
    const cached = this.cache.get(file);
    // The voice is read every time: a bank's terms may change without the song changing.
    const voice = songVoice(this.showDir, abs, raw);
    if (cached && cached.stamp === stamp) {
      cached.song.voice = voice;
      return cached;
    }

    const id = typeof raw?.id === 'string' ? raw.id : basename(file, extname(file));
    const result = await this.compileAlone(file, id);
    const song = describe(file, id, raw, result.compiled, result.errors, result.warnings, scoreAbs ? rel(this.showDir, scoreAbs) : null, voice);
    const entry = { stamp, song, compiled: result.compiled };
    this.cache.set(file, entry);
    return entry;
  }

  /** Compile one song through a candidate show written beside show.json, so its paths resolve. */
  private async compileAlone(file: string, id: string): Promise<{ compiled: SongInfo | null; errors: ValidationError[]; warnings: string[] }> {
    const candidate = join(this.showDir, `.desk-song-${process.pid}-${++this.candidateSeq}.json`);
    const show = { title: 'library check', outputs: [{ id: 'check', kind: 'preview' }], songs: [file], setlist: [{ type: 'song', song: id }] };
    writeFileSync(candidate, JSON.stringify(show));
    try {
      const r = await compileShowFolder(candidate);
      const name = basename(candidate);
      if (r.ok) return { compiled: r.timeline.songs[0] ?? null, errors: [], warnings: r.warnings };
      // Findings about the candidate itself are the song file's (an id it lacks, a file missing).
      return { compiled: null, errors: r.errors.map((e) => (e.file === name ? { ...e, file, path: '', line: 1, column: 1 } : e)), warnings: r.warnings };
    } finally {
      rmSync(candidate, { force: true });
    }
  }

  /**
   * Add a song from an uploaded score: build its song file, validate score and song together in a
   * scratch show folder, and only when both are clean move them into the show and list the song
   * in show.json (written atomically).
   */
  async add(upload: SongUpload): Promise<UploadResult> {
    const formErrors: UploadError[] = [];
    const fieldError = (field: string, message: string): void => {
      formErrors.push({ field, file: '', path: field, line: 0, column: 0, message });
    };
    const ext = extname(upload.fileName).toLowerCase();
    if (!(UPLOAD_EXTENSIONS as readonly string[]).includes(ext)) fieldError('score', `"${upload.fileName}" is not a score this desk takes (use ${UPLOAD_EXTENSIONS.join(', ')})`);
    if (upload.score.length === 0) fieldError('score', 'the score file is empty');
    if (!upload.title.trim()) fieldError('title', 'a song needs a title');
    if (!upload.credits.composer?.trim()) fieldError('composer', 'credit the composer (the fan who wrote the song)');
    if (!upload.license.name.trim()) fieldError('license', 'name the licence the creators gave (e.g. CC BY 4.0)');
    const id = upload.id?.trim() || slugify(upload.title);
    if (!/^[a-z0-9][a-z0-9-]*$/.test(id)) fieldError('id', `expected an id of lowercase letters, digits and dashes, got "${id}"`);
    const existing = await this.list();
    if (existing.some((s) => s.id === id)) fieldError('id', `the library already has a song "${id}"; pick another id`);
    if (formErrors.length) return { ok: false, errors: formErrors };

    const scoreName = `${id}${ext}`;
    const songJson = buildSongFile(id, upload, `../scores/${scoreName}`);
    const songText = `${JSON.stringify(songJson, null, 2)}\n`;

    // Scratch show: the same songs/ + scores/ layout as the real one, so the relative score path holds.
    const scratch = join(this.showDir, `.desk-upload-${process.pid}-${randomBytes(4).toString('hex')}`);
    mkdirSync(join(scratch, 'songs'), { recursive: true });
    mkdirSync(join(scratch, 'scores'), { recursive: true });
    try {
      writeFileSync(join(scratch, 'scores', scoreName), upload.score);
      writeFileSync(join(scratch, 'songs', `${id}.json`), songText);
      writeFileSync(
        join(scratch, 'show.json'),
        JSON.stringify({ title: 'upload check', outputs: [{ id: 'check', kind: 'preview' }], songs: [`songs/${id}.json`], setlist: [{ type: 'song', song: id }] }),
      );
      const r = await compileShowFolder(scratch);
      if (!r.ok) return { ok: false, errors: r.errors.map((e) => placeError(e, upload.fileName, scoreName)) };
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }

    // Clean: score first, then the song file, then the listing — a crash in between leaves at
    // worst an unlisted file, never a listed song without its score.
    const scoresDir = join(this.showDir, 'scores');
    const songsDir = join(this.showDir, 'songs');
    mkdirSync(scoresDir, { recursive: true });
    mkdirSync(songsDir, { recursive: true });
    const scoreAbs = join(scoresDir, scoreName);
    const songAbs = join(songsDir, `${id}.json`);
    if (existsSync(songAbs) || existsSync(scoreAbs)) return { ok: false, errors: [{ field: 'id', file: '', path: 'id', line: 0, column: 0, message: `songs/${id}.json or scores/${scoreName} already exists in the show folder; pick another id` }] };
    writeFileAtomic(scoreAbs, upload.score);
    writeFileAtomic(songAbs, songText);
    const showFile = join(this.showDir, 'show.json');
    const show = readJsonFile(showFile);
    const songs = Array.isArray(show.songs) ? (show.songs as unknown[]) : [];
    show.songs = [...songs, `songs/${id}.json`];
    writeFileAtomic(showFile, `${JSON.stringify(show, null, 2)}\n`);

    const added = await this.compiled(id);
    if (!added) throw new Error(`song "${id}" was written but is not in the library`);
    return { ok: true, song: added.song };
  }
}

/** The song file for an upload (tempo and length come from the score unless given). */
export function buildSongFile(id: string, upload: SongUpload, scorePath: string): Record<string, unknown> {
  const credits: Record<string, string> = {};
  for (const role of ['composer', 'lyricist', 'arranger', 'tuning', 'illustrator'] as const) {
    const name = upload.credits[role]?.trim();
    if (name) credits[role] = name;
  }
  const license: Record<string, string> = { name: upload.license.name.trim() };
  if (upload.license.url?.trim()) license.url = upload.license.url.trim();
  const song: Record<string, unknown> = { id, title: upload.title.trim(), credits, license };
  const tags = (upload.tags ?? []).map((t) => t.trim()).filter(Boolean);
  if (tags.length) song.tags = tags;
  if (upload.key?.trim()) song.key = upload.key.trim();
  if (upload.bpm !== undefined && Number.isFinite(upload.bpm)) song.tempo = upload.bpm;
  song.score = scorePath;
  song.cues = { motion: [{ at: 0, clip: 'idle' }], camera: [{ at: 0, shot: 'wide' }] };
  return song;
}

/** Where an upload finding belongs on the form: score lines go to the score, song fields to their inputs. */
function placeError(e: ValidationError, uploadedName: string, scoreName: string): UploadError {
  if (e.file.endsWith(`scores/${scoreName}`)) return { ...e, file: uploadedName, field: 'score' };
  const top = e.path.split(/[.[]/)[0] ?? '';
  const fieldOf: Record<string, string> = { title: 'title', license: 'license', key: 'key', tempo: 'bpm', tags: 'tags', id: 'id', score: 'score' };
  let field = fieldOf[top] ?? 'score';
  if (top === 'credits') field = e.path.split('.')[1]?.replace(/\[.*$/, '') ?? 'composer';
  if (top === 'license' && e.path.endsWith('url')) field = 'licenseUrl';
  return { ...e, field, file: e.file.startsWith('songs/') ? 'song' : e.file };
}

function creditList(raw: Record<string, unknown> | null): { role: string; name: string }[] {
  const c = raw?.credits;
  if (!c || typeof c !== 'object') return [];
  const out: { role: string; name: string }[] = [];
  for (const [role, v] of Object.entries(c as Record<string, unknown>)) {
    if (role === 'other' && Array.isArray(v)) {
      for (const o of v as { role?: unknown; name?: unknown }[]) if (typeof o?.name === 'string') out.push({ role: String(o.role ?? 'other'), name: o.name });
    } else for (const name of Array.isArray(v) ? v : [v]) if (typeof name === 'string') out.push({ role, name });
  }
  return out;
}

/** Who sings the song: its `voice.bank` (relative to the song file) with the bank's name and terms, or the built-in voice. */
function songVoice(showDir: string, songAbs: string, raw: Record<string, unknown> | null): LibraryVoice {
  const bank = (raw?.voice as { bank?: unknown } | undefined)?.bank;
  if (typeof bank !== 'string') return { bank: null, name: 'built-in voice' };
  const abs = resolve(dirname(songAbs), bank);
  try {
    return { bank: rel(showDir, abs), ...readBankCard(abs) };
  } catch (err) {
    const detail = err instanceof VoiceBankError ? err.detail : (err as Error).message;
    return { bank: rel(showDir, abs), name: basename(abs), problem: `${rel(showDir, abs)}: ${detail}` };
  }
}

function describe(
  file: string,
  id: string,
  raw: Record<string, unknown> | null,
  compiled: SongInfo | null,
  errors: ValidationError[],
  warnings: string[],
  score: string | null,
  voice: LibraryVoice,
): LibrarySong {
  if (compiled) {
    const notes = compiled.tracks.vocal.notes;
    return {
      id: compiled.id,
      file,
      title: compiled.title,
      credits: compiled.credits,
      license: compiled.license,
      tags: compiled.tags,
      key: compiled.key ?? null,
      bpm: compiled.tempo[0]?.bpm ?? null,
      timeSignature: `${compiled.timeSignature.numerator}/${compiled.timeSignature.denominator}`,
      duration: compiled.duration,
      score: compiled.score,
      notes: notes.length,
      lyrics: lyricPreview(notes.map((n) => n.lyric)),
      voice,
      valid: true,
      errors: [],
      warnings,
    };
  }
  const license = raw?.license as { name?: unknown; url?: unknown } | undefined;
  return {
    id,
    file,
    title: typeof raw?.title === 'string' ? raw.title : id,
    credits: creditList(raw),
    license: typeof license?.name === 'string' ? { name: license.name, ...(typeof license.url === 'string' ? { url: license.url } : {}) } : null,
    tags: Array.isArray(raw?.tags) ? (raw.tags as unknown[]).filter((t): t is string => typeof t === 'string') : [],
    key: typeof raw?.key === 'string' ? raw.key : null,
    bpm: typeof raw?.tempo === 'number' ? raw.tempo : null,
    timeSignature: typeof raw?.timeSignature === 'string' ? raw.timeSignature : null,
    duration: null,
    score,
    notes: 0,
    lyrics: '',
    voice,
    valid: false,
    errors,
    warnings,
  };
}

/** "sa ku ra ..." — the first lyrics, continuation marks and rests left out. */
export function lyricPreview(lyrics: string[], max = 12): string {
  const words = lyrics.filter((l) => l && l !== '-' && l !== '+' && l !== 'R' && l !== 'r');
  return words.slice(0, max).join(' ') + (words.length > max ? ' …' : '');
}
