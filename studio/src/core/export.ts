// Files the song goes back to the fan's other tools in: the project's JSON (a holostage-score any
// show can use, with the studio's settings beside it), UTAU .ust and a Standard MIDI File with
// lyric events. The global transpose is written into the pitches, as those tools have no voice
// settings of ours to carry it.

import { RESOLUTION, type StudioProject } from './project.ts';

/** The project's JSON: a holostage-score (readable by parseScore) whose notes keep their studio tuning. */
export function toScoreJson(p: StudioProject): string {
  const doc = {
    format: 'holostage-score',
    resolution: RESOLUTION,
    tempo: [{ tick: 0, bpm: p.bpm }],
    timeSignature: `${p.timeSignature.numerator}/${p.timeSignature.denominator}`,
    notes: p.notes.map((n) => ({ tick: n.tick, length: n.length, pitch: n.pitch, lyric: n.lyric || 'a', ...(n.vibrato !== undefined ? { vibrato: n.vibrato } : {}), ...(n.dynamics !== undefined ? { dynamics: n.dynamics } : {}) })),
    studio: { title: p.title, bpm: p.bpm, voice: p.voice, timeSignature: p.timeSignature },
  };
  return `${JSON.stringify(doc, null, 1)}\n`;
}

/** Notes one after another with rests (R) in the gaps, overlaps cut: how UTAU lays a track out. */
function sequence(p: StudioProject): { length: number; note?: StudioProject['notes'][number] }[] {
  const out: { length: number; note?: StudioProject['notes'][number] }[] = [];
  let at = 0;
  p.notes.forEach((n, i) => {
    if (n.tick > at) out.push({ length: n.tick - at });
    const next = p.notes[i + 1];
    const end = next ? Math.min(n.tick + n.length, next.tick) : n.tick + n.length;
    if (end > Math.max(at, n.tick)) out.push({ length: end - Math.max(at, n.tick), note: n });
    at = Math.max(at, end);
  });
  return out;
}

/** UTAU .ust, UTF-8 (OpenUtau and UTAU read the Charset line); Intensity and VBR carry the tuning. */
export function toUst(p: StudioProject): string {
  const lines = ['[#VERSION]', 'UST Version1.2', 'Charset=UTF-8', '[#SETTING]', `Tempo=${p.bpm}`, 'Tracks=1', `ProjectName=${p.title.replace(/[\r\n]/g, ' ')}`, 'Mode2=True'];
  sequence(p).forEach((s, i) => {
    lines.push(`[#${String(i).padStart(4, '0')}]`, `Length=${s.length}`);
    if (!s.note) {
      lines.push('Lyric=R', 'NoteNum=60');
      return;
    }
    const n = s.note;
    lines.push(`Lyric=${n.lyric || 'a'}`, `NoteNum=${n.pitch + p.voice.transpose}`);
    const intensity = Math.round((n.dynamics ?? 1) * p.voice.dynamics * 100);
    if (intensity !== 100) lines.push(`Intensity=${intensity}`);
    const depth = n.vibrato ?? p.voice.vibratoDepth;
    // VBR: length %, period ms, depth cents, fade in %, fade out %, phase, centre, (unused).
    if (depth > 0) lines.push(`VBR=65,${Math.round(1000 / p.voice.vibratoRate)},${Math.round(depth * 100)},20,20,0,0,0`);
  });
  lines.push('[#TRACKEND]', '');
  return lines.join('\r\n');
}

function vlq(value: number): number[] {
  const bytes = [value & 0x7f];
  for (let v = value >>> 7; v > 0; v >>>= 7) bytes.unshift((v & 0x7f) | 0x80);
  return bytes;
}

/** A Standard MIDI File (format 0): tempo, time signature, and each note with its lyric event (UTF-8). */
export function toMidi(p: StudioProject): Uint8Array {
  const events: { tick: number; order: number; bytes: number[] }[] = [];
  const utf8 = new TextEncoder();
  const microsPerQuarter = Math.round(60_000_000 / p.bpm);
  events.push({ tick: 0, order: 0, bytes: [0xff, 0x51, 0x03, (microsPerQuarter >> 16) & 0xff, (microsPerQuarter >> 8) & 0xff, microsPerQuarter & 0xff] });
  const denPower = Math.round(Math.log2(p.timeSignature.denominator));
  events.push({ tick: 0, order: 0, bytes: [0xff, 0x58, 0x04, p.timeSignature.numerator, denPower, 24, 8] });
  const title = utf8.encode(p.title);
  events.push({ tick: 0, order: 0, bytes: [0xff, 0x03, ...vlq(title.length), ...title] });
  for (const s of sequence(p)) {
    const n = s.note;
    if (!n) continue;
    const start = Math.max(n.tick, 0);
    const end = start + s.length;
    const pitch = Math.min(127, Math.max(0, n.pitch + p.voice.transpose));
    const lyric = utf8.encode(n.lyric || 'a');
    const velocity = Math.min(127, Math.max(1, Math.round(100 * (n.dynamics ?? 1) * p.voice.dynamics)));
    events.push({ tick: start, order: 2, bytes: [0xff, 0x05, ...vlq(lyric.length), ...lyric] });
    events.push({ tick: start, order: 3, bytes: [0x90, pitch, velocity] });
    events.push({ tick: end, order: 1, bytes: [0x80, pitch, 0] });
  }
  events.sort((a, b) => a.tick - b.tick || a.order - b.order);
  const track: number[] = [];
  let at = 0;
  for (const e of events) {
    track.push(...vlq(e.tick - at), ...e.bytes);
    at = e.tick;
  }
  track.push(0, 0xff, 0x2f, 0x00);
  const header = [0x4d, 0x54, 0x68, 0x64, 0, 0, 0, 6, 0, 0, 0, 1, (RESOLUTION >> 8) & 0xff, RESOLUTION & 0xff];
  const len = track.length;
  return new Uint8Array([...header, 0x4d, 0x54, 0x72, 0x6b, (len >>> 24) & 0xff, (len >>> 16) & 0xff, (len >>> 8) & 0xff, len & 0xff, ...track]);
}
