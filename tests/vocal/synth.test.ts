import { beforeAll, describe, expect, it } from 'vitest';
import { renderVocal, type RenderedVocal } from '../../vocal/render.ts';
import { planVoice } from '../../vocal/articulation.ts';
import { curveAt } from '../../vocal/dsp/curve.ts';
import { phonemizeNotes } from '../../vocal/phonemize.ts';
import { DEFAULT_VOICE } from '../../vocal/track.ts';
import { decodeWav, encodeWav } from '../../vocal/wav.ts';
import { pitchToHz } from '../../show-files/src/score/pitch.ts';
import type { VocalNote, VocalTrack } from '../../show-files/src/timeline.ts';
import { fundamental, harmonicBandEnergy, rms } from './audio-analysis.ts';
import { BandPass } from '../../vocal/dsp/resonator.ts';
import { filterFrication } from '../../vocal/dsp/tract.ts';

const voice = { ...DEFAULT_VOICE };

function trackOf(notes: VocalNote[]): VocalTrack {
  const { phonemes, warnings } = phonemizeNotes(notes, voice, { songStart: 0 });
  return { notes, phonemes, warnings };
}

// A phrase with legato notes, a rest, a long note with vibrato, and vowels /a/ and /i/ held long.
const notes: VocalNote[] = [
  { time: 0.2, end: 0.7, pitch: 64, lyric: 'ら' },
  { time: 0.7, end: 1.2, pitch: 67, lyric: 'ら' },
  { time: 1.2, end: 2.2, pitch: 69, lyric: 'あ' }, // long: vibrato
  // rest 2.2 .. 3.0
  { time: 3.0, end: 4.0, pitch: 62, lyric: 'い' },
  { time: 4.0, end: 5.0, pitch: 62, lyric: 'あ' },
  // rest 5.0 .. 5.6
  { time: 5.6, end: 6.1, pitch: 72, lyric: 'さ' },
];

describe('singing synth (offline, the project\'s formant synthesizer)', () => {
  let out: RenderedVocal;
  const track = trackOf(notes);
  const at = (t: number) => (t - out.start) * out.sampleRate;

  beforeAll(async () => {
    out = await renderVocal(track, voice, { sampleRate: 44100 });
  }, 60_000);

  it('renders the whole line: energy in notes, silence in rests', () => {
    expect(out.samples.length).toBeGreaterThan(6 * 44100);
    for (const n of notes) {
      const mid = (n.time + n.end) / 2;
      expect(rms(out.samples, at(mid - 0.1), at(mid + 0.1))).toBeGreaterThan(0.03);
    }
    // Rests (away from the release and the next consonant's pre-utterance) are silent.
    expect(rms(out.samples, at(2.35), at(2.65))).toBeLessThan(1e-4);
    // ...until the soft breath in, just before the next phrase: radiated noise, bright and light
    // (its level sits in the 2-6 kHz band, so its RMS is lower than a dark hum's), clearly above silence.
    expect(rms(out.samples, at(2.78), at(2.9))).toBeGreaterThan(5e-4);
    expect(rms(out.samples, at(5.12), at(5.22))).toBeLessThan(1e-4);
    // The render starts in silence, then the singer breathes in before her first phrase.
    const first = track.phonemes[0]!.time;
    expect(rms(out.samples, 0, at(first - 0.31))).toBeLessThan(1e-4);
    expect(rms(out.samples, at(first - 0.22), at(first - 0.1))).toBeGreaterThan(5e-4);
    let peak = 0;
    for (const x of out.samples) peak = Math.max(peak, Math.abs(x));
    expect(peak).toBeLessThan(1);
    expect(peak).toBeGreaterThan(0.1);
  });

  it('sings each held note within 1 % of its pitch (vibrato included)', () => {
    for (const n of notes) {
      const hz = pitchToHz(n.pitch);
      // The steady middle of the vowel, a whole number of vibrato cycles long.
      const cycle = 1 / voice.vibrato.rate;
      const len = n.end - n.time > 0.8 ? 2 * cycle : 0.12;
      const from = n.end - n.time > 0.8 ? n.time + voice.vibrato.delay + 0.25 : n.time + 0.15;
      const f0 = fundamental(out.samples, out.sampleRate, at(from), at(from + len), hz / 1.3, hz * 1.3);
      expect(Math.abs(f0 / hz - 1)).toBeLessThan(0.01);
    }
  });

  it('puts vibrato on the long note, none on short ones; legato notes glide', () => {
    const plan = planVoice(track, voice);
    // The long note (1.0 s): the vibrato rises to (most of) the voice's depth and holds.
    let deepest = 0;
    for (let t = 1.2; t < 2.2; t += 0.005) deepest = Math.max(deepest, curveAt(plan.vibratoDepth, t));
    expect(deepest).toBeGreaterThan(voice.vibrato.depth * 0.6);
    expect(deepest).toBeLessThanOrEqual(voice.vibrato.depth);
    expect(curveAt(plan.vibratoDepth, 1.25)).toBe(0);
    // A short note (the last, 0.5 s but below the carry threshold after its consonant) may carry a
    // light vibrato only; between notes in a rest there is none.
    expect(curveAt(plan.vibratoDepth, 2.6)).toBe(0);
    // The first note holds its pitch in its middle; the glide to the second is near halfway at the beat.
    expect(curveAt(plan.pitch, 0.45)).toBeCloseTo(64, 1);
    const mid = curveAt(plan.pitch, 0.7);
    expect(mid).toBeGreaterThan(64.8);
    expect(mid).toBeLessThan(66.5);
    // After the glide the pitch overshoots a little past 67 and settles back on it.
    let top = 0;
    for (let t = 0.7; t < 0.95; t += 0.005) top = Math.max(top, curveAt(plan.pitch, t));
    expect(top).toBeGreaterThan(67.05);
    expect(curveAt(plan.pitch, 1.0)).toBeCloseTo(67, 1);
  });

  it('/a/ and /i/ have measurably different spectra (F1 and F2 where each vowel has them)', () => {
    const hz = pitchToHz(62);
    const i = [at(3.3), at(3.6)] as const;
    const a = [at(4.3), at(4.6)] as const;
    const db = (x: number) => 10 * Math.log10(x);
    // Share of a window's energy in a band (dB), so the comparison is about spectral shape, not loudness.
    const share = (w: readonly [number, number], lo: number, hi: number) =>
      db(harmonicBandEnergy(out.samples, out.sampleRate, w[0], w[1], hz, lo, hi) / harmonicBandEnergy(out.samples, out.sampleRate, w[0], w[1], hz, 1, 8000));
    // /a/: F1 ≈ 850 Hz and F2 ≈ 1400 Hz carry far more of its energy than they do for /i/...
    expect(share(a, 650, 1100) - share(i, 650, 1100)).toBeGreaterThan(10);
    expect(share(a, 1100, 1700) - share(i, 1100, 1700)).toBeGreaterThan(10);
    // ...while /i/ has its F2 high (≈ 2700 Hz) over a valley where /a/ has its F2: the tilt between
    // the two bands differs by far.
    const tilt = (w: readonly [number, number]) => share(w, 2300, 3100) - share(w, 1100, 1700);
    expect(tilt(i) - tilt(a)).toBeGreaterThan(10);
  });

  it('consonant noise: the s of さ is a high-frequency hiss before the vowel', () => {
    const s = track.phonemes.find((p) => p.symbol === 's')!;
    const a = track.phonemes.find((p) => p.note === 5 && p.symbol === 'a')!;
    expect(rms(out.samples, at(s.time + 0.02), at(s.end - 0.01))).toBeGreaterThan(0.01);
    // The hiss has far more energy above 4 kHz, relative to its level, than the vowel after it.
    const hiss = harmonicBandEnergy(out.samples, out.sampleRate, at(s.time + 0.02), at(s.end - 0.01), 100, 4500, 8000);
    const vowel = harmonicBandEnergy(out.samples, out.sampleRate, at(a.time + 0.1), at(a.time + 0.2), pitchToHz(72), 4500, 8000);
    const hissLevel = rms(out.samples, at(s.time + 0.02), at(s.end - 0.01)) ** 2;
    const vowelLevel = rms(out.samples, at(a.time + 0.1), at(a.time + 0.2)) ** 2;
    expect(hiss / hissLevel).toBeGreaterThan((4 * vowel) / vowelLevel);
  });

  it('reports progress while rendering, and progress does not change the sound', async () => {
    const progress: number[] = [];
    const watched = await renderVocal(track, voice, { chunkSeconds: 0.5, onProgress: (f) => progress.push(f) });
    // One report per half second of audio (the line is about 6.1 s long), rising, ending at 1.
    expect(progress.length).toBeGreaterThanOrEqual(11);
    for (let i = 1; i < progress.length; i++) expect(progress[i]!).toBeGreaterThan(progress[i - 1]!);
    expect(progress[progress.length - 1]).toBe(1);
    expect(watched.samples.length).toBe(out.samples.length);
    let maxDiff = 0;
    for (let i = 0; i < out.samples.length; i++) maxDiff = Math.max(maxDiff, Math.abs(watched.samples[i]! - out.samples[i]!));
    expect(maxDiff).toBeLessThan(1e-6);
  });

  it('renders a window of the song from its middle (live playback can start anywhere)', async () => {
    const window = await renderVocal(track, voice, { from: 3.5, to: 4.5 });
    expect(window.start).toBe(3.5);
    expect(window.samples.length).toBe(44100);
    const hz = pitchToHz(62);
    // Mid-note: the voice is already sounding at the right pitch from the first samples.
    expect(rms(window.samples, 0, 0.05 * 44100)).toBeGreaterThan(0.03);
    const f0 = fundamental(window.samples, 44100, 0.05 * 44100, 0.3 * 44100, hz / 1.3, hz * 1.3);
    expect(Math.abs(f0 / hz - 1)).toBeLessThan(0.01);
  });

  it('writes a WAV that reads back to the same samples', () => {
    const bytes = encodeWav([out.samples], out.sampleRate);
    expect(String.fromCharCode(...bytes.subarray(0, 4))).toBe('RIFF');
    const back = decodeWav(bytes);
    expect(back.sampleRate).toBe(44100);
    expect(back.channels[0]!.length).toBe(out.samples.length);
    for (let i = 0; i < out.samples.length; i += 997) expect(back.channels[0]![i]!).toBeCloseTo(out.samples[i]!, 4);
  });
});

describe('fricative band-pass at rest', () => {
  it('settles to exact zeros only once its input has stopped and its ringing is below the threshold', () => {
    const bp = new BandPass();
    bp.set(4500, 300, 44100);
    const noise = new Float64Array(64).map((_, k) => Math.sin(k * 1.7));
    const zeros = new Float64Array(64);
    const a = new Float64Array(64);
    const b = new Float64Array(64);
    filterFrication(bp, new BandPass(), noise, a, b, 64);
    expect(bp.settle(1e-10)).toBe(false); // the last input was not zero
    filterFrication(bp, new BandPass(), zeros, a, b, 64);
    expect(bp.settle(1e-10)).toBe(false); // still ringing
    const y1 = bp.y1;
    expect(Math.abs(y1)).toBeGreaterThan(1e-6);
    let blocks = 0;
    while (!bp.settle(1e-10)) {
      filterFrication(bp, new BandPass(), zeros, a, b, 64);
      blocks++;
      expect(Math.max(...a.map(Math.abs))).toBeLessThan(1); // decaying, not blowing up
    }
    // 300 Hz wide: -200 dB in about 1,600 samples.
    expect(blocks).toBeGreaterThan(10);
    expect(blocks).toBeLessThan(60);
    expect([bp.y1, bp.y2, bp.x1]).toEqual([0, 0, 0]);
    filterFrication(bp, new BandPass(), zeros, a, b, 64);
    expect(a.every((v) => v === 0)).toBe(true);
  });
});
