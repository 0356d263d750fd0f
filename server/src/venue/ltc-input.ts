// LTC from audio, for chasing. Node has no sound card API, so the audio comes as PCM: a WAV file
// (played in real time, for rehearsals and tests), raw 16-bit little-endian mono on stdin (pipe a
// capture tool in: `arecord -f S16_LE -c1 -r 48000 -t raw | holostage serve --chase ltc --ltc-input -`),
// or `alsa:<device>`, which runs that arecord itself. A device that cannot be opened fails soft:
// the reason goes to the desk as an alarm and it is tried again every 5 s.
//
// A sample's server time: the stream's start is estimated as the earliest (arrival - samples so
// far / rate) over the chunks of the last 10 s, since a chunk arrives after its last sample was
// captured, never before (buffering only makes it later); the window lets the estimate follow a
// sound card whose clock runs a little fast or slow against the server's.

import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { decodeWav } from '../../../vocal/wav.ts';
import { LtcDecoder } from './ltc-decode.ts';
import type { TimecodeReading } from './mtc-in.ts';

export interface LtcInputDeps {
  clock: () => number;
  reading: (r: TimecodeReading) => void;
  /** A problem with the input (null: it works again). */
  problem: (message: string | null) => void;
  log: (line: string) => void;
  /** Rejected words counted by the decoder. */
  rejected?: (count: number) => void;
}

const RAW_RATE = 48000;
const RETRY_MS = 5000;
const ANCHOR_WINDOW_MS = 10_000;

/** Turns PCM chunks into timed readings. */
export class LtcStream {
  private readonly decoder: LtcDecoder;
  private samples = 0;
  /** Candidate starts (arrival - duration so far) with their arrival, increasing: a monotonic queue for the window's minimum. */
  private readonly starts: { start: number; arrival: number }[] = [];
  private carry: number | null = null;

  constructor(readonly sampleRate: number, private readonly deps: Pick<LtcInputDeps, 'reading' | 'rejected'>) {
    this.decoder = new LtcDecoder(sampleRate);
  }

  get rejected(): number {
    return this.decoder.counts.rejected;
  }

  feed(samples: Float32Array, arrival: number): void {
    this.samples += samples.length;
    const start = arrival - (this.samples / this.sampleRate) * 1000;
    while (this.starts.length > 0 && this.starts[this.starts.length - 1]!.start >= start) this.starts.pop();
    this.starts.push({ start, arrival });
    while (this.starts[0]!.arrival < arrival - ANCHOR_WINDOW_MS) this.starts.shift();
    const anchor = this.starts[0]!.start;
    const before = this.decoder.counts.rejected;
    for (const w of this.decoder.push(samples)) {
      this.deps.reading({ seconds: w.seconds, at: anchor + (w.endSample / this.sampleRate) * 1000, rate: w.rate, kind: 'running', label: w.timecode });
    }
    if (this.decoder.counts.rejected !== before) this.deps.rejected?.(this.decoder.counts.rejected);
  }

  /** Raw signed 16-bit little-endian mono bytes (a chunk may split a sample). */
  feedS16(bytes: Buffer, arrival: number): void {
    let data = bytes;
    if (this.carry !== null) {
      data = Buffer.concat([Buffer.from([this.carry]), bytes]);
      this.carry = null;
    }
    if (data.length % 2 === 1) {
      this.carry = data[data.length - 1]!;
      data = data.subarray(0, data.length - 1);
    }
    const out = new Float32Array(data.length / 2);
    for (let i = 0; i < out.length; i++) out[i] = data.readInt16LE(i * 2) / 32768;
    this.feed(out, arrival);
  }
}

export class LtcInput {
  private stream: LtcStream | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  private retry: ReturnType<typeof setTimeout> | null = null;
  private child: ChildProcess | null = null;
  private closed = false;
  /** Server ms a WAV file started playing (null for a live input). */
  startedAt: number | null = null;

  constructor(readonly spec: string, private readonly d: LtcInputDeps) {}

  /** In words, for the desk. */
  describe(): string {
    if (this.spec === '-') return `LTC on stdin (raw 16-bit mono, ${RAW_RATE} Hz)`;
    if (this.spec.startsWith('alsa:')) return `LTC from sound card ${this.spec.slice(5)} (arecord)`;
    return `LTC from ${this.spec} (played in real time)`;
  }

  open(): void {
    if (this.spec === '-') return this.openRaw(process.stdin, 'stdin');
    if (this.spec.startsWith('alsa:')) return this.openDevice(this.spec.slice(5));
    this.openFile(this.spec);
  }

  private openFile(file: string): void {
    let wav: ReturnType<typeof decodeWav>;
    try {
      wav = decodeWav(readFileSync(file));
    } catch (err) {
      this.d.problem(`LTC input ${file}: ${(err as Error).message}`);
      return;
    }
    const channel = wav.channels[0] ?? new Float32Array(0);
    const stream = (this.stream = new LtcStream(wav.sampleRate, this.d));
    const start = (this.startedAt = this.d.clock());
    let sent = 0;
    this.d.problem(null);
    // Deliver what a sound card would have by now, every 10 ms.
    this.timer = setInterval(() => {
      const now = this.d.clock();
      const due = Math.min(channel.length, Math.floor(((now - start) / 1000) * wav.sampleRate));
      if (due > sent) stream.feed(channel.subarray(sent, due), now);
      sent = due;
      if (sent >= channel.length && this.timer) {
        clearInterval(this.timer);
        this.timer = null;
        this.d.log(`ltc: ${file} played to its end`);
      }
    }, 10);
    this.timer.unref?.();
  }

  private openRaw(input: NodeJS.ReadableStream, name: string): void {
    const stream = (this.stream = new LtcStream(RAW_RATE, this.d));
    this.d.problem(null);
    input.on('data', (chunk: Buffer) => stream.feedS16(chunk, this.d.clock()));
    input.on('error', (err: Error) => this.d.problem(`LTC input ${name}: ${err.message}`));
  }

  private openDevice(device: string): void {
    if (this.closed) return;
    let stderr = '';
    const child = spawn('arecord', ['-q', '-D', device, '-f', 'S16_LE', '-c', '1', '-r', String(RAW_RATE), '-t', 'raw'], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-500)));
    this.openRaw(child.stdout!, `alsa:${device}`);
    let failed = false;
    const again = (why: string): void => {
      this.child = null;
      if (this.closed || failed) return;
      failed = true;
      this.d.problem(`LTC input alsa:${device}: ${why}; trying again every ${RETRY_MS / 1000} s`);
      this.retry = setTimeout(() => this.openDevice(device), RETRY_MS);
      this.retry.unref?.();
    };
    child.on('error', (err: NodeJS.ErrnoException) => again(err.code === 'ENOENT' ? 'arecord is not installed (apt-get install alsa-utils), or pipe PCM in with --ltc-input -' : err.message));
    child.on('exit', (code) => {
      if (code !== null) again(`arecord ended (${code}): ${stderr.trim().split('\n').at(-1) || 'no message'}`);
    });
  }

  get rejected(): number {
    return this.stream?.rejected ?? 0;
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    if (this.retry) clearTimeout(this.retry);
    this.child?.kill();
  }
}
