// Auto-direction on the demo songs with their motion and camera cues taken out: the compiler must
// direct them from the music alone, and written cues must always win where there are any.

import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileShowFolder, formatError, timelineToJson, type Timeline } from '../../show-files/src/index.ts';
import { loadShow } from '../../show-files/src/load.ts';
import { directScore } from '../../show-files/src/direction/index.ts';
import type { SongInfo, VocalNote } from '../../show-files/src/timeline.ts';
import { createFrame, Performer } from '../../stage/src/perform/performer.ts';

const DEMO = join(import.meta.dirname, '..', '..', 'show-files', 'demo');
const SONGS = ['sakura-signal', 'neon-lullaby', 'hello-hologram'];

let dir: string;

/** A copy of the demo show whose songs have their cue tracks edited by `edit`. */
function demoCopy(edit: (id: string, cues: Record<string, unknown[]>) => void): string {
  const d = mkdtempSync(join(tmpdir(), 'holostage-direction-'));
  cpSync(DEMO, d, { recursive: true });
  for (const id of SONGS) {
    const file = join(d, 'songs', `${id}.json`);
    const song = JSON.parse(readFileSync(file, 'utf8')) as { cues: Record<string, unknown[]> };
    edit(id, song.cues);
    writeFileSync(file, JSON.stringify(song, null, 2));
  }
  return d;
}

async function compileOk(d: string): Promise<Timeline> {
  const r = await compileShowFolder(d);
  if (!r.ok) throw new Error(r.errors.map(formatError).join('\n'));
  return r.timeline;
}

const beatSeconds = (s: SongInfo) => 60 / s.tempo[0]!.bpm;

/**
 * Phrase starts worked out here, independently of the director: a sung note after a rest of at
 * least half a beat, or after a note held two beats or more.
 */
function phraseStarts(s: SongInfo): number[] {
  const notes: VocalNote[] = s.tracks.vocal.notes;
  const out: number[] = [];
  notes.forEach((n, i) => {
    const prev = notes[i - 1];
    if (!prev || n.time - prev.end >= 0.5 * beatSeconds(s) - 1e-6 || prev.end - prev.time >= 2 * beatSeconds(s) - 1e-3) out.push(n.time);
  });
  return out;
}

let timeline: Timeline;

beforeAll(async () => {
  dir = demoCopy((_, cues) => {
    delete cues.motion;
    delete cues.camera;
  });
  timeline = await compileOk(dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('auto-direction of the demo songs without motion and camera cues', () => {
  it('cuts the camera only on phrase starts (within 50 ms), never to the same shot twice', () => {
    for (const s of timeline.songs) {
      const cam = s.tracks.camera;
      expect(cam.length, s.id).toBeGreaterThan(8);
      expect(cam.every((c) => c.cue === -1 && typeof c.auto === 'string')).toBe(true);
      expect(cam[0]!.time).toBeCloseTo(s.start, 6);
      const starts = phraseStarts(s);
      const cuts = cam.filter((c, k) => c.move === 0 && k > 0);
      expect(cuts.length, s.id).toBeGreaterThanOrEqual(starts.length - 2);
      for (const c of cuts) {
        const nearest = Math.min(...starts.map((p) => Math.abs(p - c.time)));
        expect(nearest, `${s.id} cut at ${(c.time - s.start).toFixed(3)} s`).toBeLessThanOrEqual(0.05);
      }
      for (let k = 1; k < cam.length; k++) expect(cam[k]!.shot, `${s.id} shot ${k}`).not.toBe(cam[k - 1]!.shot);
      // Moves start on a beat.
      for (const c of cam.filter((e) => e.move > 0)) {
        const beats = (c.time - s.start) / beatSeconds(s);
        if (s.tempo.length === 1) expect(Math.abs(beats - Math.round(beats)), `${s.id} move at beat ${beats}`).toBeLessThan(1e-4);
      }
    }
  });

  it('changes the dance at every detected section, gestures on long notes and bows at the end', async () => {
    const loaded = (await loadShow(dir)).show!;
    for (const s of timeline.songs) {
      const song = loaded.songs.get(s.id)!;
      const { analysis } = directScore(song.score, song.tempo, song.duration, song.data.tags ?? []);
      expect(analysis.sections.length, s.id).toBeGreaterThanOrEqual(5);
      const motion = s.tracks.motion;
      let previous: string | undefined;
      for (const sec of analysis.sections) {
        const at = s.start + song.tempo.secondsAt(sec.startTick);
        if (at >= s.start + s.duration - 3.01) break; // the bow has the stage by then
        const cue = motion.find((m) => Math.abs(m.time - at) < 1e-6 && m.auto === sec.kind);
        expect(cue, `${s.id}: a dance at the ${sec.kind} at ${(at - s.start).toFixed(2)} s`).toBeDefined();
        expect(cue!.clip, `${s.id} ${sec.kind}`).not.toBe(previous);
        previous = cue!.clip;
      }
      const last = motion[motion.length - 1]!;
      expect(last.clip).toBe('bow');
      expect(s.start + s.duration - last.time).toBeLessThanOrEqual(3.0 + 1e-6);
      expect(last.end).toBeCloseTo(s.start + s.duration, 6);
      for (const g of motion.filter((m) => m.auto === 'long note')) {
        const note = s.tracks.vocal.notes.find((n) => Math.abs(n.time - g.time) < 1e-6);
        expect(note, `${s.id} gesture at ${g.time}`).toBeDefined();
        expect(note!.end - note!.time).toBeGreaterThanOrEqual(1.2 - 1e-6);
        expect(['reach', 'open']).toContain(g.clip);
        expect(g.end).toBeCloseTo(note!.end, 6);
      }
      expect(motion.some((m) => m.auto === 'long note'), s.id).toBe(true);
    }
  });

  it('finds the verses and choruses the demo author marked in the lighting cues', async () => {
    const loaded = (await loadShow(dir)).show!;
    const song = loaded.songs.get('sakura-signal')!;
    const { analysis } = directScore(song.score, song.tempo, song.duration, []);
    const bar = (tick: number) => tick / analysis.ticksPerBar + 1;
    // The lighting cues of sakura-signal say: verse 5:1, chorus 13:1, interlude 21:1, verse 25:1, chorus 33:1, outro 41:1.
    expect(analysis.sections.map((x) => `${x.kind}@${bar(x.startTick)}`)).toEqual(['intro@1', 'verse@5', 'chorus@13', 'interlude@21', 'verse@25', 'chorus@33', 'outro@41']);
    const chorus = analysis.sections.find((x) => x.kind === 'chorus')!;
    const verse = analysis.sections.find((x) => x.kind === 'verse')!;
    expect(chorus.energy).toBeGreaterThan(verse.energy);
  });

  it('is deterministic, and a ballad is calmer than an upbeat song', async () => {
    const again = await compileOk(dir);
    expect(timelineToJson(again)).toBe(timelineToJson(timeline));
    const loaded = (await loadShow(dir)).show!;
    const energy = (id: string) => {
      const s = loaded.songs.get(id)!;
      return directScore(s.score, s.tempo, s.duration, []).analysis.energy;
    };
    expect(energy('neon-lullaby')).toBeLessThan(energy('hello-hologram'));
  });

  it('sets the face from the mood tag: relaxed for the ballad, happy for the upbeat encore', () => {
    const neon = timeline.songs.find((s) => s.id === 'neon-lullaby')!;
    const hello = timeline.songs.find((s) => s.id === 'hello-hologram')!;
    const sakura = timeline.songs.find((s) => s.id === 'sakura-signal')!;
    expect(new Set(neon.tracks.expressions!.map((e) => e.expression))).toEqual(new Set(['relaxed']));
    expect(new Set(hello.tracks.expressions!.map((e) => e.expression))).toEqual(new Set(['happy']));
    expect(sakura.tracks.expressions).toBeUndefined(); // "japanese, pop, opener": no mood
    const performer = new Performer(timeline);
    const frame = createFrame();
    const chorus = neon.tracks.expressions!.reduce((a, b) => (b.weight > a.weight ? b : a));
    performer.evaluate((chorus.time + chorus.end) / 2, frame);
    expect(frame.relaxed).toBeCloseTo(chorus.weight, 6);
    expect(frame.sad).toBe(0);
  });
});

describe('written cues win', () => {
  it('leaves a fully cued song exactly as written', async () => {
    const t = await compileOk(DEMO);
    for (const s of t.songs) {
      expect(s.tracks.motion.every((m) => m.cue >= 0 && m.auto === undefined)).toBe(true);
      expect(s.tracks.camera.every((c) => c.cue >= 0 && c.auto === undefined)).toBe(true);
    }
  });

  it('directs only the parts no written cue covers', async () => {
    const d = demoCopy((id, cues) => {
      if (id !== 'sakura-signal') return;
      // Written from bar 13 on: a closeup, and one wave of 4 s after which nothing is written.
      cues.camera = [{ at: '13:1', shot: 'closeup' }];
      cues.motion = [{ at: '13:1', clip: 'wave', duration: 4 }];
    });
    try {
      const t = await compileOk(d);
      const s = t.songs.find((x) => x.id === 'sakura-signal')!;
      const bar13 = s.start + (12 * 4 * 60) / 128;
            const cam = s.tracks.camera;
      expect(cam.filter((c) => c.cue >= 0).map((c) => c.shot)).toEqual(['closeup']);
      expect(cam.filter((c) => c.cue < 0).every((c) => c.time < bar13)).toBe(true);
      expect(cam.filter((c) => c.cue < 0).length).toBeGreaterThan(1);
      expect(cam[cam.length - 1]!.shot).toBe('closeup');
      const motion = s.tracks.motion;
      // Nothing automatic while the written motion plays...
      for (const m of motion.filter((e) => e.cue < 0)) expect(m.time < bar13 - 1e-6 || m.time >= bar13 + 4 - 1e-6, `auto ${m.clip} at ${m.time}`).toBe(true);
      expect(motion.filter((e) => e.cue < 0 && e.time < bar13).length).toBeGreaterThan(1);
      expect(motion.find((m) => m.cue === 0)!.end).toBeCloseTo(bar13 + 4, 6);
      // ...and the automatic dance picks up when it ends, through to the bow.
      const after = motion.find((m) => Math.abs(m.time - (bar13 + 4)) < 1e-6);
      expect(after?.cue).toBe(-1);
      expect(after?.auto).toBe('chorus');
      expect(motion[motion.length - 1]!.clip).toBe('bow');
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });
});
