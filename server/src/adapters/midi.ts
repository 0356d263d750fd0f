// The MIDI input adapter: a console's MSC GO / note messages become transport commands through
// the controller's gate, like the desk's keys. The port is opened fail-soft and retried.

import type { CommandResult } from '../../../protocol/index.ts';
import { commandFromMidi, DEFAULT_MIDI_INPUT_NOTES, openMidiInput, type MidiInputMapping } from '../lighting/midi-input.ts';
import type { ShowController } from '../show/controller.ts';
import type { AlarmBoard } from '../show/alarms.ts';

export class MidiInputAdapter {
  private closeInput: (() => void) | null = null;
  private retry: ReturnType<typeof setTimeout> | null = null;
  private readonly taps = new Set<(bytes: readonly number[]) => void>();

  constructor(
    private readonly controller: ShowController,
    private readonly alarms: AlarmBoard,
    private readonly notes: MidiInputMapping['notes'] = DEFAULT_MIDI_INPUT_NOTES,
  ) {}

  open(port: string): void {
    const opened = openMidiInput(port, (bytes) => this.receive(bytes));
    if (opened.ok) {
      this.closeInput = opened.close;
      this.alarms.clear('midi-in');
      return;
    }
    this.alarms.raise('midi-in', 'warning', `${opened.error}; MIDI GO is off until it appears`);
    this.retry = setTimeout(() => this.open(port), 5000);
    this.retry.unref();
  }

  /** Every raw message is also handed to these (the MTC chase); returns the way to stop. */
  listen(fn: (bytes: readonly number[]) => void): () => void {
    this.taps.add(fn);
    return () => this.taps.delete(fn);
  }

  /** One message from the console; null when it maps to no command. */
  receive(bytes: readonly number[]): Promise<CommandResult> | null {
    for (const tap of this.taps) tap(bytes);
    const { lighting } = this.controller.timeline;
    const command = commandFromMidi(bytes, { mscDeviceId: lighting.mscDeviceId, channel: lighting.channel, notes: this.notes });
    return command ? this.controller.command({ command }, 'midi') : null;
  }

  close(): void {
    if (this.retry) clearTimeout(this.retry);
    this.closeInput?.();
  }
}
