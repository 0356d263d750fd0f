// The setlist in show.json, replaced safely: the candidate is validated as a whole show first
// (written beside show.json so relative paths resolve), then renamed over show.json, so a crash
// at any point leaves either the old or the new file, never half of one.

import { existsSync, readFileSync, unlinkSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { SetlistSaveResult } from '../../../protocol/index.ts';
import type { Timeline } from '../../../show-files/src/timeline.ts';
import { writeFileAtomic } from '../atomic.ts';
import type { LoadedShowResult, ShowCompiler } from './compiler.ts';

export type SetlistCheck = { ok: true; text: string; result: LoadedShowResult & { timeline: Timeline } } | Extract<SetlistSaveResult, { ok: false }>;

/** The show with `setlist` in place of its own, compiled; nothing on disk changes but a removed temp file. */
export async function checkSetlist(showDir: string, setlist: unknown, compile: ShowCompiler): Promise<SetlistCheck> {
  if (!Array.isArray(setlist)) return { ok: false, error: 'setlist: expected an array of entries' };
  const showFile = join(showDir, 'show.json');
  if (!existsSync(showFile)) return { ok: false, error: `setlist: no show.json in ${showDir}` };
  let show: Record<string, unknown>;
  try {
    show = JSON.parse(readFileSync(showFile, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    return { ok: false, error: `setlist: show.json is not valid JSON (${(err as Error).message})` };
  }
  show.setlist = setlist;
  const text = `${JSON.stringify(show, null, 2)}\n`;
  const candidate = join(showDir, `.show.candidate-${process.pid}.json`);
  writeFileAtomic(candidate, text);
  let result: LoadedShowResult;
  try {
    result = await compile(candidate);
  } finally {
    unlinkSync(candidate);
  }
  if (!result.ok || !result.timeline) {
    const name = basename(candidate);
    const errors = result.errors.map((e) => (e.file === name ? { ...e, file: 'show.json' } : e));
    return { ok: false, error: `setlist: not saved, the show would have ${errors.length} error(s)`, errors };
  }
  return { ok: true, text, result: { ...result, timeline: result.timeline } };
}

export function writeSetlist(showDir: string, text: string): void {
  writeFileAtomic(join(showDir, 'show.json'), text);
}

/** The setlist as saved in show.json (for the desk's editor). */
export function readSetlist(showDir: string): unknown[] {
  const show = JSON.parse(readFileSync(join(showDir, 'show.json'), 'utf8')) as { setlist?: unknown[] };
  return show.setlist ?? [];
}
