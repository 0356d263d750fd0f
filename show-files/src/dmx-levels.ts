// DMX levels at a show time, from the timeline's DMX cues: pure, so a seek or a restart re-sends
// the whole look of that moment (what the MIDI chase does for notes and programs). A cue fades
// each of its channels from `from` (or the level the channel has at the cue) to `to`, linearly.

import type { DmxEvent, OscCueEvent, Timeline } from './timeline.ts';

/** Every DMX cue of the show, in time order. */
export function collectDmxEvents(timeline: Timeline): DmxEvent[] {
  return timeline.songs.flatMap((s) => s.tracks.dmx ?? []).sort((a, b) => a.time - b.time);
}

/** Every outgoing OSC cue of the show, in time order (they travel with the DMX cues to the venue thread). */
export function collectOscCues(timeline: Timeline): OscCueEvent[] {
  return timeline.songs.flatMap((s) => s.tracks.osc ?? []).sort((a, b) => a.time - b.time);
}

export function dmxUniverses(events: readonly DmxEvent[]): number[] {
  return [...new Set(events.map((e) => e.universe))].sort((a, b) => a - b);
}

interface Fade {
  start: number;
  from: number;
  to: number;
  seconds: number;
}

function levelOf(f: Fade | undefined, t: number): number {
  if (!f) return 0;
  if (f.seconds <= 0 || t >= f.start + f.seconds) return f.to;
  const k = Math.max(0, (t - f.start) / f.seconds);
  return Math.round(f.from + (f.to - f.from) * k);
}

/** The level of every channel of one universe that a cue has set by show time `t` (channel -> 0-255); channels no cue has reached are absent. */
export function cuedLevelsAt(events: readonly DmxEvent[], universe: number, t: number): Map<number, number> {
  const fades = new Map<number, Fade>();
  for (const e of events) {
    if (e.time > t) break;
    if (e.universe !== universe) continue;
    for (const c of e.channels) fades.set(c.channel, { start: e.time, from: c.from ?? levelOf(fades.get(c.channel), e.time), to: c.to, seconds: e.fade });
  }
  const out = new Map<number, number>();
  for (const [channel, f] of fades) out.set(channel, levelOf(f, t));
  return out;
}

/** The 512 levels of each universe the cues use, at show time `t` (cues at or before t). */
export function dmxLevelsAt(events: readonly DmxEvent[], t: number): Map<number, Uint8Array> {
  const fades = new Map<number, Map<number, Fade>>();
  for (const e of events) {
    if (e.time > t) break;
    let u = fades.get(e.universe);
    if (!u) fades.set(e.universe, (u = new Map()));
    for (const c of e.channels) u.set(c.channel, { start: e.time, from: c.from ?? levelOf(u.get(c.channel), e.time), to: c.to, seconds: e.fade });
  }
  const out = new Map<number, Uint8Array>();
  for (const universe of dmxUniverses(events)) {
    const levels = new Uint8Array(512);
    for (const [channel, f] of fades.get(universe) ?? []) levels[channel - 1] = levelOf(f, t);
    out.set(universe, levels);
  }
  return out;
}
