// Hand-built timelines for the server tests: small, exact, and independent of the demo show.
import type { LightingEvent, Timeline, TimelineEntry } from '../../show-files/src/timeline.ts';

export interface EntrySpec {
  title: string;
  length: number;
  holdAfter?: boolean;
  crossfade?: number;
  lighting?: Omit<LightingEvent, 'cue'>[];
}

/** Entries laid end to end (a crossfade starts the next entry that much earlier). */
export function makeTimeline(specs: EntrySpec[], title = 'Test show'): Timeline {
  const entries: TimelineEntry[] = [];
  const songs: Timeline['songs'] = [];
  let t = 0;
  specs.forEach((spec, index) => {
    const overlap = spec.crossfade ?? 0;
    const start = Math.max(0, t - overlap);
    const end = start + spec.length;
    songs.push({
      id: `song-${index}`,
      title: spec.title,
      credits: [{ role: 'composer', name: 'Test' }],
      license: { name: 'CC0-1.0' },
      tags: [],
      tempo: [{ tick: 0, bpm: 120 }],
      timeSignature: { numerator: 4, denominator: 4 },
      start,
      duration: spec.length,
      score: `scores/${index}.json`,
      voice: { transpose: 0, gainDb: 0, vibrato: { depth: 0, rate: 5, delay: 0.3 }, portamento: 0.05, formantShift: 0, preutterance: 0.05 },
      tracks: {
        vocal: { notes: [], phonemes: [], warnings: [] },
        motion: [],
        camera: [],
        effects: [],
        lighting: (spec.lighting ?? []).map((l, cue) => ({ ...l, time: start + l.time, cue })),
      },
    });
    entries.push({
      index,
      kind: 'song',
      id: `song-${index}`,
      title: spec.title,
      start,
      end,
      encore: false,
      holdAfter: spec.holdAfter ?? false,
      transition: overlap > 0 ? { type: 'crossfade', seconds: overlap } : { type: 'cut', seconds: 0 },
      song: index,
    });
    t = end;
  });
  return {
    format: 'holostage-timeline',
    version: 1,
    show: { title },
    outputs: [
      { id: 'main', kind: 'projector', settings: defaultSettings() },
      { id: 'holo', kind: 'transparent', settings: defaultSettings() },
    ],
    lighting: { port: 'holostage-test', channel: 1, mscDeviceId: 1 },
    duration: t,
    entries,
    songs,
  };
}

function defaultSettings(): Timeline['outputs'][number]['settings'] {
  return {
    width: 1280,
    height: 720,
    latencyMs: 0,
    mirror: { horizontal: false, vertical: false },
    keystone: { topLeft: { x: 0, y: 0 }, topRight: { x: 1, y: 0 }, bottomRight: { x: 1, y: 1 }, bottomLeft: { x: 0, y: 1 } },
    gain: 1,
    blackLevel: 0,
    audio: false,
  };
}
