// Records every message sent, with its time, and writes a Standard MIDI File that crews can load
// into a console or a DAW to check a show's lighting. One tick = 1 ms (tempo 60 BPM, 1000 ticks per
// beat) so times read straight off the file. The file is rewritten atomically on flush().

import { renameSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import midiFile from 'midi-file';
import type { MidiData, MidiEvent } from 'midi-file';
import { decodeMidi } from '../../../show-files/src/midi.ts';
import { BaseDriver, type SendInfo } from './driver.ts';

export interface RecordedMessage {
  /** ms since the recording started. */
  time: number;
  bytes: number[];
  label?: string;
}

export const RECORDER_TICKS_PER_BEAT = 1000;
const MICROSECONDS_PER_BEAT = 1_000_000;

export class RecorderDriver extends BaseDriver {
  readonly name = 'recorder';
  readonly messages: RecordedMessage[] = [];
  private startedAt = 0;
  private dirty = false;
  private flusher: ReturnType<typeof setInterval> | null = null;

  /** `autoFlushMs` > 0 rewrites the file that often while messages arrive, so a crash loses little. */
  constructor(
    private readonly file: string | null,
    private readonly clock: () => number = () => performance.now(),
    private readonly autoFlushMs = 0,
  ) {
    super();
  }

  open(): void {
    this.startedAt = this.clock();
    this.port = this.file;
    if (this.file && this.autoFlushMs > 0 && !this.flusher) {
      this.flusher = setInterval(() => {
        if (this.dirty) this.flush();
      }, this.autoFlushMs);
      this.flusher.unref();
    }
    this.setHealth(true, null);
  }

  send(bytes: readonly number[], info?: SendInfo): boolean {
    this.messages.push({ time: this.clock() - this.startedAt, bytes: [...bytes], label: info?.label });
    this.sent++;
    this.dirty = true;
    return true;
  }

  /** The recording as an SMF (format 0), with each cue's label as a marker. */
  toMidiData(): MidiData {
    const events: MidiEvent[] = [
      { deltaTime: 0, meta: true, type: 'trackName', text: 'holostage lighting' },
      { deltaTime: 0, meta: true, type: 'setTempo', microsecondsPerBeat: MICROSECONDS_PER_BEAT },
    ];
    let lastTick = 0;
    for (const m of this.messages) {
      const tick = Math.max(lastTick, Math.round(m.time));
      const delta = tick - lastTick;
      lastTick = tick;
      if (m.label) {
        events.push({ deltaTime: delta, meta: true, type: 'marker', text: m.label });
        events.push({ ...toSmfEvent(m.bytes), deltaTime: 0 } as MidiEvent);
      } else events.push({ ...toSmfEvent(m.bytes), deltaTime: delta } as MidiEvent);
    }
    events.push({ deltaTime: 0, meta: true, type: 'endOfTrack' });
    return { header: { format: 0, numTracks: 1, ticksPerBeat: RECORDER_TICKS_PER_BEAT }, tracks: [events] };
  }

  /** Write the file (temp + rename, so a reader never sees half a file). */
  flush(): void {
    if (!this.file) return;
    this.dirty = false;
    mkdirSync(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.tmp-${process.pid}`;
    writeFileSync(tmp, Buffer.from(midiFile.writeMidi(this.toMidiData())));
    renameSync(tmp, this.file);
  }

  override async close(): Promise<void> {
    if (this.flusher) clearInterval(this.flusher);
    this.flusher = null;
    this.flush();
  }
}

/** Raw bytes as a midi-file event (without deltaTime). */
export function toSmfEvent(bytes: readonly number[]): Record<string, unknown> {
  // System common and real-time messages (MTC quarter frames F1 ...) have no SMF event of their
  // own: an F7 "escape" event carries them as they went on the wire.
  if (bytes[0]! > 0xf0) return { type: 'endSysEx', data: [...bytes] };
  const m = decodeMidi(bytes);
  // midi-file counts channels from 0 and centres pitch bend on 0.
  const channel = m.type === 'sysex' ? 0 : m.channel - 1;
  switch (m.type) {
    case 'sysex':
      return { type: 'sysEx', data: m.bytes.slice(1) };
    case 'noteOff':
      return { type: 'noteOff', channel, noteNumber: m.note, velocity: m.velocity };
    case 'noteOn':
      return { type: 'noteOn', channel, noteNumber: m.note, velocity: m.velocity };
    case 'polyAftertouch':
      return { type: 'noteAftertouch', channel, noteNumber: m.note, amount: m.pressure };
    case 'controlChange':
      return { type: 'controller', channel, controllerType: m.controller, value: m.value };
    case 'programChange':
      return { type: 'programChange', channel, programNumber: m.program };
    case 'channelAftertouch':
      return { type: 'channelAftertouch', channel, amount: m.pressure };
    case 'pitchBend':
      return { type: 'pitchBend', channel, value: m.value - 8192 };
  }
}
