import { beforeAll, describe, expect, it } from 'vitest';
import { renderVocal, silentCutPoints, type RenderedVocal } from '../../show-files/src/vocal/render.ts';
import { planSinger, curveAt } from '../../show-files/src/vocal/singer-plan.ts';
import { phonemizeNotes } from '../../show-files/src/vocal/phonemize.ts';
import { DEFAULT_VOICE } from '../../show-files/src/vocal/track.ts';
import { decodeWav, encodeWav } from '../../show-files/src/vocal/wav.ts';
import { pitchToHz } from '../../show-files/src/score/pitch.ts';
import type { VocalNote, VocalTrack } from '../../show-files/src/timeline.ts';
import { fundamental, harmonicBandEnergy, rms } from './audio-analysis.ts';

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
    // Legato glide between the first two notes: halfway in pitch at the second note's beat.
    expect(curveAt(plan.frequency, 0.7)).toBeCloseTo((pitchToHz(64) + pitchToHz(67)) / 2, 3);
    expect(curveAt(plan.frequency, 0.5)).toBeCloseTo(pitchToHz(64), 6);
    expect(hz).toBeGreaterThan(0);
  });

  it('/a/ and /i/ have measurably different spectra (F1 high for /a/, F2 high for /i/)', () => {
    const hz = pitchToHz(62);
    const window = (from: number) => [at(from), at(from + 0.3)] as const;
    const [i0, i1] = window(3.3);
    const [a0, a1] = window(4.3);
    const f1i = harmonicBandEnergy(out.samples, out.sampleRate, i0, i1, hz, 650, 1100);
    const f2i = harmonicBandEnergy(out.samples, out.sampleRate, i0, i1, hz, 2300, 3100);
    const f1a = harmonicBandEnergy(out.samples, out.sampleRate, a0, a1, hz, 650, 1100);
    const f2a = harmonicBandEnergy(out.samples, out.sampleRate, a0, a1, hz, 2300, 3100);
    const db = (x: number) => 10 * Math.log10(x);
    // /a/: much more energy around F1 ≈ 850 Hz; /i/: much more around F2 ≈ 2700 Hz.
    expect(db(f1a) - db(f1i)).toBeGreaterThan(6);
    expect(db(f2i) - db(f2a)).toBeGreaterThan(6);
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

  it('renders in pieces cut only in silent rests, with the same loudness envelope as an unbroken render', async () => {
    const plan = planSinger(track, voice);
    const cuts = silentCutPoints(plan, track, 1);
    expect(cuts.length).toBe(2);
    expect(cuts[0]!).toBeGreaterThan(2.2);
    expect(cuts[0]!).toBeLessThan(3.0);
    const whole = await renderVocal(track, voice, { chunkSeconds: 1000 });
    const progress: number[] = [];
    const pieces = await renderVocal(track, voice, { chunkSeconds: 1, onProgress: (f) => progress.push(f) });
    expect(progress).toHaveLength(3);
    expect(progress[2]).toBe(1);
    expect(pieces.samples.length).toBe(whole.samples.length);
    const t = (s: number) => (s - whole.start) * whole.sampleRate;
    // The voice is silent around every cut, so a join cannot be heard.
    for (const cut of cuts) expect(rms(pieces.samples, t(cut - 0.02), t(cut + 0.02))).toBeLessThan(1e-4);
    // Oscillator phase restarts after a cut, so samples differ, but loudness per 50 ms does not.
    for (let s = whole.start; s < whole.start + whole.samples.length / whole.sampleRate - 0.05; s += 0.05) {
      const a = rms(whole.samples, t(s), t(s + 0.05));
      const b = rms(pieces.samples, t(s), t(s + 0.05));
      expect(Math.abs(a - b)).toBeLessThan(0.05 * Math.max(a, b) + 1e-4);
    }
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
