// The studio's calls to the server (server/src/studio/routes.ts), with the creator token from the
// page's URL. Autosave: every change is sent after a short pause; a failed save is retried and the
// page says so, and the project stays in memory (and in the undo history) until it is on disk.

import type { StudioProject } from './core/project.ts';

export const token = new URLSearchParams(location.search).get('token') ?? '';

export interface DraftSummary {
  id: string;
  title: string;
  notes: number;
  updatedAt: string;
  submission: { id: string; status: 'submitted' | 'returned' | 'approved'; note: string | null; songId: string | null } | null;
}

export type Answer<T> = ({ ok: true } & T) | { ok: false; error: string; errors?: unknown[]; status: number };

export async function call<T>(method: string, path: string, body?: unknown): Promise<Answer<T>> {
  try {
    const r = await fetch(path, { method, headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });
    const data = (await r.json().catch(() => ({ ok: false, error: `the server answered ${r.status}` }))) as Answer<T>;
    return data.ok ? data : { ...data, ok: false, status: r.status };
  } catch (err) {
    return { ok: false, error: `the server cannot be reached (${(err as Error).message}); your work is kept here and saved when it is back`, status: 0 };
  }
}

export class Autosave {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private pending: StudioProject | null = null;
  private saving = false;
  savedAt: string | null = null;

  constructor(private readonly draftId: () => string | null, private readonly report: (state: string, error?: string) => void, private readonly delayMs = 400) {}

  change(p: StudioProject): void {
    this.pending = p;
    this.report('unsaved changes');
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.flush(), this.delayMs);
  }

  /** True when everything typed is on the server. */
  get clean(): boolean {
    return this.pending === null && !this.saving;
  }

  async flush(): Promise<void> {
    const id = this.draftId();
    if (this.saving || !this.pending || !id) return;
    const p = this.pending;
    this.pending = null;
    this.saving = true;
    this.report('saving…');
    const r = await call<{ updatedAt: string }>('PUT', `/api/studio/drafts/${id}`, { project: p });
    this.saving = false;
    if (r.ok) {
      this.savedAt = r.updatedAt;
      if (!this.pending) this.report(`saved ${new Date(r.updatedAt).toLocaleTimeString()}`);
    } else {
      // Not on disk: keep it pending (unless a newer change replaced it) and try again.
      this.pending ??= p;
      this.report('not saved', r.error);
      if (r.status === 0 || r.status >= 500) this.timer = setTimeout(() => void this.flush(), 2000);
      return;
    }
    if (this.pending) void this.flush();
  }
}

/** A file handed to the browser's downloads. */
export function download(name: string, data: string | Uint8Array, type: string): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([data as BlobPart], { type }));
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}
