// Vocal engine benchmark: phonemize + time a 4-minute score, LipSync.weightsAt per call, and
// offline render speed (x real time) for 60 s of vocal and for the whole 4-minute song, split into
// planning (curves) and the sample loop. The voice's quality and its speed against Festival are in
// voice.bench.ts.

import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BenchSection } from './run.ts';
import type { Score, ScoreNote } from '../show-files/src/score/model.ts';
import { standaloneVocal } from '../vocal/standalone.ts';
import { DEFAULT_VOICE } from '../vocal/track.ts';
import { LipSync, type VisemeWeights } from '../vocal/lipsync.ts';
import { renderVocal } from '../vocal/render.ts';
import { planVoice } from '../vocal/articulation.ts';
import type { VocalTrack } from '../show-files/src/timeline.ts';
import { parseScore } from '../show-files/src/score/index.ts';
import { TEST_SONGS, scoreJson } from './voice/songs.ts';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** A 4-minute song at 128 BPM: 8-bar phrases of eighths and quarters with a rest between, kana and English. */
export function fourMinuteScore(): Score {
  const kana = ['さ', 'く', 'ら', 'ひ', 'か', 'り', 'きゃ', 'ん', 'ゆ', 'め', 'の', 'そ', 'ら', 'へ', 'ー', 'とっ'];
  const english = ['shine', 'on', 'me', 'to-', 'night', 'forever', '+', 'dream'];
  const melody = [0, 2, 4, 7, 9, 7, 4, 2, 0, -3, 0, 2];
  const notes: ScoreNote[] = [];
  const bar = 1920;
  const bars = Math.floor((240 / 60) * (128 / 4));
  let k = 0;
  for (let phrase = 0; phrase * 8 < bars; phrase++) {
    let tick = phrase * 8 * bar;
    const end = tick + 7 * bar; // the 8th bar rests
    while (tick < end) {
      const len = k % 5 === 4 ? 480 : 240;
      const lyric = phrase % 4 === 3 ? english[k % english.length]! : kana[k % kana.length]!;
      notes.push({ tick, durationTicks: len, pitch: 64 + melody[k % melody.length]!, lyric });
      tick += len;
      k++;
    }
  }
  return { format: 'json', resolution: 480, tempo: [{ tick: 0, bpm: 128 }], timeSignature: { numerator: 4, denominator: 4 }, notes, warnings: [] };
}

/** The first `seconds` of a track. */
function firstSeconds(track: VocalTrack, seconds: number): VocalTrack {
  const notes = track.notes.filter((n) => n.end <= seconds);
  return { notes, phonemes: track.phonemes.filter((p) => p.note < notes.length), warnings: [] };
}

/** Wall time and process CPU time (all threads: the render runs off the main thread) of an async task. */
async function timed(task: () => Promise<unknown>): Promise<{ wall: number; cpu: number }> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await task();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) / 1000 };
}

export async function bench(): Promise<BenchSection> {
  const score = fourMinuteScore();
  // Phonemize + time (includes the tempo map and the English dictionary lookups).
  const times: number[] = [];
  const c0 = performance.now();
  let vocal = standaloneVocal(score);
  const coldMs = performance.now() - c0;
  for (let i = 0; i < 15; i++) {
    const t0 = performance.now();
    vocal = standaloneVocal(score);
    times.push(performance.now() - t0);
  }
  const track = vocal.track;

  // weightsAt: frame-by-frame playback (60 fps) and random seeks, into one reused object.
  const lips = new LipSync(track.phonemes);
  const out: VisemeWeights = { aa: 0, ih: 0, ou: 0, ee: 0, oh: 0 };
  const calls = 400_000;
  const probe = new Float64Array(calls);
  for (let i = 0; i < calls; i++) probe[i] = i % 2 === 0 ? (i / 2 / 60) % vocal.durationSeconds : ((i * 7919) % 240_000) / 1000;
  let sink = 0;
  for (let i = 0; i < 200_000; i++) sink += lips.weightsAt(probe[i]!, out).aa; // warm up
  // Five batches: the median is the figure, the best shows the cost without other processes in the way.
  const batchNs: number[] = [];
  for (let b = 0; b < 5; b++) {
    const w0 = process.hrtime.bigint();
    for (let i = 0; i < calls; i++) sink += lips.weightsAt(probe[i]!, out).aa;
    batchNs.push(Number(process.hrtime.bigint() - w0) / calls);
  }
  const nsPerCall = median(batchNs);
  const nsBest = Math.min(...batchNs);

  // Offline render.
  const sixty = firstSeconds(track, 60);
  await renderVocal(firstSeconds(track, 5), DEFAULT_VOICE); // warm up
  const renders: { wall: number; cpu: number }[] = [];
  let sixtyAudio = 0;
  for (let i = 0; i < 3; i++) {
    renders.push(
      await timed(async () => {
        const r = await renderVocal(sixty, DEFAULT_VOICE);
        sixtyAudio = r.samples.length / r.sampleRate;
      }),
    );
  }
  const plans: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    planVoice(track, DEFAULT_VOICE);
    plans.push(performance.now() - t0);
  }
  let fullAudio = 0;
  const full = await timed(async () => {
    const r = await renderVocal(track, DEFAULT_VOICE);
    fullAudio = r.samples.length / r.sampleRate;
  });

  // The envelope voice (English): the voice bench's three test songs, warm, each the median of 3.
  const english = TEST_SONGS.map((song) => standaloneVocal(parseScore(new TextEncoder().encode(scoreJson(song)), `${song.id}.json`)).track);
  let englishAudio = 0;
  const englishWall: number[] = [];
  await renderVocal(english[0]!, DEFAULT_VOICE); // warm up
  for (const t of english) {
    const walls: number[] = [];
    for (let i = 0; i < 3; i++) {
      walls.push(
        (
          await timed(async () => {
            const r = await renderVocal(t, DEFAULT_VOICE);
            if (i === 0) englishAudio += r.samples.length / r.sampleRate;
            if (!r.plan.envelope) throw new Error('an English test song was not sung by the envelope voice');
          })
        ).wall,
      );
    }
    englishWall.push(median(walls));
  }
  const englishMs = englishWall.reduce((a, b) => a + b, 0);

  const r60 = median(renders.map((r) => r.wall));
  const r60cpu = median(renders.map((r) => r.cpu));
  const load = loadavg()[0]!.toFixed(1);
  return {
    title: 'Vocal engine (phonemes, lip-sync, offline singing synth)',
    rows: [
      { name: 'phonemize + time a 4-minute score', value: `${median(times).toFixed(2)} ms`, note: `best ${Math.min(...times).toFixed(2)} ms; ${score.notes.length} notes → ${track.phonemes.length} phonemes; median of 15 with the lyric caches warm` },
      { name: 'same, first call in the process', value: `${coldMs.toFixed(1)} ms`, note: 'cold: lyric caches empty, code not yet optimized by the JIT' },
      { name: 'LipSync.weightsAt', value: `${nsPerCall.toFixed(0)} ns/call`, note: `best batch ${nsBest.toFixed(0)} ns; ${lips.segments} segments; 5 × 400k calls, 60 fps frames + random seeks, one reused output object (aim < 1 µs)` },
      { name: 'offline render, 60 s of vocal, wall clock', value: `${(sixtyAudio / (r60 / 1000)).toFixed(1)}× real time`, note: `${r60.toFixed(0)} ms, 44.1 kHz mono, median of 3 (aim 100× on one core); load average ${load}` },
      { name: 'same, by process CPU time', value: `${(sixtyAudio / (r60cpu / 1000)).toFixed(1)}× real time`, note: `${r60cpu.toFixed(0)} ms CPU: the speed on an otherwise idle core` },
      { name: 'planning the 4-minute song (curves only)', value: `${median(plans).toFixed(1)} ms`, note: 'articulation + melody planners, median of 5: the rest of a render is the sample loop' },
      { name: 'offline render, English (the envelope voice)', value: `${(englishAudio / (englishMs / 1000)).toFixed(1)}× real time`, note: `the voice bench's three test songs, ${englishAudio.toFixed(0)} s of audio in ${englishMs.toFixed(0)} ms, 44.1 kHz mono, medians of 3 (aim 100× on one core); the rows above are the formant voice (the 4-minute song is mostly Japanese)` },
      { name: 'offline render, whole 4-minute song', value: `${(full.wall / 1000).toFixed(2)} s`, note: `${fullAudio.toFixed(0)} s of audio = ${(fullAudio / (full.wall / 1000)).toFixed(1)}× real time wall, ${(fullAudio / (full.cpu / 1000)).toFixed(1)}× by CPU time` },
    ],
    notes: `The synthesizers are TypeScript on the main thread (dsp/voice-synth.ts, dsp/envelope-synth.ts); renders yield to the event loop between chunks. sink=${sink > 0 ? 'ok' : '0'}`,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const section = await bench();
  for (const r of section.rows) console.log(`${r.name}: ${r.value}${r.note ? `  (${r.note})` : ''}`);
}
