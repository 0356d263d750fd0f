// Virtual stage lights that follow the same lighting events that go out over MIDI (and the DMX
// cues, dmx-lights.ts), so a show can be rehearsed with no console. The state at a show time is the result of replaying the song's
// lighting events up to that time (a cursor makes forward play O(1) per frame; a jump back replays).
//
// Mapping (documented in docs/stage.md):
//   8 fixtures on a truss above the stage, numbered 0-7.
//   note on  n, velocity v (any channel)  -> fixture n % 8 intensity v/127 (velocity 0 = off)
//   note off n                           -> fixture n % 8 intensity 0
//   CC 7  value v                        -> master dimmer v/127 (starts at 1)
//   CC 16 value v                        -> hue of every fixture, v/127 of the colour wheel
//   CC 17 value v                        -> saturation of every fixture v/127
//   CC 20+k (k=0..7) value v             -> hue of fixture k
//   program change p                     -> colour preset p % 8 on every fixture:
//                                           white red orange yellow green cyan blue magenta
//   MSC GO cue n                         -> a generated look for cue n: every fixture on, levels
//                                           alternating 100 % / 55 %, the pattern shifted by n (the
//                                           console's own cue contents are unknown to the stage)
//   MSC ALL_OFF                          -> every fixture off; MSC RESUME / STOP: no change

import type { DmxEvent, LightingEvent } from '../../../show-files/src/timeline.ts';
import { tryDecodeMidi } from '../../../show-files/src/midi.ts';
import { applyDmxToFixtures } from './dmx-lights.ts';

export const FIXTURES = 8;

export interface FixtureState {
  intensity: number;
  /** 0..1 around the colour wheel (0 red, 1/3 green, 2/3 blue). */
  hue: number;
  saturation: number;
}

export interface LightsState {
  fixtures: FixtureState[];
  master: number;
}

/** Colour presets for program change (hue, saturation). */
export const PRESETS: [number, number][] = [
  [0, 0], [0, 1], [0.08, 1], [0.16, 1], [0.33, 1], [0.5, 1], [0.66, 1], [0.83, 1],
];

export function initialLights(): LightsState {
  return { fixtures: Array.from({ length: FIXTURES }, () => ({ intensity: 0, hue: 0, saturation: 0 })), master: 1 };
}

function resetLights(s: LightsState): void {
  for (const f of s.fixtures) {
    f.intensity = 0;
    f.hue = 0;
    f.saturation = 0;
  }
  s.master = 1;
}

/** Applies one lighting event's MIDI bytes to the state. */
export function applyLightingEvent(s: LightsState, bytes: readonly number[]): void {
  const m = tryDecodeMidi(bytes);
  if (!m) return;
  switch (m.type) {
    case 'sysex': {
      if (m.msc?.commandName === 'ALL_OFF') for (const f of s.fixtures) f.intensity = 0;
      else if (m.msc?.commandName === 'GO') {
        const cue = mscCueWhole(m.msc.cue);
        s.fixtures.forEach((f, k) => {
          f.intensity = (k + cue) % 2 === 0 ? 1 : 0.55;
        });
      }
      return;
    }
    case 'noteOn':
      s.fixtures[m.note % FIXTURES]!.intensity = m.velocity / 127;
      return;
    case 'noteOff':
      s.fixtures[m.note % FIXTURES]!.intensity = 0;
      return;
    case 'controlChange': {
      const { controller: a, value: b } = m;
      if (a === 7) s.master = b / 127;
      else if (a === 16) for (const f of s.fixtures) f.hue = b / 127;
      else if (a === 17) for (const f of s.fixtures) f.saturation = b / 127;
      else if (a >= 20 && a < 20 + FIXTURES) s.fixtures[a - 20]!.hue = b / 127;
      return;
    }
    case 'programChange': {
      const [hue, sat] = PRESETS[m.program % PRESETS.length]!;
      for (const f of s.fixtures) {
        f.hue = hue;
        f.saturation = sat;
      }
      return;
    }
    default:
      return;
  }
}

/** The whole-number part of an MSC cue number ("12.5" -> 12), 0 if none. */
function mscCueWhole(cue: string): number {
  const n = Math.floor(Number.parseFloat(cue));
  return Number.isFinite(n) ? n : 0;
}

/** One empty list, so a song without DMX cues keeps the same track from frame to frame. */
const NO_DMX: readonly DmxEvent[] = [];

/** Replays a song's lighting track to any show time; cheap when time moves forward. DMX cues (dmx-lights.ts) lie on top. */
export class LightsPlayer {
  readonly state = initialLights();
  private events: readonly LightingEvent[] = [];
  private dmx: readonly DmxEvent[] = [];
  /** The fixtures as MIDI left them, before the DMX overlay of the last frame. */
  private readonly midi = initialLights();
  /** Number of events applied so far. */
  private applied = 0;
  private lastT = -Infinity;

  /** Selects the track (a new song); the state restarts dark. */
  setTrack(events: readonly LightingEvent[], dmx: readonly DmxEvent[] = NO_DMX): void {
    if (events === this.events && dmx === this.dmx) return;
    this.events = events;
    this.dmx = dmx;
    this.rewind();
  }

  private rewind(): void {
    resetLights(this.midi);
    resetLights(this.state);
    this.applied = 0;
    this.lastT = -Infinity;
  }

  at(t: number): LightsState {
    if (t < this.lastT) this.rewind();
    this.lastT = t;
    const ev = this.events;
    while (this.applied < ev.length && ev[this.applied]!.time <= t) {
      applyLightingEvent(this.midi, ev[this.applied]!.bytes);
      this.applied++;
    }
    // The frame's state: MIDI's, then the DMX levels of this instant over it (fades move every frame).
    this.state.master = this.midi.master;
    this.midi.fixtures.forEach((f, k) => Object.assign(this.state.fixtures[k]!, f));
    applyDmxToFixtures(this.state.fixtures, this.dmx, t);
    return this.state;
  }
}

/** HSV (s, v in 0..1) to linear-ish RGB 0..1, written into out. */
export function hsvToRgb(h: number, s: number, v: number, out: [number, number, number] | Float32Array | number[]): void {
  const i = Math.floor(((h % 1) + 1) % 1 * 6);
  const f = ((h % 1) + 1) % 1 * 6 - i;
  const p = v * (1 - s);
  const q = v * (1 - f * s);
  const u = v * (1 - (1 - f) * s);
  const table = [[v, u, p], [q, v, p], [p, v, u], [p, q, v], [u, p, v], [v, p, q]][i % 6]!;
  out[0] = table[0]!;
  out[1] = table[1]!;
  out[2] = table[2]!;
}
