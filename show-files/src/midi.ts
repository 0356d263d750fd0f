// MIDI message encoders for lighting cues: channel voice messages and MIDI Show Control (MSC).
// Pure byte builders shared by the compiler (timeline bytes), the server (panic, test-fire) and tests.

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
