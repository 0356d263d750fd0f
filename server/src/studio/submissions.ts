// The review queue: a creator's submitted song (a frozen copy of the draft plus title, credits,
// licence and tags) waits here as "submitted" until the organiser approves it into the show's
// library or sends it back with a note the creator sees. One file per submission under
// <state>/studio/submissions/, replaced atomically.

import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../atomic.ts';
import type { StudioProject } from '../../../studio/src/core/project.ts';

export const LICENSES = {
  'CC BY 4.0': 'https://creativecommons.org/licenses/by/4.0/',
  'CC BY-NC 4.0': 'https://creativecommons.org/licenses/by-nc/4.0/',
  'All rights reserved': '',
} as const;

export interface SubmissionMeta {
  title: string;
  credits: { composer: string; lyricist: string; tuner: string; illustrator: string };
  license: { name: keyof typeof LICENSES; url: string };
  tags: string[];
}

export type SubmissionStatus = 'submitted' | 'returned' | 'approved';

export interface Submission {
  id: string;
  creatorId: string;
  creatorName: string;
  draftId: string;
  project: StudioProject;
  meta: SubmissionMeta;
  status: SubmissionStatus;
  /** The organiser's note when a song is sent back. */
  note?: string;
  /** The library song an approved submission became. */
  songId?: string;
  submittedAt: string;
  reviewedAt?: string;
}

const str = (v: unknown, max: number): string => (typeof v === 'string' ? v.trim().slice(0, max) : '');

/** The submit form checked field by field: `{field, message}` for each finding. */
export function checkMeta(raw: unknown): { ok: true; meta: SubmissionMeta } | { ok: false; errors: { field: string; message: string }[] } {
  const b = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const c = (b.credits && typeof b.credits === 'object' ? b.credits : {}) as Record<string, unknown>;
  const l = (b.license && typeof b.license === 'object' ? b.license : {}) as Record<string, unknown>;
  const errors: { field: string; message: string }[] = [];
  const title = str(b.title, 120);
  if (!title) errors.push({ field: 'title', message: 'a song needs a title' });
  const credits = { composer: str(c.composer, 80), lyricist: str(c.lyricist, 80), tuner: str(c.tuner, 80), illustrator: str(c.illustrator, 80) };
  if (!credits.composer) errors.push({ field: 'composer', message: 'credit the composer (who wrote the melody)' });
  const name = str(l.name, 40);
  if (!(name in LICENSES)) errors.push({ field: 'license', message: `choose a licence: ${Object.keys(LICENSES).join(', ')}` });
  const url = str(l.url, 300) || (LICENSES[name as keyof typeof LICENSES] ?? '');
  if (url && !/^https?:\/\/\S+$/.test(url)) errors.push({ field: 'licenseUrl', message: `the licence link must start with http:// or https://, got "${url}"` });
  const tagList = Array.isArray(b.tags) ? b.tags : str(b.tags, 400).split(',');
  const tags = tagList.map((t) => str(t, 32)).filter(Boolean).slice(0, 12);
  if (errors.length) return { ok: false, errors };
  return { ok: true, meta: { title, credits, license: { name: name as keyof typeof LICENSES, url }, tags } };
}

export class SubmissionStore {
  constructor(private readonly root: string) {}

  private dir(): string {
    return join(this.root, 'submissions');
  }

  list(): Submission[] {
    if (!existsSync(this.dir())) return [];
    const out: Submission[] = [];
    for (const name of readdirSync(this.dir())) {
      if (!name.endsWith('.json') || name.startsWith('.')) continue;
      const s = this.get(name.slice(0, -5));
      if (s) out.push(s);
    }
    return out.sort((a, b) => a.submittedAt.localeCompare(b.submittedAt));
  }

  get(id: string): Submission | null {
    if (!/^[a-z0-9]{8,32}$/.test(id)) return null;
    const file = join(this.dir(), `${id}.json`);
    if (!existsSync(file)) return null;
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as Submission;
    } catch {
      return null;
    }
  }

  add(fields: Omit<Submission, 'id' | 'status' | 'submittedAt'>): Submission {
    const s: Submission = { ...fields, id: randomBytes(8).toString('hex'), status: 'submitted', submittedAt: new Date().toISOString() };
    this.write(s);
    return s;
  }

  update(s: Submission): void {
    this.write(s);
  }

  private write(s: Submission): void {
    mkdirSync(this.dir(), { recursive: true });
    writeFileAtomic(join(this.dir(), `${s.id}.json`), `${JSON.stringify(s)}\n`, 0o600);
  }
}
