// How the server gets a timeline from a show folder: the show format's compiler, loaded on first
// use (a test or an edge may pass its own).

import type { ValidationError } from '../../../show-files/src/errors.ts';
import type { LeftOutSong } from '../../../show-files/src/load.ts';
import type { Timeline } from '../../../show-files/src/timeline.ts';

export interface LoadedShowResult {
  ok: boolean;
  timeline?: Timeline;
  errors: ValidationError[];
  warnings: string[];
  /** Songs that failed and were left out of the show (the rest plays). */
  leftOut?: LeftOutSong[];
}

/** Compiles a show folder (or a show file inside one). */
export type ShowCompiler = (dirOrFile: string) => Promise<LoadedShowResult>;

export const defaultCompiler: ShowCompiler = async (dirOrFile) => {
  const { compileShowFolder } = await import('../../../show-files/src/compile.ts');
  const r = await compileShowFolder(dirOrFile, { leaveOutBrokenSongs: true });
  return r.ok ? { ok: true, timeline: r.timeline, errors: [], warnings: r.warnings, leftOut: r.leftOut } : { ok: false, errors: r.errors, warnings: r.warnings, leftOut: r.leftOut };
};
