import { describe, expect, it } from 'vitest';
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Journal, readJournal, recoverFromJournal, type JournalRecord } from '../../server/src/journal.ts';
import { applyCommand, initialState, positionAt } from '../../server/src/transport.ts';
import type { TransportState } from '../../protocol/index.ts';
import { makeTimeline } from './fixtures.ts';
import { tempDir } from './helpers.ts';

const timeline = makeTimeline([{ title: 'A', length: 100 }, { title: 'B', length: 100 }]);

function playingFrom(now: number): TransportState {
  const r = applyCommand(timeline, initialState(timeline, now), { command: 'go' }, now);
  if (!r.ok) throw new Error(r.error);
  return r.state;
}

describe('journal', () => {
  it('appends in order, survives a torn last line, and keeps -Infinity as the never-GO marker', async () => {
    const file = join(tempDir(), 'state', 'journal.jsonl');
    const journal = new Journal(file);
    const s0 = initialState(timeline, 1000);
    await journal.open([{ type: 'state', at: 1000, show: 'x', state: s0, reason: 'start' }]);
    const writes = [1, 2, 3].map((i) => journal.append({ type: 'heartbeat', at: 1000 + i, show: 'x', showTime: i, entryIndex: 0, mode: 'stopped' }));
    await Promise.all(writes);
    await journal.close();
    appendFileSync(file, '{"type":"heartbeat","at":99'); // killed mid-write
    const records = readJournal(file);
    expect(records.map((r) => r.at)).toEqual([1000, 1001, 1002, 1003]);
    expect((records[0] as Extract<JournalRecord, { type: 'state' }>).state.lastGoAt).toBe(-Infinity);
    expect(readFileSync(file, 'utf8').split('\n').length).toBe(5);
  });

  it('recovery: playing within the window resumes on the same anchor; longer holds at the last record; other shows are ignored', () => {
    const playing = playingFrom(10_000);
    const records: JournalRecord[] = [
      { type: 'state', at: 10_000, show: 'show-1', state: playing, reason: 'go' },
      { type: 'heartbeat', at: 15_000, show: 'show-1', showTime: 5, entryIndex: 0, mode: 'playing' },
    ];
    const soon = recoverFromJournal(records, timeline, 'show-1', 40_000, 30_000)!;
    expect(soon.resumedPlaying).toBe(true);
    expect(positionAt(timeline, soon.state, 40_000).showTime).toBe(30);
    expect(soon.note).toBe('resumed the running show after a 25.0 s outage');

    const late = recoverFromJournal(records, timeline, 'show-1', 45_001, 30_000)!;
    expect(late.resumedPlaying).toBe(false);
    expect(late.state).toMatchObject({ mode: 'held', waiting: false, anchorShowTime: 5 });
    expect(late.note).toMatch(/outage of 30\.0 s is longer than 30 s: the show is held at 5\.000 s \(entry 1\), ready for GO/);

    expect(recoverFromJournal(records, timeline, 'another-show', 16_000, 30_000)).toBeNull();
    expect(recoverFromJournal([], timeline, 'show-1', 16_000, 30_000)).toBeNull();
  });

  it('recovery of a show that reached its end during the outage: held at the end, waiting', () => {
    const playing = playingFrom(0);
    const records: JournalRecord[] = [{ type: 'state', at: 0, show: 's', state: playing, reason: 'go' }];
    // Restarted 250 s later but within a generous window: the 200 s show has ended meanwhile.
    const r = recoverFromJournal(records, timeline, 's', 250_000, 300_000)!;
    expect(r.state).toMatchObject({ mode: 'held', waiting: true, anchorShowTime: 200, entryIndex: 1 });
    expect(r.resumedPlaying).toBe(false);
  });
});
