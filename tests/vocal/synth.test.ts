import { beforeAll, describe, expect, it } from 'vitest';
import { renderVocal, type RenderedVocal } from '../../show-files/src/vocal/render.ts';
import { planSinger, curveAt } from '../../show-files/src/vocal/singer-plan.ts';
import { phonemizeNotes } from '../../show-files/src/vocal/phonemize.ts';
import { DEFAULT_VOICE } from '../../show-files/src/vocal/track.ts';
import { decodeWav, encodeWav } from '../../show-files/src/vocal/wav.ts';
import { pitchToHz } from '../../show-files/src/score/pitch.ts';
import type { VocalNote, VocalTrack } from '../../show-files/src/timeline.ts';
import { fundamental, harmonicBandEnergy, rms } from './audio-analysis.ts';
import { peakingMagnitude, voicedLoudness } from '../../show-files/src/vocal/timbre.ts';
import { PHONES } from '../../show-files/src/vocal/phones.ts';

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

describe('singing synth (offline, Tone.js on node-web-audio-api)', () => {
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
    expect(rms(out.samples, at(2.35), at(2.85))).toBeLessThan(1e-4);
    expect(rms(out.samples, at(5.12), at(5.45))).toBeLessThan(1e-4);
    // Before the first consonant, silence too.
    expect(rms(out.samples, 0, at(0.05))).toBeLessThan(1e-4);
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

  it('puts vibrato on the long note: the pitch curve swings around the note', () => {
    const plan = planSinger(track, voice);
    const hz = pitchToHz(69);
    let lo = Infinity;
    let hi = -Infinity;
    for (let t = 1.6; t < 2.1; t += 0.005) {
      const f = curveAt(plan.frequency, t);
      lo = Math.min(lo, f);
      hi = Math.max(hi, f);
    }
    const semis = 12 * Math.log2(hi / lo);
    expect(semis).toBeGreaterThan(voice.vibrato.depth * 1.5);
    expect(semis).toBeLessThan(voice.vibrato.depth * 2.2);
    // Short notes get no vibrato: the first note holds its pitch exactly.
    for (let t = 0.25; t < 0.6; t += 0.01) expect(curveAt(plan.frequency, t)).toBeCloseTo(pitchToHz(64), 6);
    // Legato glide between the first two notes: halfway in pitch at the second note's beat.
    expect(curveAt(plan.frequency, 0.7)).toBeCloseTo((pitchToHz(64) + pitchToHz(67)) / 2, 3);
    expect(curveAt(plan.frequency, 0.5)).toBeCloseTo(pitchToHz(64), 6);
    expect(hz).toBeGreaterThan(0);
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

describe('loudness evening', () => {
  it('predicts the peaking filters like Web Audio does: the full gain at the centre, unity far away', () => {
    expect(peakingMagnitude(1000, 1000, 20, 4, 44100)).toBeCloseTo(10, 6);
    expect(peakingMagnitude(100, 3000, 12, 8, 44100)).toBeCloseTo(1, 2);
  });

  it('brings vowels at different pitches closer in level than the raw filter output', () => {
    const vowels = ['a', 'i', 'u', 'e', 'o'];
    const raw: number[] = [];
    const evened: number[] = [];
    const track = trackOf(
      [57, 62, 69, 74].flatMap((pitch, k) =>
        vowels.map((v, j) => ({ time: 1 + (k * 5 + j) * 0.6, end: 1.5 + (k * 5 + j) * 0.6, pitch, lyric: { a: 'あ', i: 'い', u: 'う', e: 'え', o: 'お' }[v]! })),
      ),
    );
    const plan = planSinger(track, voice);
    for (const p of track.phonemes) {
      const loud = voicedLoudness(pitchToHz(track.notes[p.note]!.pitch), PHONES[p.symbol]!.formants!);
      raw.push(loud);
      evened.push(loud * curveAt(plan.voiced, (p.time + p.end) / 2));
    }
    const spread = (xs: number[]) => 20 * Math.log10(Math.max(...xs) / Math.min(...xs));
    expect(spread(evened)).toBeLessThan(spread(raw) - 6);
  });
});
