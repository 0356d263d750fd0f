// The last show that compiled, kept in the state folder, so a show.json broken between two starts
// (a bad edit, a half-copied file) costs an alarm instead of the evening: `serve` starts anyway
// with the last good show (or, the very first time, an empty stage), names the file, line and
// column that are wrong on the desk and in its output, and takes the mended file on LOAD.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatError, type ValidationError } from '../../../show-files/src/errors.ts';
import type { Timeline } from '../../../show-files/src/timeline.ts';
import { writeFileAtomic } from '../atomic.ts';
import type { AlarmBoard } from './alarms.ts';
import type { LoadedShowResult, ShowCompiler } from './compiler.ts';

export const LAST_GOOD_FILE = 'last-good-show.json';
/** The alarm a show that fails as a whole raises (cleared by the next show that compiles). */
export const SHOW_ALARM = 'show';

/**
 * Every show that compiles is kept as the last good one (and clears the alarm). Nothing is written
 * until this server holds the state folder's lock (`own()`), so a second server that is refused
 * never touches the first one's file.
 */
export class LastGoodShow {
  private owned = false;
  private pending: Timeline | null = null;

  constructor(
    readonly stateDir: string,
    private readonly alarms: AlarmBoard,
    private readonly log: (line: string) => void,
  ) {}

  /** The compiler, keeping what compiles. */
  keeping(compile: ShowCompiler): ShowCompiler {
    return async (dirOrFile) => {
      const result = await compile(dirOrFile);
      if (result.ok && result.timeline) {
        this.alarms.clear(SHOW_ALARM);
        this.pending = result.timeline;
        if (this.owned) this.save();
      }
      return result;
    };
  }

  /** The lock is ours: save what compiled so far, and from now on as it compiles. */
  own(): void {
    this.owned = true;
    this.save();
  }

  private save(): void {
    if (!this.pending) return;
    try {
      writeFileAtomic(join(this.stateDir, LAST_GOOD_FILE), JSON.stringify({ savedAt: new Date().toISOString(), timeline: this.pending }));
      this.pending = null;
    } catch (err) {
      this.log(`could not keep the last good show in ${this.stateDir}: ${(err as Error).message}`);
    }
  }
}

/** The saved show, if there is one that still reads as a timeline. */
export function readLastGood(stateDir: string): { timeline: Timeline; savedAt: string } | null {
  const file = join(stateDir, LAST_GOOD_FILE);
  if (!existsSync(file)) return null;
  try {
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { savedAt?: unknown; timeline?: Partial<Timeline> };
    const t = saved.timeline;
    if (t?.format !== 'holostage-timeline' || t.version !== 1 || !Array.isArray(t.entries) || !t.entries.length || !Array.isArray(t.songs) || !Array.isArray(t.outputs)) return null;
    return { timeline: t as Timeline, savedAt: typeof saved.savedAt === 'string' ? saved.savedAt : 'an earlier start' };
  } catch {
    return null;
  }
}

/** Nothing to play: one interval that holds, so GO has somewhere to go and every page has a show. */
export function emptyStage(title: string): Timeline {
  return {
    format: 'holostage-timeline',
    version: 1,
    show: { title },
    outputs: [],
    lighting: { port: 'holostage', channel: 1, mscDeviceId: 1 },
    duration: 60,
    entries: [{ index: 0, kind: 'interval', id: 'show-not-loaded', title, start: 0, end: 60, encore: false, holdAfter: true, transition: { type: 'cut', seconds: 0 }, song: -1 }],
    songs: [],
  };
}

/**
 * What a server starts with when its show fails as a whole: the last good show, else an empty
 * stage; and a critical alarm naming the first error's file:line:column (the log gets them all).
 */
export function fallbackShow(stateDir: string, failed: LoadedShowResult, alarms: AlarmBoard, log: (line: string) => void): LoadedShowResult & { timeline: Timeline } {
  const first = failed.errors[0];
  const more = failed.errors.length > 1 ? ` (+${failed.errors.length - 1} more)` : '';
  const saved = readLastGood(stateDir);
  const instead = saved ? `playing the last good show, saved ${saved.savedAt}` : 'nothing to play until it is mended';
  const message = `the show does not load: ${first ? formatError(first) : 'no usable show.json'}${more}; ${instead}. Mend the file and LOAD.`;
  alarms.raise(SHOW_ALARM, 'critical', message);
  log(message);
  for (const e of failed.errors.slice(1, 100)) log(`  ${formatError(e)}`);
  return { ok: true, timeline: saved?.timeline ?? emptyStage('show.json has errors: see the alarm'), errors: [], warnings: failed.warnings, leftOut: failed.leftOut };
}
