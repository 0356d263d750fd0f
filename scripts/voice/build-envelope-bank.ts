// Builds the envelope voice's diphone bank (vocal/envelope/bank-data.ts) from a female speaking
// voice: Festival's slt (Debian's festvox-us-slt-hts, CMU ARCTIC's speaker; its licence allows
// use and changes with the copyright notice kept, see vocal/envelope/NOTICE) says every line of
// scripts/voice/envelope-corpus.txt; each sentence is analysed every 10 ms by linear prediction
// (order 22 at 22.05 kHz), and for every pair of neighbouring phones the frames from the middle of
// the first to the middle of the second are kept as a unit: one instance a pair, the one of
// median length. Needs festival, festvox-us-slt-hts and sox:
//
//   npx tsx scripts/voice/build-envelope-bank.ts
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { decodeWav } from '../../vocal/wav.ts';
import { autocorrelation, levinson } from '../../vocal/envelope/lpc.ts';
import { BANK_HOP, BANK_ORDER, BANK_RATE, encodeBank, type EnvelopeUnit } from '../../vocal/envelope/bank.ts';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '..', '..');
const WINDOW = Math.round(0.025 * BANK_RATE);

interface Segment {
  phone: string;
  start: number;
  end: number;
}

/** A seeded white floor, 60 dB under speech: the analysis never meets digital silence. */
function floorNoise(n: number, seed: number): Float64Array {
  const out = new Float64Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = ((s >>> 0) / 4294967296 - 0.5) * 1e-4;
  }
  return out;
}

/** One row per 10 ms: reflection coefficients, then the natural log of the gain. */
function analyse(samples: Float32Array, seed: number): Float64Array[] {
  const noise = floorNoise(samples.length, seed);
  const pre = new Float64Array(samples.length);
  for (let i = 0; i < samples.length; i++) pre[i] = samples[i]! + noise[i]! - 0.97 * (i > 0 ? samples[i - 1]! + noise[i - 1]! : 0);
  const hann = Float64Array.from({ length: WINDOW }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (WINDOW - 1)));
  const frames: Float64Array[] = [];
  const frame = new Float64Array(WINDOW);
  for (let c = 0; c * BANK_HOP * BANK_RATE < samples.length; c++) {
    const centre = Math.round(c * BANK_HOP * BANK_RATE);
    for (let i = 0; i < WINDOW; i++) frame[i] = (pre[centre - (WINDOW >> 1) + i] ?? 0) * hann[i]!;
    const lpc = levinson(autocorrelation(frame, BANK_ORDER), BANK_ORDER, WINDOW);
    const row = new Float64Array(BANK_ORDER + 1);
    row.set(lpc.reflection);
    row[BANK_ORDER] = Math.log(Math.max(1e-9, lpc.gain));
    frames.push(row);
  }
  return frames;
}

function segments(text: string): Segment[] {
  const out: Segment[] = [];
  let prev = 0;
  for (const line of text.split('\n')) {
    const [end, , phone] = line.trim().split(/\s+/);
    if (!phone || line.startsWith('#')) continue;
    out.push({ phone, start: prev, end: Number(end) });
    prev = Number(end);
  }
  return out;
}

async function speak(dir: string, line: string, i: number): Promise<{ frames: Float64Array[]; segs: Segment[] }> {
  const base = join(dir, `s${i}`);
  writeFileSync(`${base}.txt`, `${line}.\n`);
  const hook = `(set! after_synth_hooks (list (lambda (utt) (utt.save.segs utt "${base}.segs"))))`;
  await run('text2wave', ['-eval', '(voice_cmu_us_slt_arctic_hts)', `${base}.txt`, '-o', `${base}.raw.wav`, '-eval', hook]);
  await run('sox', ['-D', `${base}.raw.wav`, '-r', String(BANK_RATE), `${base}.wav`]);
  const wav = decodeWav(readFileSync(`${base}.wav`));
  if (wav.sampleRate !== BANK_RATE) throw new Error(`sox wrote ${wav.sampleRate} Hz`);
  return { frames: analyse(wav.channels[0]!, i + 1), segs: segments(readFileSync(`${base}.segs`, 'utf8')) };
}

/**
 * A pair's instance of median length. (The one nearest the mean envelopes of all instances was
 * tried too: heard worse, 0.83 against 0.75 open-vocabulary WER over the voice bench's nine renders.)
 */
function medianInstance(list: EnvelopeUnit[]): EnvelopeUnit {
  const lengths = list.map((u) => u.frames.length).sort((x, y) => x - y);
  const median = lengths[lengths.length >> 1]!;
  return list.reduce((best, u) => (Math.abs(u.frames.length - median) < Math.abs(best.frames.length - median) ? u : best));
}

async function main(): Promise<void> {
  const lines = readFileSync(join(root, 'scripts/voice/envelope-corpus.txt'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const dir = mkdtempSync(join(tmpdir(), 'holostage-envelope-'));
  const spoken: { frames: Float64Array[]; segs: Segment[] }[] = [];
  for (let i = 0; i < lines.length; i += 8) {
    spoken.push(...(await Promise.all(lines.slice(i, i + 8).map((line, j) => speak(dir, line, i + j)))));
    process.stdout.write(`\rspoken ${Math.min(lines.length, i + 8)}/${lines.length}`);
  }
  process.stdout.write('\n');
  const instances = new Map<string, EnvelopeUnit[]>();
  for (const { frames, segs } of spoken) {
    for (let i = 0; i + 1 < segs.length; i++) {
      const a = segs[i]!, b = segs[i + 1]!;
      if (a.phone === 'pau' && b.phone === 'pau') continue;
      // From the middle of one phone to the middle of the next; a pause contributes its 50 ms next to the speech.
      const from = a.phone === 'pau' ? Math.max((a.start + a.end) / 2, a.end - 0.05) : (a.start + a.end) / 2;
      const to = b.phone === 'pau' ? Math.min((b.start + b.end) / 2, b.start + 0.05) : (b.start + b.end) / 2;
      const k0 = Math.round(from / BANK_HOP), kEdge = Math.round(a.end / BANK_HOP), k1 = Math.round(to / BANK_HOP);
      if (k1 <= k0 + 1 || k1 >= frames.length || kEdge <= k0 || kEdge >= k1) continue;
      const key = `${a.phone}-${b.phone}`;
      const list = instances.get(key) ?? [];
      list.push({ frames: frames.slice(k0, k1 + 1), edge: kEdge - k0 });
      instances.set(key, list);
    }
  }
  const units = new Map<string, EnvelopeUnit>();
  for (const [key, list] of [...instances].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) units.set(key, medianInstance(list));
  const { names, data } = encodeBank(units);
  const out = join(root, 'vocal/envelope/bank-data.ts');
  writeFileSync(
    out,
    `// Generated by scripts/voice/build-envelope-bank.ts from Festival's slt voice (see NOTICE beside this file). Do not edit.\n` +
      `export const BANK_NAMES = ${JSON.stringify(names)};\n` +
      `export const BANK_DATA =\n  '${Buffer.from(data).toString('base64')}';\n`,
  );
  rmSync(dir, { recursive: true, force: true });
  console.log(`${units.size} diphone units from ${lines.length} sentences, ${data.length} bytes -> ${out}`);
}

await main();
