// A score read by the show's importers (show-files/src/score) into a studio project: ticks
// rescaled to 480 per quarter, the first tempo kept (later changes reported), tuning kept where the
// studio can show it (per-note dynamics and vibrato depth). A project JSON written by the studio
// comes back whole, settings included.

import type { Score } from '../../../show-files/src/score/model.ts';
import { checkProject, type Checked } from './validate.ts';
import { emptyProject, MAX_NOTES, RESOLUTION, type StudioProject } from './project.ts';

export interface Imported {
  project: StudioProject;
  warnings: string[];
}

export function projectFromScore(score: Score, title: string): Imported | { errors: string[] } {
  const warnings = [...score.warnings];
  if (score.notes.length > MAX_NOTES) return { errors: [`the score has ${score.notes.length} notes; a studio song holds at most ${MAX_NOTES}: split it into several songs`] };
  if (score.tempo.length > 1) warnings.push(`the score changes tempo ${score.tempo.length - 1} time(s); the studio keeps one tempo (${score.tempo[0]!.bpm} BPM)`);
  if (score.pitchCurve?.length) warnings.push('hand-drawn pitch curves are not shown in the studio and were left out');
  const scale = RESOLUTION / score.resolution;
  const p = emptyProject(title);
  p.bpm = Math.min(400, Math.max(20, Math.round((score.tempo[0]?.bpm ?? 120) * 100) / 100));
  const den = [2, 4, 8, 16].includes(score.timeSignature.denominator) ? score.timeSignature.denominator : 4;
  p.timeSignature = { numerator: Math.min(16, Math.max(1, score.timeSignature.numerator)), denominator: den };
  const raw = {
    ...p,
    notes: score.notes.map((n, i) => ({
      id: i + 1,
      tick: Math.round(n.tick * scale),
      length: Math.max(1, Math.round(n.durationTicks * scale)),
      pitch: Math.min(108, Math.max(24, n.pitch)),
      lyric: n.lyric.slice(0, 32),
      ...(n.vibrato ? { vibrato: Math.min(2, n.vibrato.depth) } : {}),
      ...(n.dynamics !== undefined ? { dynamics: Math.min(2, Math.max(0, n.dynamics)) } : {}),
    })),
  };
  const checked = checkProject(raw);
  return checked.ok ? { project: checked.project, warnings } : { errors: checked.errors };
}

/** A studio JSON export read back (its `studio` block restores title, tempo and voice). */
export function projectFromStudioJson(doc: Record<string, unknown>): Checked {
  const studio = (doc.studio ?? {}) as Record<string, unknown>;
  return checkProject({ ...emptyProject(), ...studio, format: 'holostage-studio', notes: doc.notes });
}
