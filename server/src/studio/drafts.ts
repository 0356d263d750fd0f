// Drafts: each creator's songs in progress, one file per draft under
// <state>/studio/drafts/<creator id>/<draft id>.json, replaced atomically on every autosave, so a
// reload or a killed server loses nothing that was acknowledged. A creator sees only their own.

import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../atomic.ts';
import type { StudioProject } from '../../../studio/src/core/project.ts';

export interface Draft {
  id: string;
  creatorId: string;
  project: StudioProject;
  createdAt: string;
  updatedAt: string;
  /** The draft's latest submission, if any. */
  submissionId?: string;
}

export const DRAFTS_PER_CREATOR = 200;
const ID = /^[a-z0-9]{8,32}$/;

export class DraftStore {
  constructor(private readonly root: string) {}

  private dir(creatorId: string): string {
    return join(this.root, 'drafts', creatorId);
  }

  private file(creatorId: string, id: string): string | null {
    return ID.test(id) ? join(this.dir(creatorId), `${id}.json`) : null;
  }

  list(creatorId: string): Draft[] {
    const dir = this.dir(creatorId);
    if (!existsSync(dir)) return [];
    const out: Draft[] = [];
    for (const name of readdirSync(dir)) {
      if (!name.endsWith('.json') || name.startsWith('.')) continue;
      const d = this.get(creatorId, name.slice(0, -5));
      if (d) out.push(d);
    }
    return out.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
  }

  get(creatorId: string, id: string): Draft | null {
    const file = this.file(creatorId, id);
    if (!file || !existsSync(file)) return null;
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as Draft;
    } catch {
      return null;
    }
  }

  create(creatorId: string, project: StudioProject): Draft | { error: string } {
    if (this.list(creatorId).length >= DRAFTS_PER_CREATOR) return { error: `a creator keeps at most ${DRAFTS_PER_CREATOR} drafts; delete some first` };
    const now = new Date().toISOString();
    const draft: Draft = { id: randomBytes(8).toString('hex'), creatorId, project, createdAt: now, updatedAt: now };
    this.write(draft);
    return draft;
  }

  save(creatorId: string, id: string, project: StudioProject): Draft | null {
    const draft = this.get(creatorId, id);
    if (!draft) return null;
    const next = { ...draft, project, updatedAt: new Date().toISOString() };
    this.write(next);
    return next;
  }

  mark(creatorId: string, id: string, submissionId: string): void {
    const draft = this.get(creatorId, id);
    if (draft) this.write({ ...draft, submissionId });
  }

  remove(creatorId: string, id: string): boolean {
    const file = this.file(creatorId, id);
    if (!file || !existsSync(file)) return false;
    rmSync(file);
    return true;
  }

  private write(draft: Draft): void {
    mkdirSync(this.dir(draft.creatorId), { recursive: true });
    writeFileAtomic(this.file(draft.creatorId, draft.id)!, `${JSON.stringify(draft)}\n`, 0o600);
  }
}
