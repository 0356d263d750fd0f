// The stream and preview outputs play each song's synthesized vocal: the server names it in the
// timeline it hands out and renders it on request, aligned to the song's start.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { compileShowFolder } from '../../show-files/src/compile.ts';
import type { Timeline } from '../../show-files/src/timeline.ts';
import type { ShowServer } from '../../server/src/server.ts';
import { getJson, startTestServer } from './helpers.ts';

const DEMO = join(import.meta.dirname, '..', '..', 'show-files', 'demo');

function pcm16(wav: Buffer): { sampleRate: number; samples: Int16Array } {
  expect(wav.toString('ascii', 0, 4)).toBe('RIFF');
  expect(wav.toString('ascii', 8, 12)).toBe('WAVE');
  const sampleRate = wav.readUInt32LE(24);
  let offset = 12;
  while (wav.toString('ascii', offset, offset + 4) !== 'data') offset += 8 + wav.readUInt32LE(offset + 4);
  const bytes = wav.readUInt32LE(offset + 4);
  const samples = new Int16Array(wav.buffer.slice(wav.byteOffset + offset + 8, wav.byteOffset + offset + 8 + bytes));
  return { sampleRate, samples };
}

function rms(samples: Int16Array, from: number, to: number): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += (samples[i]! / 32768) ** 2;
  return Math.sqrt(sum / Math.max(1, to - from));
}

describe('vocal audio for the outputs', () => {
  let server: ShowServer;
  let timeline: Timeline;
  beforeAll(async () => {
    const r = await compileShowFolder(DEMO);
    if (!r.ok) throw new Error('demo show invalid');
    ({ server } = await startTestServer(r.timeline));
    const res = await getJson(`${server.url}/api/timeline`, server.tokens.outputs['fan-stream']!);
    timeline = (res.json as { timeline: Timeline }).timeline;
  });
  afterAll(() => server?.close());

  it('names a vocal for every sung song, and serves it aligned to the song start', async () => {
    // Neon Lullaby: two bars of intro before the first sung note.
    const beta = timeline.songs[1]!;
    expect(timeline.songs.every((s) => s.vocalAudio)).toBe(true);
    expect(beta.vocalAudio).toMatch(/^\/vocal\/[0-9a-f]{16}\/1\.wav$/);
    const res = await fetch(`${server.url}${beta.vocalAudio}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('audio/wav');
    const { sampleRate, samples } = pcm16(Buffer.from(await res.arrayBuffer()));
    // As long as the song, starting at its first tick.
    expect(samples.length / sampleRate).toBeCloseTo(beta.duration, 1);
    const at = (t: number) => Math.round((t - beta.start) * sampleRate);
    const notes = beta.tracks.vocal.notes;
    // Silence through the intro, sound inside the first held note: the file starts at the song's start.
    const first = notes[0]!;
    expect(first.time - beta.start).toBeGreaterThan(4);
    expect(rms(samples, 0, at(first.time - 0.3))).toBeLessThan(0.002);
    expect(rms(samples, at(first.time + 0.05), at(first.end - 0.05))).toBeGreaterThan(0.01);
    // And silence again after the last note has died away.
    const last = notes[notes.length - 1]!;
    expect(beta.start + beta.duration - last.end).toBeGreaterThan(1);
    expect(rms(samples, at(last.end + 0.5), samples.length)).toBeLessThan(0.002);
  });

  it('refuses a stale or unknown vocal path', async () => {
    expect((await fetch(`${server.url}/vocal/0000000000000000/1.wav`)).status).toBe(404);
    const path = timeline.songs[0]!.vocalAudio!.replace(/\d+\.wav$/, '9.wav');
    expect((await fetch(`${server.url}${path}`)).status).toBe(404);
  });

  it('with warmVocals, renders every song in the background before anyone asks', async () => {
    const base = await compileShowFolder(join(import.meta.dirname, '..', 'fixtures', 'base-show'));
    if (!base.ok) throw new Error('base show invalid');
    const lines: string[] = [];
    const { server: warm } = await startTestServer(base.timeline, { warmVocals: true, log: (l) => lines.push(l) });
    try {
      const deadline = Date.now() + 60_000;
      while (lines.filter((l) => l.startsWith('vocal: rendered')).length < base.timeline.songs.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(lines.filter((l) => l.startsWith('vocal: rendered')).map((l) => /"([^"]+)"/.exec(l)![1])).toEqual(['Alpha', 'Beta']);
    } finally {
      await warm.close();
    }
  });
});
