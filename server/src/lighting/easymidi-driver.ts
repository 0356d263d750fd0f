// Lighting over a real MIDI port through easymidi (RtMidi). On a machine without MIDI (no ALSA)
// every RtMidi call throws "Failed to initialise RtMidi": the driver catches it, reports it, and
// keeps retrying, so the show goes on and the port is picked up when it appears. A watchdog also
// notices a port that disappears (a USB interface pulled out) and re-opens it when it returns.

import { createRequire } from 'node:module';
import { decodeMidi } from '../../../show-files/src/midi.ts';
import { BaseDriver, type SendInfo } from './driver.ts';

export interface MidiPort {
  send(bytes: readonly number[]): void;
  close(): void;
}

/** The system's MIDI outputs. Every call may throw. */
export interface MidiBackend {
  listOutputs(): string[];
  openOutput(name: string, virtual: boolean): MidiPort;
}

export interface EasymidiOutput {
  send(type: string, args: unknown): void;
  close(): void;
  /** The underlying @julusian/midi output. */
  _output: { sendMessage(bytes: number[]): void };
}
interface EasymidiModule {
  getOutputs(): string[];
  Output: new (name: string, virtual?: boolean) => EasymidiOutput;
}

let easymidiModule: EasymidiModule | null = null;
/** easymidi is CommonJS with a native addon: load it on first use only. */
export function loadEasymidi(): EasymidiModule {
  if (!easymidiModule) easymidiModule = createRequire(import.meta.url)('easymidi') as EasymidiModule;
  return easymidiModule;
}

/** Raw bytes as the (type, args) pair easymidi's Output.send takes; its encoder turns them back into the same bytes. */
export function toEasymidiMessage(bytes: readonly number[]): { type: string; args: unknown } {
  const m = decodeMidi(bytes);
  // easymidi counts channels from 0.
  const channel = m.type === 'sysex' ? 0 : m.channel - 1;
  switch (m.type) {
    case 'sysex':
      return { type: 'sysex', args: [...m.bytes] };
    case 'noteOff':
      return { type: 'noteoff', args: { channel, note: m.note, velocity: m.velocity } };
    case 'noteOn':
      return { type: 'noteon', args: { channel, note: m.note, velocity: m.velocity } };
    case 'polyAftertouch':
      return { type: 'poly aftertouch', args: { channel, note: m.note, pressure: m.pressure } };
    case 'controlChange':
      return { type: 'cc', args: { channel, controller: m.controller, value: m.value } };
    case 'programChange':
      return { type: 'program', args: { channel, number: m.program } };
    case 'channelAftertouch':
      return { type: 'channel aftertouch', args: { channel, pressure: m.pressure } };
    case 'pitchBend':
      return { type: 'pitch', args: { channel, value: m.value } };
  }
}

/**
 * Raw bytes out through an easymidi Output. Channel messages go through easymidi's encoder. System
 * messages (MIDI Show Control SysEx, MTC quarter frames) go straight to the RtMidi output underneath: easymidi 3.2's encoder puts
 * the F0 status in as the string "240" (its type table is built with Object.entries), which is not
 * a byte we want to hand to native code.
 */
export function wrapEasymidiOutput(output: EasymidiOutput): MidiPort {
  return {
    send(bytes) {
      // System messages (SysEx, MTC quarter frames F1 ...) go out raw: easymidi has no encoder for
      // some of them and garbles SysEx.
      if (bytes[0]! >= 0xf0) {
        output._output.sendMessage([...bytes]);
        return;
      }
      const m = toEasymidiMessage(bytes);
      output.send(m.type, m.args);
    },
    close: () => output.close(),
  };
}

export const easymidiBackend: MidiBackend = {
  listOutputs: () => loadEasymidi().getOutputs(),
  openOutput: (name, virtual) => wrapEasymidiOutput(new (loadEasymidi().Output)(name, virtual)),
};

export interface EasymidiDriverOptions {
  /** Port name, matched as a substring of the system's port names; with `virtual`, the name to create. */
  port: string;
  virtual?: boolean;
  /** How often to retry a missing port and check an open one is still there, ms. */
  retryMs?: number;
  /** Longest pause between retries while the port stays missing, ms (default 10 s). */
  maxRetryMs?: number;
  backend?: MidiBackend;
}

export class EasymidiDriver extends BaseDriver {
  readonly name = 'easymidi';
  private output: MidiPort | null = null;
  private watchdog: ReturnType<typeof setInterval> | null = null;
  private readonly backend: MidiBackend;
  private readonly retryMs: number;
  /** Open attempts so far (tests and the desk can see it retrying). */
  attempts = 0;
  /** While the port stays missing, retries back off (RtMidi on a machine without ALSA prints to stderr on each try). */
  private retryDelay: number;
  private nextAttemptAt = 0;
  private readonly maxRetryMs: number;

  constructor(private readonly options: EasymidiDriverOptions) {
    super();
    this.backend = options.backend ?? easymidiBackend;
    this.retryMs = options.retryMs ?? 2000;
    this.maxRetryMs = options.maxRetryMs ?? Math.max(this.retryMs, 10_000);
    this.retryDelay = this.retryMs;
  }

  open(): void {
    this.tryOpen();
    if (!this.watchdog) {
      this.watchdog = setInterval(() => this.check(), this.retryMs);
      this.watchdog.unref();
    }
  }

  private tryOpen(): void {
    this.attempts++;
    try {
      let name = this.options.port;
      if (!this.options.virtual) {
        const names = this.backend.listOutputs();
        const match = names.find((n) => n === name) ?? names.find((n) => n.toLowerCase().includes(name.toLowerCase()));
        if (!match) throw new Error(`MIDI port "${name}" not found (available: ${names.length ? names.join(', ') : 'none'})`);
        name = match;
      }
      this.output = this.backend.openOutput(name, this.options.virtual ?? false);
      this.port = name;
      this.retryDelay = this.retryMs;
      this.setHealth(true, null);
    } catch (err) {
      this.output = null;
      this.nextAttemptAt = Date.now() + this.retryDelay;
      this.retryDelay = Math.min(this.maxRetryMs, this.retryDelay * 2);
      this.setHealth(false, `MIDI unavailable: ${(err as Error).message}; retrying`);
    }
  }

  /** Watchdog: re-open a missing port; notice one that vanished. */
  private check(): void {
    if (!this.output) {
      if (Date.now() >= this.nextAttemptAt) this.tryOpen();
      return;
    }
    if (this.options.virtual) return;
    let present: boolean;
    try {
      present = this.backend.listOutputs().includes(this.port ?? '');
    } catch {
      present = false;
    }
    if (!present) this.lose(`MIDI port "${this.port}" disappeared; retrying`);
  }

  private lose(message: string): void {
    try {
      this.output?.close();
    } catch {
      // The port is already gone; nothing more to release.
    }
    this.output = null;
    this.retryDelay = this.retryMs;
    this.nextAttemptAt = 0;
    this.setHealth(false, message);
  }

  send(bytes: readonly number[], _info?: SendInfo): boolean {
    if (!this.output) {
      this.failed++;
      return false;
    }
    try {
      this.output.send(bytes);
      this.sent++;
      return true;
    } catch (err) {
      this.failed++;
      this.lose(`MIDI send failed: ${(err as Error).message}; retrying`);
      return false;
    }
  }

  override async close(): Promise<void> {
    if (this.watchdog) clearInterval(this.watchdog);
    this.watchdog = null;
    const out = this.output;
    this.output = null;
    try {
      out?.close();
    } catch {
      // Closing a vanished port can throw; we are shutting down anyway.
    }
  }
}

/** Port names for `holostage midi list`, or the reason there are none. */
export function listMidiOutputs(backend: MidiBackend = easymidiBackend): { ok: true; ports: string[] } | { ok: false; error: string } {
  try {
    return { ok: true, ports: backend.listOutputs() };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}
