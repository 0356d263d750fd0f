// The show as the server describes it to clients: pure functions of the timeline and the state.

import type { ServerMs, ShowSummary, StateView } from '../../../protocol/index.ts';
import type { Timeline } from '../../../show-files/src/timeline.ts';
import { positionAt } from '../transport.ts';
import type { TransportState } from '../../../protocol/index.ts';

export function showSummaryOf(t: Timeline, revision: number, fingerprint: string, warnings: string[]): ShowSummary {
  return {
    revision,
    fingerprint,
    title: t.show.title,
    date: t.show.date,
    venue: t.show.venue,
    duration: t.duration,
    outputs: t.outputs.map((o) => ({ id: o.id, kind: o.kind })),
    lighting: t.lighting,
    entries: t.entries.map((e) => ({ index: e.index, kind: e.kind, id: e.id, title: e.title, start: e.start, end: e.end, encore: e.encore, holdAfter: e.holdAfter, transition: e.transition })),
    songs: t.songs.map((s) => ({ id: s.id, title: s.title, credits: s.credits, license: s.license, duration: s.duration, key: s.key, tempo: s.tempo[0]?.bpm })),
    validation: { ok: true, errors: [], warnings },
  };
}

export function stateViewOf(timeline: Timeline, state: TransportState, showRevision: number, now: ServerMs): StateView {
  const pos = positionAt(timeline, state, now);
  const entry = timeline.entries[pos.entryIndex];
  return {
    playing: pos.playing,
    mode: state.mode,
    waiting: state.waiting,
    entryIndex: pos.entryIndex,
    entryTitle: entry?.title ?? null,
    songTime: pos.songTime,
    songDuration: entry ? entry.end - entry.start : 0,
    showTime: pos.showTime,
    showDuration: timeline.duration,
    serverTime: now,
    holdAt: state.holdAt,
    blackout: state.blackout,
    revision: state.revision,
    showRevision,
  };
}
