// MIDI messages for lighting cues: the encoders (channel voice messages and MIDI Show Control)
// and the one decoder every reader of raw bytes uses (the drivers, the rig state, the MIDI input,
// the stage's light preview). Pure, shared by the compiler, the server, the stage and the tests.

/** MIDI Show Control command bytes (MIDI 1.0 Recommended Practice RP-002). */
export const MSC_COMMANDS = {
  GO: 0x01,
  STOP: 0x02,
  RESUME: 0x03,
  TIMED_GO: 0x04,
  LOAD: 0x05,
  SET: 0x06,
  FIRE: 0x07,
  ALL_OFF: 0x08,
  RESTORE: 0x09,
  RESET: 0x0a,
  GO_OFF: 0x0b,
} as const;
export type MscCommand = keyof typeof MSC_COMMANDS;

/** MSC command_format 0x01: Lighting (General). */
export const MSC_FORMAT_LIGHTING = 0x01;

function statusByte(kind: number, channel: number): number {
  if (!Number.isInteger(channel) || channel < 1 || channel > 16) throw new RangeError(`MIDI channel must be 1-16, got ${channel}`);
  return kind | (channel - 1);
}

function data7(value: number, what: string): number {
  if (!Number.isInteger(value) || value < 0 || value > 127) throw new RangeError(`${what} must be 0-127, got ${value}`);
  return value;
}

export function noteOn(channel: number, note: number, velocity: number): number[] {
  return [statusByte(0x90, channel), data7(note, 'note'), data7(velocity, 'velocity')];
}

export function noteOff(channel: number, note: number, velocity = 0): number[] {
  return [statusByte(0x80, channel), data7(note, 'note'), data7(velocity, 'velocity')];
}

export function controlChange(channel: number, controller: number, value: number): number[] {
  return [statusByte(0xb0, channel), data7(controller, 'controller'), data7(value, 'value')];
}

export function programChange(channel: number, program: number): number[] {
  return [statusByte(0xc0, channel), data7(program, 'program')];
}

/** CC 123 (All Notes Off) and CC 120 (All Sound Off) on one channel: what panic sends. */
export function allNotesOff(channel: number): number[][] {
  return [controlChange(channel, 123, 0), controlChange(channel, 120, 0)];
}

/** Cue numbers are ASCII digits with optional decimal points, e.g. "12" or "3.5". */
export function isValidMscCueNumber(cue: string): boolean {
  return /^\d+(\.\d+)*$/.test(cue);
}

/**
 * A MIDI Show Control sysex: F0 7F <device> 02 <format> <command> [cue [00 list [00 path]]] F7.
 * ALL_OFF, RESTORE and RESET carry no cue data.
 */
export function showControl(deviceId: number, command: MscCommand, cue?: string, list?: string, path?: string): number[] {
  const bytes = [0xf0, 0x7f, data7(deviceId, 'MSC device id'), 0x02, MSC_FORMAT_LIGHTING, MSC_COMMANDS[command]];
  const fields = [cue, list, path];
  // Trailing fields may be omitted; an inner one may not be skipped.
  let last = -1;
  fields.forEach((f, i) => {
    if (f !== undefined && f !== '') last = i;
  });
  for (let i = 0; i <= last; i++) {
    const f = fields[i];
    if (f === undefined || f === '' || !isValidMscCueNumber(f)) throw new RangeError(`MSC cue/list/path must be digits and dots, got ${JSON.stringify(f ?? '')}`);
    if (i > 0) bytes.push(0x00);
    for (const ch of f) bytes.push(ch.charCodeAt(0));
  }
  bytes.push(0xf7);
  return bytes;
}

export function hex(bytes: readonly number[]): string {
  return bytes.map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join(' ');
}

/** One raw MIDI message, decoded. Channels are 1-16 as in the show files and the encoders. */
export type MidiMessage =
  | { type: 'noteOn'; channel: number; note: number; velocity: number }
  | { type: 'noteOff'; channel: number; note: number; velocity: number }
  | { type: 'polyAftertouch'; channel: number; note: number; pressure: number }
  | { type: 'controlChange'; channel: number; controller: number; value: number }
  | { type: 'programChange'; channel: number; program: number }
  | { type: 'channelAftertouch'; channel: number; pressure: number }
  /** 14-bit value, 0..16383 (8192 = centre). */
  | { type: 'pitchBend'; channel: number; value: number }
  /** Any system exclusive message, F0 ... F7 as given; `msc` when it is MIDI Show Control. */
  | { type: 'sysex'; bytes: readonly number[]; msc: ShowControlMessage | null };

export interface ShowControlMessage {
  deviceId: number;
  format: number;
  /** The command byte (MSC_COMMANDS), and its name when known. */
  command: number;
  commandName: MscCommand | null;
  /** The cue number field (ASCII up to the first 00 or F7), '' when none. */
  cue: string;
}

const MSC_NAMES = new Map<number, MscCommand>(Object.entries(MSC_COMMANDS).map(([name, byte]) => [byte, name as MscCommand]));

/** The message in `bytes`, or a RangeError naming what is wrong (an unknown status, missing data). */
export function decodeMidi(bytes: readonly number[]): MidiMessage {
  const status = bytes[0];
  if (status === undefined) throw new RangeError('empty MIDI message');
  if (status === 0xf0) return { type: 'sysex', bytes, msc: decodeShowControl(bytes) };
  const kind = status & 0xf0;
  const channel = (status & 0x0f) + 1;
  const needs = kind === 0xc0 || kind === 0xd0 ? 2 : 3;
  if (status < 0x80 || status >= 0xf0) throw new RangeError(`unsupported MIDI status byte 0x${status.toString(16)}`);
  if (bytes.length < needs) throw new RangeError(`MIDI message 0x${status.toString(16)} needs ${needs} bytes, got ${bytes.length}`);
  const a = bytes[1]!;
  const b = bytes[2]!;
  switch (kind) {
    case 0x80:
      return { type: 'noteOff', channel, note: a, velocity: b };
    case 0x90:
      return { type: 'noteOn', channel, note: a, velocity: b };
    case 0xa0:
      return { type: 'polyAftertouch', channel, note: a, pressure: b };
    case 0xb0:
      return { type: 'controlChange', channel, controller: a, value: b };
    case 0xc0:
      return { type: 'programChange', channel, program: a };
    case 0xd0:
      return { type: 'channelAftertouch', channel, pressure: a };
    default:
      return { type: 'pitchBend', channel, value: a + b * 128 };
  }
}

/** MIDI Show Control (F0 7F <device> 02 <format> <command> ... F7), or null for other sysex. */
export function decodeShowControl(bytes: readonly number[]): ShowControlMessage | null {
  if (bytes.length < 7 || bytes[0] !== 0xf0 || bytes[1] !== 0x7f || bytes[3] !== 0x02 || bytes[bytes.length - 1] !== 0xf7) return null;
  let cue = '';
  for (let i = 6; i < bytes.length; i++) {
    const c = bytes[i]!;
    if (c === 0x00 || c === 0xf7) break;
    cue += String.fromCharCode(c);
  }
  const command = bytes[5]!;
  return { deviceId: bytes[2]!, format: bytes[4]!, command, commandName: MSC_NAMES.get(command) ?? null, cue };
}

/** A note-on that sounds (velocity above 0). */
export function soundsNote(m: MidiMessage): m is Extract<MidiMessage, { type: 'noteOn' }> {
  return m.type === 'noteOn' && m.velocity > 0;
}

/** A note-off, or a note-on at velocity 0 (which MIDI defines as a release). */
export function releasesNote(m: MidiMessage): m is Extract<MidiMessage, { type: 'noteOn' | 'noteOff' }> {
  return m.type === 'noteOff' || (m.type === 'noteOn' && m.velocity === 0);
}

/** decodeMidi for readers that must keep going (a running show): null instead of an error. */
export function tryDecodeMidi(bytes: readonly number[]): MidiMessage | null {
  try {
    return decodeMidi(bytes);
  } catch {
    return null;
  }
}
