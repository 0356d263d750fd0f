import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { activeAt, compileShowFolder, entryAt, eventsInRange, formatError, lastAtOrBefore, timelineToJson, type Timeline } from '../../show-files/src/index.ts';
import { schemaDocuments } from '../../show-files/src/json-schema.ts';
import { BASE_SHOW } from './corpus.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const DEMO = join(ROOT, 'show-files', 'demo');

async function compileOk(dir: string): Promise<Timeline> {
  const r = await compileShowFolder(dir);
  if (!r.ok) throw new Error(r.errors.map(formatError).join('\n'));
  return r.timeline;
}

describe('timeline compiler', () => {
  it('lays entries end to end, with crossfades overlapping and a hold before the encore', async () => {
    const t = await compileOk(DEMO);
    const [sakura, mc, neon, hello] = t.entries;
    // 42 bars of 4/4 at 128 BPM.
    expect(sakura!.end).toBeCloseTo((42 * 4 * 60) / 128, 9);
    // The MC crossfades in 2 s before the song ends; the next song 2 s before the MC ends.
    expect(mc!.start).toBeCloseTo(sakura!.end - 2, 9);
    expect(mc!.end).toBeCloseTo(mc!.start + 30, 9);
    expect(neon!.start).toBeCloseTo(mc!.end - 2, 9);
    expect(hello!.start).toBeCloseTo(neon!.end, 9);
    expect(neon!.holdAfter).toBe(true);
    expect(sakura!.holdAfter).toBe(false);
    expect(hello!.encore).toBe(true);
    expect(t.duration).toBeCloseTo(hello!.end, 9);
    // During the crossfade the later entry is the one playing.
    expect(entryAt(t, sakura!.end - 1)).toBe(1);
    expect(entryAt(t, 1)).toBe(0);
    expect(entryAt(t, t.duration + 1)).toBe(-1);
  });

  it('converts cues through a tempo map with a change mid-song, exactly', async () => {
    const t = await compileOk(DEMO);
    const song = t.songs.find((s) => s.id === 'hello-hologram')!;
    // 140 BPM for bars 1-28, 150 BPM from bar 29.
    const bar = (n: number) => (n <= 29 ? ((n - 1) * 4 * 60) / 140 : (28 * 4 * 60) / 140 + ((n - 29) * 4 * 60) / 150);
    const finale = song.tracks.lighting.find((e) => e.label === 'finale')!;
    expect(finale.time - song.start).toBeCloseTo(bar(37), 6);
    const lastChorus = song.tracks.lighting.find((e) => e.label === 'last chorus')!;
    expect(lastChorus.time - song.start).toBeCloseTo(bar(29), 6);
    expect(song.duration).toBeCloseTo(bar(41), 6);
    // Notes of the final chorus run at 150 BPM: an eighth note lasts 0.2 s.
    const late = song.tracks.vocal.notes.filter((n) => n.time - song.start > bar(29));
    expect(late.length).toBeGreaterThan(10);
    expect(late[0]!.end - late[0]!.time).toBeCloseTo(2 * 0.2, 6);
  });

  it('turns lighting cues into MIDI bytes with the show defaults', async () => {
    const t = await compileOk(BASE_SHOW);
    const alpha = t.songs[0]!;
    const [noteOn, cc, msc] = alpha.tracks.lighting;
    expect(noteOn).toMatchObject({ time: 0, kind: 'noteOn', channel: 1, bytes: [0x90, 60, 100] });
    expect(cc).toMatchObject({ time: 2.5, kind: 'cc', bytes: [0xb0, 7, 64] });
    // "2:3" at 120 BPM 4/4 = bar 2 beat 3 = 6 beats = 3 s. MSC device 5 from show.json, GO cue "1.5".
    expect(msc!.time).toBe(3);
    expect(msc!.bytes).toEqual([0xf0, 0x7f, 5, 0x02, 0x01, 0x01, 0x31, 0x2e, 0x35, 0xf7]);
  });

  it('makes motion files show-relative, like every asset path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'holostage-clip-'));
    try {
      cpSync(BASE_SHOW, dir, { recursive: true });
      mkdirSync(join(dir, 'motions'));
      writeFileSync(join(dir, 'motions', 'cheer.vrma'), 'not parsed at compile');
      const alpha = join(dir, 'songs', 'alpha.json');
      writeFileSync(alpha, readFileSync(alpha, 'utf8').replace('"clip": "dance"', '"clip": "../motions/cheer.vrma"'));
      const t = await compileOk(dir);
      expect(t.songs[0]!.tracks.motion.map((m) => m.clip)).toEqual(['idle', 'motions/cheer.vrma']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fills defaults for outputs by kind', async () => {
    const t = await compileOk(DEMO);
    const glass = t.outputs.find((o) => o.kind === 'transparent')!;
    expect(glass.settings.gain).toBe(1.2);
    expect(glass.settings.keystone.bottomRight).toEqual({ x: 1, y: 1 });
    const preview = t.outputs.find((o) => o.kind === 'preview')!;
    expect(preview.settings).toMatchObject({ width: 640, height: 360, audio: true });
    expect(t.outputs.map((o) => o.kind).sort()).toEqual(['preview', 'projector', 'stream', 'transparent']);
  });

  it('is deterministic: the same show compiles to the same bytes', async () => {
    const a = timelineToJson(await compileOk(DEMO));
    const b = timelineToJson(await compileOk(DEMO));
    expect(a).toBe(b);
    expect(a.length).toBeGreaterThan(10_000);
  });

  it('demo show: three songs of 60-120 s, with credits, licences and cues of every kind', async () => {
    const t = await compileOk(DEMO);
    expect(t.songs).toHaveLength(3);
    for (const s of t.songs) {
      expect(s.duration).toBeGreaterThanOrEqual(60);
      expect(s.duration).toBeLessThanOrEqual(120);
      expect(s.credits.length).toBeGreaterThan(0);
      expect(s.license.name).not.toBe('');
      expect(s.tracks.lighting.length).toBeGreaterThan(5);
      expect(s.tracks.motion.length).toBeGreaterThan(3);
      expect(s.tracks.camera.length).toBeGreaterThan(3);
      expect(s.tracks.vocal.notes.length).toBeGreaterThan(50);
    }
    expect(t.entries.some((e) => e.kind === 'mc')).toBe(true);
    expect(t.outputs.some((o) => o.kind === 'transparent')).toBe(true);
  });
});

describe('timeline lookups', () => {
  const events = [0, 1, 1, 2.5, 4].map((time, i) => ({ time, end: time + 0.5, i }));
  it('finds the last event at or before t and the active one', () => {
    expect(lastAtOrBefore(events, -1)).toBe(-1);
    expect(lastAtOrBefore(events, 1)).toBe(2);
    expect(lastAtOrBefore(events, 3)).toBe(3);
    expect(activeAt(events, 2.7)).toBe(3);
    expect(activeAt(events, 3.2)).toBe(-1);
  });
  it('gives events in [t0, t1) as an index range, reusing the range object', () => {
    const range = { from: 0, to: 0 };
    expect(eventsInRange(events, 1, 4, range)).toBe(range);
    expect(range).toEqual({ from: 1, to: 4 });
    eventsInRange(events, 4.1, 9, range);
    expect(range.to - range.from).toBe(0);
    eventsInRange(events, 0, 0, range);
    expect(range.to - range.from).toBe(0);
  });
});

describe('holostage CLI', () => {
  const cli = join(ROOT, 'bin', 'holostage.js');
  it('validate: exit 0 and a summary for the demo show', () => {
    const out = execFileSync('node', [cli, 'validate', DEMO], { encoding: 'utf8' });
    expect(out).toMatch(/^ok: "holostage Demo Night" — 4 entries, 3 songs/);
  });
  it('validate: exit 1 and every error with file:line:col for a broken show', () => {
    const r = spawnSync('node', [cli, 'validate', join(ROOT, 'tests', 'fixtures', 'no-such-show')], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('show.json:1:1 no show.json in');
  });
  it('compile --json prints the timeline', () => {
    const out = execFileSync('node', [cli, 'compile', DEMO, '--json'], { encoding: 'utf8', maxBuffer: 64 << 20 });
    const t = JSON.parse(out) as Timeline;
    expect(t.format).toBe('holostage-timeline');
    expect(t.songs.map((s) => s.id)).toEqual(['sakura-signal', 'neon-lullaby', 'hello-hologram']);
  });
});

describe('published JSON Schema', () => {
  it('docs/schema matches the zod schemas (run scripts/gen-schema.ts after changing them)', () => {
    for (const [name, text] of Object.entries(schemaDocuments())) {
      expect(readFileSync(join(ROOT, 'docs', 'schema', name), 'utf8')).toBe(text);
    }
  });
});
