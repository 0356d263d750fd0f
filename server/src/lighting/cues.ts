// Pure lighting helpers: the show's lighting events in one sorted list, the state of the rig at
// any show time (to re-send after a restart or a jump), and the panic messages.

import type { LightingConfig, LightingEvent, Timeline } from '../../../show-files/src/timeline.ts';
import { allNotesOff, releasesNote, showControl, soundsNote, tryDecodeMidi } from '../../../show-files/src/midi.ts';

/** Every lighting event of the show, sorted by time (stable: song order, then cue order). */
export function collectLightingEvents(timeline: Timeline): LightingEvent[] {
  const all: { e: LightingEvent; order: number }[] = [];
  let order = 0;
  for (const song of timeline.songs) for (const e of song.tracks.lighting) all.push({ e, order: order++ });
  all.sort((a, b) => a.e.time - b.e.time || a.order - b.order);
  return all.map((x) => x.e);
}

/**
 * The messages that put a rig into the state it would be in at show time t (events at exactly t
 * count as sent unless `inclusive` is false): per channel the last program, the last value of every controller and the notes
 * still held, plus the last MIDI Show Control message per device. Ordered as they were first sent.
 */
export function lightingStateAt(events: readonly LightingEvent[], t: number, inclusive = true): LightingEvent[] {
  const latest = new Map<string, { e: LightingEvent; i: number }>();
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    if (e.time > t || (!inclusive && e.time === t)) break;
    const m = tryDecodeMidi(e.bytes);
    if (!m) continue;
    if (m.type === 'sysex') {
      if (m.msc) latest.set(`msc:${m.msc.deviceId}`, { e, i });
    } else if (m.type === 'programChange') latest.set(`prog:${m.channel}`, { e, i });
    else if (m.type === 'controlChange') latest.set(`cc:${m.channel}:${m.controller}`, { e, i });
    else if (soundsNote(m)) latest.set(`note:${m.channel}:${m.note}`, { e, i });
    else if (releasesNote(m)) latest.delete(`note:${m.channel}:${m.note}`);
  }
  return [...latest.values()].sort((a, b) => a.i - b.i).map((x) => x.e);
}

/** MIDI channels (1-16) that the show's cues use, plus the show's default channel. */
export function usedChannels(events: readonly LightingEvent[], config: LightingConfig): number[] {
  const channels = new Set<number>([config.channel]);
  for (const e of events) {
    const m = tryDecodeMidi(e.bytes);
    if (m && m.type !== 'sysex') channels.add(m.channel);
  }
  return [...channels].sort((a, b) => a - b);
}

/** MSC device ids the show addresses. */
export function usedMscDevices(events: readonly LightingEvent[]): number[] {
  const ids = new Set<number>();
  for (const e of events) {
    const m = tryDecodeMidi(e.bytes);
    if (m?.type === 'sysex' && m.msc) ids.add(m.msc.deviceId);
  }
  return [...ids].sort((a, b) => a - b);
}

/** Panic: All Notes Off + All Sound Off on every used channel, and MSC ALL_OFF to every device in use. */
export function panicMessages(events: readonly LightingEvent[], config: LightingConfig): { bytes: number[]; label: string }[] {
  const out: { bytes: number[]; label: string }[] = [];
  for (const ch of usedChannels(events, config)) {
    for (const bytes of allNotesOff(ch)) out.push({ bytes, label: `ch${ch} ${bytes[1] === 123 ? 'all notes off' : 'all sound off'}` });
  }
  const devices = usedMscDevices(events);
  if (devices.length === 0 && events.some((e) => tryDecodeMidi(e.bytes)?.type === 'sysex')) devices.push(config.mscDeviceId);
  for (const id of devices) out.push({ bytes: showControl(id, 'ALL_OFF'), label: `MSC ALL_OFF device ${id}` });
  return out;
}
