import { describe, expect, it } from 'vitest';
import { JsonSyntaxError, parseJsonWithPositions } from '../../show-files/src/json-source.ts';
import { allNotesOff, controlChange, noteOff, noteOn, programChange, showControl } from '../../show-files/src/midi.ts';
import { TempoMap } from '../../show-files/src/tempo.ts';

describe('tempo map', () => {
  it('converts ticks to seconds exactly across tempo changes, and back', () => {
    // 120 BPM for 4 beats (2 s), then 60 BPM.
    const map = new TempoMap([{ tick: 0, bpm: 120 }, { tick: 1920, bpm: 60 }]);
    expect(map.secondsAt(960)).toBe(0.5 * 2);
    expect(map.secondsAt(1920)).toBe(2);
    expect(map.secondsAt(1920 + 480)).toBe(3);
    expect(map.tickAt(3)).toBe(2400);
    expect(map.tickAt(1.5)).toBe(1440);
  });
  it('counts bars and beats in the time signature', () => {
    const sixEight = TempoMap.constant(120, 480, { numerator: 6, denominator: 8 });
    expect(sixEight.ticksPerBeat).toBe(240);
    expect(sixEight.barBeatToTick(2, 1)).toBe(1440);
    expect(sixEight.barBeatToTick(1, 4, 10)).toBe(730);
  });
  it('rejects a non-positive tempo', () => {
    expect(() => new TempoMap([{ tick: 0, bpm: 0 }])).toThrow(/positive/);
  });
});

describe('MIDI encoders', () => {
  it('builds channel voice messages', () => {
    expect(noteOn(1, 60, 127)).toEqual([0x90, 60, 127]);
    expect(noteOff(16, 0)).toEqual([0x8f, 0, 0]);
    expect(controlChange(10, 7, 100)).toEqual([0xb9, 7, 100]);
    expect(programChange(2, 5)).toEqual([0xc1, 5]);
    expect(allNotesOff(3)).toEqual([[0xb2, 123, 0], [0xb2, 120, 0]]);
    expect(() => noteOn(0, 60, 1)).toThrow(/channel/);
    expect(() => noteOn(1, 128, 1)).toThrow(/note/);
  });
  it('builds MIDI Show Control sysex byte-exact', () => {
    expect(showControl(1, 'GO', '12', '3')).toEqual([0xf0, 0x7f, 0x01, 0x02, 0x01, 0x01, 0x31, 0x32, 0x00, 0x33, 0xf7]);
    expect(showControl(0x7f, 'ALL_OFF')).toEqual([0xf0, 0x7f, 0x7f, 0x02, 0x01, 0x08, 0xf7]);
    expect(showControl(2, 'STOP', '4.5')).toEqual([0xf0, 0x7f, 0x02, 0x02, 0x01, 0x02, 0x34, 0x2e, 0x35, 0xf7]);
    expect(showControl(2, 'RESUME')).toEqual([0xf0, 0x7f, 0x02, 0x02, 0x01, 0x03, 0xf7]);
    expect(() => showControl(1, 'GO', 'A')).toThrow(/digits/);
    expect(() => showControl(1, 'GO', undefined, '2')).toThrow();
  });
});

describe('positioned JSON', () => {
  it('records the line and column of values and keys', () => {
    const text = '{\n  "a": [1,\n    {"b": true}],\n  "c d": "x"\n}';
    const { value, positions } = parseJsonWithPositions(text);
    expect(value).toEqual(JSON.parse(text));
    expect(positions.positionOf(['a', 1, 'b'])).toEqual({ line: 3, column: 11 });
    expect(positions.positionOf(['a', 1, 'b'], true)).toEqual({ line: 3, column: 6 });
    expect(positions.positionOf(['c d'])).toEqual({ line: 4, column: 10 });
    // A path that doesn't exist falls back to its nearest parent.
    expect(positions.positionOf(['a', 1, 'zzz'])).toEqual({ line: 3, column: 5 });
  });
  it('reports syntax errors with a position and a reason', () => {
    const cases: [string, RegExp, number, number][] = [
      ['{"a": 1,}', /trailing comma/, 1, 9],
      ['{"a": 1 "b": 2}', /expected "," or "}"/, 1, 9],
      ["{'a': 1}", /expected a property name/, 1, 2],
      ['[1, 2', /expected "," or "]"/, 1, 6],
      ['{"a": 1, "a": 2}', /duplicate property "a"/, 1, 10],
    ];
    for (const [text, msg, line, column] of cases) {
      try {
        parseJsonWithPositions(text);
        expect.unreachable(`should reject ${text}`);
      } catch (err) {
        expect(err).toBeInstanceOf(JsonSyntaxError);
        expect((err as JsonSyntaxError).detail).toMatch(msg);
        expect((err as JsonSyntaxError).position).toEqual({ line, column });
      }
    }
  });
});
