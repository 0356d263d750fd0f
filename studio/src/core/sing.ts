// From the studio's notes to what the show's vocal engine sings: seconds at the project's tempo,
// the global voice settings and per-note tuning applied, then the same phonemizer and planner as
// the show (vocal/). A plan can start at the playhead: only the notes still to come
// (and the one sounding there) are planned, so pressing Space on a long song costs a phrase's work.

import { phonemizeNotes } from '../../../vocal/phonemize.ts';
import { planVoice } from '../../../vocal/articulation.ts';
import { DEFAULT_VOICE } from '../../../vocal/track.ts';
import type { Phoneme, VocalNote, VocalTrack, VoiceSettings } from '../../../show-files/src/timeline.ts';
import type { SynthPlan } from '../../../vocal/dsp/voice-synth.ts';
import { secondsPerTick, type StudioProject } from './project.ts';

export function voiceSettings(p: StudioProject): VoiceSettings {
  return { ...DEFAULT_VOICE, transpose: p.voice.transpose, vibrato: { ...DEFAULT_VOICE.vibrato, depth: p.voice.vibratoDepth, rate: p.voice.vibratoRate } };
}

/** The project's notes as the engine's vocal notes (transpose is the voice's job, not the notes'). */
export function vocalNotes(p: StudioProject): VocalNote[] {
  const spt = secondsPerTick(p);
  const out: VocalNote[] = [];
  for (const n of p.notes) {
    const prev = out[out.length - 1];
    const time = n.tick * spt;
    // One note at a time: an overlapping note cuts the one before it short.
    if (prev && prev.end > time) prev.end = time;
    if (prev && prev.end <= prev.time) out.pop();
    const note: VocalNote = { time, end: (n.tick + n.length) * spt, pitch: n.pitch, lyric: n.lyric || 'a' };
    const dynamics = (n.dynamics ?? 1) * p.voice.dynamics;
    if (dynamics !== 1) note.dynamics = dynamics;
    if (n.vibrato !== undefined) note.vibrato = { depth: n.vibrato, rate: p.voice.vibratoRate, delay: DEFAULT_VOICE.vibrato.delay };
    out.push(note);
  }
  return out;
}

export interface Sung {
  track: VocalTrack;
  voice: VoiceSettings;
  /** Index in the project's notes of the track's first note. */
  firstNote: number;
}

/** The vocal track of the whole song, or of what sounds from `fromSeconds` on. */
export function singFrom(p: StudioProject, fromSeconds = 0): Sung {
  const voice = voiceSettings(p);
  const all = vocalNotes(p);
  let first = all.findIndex((n) => n.end > fromSeconds);
  if (first < 0) first = all.length;
  const notes = all.slice(first);
  const { phonemes, warnings } = phonemizeNotes(notes, voice, { songStart: 0 });
  return { track: { notes, phonemes, warnings }, voice, firstNote: first };
}

/** The synth plan for playback from the playhead (null when nothing is left to sing). */
export function planFrom(p: StudioProject, fromSeconds = 0): { plan: SynthPlan; sung: Sung } | null {
  const sung = singFrom(p, fromSeconds);
  if (sung.track.notes.length === 0) return null;
  return { plan: planVoice(sung.track, sung.voice), sung };
}

/** Phonemes of the whole song with the project's note index, for the phoneme lane. */
export function phonemeLane(p: StudioProject): { phonemes: Phoneme[]; warnings: string[] } {
  const sung = singFrom(p, 0);
  return { phonemes: sung.track.phonemes.map((ph) => ({ ...ph, note: ph.note + sung.firstNote })), warnings: sung.track.warnings };
}
