// The virtual fixtures follow the songs' DMX cues as they follow MIDI (lights.ts), through a fixed
// stage patch a lighting designer can copy onto a console: DMX universe 1, fixture k (0-7) at
// channels 4k+1 to 4k+4 = dimmer, red, green, blue (an RGB wash with a dimmer, the most common
// LED profile). Levels come from the same function the DMX output uses (dmx-levels.ts), so fades,
// seeks and the look after a jump match what goes out over sACN and Art-Net.
//
// A fixture no DMX cue has reached by the time keeps what MIDI gave it. Once cued, DMX sets it:
// intensity = dimmer × brightest colour channel; hue and saturation from the colour channels
// (a fixture whose colour channels were never cued keeps its MIDI colour, and the dimmer alone
// sets its intensity).

import type { DmxEvent } from '../../../show-files/src/timeline.ts';
import { cuedLevelsAt } from '../../../show-files/src/dmx-levels.ts';

/** A fixture as lights.ts keeps it (written here without importing it: lights.ts imports this module). */
interface Fixture {
  intensity: number;
  hue: number;
  saturation: number;
}

export const STAGE_DMX_UNIVERSE = 1;
export const CHANNELS_PER_FIXTURE = 4;

/** Hue (0..1) and saturation of an RGB colour (0-255 each); value is the brightest channel / 255. */
export function rgbToHsv(r: number, g: number, b: number): { h: number; s: number; v: number } {
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  const d = max - min;
  let h = 0;
  if (d > 0) {
    if (max === r) h = ((g - b) / d + 6) % 6;
    else if (max === g) h = (b - r) / d + 2;
    else h = (r - g) / d + 4;
  }
  return { h: h / 6, s: max > 0 ? d / max : 0, v: max / 255 };
}

/** Lay the stage patch's DMX levels at show time `t` over the fixtures (after the MIDI events). */
export function applyDmxToFixtures(fixtures: Fixture[], events: readonly DmxEvent[], t: number): void {
  if (!events.length) return;
  const levels = cuedLevelsAt(events, STAGE_DMX_UNIVERSE, t);
  if (!levels.size) return;
  for (let k = 0; k < fixtures.length; k++) {
    const base = k * CHANNELS_PER_FIXTURE + 1;
    const dimmer = levels.get(base);
    const r = levels.get(base + 1);
    const g = levels.get(base + 2);
    const b = levels.get(base + 3);
    const colour = r !== undefined || g !== undefined || b !== undefined;
    if (dimmer === undefined && !colour) continue;
    const f = fixtures[k]!;
    let intensity = dimmer === undefined ? 1 : dimmer / 255;
    if (colour) {
      const hsv = rgbToHsv(r ?? 0, g ?? 0, b ?? 0);
      f.hue = hsv.h;
      f.saturation = hsv.s;
      intensity *= hsv.v;
    }
    f.intensity = intensity;
  }
}
