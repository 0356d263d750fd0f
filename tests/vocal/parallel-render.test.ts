// `holostage sing` on two threads (cli/parallel-render.ts): a worker renders the second half of the
// song from a restart while this thread renders the first; the samples must be those of one render.

import { describe, expect, it } from 'vitest';
import { renderVocalParallel, splitPoint, SOURCE_WORKER_ENTRY } from '../../cli/parallel-render.ts';
import { renderVocalSync } from '../../vocal/render.ts';
import { standaloneVocal } from '../../vocal/standalone.ts';
import { DEFAULT_VOICE } from '../../vocal/track.ts';
import { parseScore } from '../../show-files/src/score/index.ts';
import { phraseSong } from './phrase-song.ts';

describe('parallel render', () => {
  it('splits at the restart nearest the middle, and only in the middle 40 %', () => {
    expect(splitPoint([100, 480, 700], 1000)).toBe(480);
    expect(splitPoint([100, 900], 1000)).toBeUndefined();
    expect(splitPoint([], 1000)).toBeUndefined();
  });

  it('renders in two parts, one in a worker thread, the same samples as one straight render', async () => {
    const { track } = standaloneVocal(parseScore(new TextEncoder().encode(phraseSong()), 'phrases.json'), DEFAULT_VOICE);
    const straight = renderVocalSync(track, DEFAULT_VOICE, 22050);
    const progress: number[] = [];
    const split = await renderVocalParallel(track, DEFAULT_VOICE, { sampleRate: 22050, workerEntry: SOURCE_WORKER_ENTRY, onProgress: (f) => progress.push(f) });
    expect(split.parts).toBe(2);
    expect(split.start).toBe(straight.start);
    expect(split.samples.length).toBe(straight.samples.length);
    expect(Buffer.from(split.samples.buffer).equals(Buffer.from(straight.samples.buffer))).toBe(true);
    expect(progress.at(-1)).toBe(1);
    expect(progress.every((f, i) => i === 0 || f >= progress[i - 1]!)).toBe(true);
  }, 60_000);

  it('renders alone when no worker is given, or the worker cannot start, with the same samples', async () => {
    const { track } = standaloneVocal(parseScore(new TextEncoder().encode(phraseSong()), 'phrases.json'), DEFAULT_VOICE);
    const straight = renderVocalSync(track, DEFAULT_VOICE, 22050);
    const alone = await renderVocalParallel(track, DEFAULT_VOICE, { sampleRate: 22050 });
    expect(alone.parts).toBe(1);
    expect(Buffer.from(alone.samples.buffer).equals(Buffer.from(straight.samples.buffer))).toBe(true);
    const broken = await renderVocalParallel(track, DEFAULT_VOICE, { sampleRate: 22050, workerEntry: new URL('./no-such-worker.mjs', import.meta.url) });
    expect(broken.parts).toBe(1);
    expect(Buffer.from(broken.samples.buffer).equals(Buffer.from(straight.samples.buffer))).toBe(true);
  }, 60_000);
});
