import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeWav } from '../../vocal/wav.ts';
import { buildVocalMidi } from './midi-fixture.ts';
import { rms } from './audio-analysis.ts';

function holostage(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/holostage.js', ...args], { cwd: process.cwd() });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

interface ScoreReport {
  format: string;
  tempo: { tick: number; bpm: number }[];
  notes: { tick: number; pitch: number; lyric: string; time: number; end: number }[];
  phonemes: { symbol: string; start: number; end: number; note: number }[];
  durationSeconds: number;
  warnings: string[];
}

describe('holostage score', () => {
  it('prints format, notes, tempo, phonemes, duration and warnings for .ust, .ustx, .json and .mid', { timeout: 120_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'holostage-score-'));
    const mid = join(dir, 'hello.mid');
    await writeFile(mid, buildVocalMidi([
      { tick: 0, length: 480, pitch: 64, lyric: 'hel-' },
      { tick: 480, length: 480, pitch: 67, lyric: 'lo' },
      { tick: 1440, length: 960, pitch: 72, lyric: 'blorft' },
    ], { bpm: 120 }));
    const cases: [string, string, number][] = [
      ['tests/fixtures/scores/sakura-sjis.ust', 'ust', 6],
      ['tests/fixtures/scores/two-parts.ustx', 'ustx', 5],
      ['tests/fixtures/scores/twinkle.json', 'json', 12],
      [mid, 'mid', 3],
    ];
    const reports = new Map<string, ScoreReport>();
    // Four processes at once: each spends most of its time starting up.
    const runs = await Promise.all(cases.map(([file]) => holostage(['score', file, '--json'])));
    for (const [k, [, format, count]] of cases.entries()) {
      const { code, stdout } = runs[k]!;
      expect(code).toBe(0);
      const report = JSON.parse(stdout) as ScoreReport;
      reports.set(format, report);
      expect(report.format).toBe(format);
      expect(report.notes).toHaveLength(count);
      expect(report.tempo.length).toBeGreaterThan(0);
      expect(report.phonemes.length).toBeGreaterThanOrEqual(count);
      expect(report.durationSeconds).toBeCloseTo(Math.max(...report.notes.map((n) => n.end)), 6);
      expect(Array.isArray(report.warnings)).toBe(true);
      for (const p of report.phonemes) expect(p.end).toBeGreaterThan(p.start);
    }
    const midReport = reports.get('mid')!;
    expect(midReport.phonemes.filter((p) => p.note === 1).map((p) => p.symbol)).toEqual(['l', 'o', 'uh']);
    expect(midReport.durationSeconds).toBeCloseTo(2.5, 6);
    expect(midReport.warnings.join('\n')).toMatch(/"blorft" is not in the pronouncing dictionary/);
    const ust = reports.get('ust')!;
    expect(ust.notes.map((n) => n.lyric)).toContain('きゃ');
  });

  it('reads MusicXML and Vocaloid files, with --part/--voice/--verse for MusicXML', { timeout: 120_000 }, async () => {
    const verse2 = await holostage(['score', 'tests/fixtures/scores/repeat-verses.musicxml', '--verse', '2', '--json']);
    expect(verse2.code, verse2.stderr).toBe(0);
    const report = JSON.parse(verse2.stdout) as ScoreReport;
    expect(report.format).toBe('musicxml');
    expect(report.notes.slice(0, 3).map((n) => n.lyric)).toEqual(['sun-', 'shine', 'day']);
    expect(report.tempo).toEqual([{ tick: 0, bpm: 90 }, { tick: 9600, bpm: 120 }]);
    const vsqx = await holostage(['score', 'tests/fixtures/scores/tuned-v4.vsqx']);
    expect(vsqx.code, vsqx.stderr).toBe(0);
    expect(vsqx.stdout).toMatch(/tuned-v4\.vsqx: vsqx, 4 notes/);
    expect(vsqx.stdout).toMatch(/tuning: pitch curve of \d+ points, 1 note with vibrato, 4 with dynamics/);
    const ust = await holostage(['score', 'tests/fixtures/scores/tuned.ust', '--json']);
    const tuned = JSON.parse(ust.stdout) as Omit<ScoreReport, 'notes'> & { notes: { dynamics?: number; vibrato?: { depth: number } }[]; pitchCurve: { time: number; cents: number }[] };
    expect(tuned.notes.map((n) => n.dynamics)).toEqual([0.8, 1.2, undefined]);
    expect(tuned.notes[1]!.vibrato!.depth).toBe(0.4);
    expect(tuned.pitchCurve.slice(2, 4)).toEqual([{ time: 0.5, cents: 100 }, { time: 0.5, cents: -100 }]);
    const wrongPart = await holostage(['score', 'tests/fixtures/scores/repeat-verses.musicxml', '--part', 'Alto']);
    expect(wrongPart.code).toBe(1);
    expect(wrongPart.stderr).toContain('no part "Alto"');
    const noValue = await holostage(['score', 'tests/fixtures/scores/repeat-verses.musicxml', '--verse']);
    expect(noValue.code).toBe(2);
  });

  it('exits 1 with file and line for a broken score, 2 without a file', { timeout: 120_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'holostage-score-'));
    const bad = join(dir, 'bad.json');
    await writeFile(bad, '{\n  "notes": [\n    {"tick": 0, "length": 480, "pitch": "X9"}\n  ]\n}\n');
    const [r, unsupported, usage] = await Promise.all([holostage(['score', bad, '--json']), holostage(['score', join(dir, 'song.abc')]), holostage(['score'])]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${bad}:3: note 0: "pitch"`);
    expect(unsupported.code).toBe(1);
    expect(unsupported.stderr).toMatch(/unsupported score format/);
    expect(usage.code).toBe(2);
  });
});

describe('holostage sing', () => {
  it('renders a WAV with a progress bar and prints the speed in x real time', { timeout: 120_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'holostage-sing-'));
    const out = join(dir, 'twinkle.wav');
    const r = await holostage(['sing', 'tests/fixtures/scores/twinkle.json', '-o', out]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/singing \[#{30}\] 100%/);
    expect(r.stdout).toMatch(/rendered [\d.]+ s of vocal in [\d.]+ s: [\d.]+x real time/);
    const wav = decodeWav(new Uint8Array(await readFile(out)));
    expect(wav.sampleRate).toBe(44100);
    expect(wav.bitDepth).toBe(16);
    const samples = wav.channels[0]!;
    // twinkle.json: 8 beats at 120 BPM (4 s), then 7 beats at 90 BPM: the last note ends at 8.667 s.
    expect(samples.length / 44100).toBeGreaterThan(8.667);
    expect(samples.length / 44100).toBeLessThan(8.9);
    // Sound in the first note (0 .. 0.5 s), silence in the rest before the last note (6.667 .. 7.333 s)
    // once the release has faded and before the singer breathes in for the last note.
    expect(rms(samples, 0.1 * 44100, 0.4 * 44100)).toBeGreaterThan(0.02);
    expect(rms(samples, 6.8 * 44100, 6.95 * 44100)).toBeLessThan(1e-3);
  });

  it('scales a render that would clip down to -0.2 dBFS and says so, in 16-bit and float', { timeout: 120_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'holostage-sing-'));
    const plain = join(dir, 'plain.wav');
    expect((await holostage(['sing', 'tests/fixtures/scores/twinkle.json', '-o', plain, '--float'])).code).toBe(0);
    const peakOf = (x: Float32Array) => x.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    const plainPeak = peakOf(decodeWav(new Uint8Array(await readFile(plain))).channels[0]!);
    expect(plainPeak).toBeLessThan(0.98);
    // +12 dB takes the same song well over full scale.
    for (const float of [false, true]) {
      const out = join(dir, `loud-${float}.wav`);
      const r = await holostage(['sing', 'tests/fixtures/scores/twinkle.json', '-o', out, '--gain', '12', ...(float ? ['--float'] : [])]);
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(/note: peak [\d.]+ dBFS; scaled down to -0.2 dBFS/);
      expect(r.stdout).toMatch(/peak -0\.2 dBFS/);
      const loud = decodeWav(new Uint8Array(await readFile(out))).channels[0]!;
      expect(peakOf(loud)).toBeGreaterThan(0.97);
      expect(peakOf(loud)).toBeLessThanOrEqual(0.9801);
    }
    const quiet = await holostage(['sing', 'tests/fixtures/scores/twinkle.json', '-o', join(dir, 'again.wav')]);
    expect(quiet.stderr).not.toMatch(/scaled down/);
  });

  it('refuses a missing output path', { timeout: 120_000 }, async () => {
    const r = await holostage(['sing', 'tests/fixtures/scores/twinkle.json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/usage: holostage sing/);
  });
});
