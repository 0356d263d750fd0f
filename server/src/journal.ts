// The show journal: one JSON line per state change plus a heartbeat of the position, each written
// and fsync'd (fdatasync) in order, so a server killed at any instant can be restarted into the
// show it was running. Writes run on libuv's thread pool, never blocking the event loop (a
// synchronous fsync can take 20 ms on a busy disk, which would delay cues and clock replies);
// the server waits for a state change to be on disk before it announces it. A torn last line
// (killed mid-write) is skipped on reading.

import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { open as openFile, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeFileAtomic } from './atomic.ts';
import type { Timeline } from '../../show-files/src/timeline.ts';
import { heldAt, positionAt, settle } from './transport.ts';
import type { TransportState } from '../../protocol/index.ts';

export type JournalRecord =
  /** `term`: the pair's term (primary lease epoch) the writer held, when it was in a pair. */
  | { type: 'state'; at: number; show: string; state: TransportState; reason: string; term?: number }
  | { type: 'heartbeat'; at: number; show: string; showTime: number; entryIndex: number; mode: TransportState['mode'] };

export class Journal {
  private handle: FileHandle | null = null;
  private chain: Promise<void> = Promise.resolve();

  constructor(readonly file: string) {}

  /** Start a fresh journal holding `records` (atomically), then append from there. */
  async open(records: JournalRecord[] = []): Promise<void> {
    mkdirSync(dirname(this.file), { recursive: true });
    writeFileAtomic(this.file, records.map((r) => serialize(r)).join(''));
    this.handle = await openFile(this.file, 'a');
  }

  /** Append one record; resolves once it is on disk. Records land in call order. */
  append(record: JournalRecord): Promise<void> {
    const line = serialize(record);
    const write = this.chain.then(async () => {
      if (!this.handle) throw new Error('journal is not open');
      await this.handle.write(line);
      await this.handle.datasync();
    });
    this.chain = write.catch(() => {});
    return write;
  }

  async close(): Promise<void> {
    await this.chain;
    const h = this.handle;
    this.handle = null;
    await h?.close();
  }
}

function serialize(record: JournalRecord): string {
  return `${JSON.stringify(record, (_k, v: unknown) => (v === -Infinity ? null : v))}\n`;
}

export function readJournal(file: string): JournalRecord[] {
  if (!existsSync(file)) return [];
  const out: JournalRecord[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      const r = JSON.parse(line) as JournalRecord;
      if (r.type === 'state' && r.state.lastGoAt === null) r.state.lastGoAt = -Infinity;
      out.push(r);
    } catch {
      // A line cut short by a kill: everything before it is intact.
    }
  }
  return out;
}

export interface Recovery {
  state: TransportState;
  /** What happened, for the log and the desk. */
  note: string;
  /** Whether the show came back playing (then the lighting state is re-sent). */
  resumedPlaying: boolean;
}

/**
 * Where to pick the show up after a restart. Within `resumeWindowMs` of the last record a playing
 * show is still playing, on the same anchor: the outputs kept rendering on their own clocks, so
 * the position they reached is exactly where the restored state says the show is (no jump).
 * After a longer outage the show is held at the position the last heartbeat recorded, ready for GO.
 * Records from a different show (another fingerprint) are ignored.
 */
export function recoverFromJournal(records: readonly JournalRecord[], timeline: Timeline, show: string, now: number, resumeWindowMs: number): Recovery | null {
  let lastState: Extract<JournalRecord, { type: 'state' }> | null = null;
  let lastAt = -Infinity;
  for (const r of records) {
    if (r.show !== show) continue;
    if (r.at > lastAt) lastAt = r.at;
    if (r.type === 'state') lastState = r;
  }
  if (!lastState) return null;
  const state = lastState.state;
  if (state.mode !== 'playing') return { state, note: `restored the show ${state.mode === 'held' ? 'held' : 'stopped'} at entry ${state.entryIndex + 1}`, resumedPlaying: false };
  const outage = now - lastAt;
  if (outage <= resumeWindowMs) {
    const settled = settle(timeline, state, now);
    return { state: settled, note: `resumed the running show after a ${(outage / 1000).toFixed(1)} s outage`, resumedPlaying: settled.mode === 'playing' };
  }
  const pos = positionAt(timeline, state, lastAt);
  return {
    state: heldAt(state, pos.showTime, pos.entryIndex, now),
    note: `outage of ${(outage / 1000).toFixed(1)} s is longer than ${(resumeWindowMs / 1000).toFixed(0)} s: the show is held at ${pos.showTime.toFixed(3)} s (entry ${pos.entryIndex + 1}), ready for GO`,
    resumedPlaying: false,
  };
}
