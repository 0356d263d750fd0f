// MIDI as a way to drive the show: a lighting console (or any MIDI controller) sends MIDI Show
// Control or notes, and they become transport commands through the same gate as the desk and
// HTTP, so the double-GO guard covers them too. Pure mapping here; the port is easymidi's Input,
// opened fail-soft like the output driver.

import type { TransportCommandName } from '../../../protocol/index.ts';
import { soundsNote, tryDecodeMidi, type MscCommand } from '../../../show-files/src/midi.ts';
import { loadEasymidi } from './easymidi-driver.ts';

export interface MidiInputMapping {
  /** MSC device id we answer to (127, the all-call, always counts). */
  mscDeviceId: number;
  /** Channel 1-16 for note triggers. */
  channel: number;
  /** Note numbers that trigger commands. */
  notes: Partial<Record<TransportCommandName, number>>;
}

export const DEFAULT_MIDI_INPUT_NOTES: MidiInputMapping['notes'] = { go: 60, hold: 61, resume: 62, stop: 63, next: 64, previous: 65, panic: 66 };

const MSC_TO_COMMAND: Partial<Record<MscCommand, TransportCommandName>> = {
  GO: 'go',
  STOP: 'hold',
  RESUME: 'resume',
  ALL_OFF: 'panic',
  RESET: 'stop',
};

/**
 * The transport command a MIDI message asks for, or null. MSC: GO -> go, STOP -> hold,
 * RESUME -> resume, ALL_OFF -> panic, RESET -> stop (any command format, our device or all-call).
 * Notes: a note-on (velocity > 0) on the mapped channel.
 */
export function commandFromMidi(bytes: readonly number[], mapping: MidiInputMapping): TransportCommandName | null {
  const m = tryDecodeMidi(bytes);
  if (m?.type === 'sysex') {
    const msc = m.msc;
    if (!msc || (msc.deviceId !== mapping.mscDeviceId && msc.deviceId !== 0x7f) || !msc.commandName) return null;
    return MSC_TO_COMMAND[msc.commandName] ?? null;
  }
  if (m && soundsNote(m) && m.channel === mapping.channel) {
    for (const [command, note] of Object.entries(mapping.notes)) if (note === m.note) return command as TransportCommandName;
  }
  return null;
}

interface EasymidiInput {
  on(event: 'message', handler: (msg: Record<string, unknown>) => void): void;
  close(): void;
}

/** easymidi's parsed message back to raw bytes (what commandFromMidi and the MTC chase read). */
export function bytesFromEasymidi(msg: Record<string, unknown>): number[] | null {
  const type = msg._type;
  const ch = Number(msg.channel ?? 0);
  if (type === 'sysex') return Array.from(msg.bytes as number[]);
  if (type === 'noteon') return [0x90 | ch, Number(msg.note), Number(msg.velocity)];
  if (type === 'noteoff') return [0x80 | ch, Number(msg.note), Number(msg.velocity)];
  // A quarter frame of MIDI Time Code (easymidi: type = piece 0-7, value = nibble), for the chase.
  if (type === 'mtc') return [0xf1, ((Number(msg.type) & 7) << 4) | (Number(msg.value) & 0x0f)];
  return null;
}

/** Opens a named MIDI input and passes every message on; reports (never throws) when it can't. */
export function openMidiInput(port: string, onMessage: (bytes: number[]) => void): { ok: true; close: () => void } | { ok: false; error: string } {
  try {
    const easymidi = loadEasymidi() as unknown as { getInputs(): string[]; Input: new (name: string) => EasymidiInput };
    const names = easymidi.getInputs();
    const match = names.find((n) => n === port) ?? names.find((n) => n.toLowerCase().includes(port.toLowerCase()));
    if (!match) return { ok: false, error: `MIDI input "${port}" not found (available: ${names.length ? names.join(', ') : 'none'})` };
    const input = new easymidi.Input(match);
    input.on('message', (msg) => {
      const bytes = bytesFromEasymidi(msg);
      if (bytes) onMessage(bytes);
    });
    return { ok: true, close: () => input.close() };
  } catch (err) {
    return { ok: false, error: `MIDI input unavailable: ${(err as Error).message}` };
  }
}
