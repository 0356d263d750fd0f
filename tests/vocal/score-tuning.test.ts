// Tuning from UTAU / OpenUtau files: portamento points, vibrato, loudness, and the pitch curve
// that reaches the vocal track in seconds.
import { describe, expect, it } from 'vitest';
import { parseScore, readScoreFile } from '../../show-files/src/score/index.ts';
import { TempoMap } from '../../show-files/src/tempo.ts';
import { buildVocalTrack, DEFAULT_VOICE } from '../../vocal/track.ts';
import { absoluteToOffsets, pitchOffsetAt, sumPieces, writtenNoteAt } from '../../show-files/src/score/pitch-curve.ts';
import type { ScoreNote } from '../../show-files/src/score/model.ts';

/** The track's curve sampled at a time (linear between points, right-hand value at a step). */
function centsAtTime(curve: { time: number; cents: number }[], t: number): number {
  return pitchOffsetAt(curve.map((p) => ({ tick: p.time, cents: p.cents })), t);
}

describe('UST mode2 portamento, VBR and Intensity', () => {
  it('turns PBS/PBW/PBY/PBM into offsets from the written notes, VBR into vibrato, Intensity into dynamics', async () => {
    const score = await readScoreFile('tests/fixtures/scores/tuned.ust');
    expect(score.notes.map((n) => [n.tick, n.durationTicks, n.pitch])).toEqual([[0, 480, 60], [480, 960, 62], [1920, 480, 64]]);
    expect(score.notes.map((n) => n.dynamics)).toEqual([0.8, 1.2, undefined]);
    // VBR=50,200,40,20,30 on a 1 s note: the last half, 5 Hz, ±40 cents, 20 % / 30 % of 0.5 s fades.
    expect(score.notes[1]!.vibrato).toEqual({ depth: 0.4, rate: 5, delay: 0.5, fadeIn: 0.1, fadeOut: 0.15 });
    // The creator tuned vibrato, so the notes without one sing none.
    expect(score.notes[0]!.vibrato?.depth).toBe(0);
    // PBS=-62.5 (no height: starts at the previous note, 2 semitones down), PBW=125, straight.
    // At 120 BPM 1 ms = 0.96 ticks: the glide runs from tick 420 to 540.
    expect(score.pitchCurve).toEqual([
      { tick: 0, cents: 0 },
      { tick: 420, cents: 0 },
      { tick: 480, cents: 100 },
      { tick: 480, cents: -100 },
      { tick: 540, cents: 0 },
      { tick: 1440, cents: 0 },
    ]);
    expect(pitchOffsetAt(score.pitchCurve, 450)).toBeCloseTo(50, 9);
    expect(pitchOffsetAt(score.pitchCurve, 510)).toBeCloseTo(-50, 9);
    expect(score.warnings.join('\n')).toContain('mode1 pitch bends (PitchBend/Piches) on 1 note (line 30) not read');

    // Through the vocal track: seconds, with the song starting 10 s into the show.
    const map = new TempoMap(score.tempo, score.resolution);
    const track = buildVocalTrack(score, (t) => 10 + map.secondsAt(t), DEFAULT_VOICE);
    expect(track.notes[1]!.dynamics).toBe(1.2);
    expect(track.notes[1]!.vibrato).toEqual({ depth: 0.4, rate: 5, delay: 0.5, fadeIn: 0.1, fadeOut: 0.15 });
    expect(track.notes[2]!.dynamics).toBeUndefined();
    expect(track.pitchCurve![1]).toEqual({ time: 10 + 420 / 960, cents: 0 });
    // Sung pitch = written + offset: 60.5 semitones 30 ms before the second note, 61.5 at 30 ms after.
    expect(track.notes[0]!.pitch + centsAtTime(track.pitchCurve!, 10.5 - 0.03125) / 100).toBeCloseTo(60.5, 9);
    expect(track.notes[1]!.pitch + centsAtTime(track.pitchCurve!, 10.5 + 0.03125) / 100).toBeCloseTo(61.5, 9);
    expect(centsAtTime(track.pitchCurve!, 11.2)).toBe(0);
  });

  it('leaves an untuned UST alone: no curve, no vibrato, no dynamics', async () => {
    const score = await readScoreFile('tests/fixtures/scores/kane-utf8.ust');
    expect(score.pitchCurve).toBeUndefined();
    expect(score.notes.every((n) => n.vibrato === undefined)).toBe(true);
  });

  it('reads PBY heights, PBM shapes and an explicit PBS height', () => {
    const ust = [
      '[#SETTING]', 'Tempo=125', // 1 ms = 1 tick at 125 BPM
      '[#0000]', 'Length=480', 'Lyric=a', 'NoteNum=60',
      '[#0001]', 'Length=480', 'Lyric=a', 'NoteNum=60',
      'PBS=0;10', 'PBW=100,100', 'PBY=-10,0', 'PBM=s,j',
    ].join('\n');
    const score = parseScore(new TextEncoder().encode(ust), 'x.ust');
    const c = score.pitchCurve!;
    expect(pitchOffsetAt(c, 480)).toBeCloseTo(100, 6); // explicit start: +1 semitone
    expect(pitchOffsetAt(c, 530)).toBeCloseTo(0, 6); // straight line down to -100 at 580
    expect(pitchOffsetAt(c, 580)).toBeCloseTo(-100, 6);
    // j: sine ease-in from -100 to 0 over 100 ticks: at the middle 1 - cos(pi/4) of the way.
    expect(pitchOffsetAt(c, 630)).toBeCloseTo(-100 + 100 * (1 - Math.cos(Math.PI / 4)), 0);
    expect(pitchOffsetAt(c, 900)).toBe(0);
  });
});

describe('USTX pitch points, pitd, vibrato and vol/dyn', () => {
  it('follows OpenUtau: snapped first point, pitd added, vol × dyn as dynamics', async () => {
    const score = await readScoreFile('tests/fixtures/scores/tuned.ustx');
    expect(score.notes.map((n) => [n.tick, n.durationTicks, n.pitch, n.lyric])).toEqual([[480, 480, 60, 'ら'], [960, 960, 64, 'ら']]);
    // vol 50 % and dyn -6 dB over the first note; the second has neither.
    expect(score.notes[0]!.dynamics).toBeCloseTo(0.5 * Math.pow(10, -6 / 20), 9);
    expect(score.notes[1]!.dynamics).toBe(1);
    expect(score.notes[1]!.vibrato).toEqual({ depth: 0.3, rate: 4, delay: 0.4, fadeIn: 0.15, fadeOut: 0.15 });
    expect(score.notes[0]!.vibrato?.depth).toBe(0);
    const c = score.pitchCurve!;
    // The second note's glide starts 50 ms early at the first note's pitch (snap_first), 4 semitones below.
    expect(pitchOffsetAt(c, 912)).toBeCloseTo(0, 9);
    expect(pitchOffsetAt(c, 936)).toBeCloseTo(100, 9); // 60 + 1 semitone, still over the first note
    expect(pitchOffsetAt(c, 960)).toBeCloseTo(-200, 9); // 62 sung over a written 64
    expect(pitchOffsetAt(c, 984)).toBeCloseTo(-100, 9);
    // pitd: a +100 cent triangle over the second half of the second note.
    expect(pitchOffsetAt(c, 1560)).toBeCloseTo(50, 9);
    expect(pitchOffsetAt(c, 1680)).toBeCloseTo(100, 9);
    expect(score.warnings.join('\n')).toContain('velocity (vel');
  });

  it('reads a default OpenUtau note: a flat curve over it (no note before to glide from), its vibrato kept', async () => {
    const score = await readScoreFile('tests/fixtures/scores/two-parts.ustx');
    expect(score.pitchCurve).toEqual([{ tick: 0, cents: 0 }, { tick: 480, cents: 0 }]);
    // length 75 %, period 175 ms, depth 25 cents on a 480-tick note at 128 BPM (0.46875 s).
    const v = score.notes[0]!.vibrato!;
    expect(v.depth).toBe(0.25);
    expect(v.rate).toBeCloseTo(1000 / 175, 9);
    expect(v.delay).toBeCloseTo(0.46875 * 0.25, 9);
    expect(v.fadeIn).toBeCloseTo(0.46875 * 0.75 * 0.1, 9);
    // Notes without a pitch block or vibrato sing none (the file is tuned).
    expect(score.notes[1]!.vibrato?.depth).toBe(0);
  });
});

describe('pitch-curve helpers', () => {
  const notes: ScoreNote[] = [
    { tick: 0, durationTicks: 100, pitch: 60, lyric: 'a' },
    { tick: 200, durationTicks: 100, pitch: 62, lyric: 'a' },
  ];
  it('takes the sounding note, else the next, else the last as the written note', () => {
    expect([0, 99, 100, 150, 200, 299, 300, 999].map((t) => writtenNoteAt(notes, t))).toEqual([0, 0, 1, 1, 1, 1, 1, 1]);
  });
  it('steps the offset where the written note changes and sums overlapping pieces', () => {
    const glide = absoluteToOffsets([{ tick: 50, cents: 6000 }, { tick: 250, cents: 6200 }], notes);
    // The written note changes at the first note's end (tick 100, the rest belongs to the next note).
    expect(glide).toEqual([{ tick: 50, cents: 0 }, { tick: 100, cents: 50 }, { tick: 100, cents: -150 }, { tick: 250, cents: 0 }]);
    const sum = sumPieces([glide, [{ tick: 150, cents: 0 }, { tick: 250, cents: 40 }, { tick: 260, cents: 40 }]]);
    expect(pitchOffsetAt(sum, 200)).toBeCloseTo(-50 + 20, 9);
    // The second piece ends at 40 cents: a step back to 0 after it.
    expect(pitchOffsetAt(sum, 255)).toBeCloseTo(40, 9);
    expect(sum[sum.length - 1]).toEqual({ tick: 260, cents: 40 });
  });
  it('sorts a piece given out of order and ignores one without finite ticks', () => {
    const sum = sumPieces([[{ tick: 10, cents: 5 }, { tick: 0, cents: 1 }, { tick: 20, cents: 0 }], [{ tick: NaN, cents: 1 }, { tick: NaN, cents: 2 }]]);
    expect(sum).toEqual([{ tick: 0, cents: 1 }, { tick: 10, cents: 5 }, { tick: 20, cents: 0 }]);
  });
});
