// The one MIDI decoder: every encoder's bytes come back as the message they encode, MSC is read
// field by field, a note-on at velocity 0 is a release, and bad bytes are a clear error (or null
// for the readers that must keep a show running).
import { describe, expect, it } from 'vitest';
import { controlChange, decodeMidi, decodeShowControl, noteOff, noteOn, programChange, releasesNote, showControl, soundsNote, tryDecodeMidi } from '../../show-files/src/midi.ts';
import { toSmfEvent } from '../../server/src/lighting/recorder-driver.ts';
import { toEasymidiMessage } from '../../server/src/lighting/easymidi-driver.ts';
import { commandFromMidi } from '../../server/src/lighting/midi-input.ts';
import { applyLightingEvent, initialLights } from '../../stage/src/perform/lights.ts';

describe('decodeMidi', () => {
  it('reads back what the encoders wrote, channels 1-16', () => {
    expect(decodeMidi(noteOn(16, 60, 100))).toEqual({ type: 'noteOn', channel: 16, note: 60, velocity: 100 });
    expect(decodeMidi(noteOff(1, 61))).toEqual({ type: 'noteOff', channel: 1, note: 61, velocity: 0 });
    expect(decodeMidi(controlChange(3, 7, 64))).toEqual({ type: 'controlChange', channel: 3, controller: 7, value: 64 });
    expect(decodeMidi(programChange(2, 5))).toEqual({ type: 'programChange', channel: 2, program: 5 });
    expect(decodeMidi([0xe0, 0x00, 0x40])).toEqual({ type: 'pitchBend', channel: 1, value: 8192 });
    expect(decodeMidi([0xd4, 0x22])).toEqual({ type: 'channelAftertouch', channel: 5, pressure: 0x22 });
  });

  it('reads MIDI Show Control fields and tells other sysex apart', () => {
    const go = decodeMidi(showControl(3, 'GO', '12.5'));
    expect(go).toMatchObject({ type: 'sysex', msc: { deviceId: 3, format: 1, command: 0x01, commandName: 'GO', cue: '12.5' } });
    expect(decodeShowControl(showControl(127, 'ALL_OFF'))).toMatchObject({ deviceId: 127, commandName: 'ALL_OFF', cue: '' });
    expect(decodeMidi([0xf0, 0x43, 0x10, 0x4c, 0xf7])).toMatchObject({ type: 'sysex', msc: null });
    // Cut off before F7: not MSC.
    expect(decodeShowControl(showControl(3, 'GO', '1').slice(0, -1))).toBeNull();
  });

  it('counts a note-on at velocity 0 as a release, not a new note', () => {
    expect(soundsNote(decodeMidi([0x90, 60, 0]))).toBe(false);
    expect(releasesNote(decodeMidi([0x90, 60, 0]))).toBe(true);
    expect(releasesNote(decodeMidi(noteOff(1, 60)))).toBe(true);
    expect(soundsNote(decodeMidi(noteOn(1, 60, 1)))).toBe(true);
  });

  it('refuses what is not a message with the reason; tryDecodeMidi answers null', () => {
    expect(() => decodeMidi([])).toThrow(/empty MIDI message/);
    expect(() => decodeMidi([0x40, 1, 2])).toThrow(/unsupported MIDI status byte 0x40/);
    expect(() => decodeMidi([0xf8])).toThrow(/unsupported MIDI status byte 0xf8/);
    expect(() => decodeMidi([0x90, 60])).toThrow(/needs 3 bytes, got 2/);
    expect(tryDecodeMidi([0x90, 60])).toBeNull();
  });
});

describe('every reader decodes the same way', () => {
  const bytes = [noteOn(2, 40, 90), [0x91, 40, 0], controlChange(2, 16, 127), programChange(2, 1), showControl(1, 'GO', '3')];

  it('the SMF recorder and the easymidi driver keep the bytes (0-based channels on their side)', () => {
    expect(toSmfEvent(bytes[0]!)).toEqual({ type: 'noteOn', channel: 1, noteNumber: 40, velocity: 90 });
    expect(toSmfEvent([0xe0, 0, 0x40])).toMatchObject({ type: 'pitchBend', value: 0 });
    expect(toEasymidiMessage(bytes[1]!)).toEqual({ type: 'noteon', args: { channel: 1, note: 40, velocity: 0 } });
    expect(toEasymidiMessage(bytes[4]!)).toEqual({ type: 'sysex', args: bytes[4] });
    // System messages (MTC quarter frames, clock) have no SMF event of their own: they are kept as
    // F7 escape events, byte for byte.
    expect(toSmfEvent([0xf1, 0x32])).toEqual({ type: 'endSysEx', data: [0xf1, 0x32] });
    expect(toSmfEvent([0xf8])).toEqual({ type: 'endSysEx', data: [0xf8] });
  });

  it('the MIDI input and the stage lights read notes and MSC the same way', () => {
    const mapping = { mscDeviceId: 1, channel: 2, notes: { go: 40 } };
    expect(commandFromMidi(bytes[0]!, mapping)).toBe('go');
    expect(commandFromMidi(bytes[1]!, mapping)).toBeNull();
    expect(commandFromMidi(bytes[4]!, mapping)).toBe('go');
    expect(commandFromMidi(showControl(2, 'GO', '3'), mapping)).toBeNull();
    const lights = initialLights();
    applyLightingEvent(lights, bytes[0]!);
    expect(lights.fixtures[0]!.intensity).toBeCloseTo(90 / 127);
    applyLightingEvent(lights, bytes[1]!);
    expect(lights.fixtures[0]!.intensity).toBe(0);
    applyLightingEvent(lights, showControl(1, 'GO', '3'));
    expect(lights.fixtures.map((f) => f.intensity)).toEqual([0.55, 1, 0.55, 1, 0.55, 1, 0.55, 1]);
    applyLightingEvent(lights, [0x90, 1]);
    expect(lights.fixtures[1]!.intensity).toBe(1);
  });
});
