// LTC on a stream output's sound (`/stage?...&ltc=right`) in real chromium: the output's right
// channel, recorded from the page's audio graph, carries the show's timecode (show time + the
// show's timecode.start) where the show clock is, read by the tests' own LTC reader (written from
// SMPTE 12M); the left channel keeps the show's audio; a seek moves the timecode with the show.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { settle, sineWav, stageTimeline, startStageRig, type StageRig } from './harness.ts';
import { readWords } from '../venue/ltc-reader.ts';

interface Tap {
  sampleRate: number;
  left: number[];
  right: number[];
  blocks: { index: number; timecode: number }[];
}

const FPS = 30;
const START = 3600; // 01:00:00:00

function tapOf(page: Page, seconds: number): Promise<Tap> {
  return page.evaluate((s) => (window as unknown as { __holostage: { audioTap(s: number): Promise<Tap> } }).__holostage.audioTap(s), seconds);
}

/** The show clock's timecode at a sample of the tap. */
function clockAt(tap: Tap, index: number): number {
  let block = tap.blocks[0]!;
  for (const b of tap.blocks) if (b.index <= index) block = b;
  return block.timecode + (index - block.index) / tap.sampleRate;
}

const seconds = (label: string): number => {
  const [h, m, s, f] = label.split(':').map(Number) as [number, number, number, number];
  return h * 3600 + m * 60 + s + f / FPS;
};

describe('LTC on a stream output\'s sound', { timeout: 120_000 }, () => {
  let rig: StageRig;
  beforeAll(async () => {
    const show = Buffer.from(JSON.stringify({ timecode: { fps: FPS, start: '01:00:00:00' } }));
    rig = await startStageRig(stageTimeline({ backingAudio: 'audio/backing.wav' }), [], [['audio/backing.wav', sineWav(40)], ['show.json', show]]);
  });
  afterAll(async () => {
    await rig?.close();
  });

  it('carries the show\'s timecode on the right channel, where the show clock is, and follows a seek', async () => {
    const page = await rig.open('fans', '&ltc=right');
    await rig.seek(2, true);
    // A second of playing first: the page's clock settles after a jump.
    await settle(page, (s) => s.playing && s.showTime > 3);
    for (const at of [2, 20]) {
      if (at === 20) {
        await rig.seek(20, true);
        await settle(page, (s) => s.playing && s.showTime > 21);
      }
      // A busy machine can starve chromium's audio thread: a dropout cuts words out of the
      // recording, a late block puts a word out of step or off the clock. Up to four recordings;
      // the one read best (fewest faults, then most words) is judged.
      const faults = (t: Tap, ws: typeof words) =>
        Math.max(0, ws.slice(1).filter((w, i) => Math.round((seconds(w.label) - seconds(ws[i]!.label)) * FPS) !== 1).length - 1) +
        ws.filter((w) => Math.abs(seconds(w.label) - clockAt(t, w.start)) >= 2 / FPS).length;
      let tap = await tapOf(page, 1.5);
      let words = readWords(tap.right, tap.sampleRate / (80 * FPS), false);
      let wordFaults = faults(tap, words);
      for (let retry = 0; retry < 3 && (words.length <= 35 || wordFaults > 0); retry++) {
        const again = await tapOf(page, 1.5);
        const read = readWords(again.right, again.sampleRate / (80 * FPS), false);
        const f = faults(again, read);
        if (f < wordFaults || (f === wordFaults && read.length > words.length)) [tap, words, wordFaults] = [again, read, f];
      }
      // 1.5 s is 45 words; the first may be cut by the start of the recording.
      expect(words.length, `words read at ${at} s`).toBeGreaterThan(35);
      // One after the other, but for at most one re-anchoring (the page's clock corrected by more than a frame).
      const steps = words.slice(1).map((w, i) => Math.round((seconds(w.label) - seconds(words[i]!.label)) * FPS));
      expect(steps.filter((n) => n !== 1).length, steps.join(' ')).toBeLessThanOrEqual(1);
      for (const w of words) {
        expect(w.drop).toBe(false);
        // The word for frame F starts when the show clock reaches F (within two frames: the page's
        // estimate of when its audio is heard).
        expect(Math.abs(seconds(w.label) - clockAt(tap, w.start)), `${w.label} at show ${clockAt(tap, w.start) - START}`).toBeLessThan(2 / FPS);
      }
      expect(seconds(words[0]!.label) - START).toBeGreaterThan(at);
      expect(seconds(words[0]!.label) - START).toBeLessThan(at + 10);
      // The show's audio (the backing sine) is on the left, not mixed into the timecode.
      const rms = Math.sqrt(tap.left.reduce((a, x) => a + x * x, 0) / tap.left.length);
      expect(rms).toBeGreaterThan(0.01);
    }
    const state = (await page.evaluate(() => (window as unknown as { __holostage: { state(): { ltc: { rate: number; offsetSeconds: number; restarts: number } } } }).__holostage.state())).ltc;
    expect(state).toMatchObject({ rate: FPS, offsetSeconds: START });
    expect(state.restarts).toBeGreaterThanOrEqual(2);
    await page.close();
  });
});
