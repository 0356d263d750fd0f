// The studio's pure core: note edits, undo, snapping, lyric spreading, the bridge to the vocal
// engine, and the exporters read back by the show's own importers.
import { describe, expect, it } from 'vitest';
import { addNote, emptyProject, moveNotes, pasteNotes, removeNotes, resizeNotes, MAX_NOTES, type StudioProject } from '../../studio/src/core/project.ts';
import { UndoStack } from '../../studio/src/core/undo.ts';
import { floorTick, gridTicks, snapTick } from '../../studio/src/core/snap.ts';
import { kanaMorae, spreadLyrics } from '../../studio/src/core/spread.ts';
import { checkProject, lyricProblem } from '../../studio/src/core/validate.ts';
import { phonemeLane, planFrom } from '../../studio/src/core/sing.ts';
import { toMidi, toScoreJson, toUst } from '../../studio/src/core/export.ts';
import { projectFromScore, projectFromStudioJson } from '../../studio/src/core/import.ts';
import { parseScore } from '../../show-files/src/score/index.ts';
import { renderChunks } from '../../vocal/dsp/render-plan.ts';

function song(): StudioProject {
  let p = emptyProject('Test');
  const lyrics = ['sa', 'ku', 'ra', 'ん'];
  lyrics.forEach((lyric, i) => (p = addNote(p, { tick: i * 480, length: 480, pitch: 60 + i * 2, lyric }).project));
  return p;
}

describe('note edits and undo', () => {
  it('adds, moves, resizes, deletes and pastes notes, keeping them in time order', () => {
    let p = song();
    const ids = p.notes.map((n) => n.id);
    p = moveNotes(p, new Set([ids[0]!]), 480 * 5, 3);
    expect(p.notes.map((n) => n.lyric)).toEqual(['ku', 'ra', 'ん', 'sa']);
    expect(p.notes[3]).toMatchObject({ tick: 2400, pitch: 63 });
    // A group moved left past 0 stops at 0 and keeps its shape.
    p = moveNotes(p, new Set([ids[1]!, ids[2]!]), -10_000, 0);
    expect(p.notes.slice(0, 2).map((n) => n.tick)).toEqual([0, 480]);
    p = resizeNotes(p, new Set([ids[1]!]), -1000, 60);
    expect(p.notes.find((n) => n.id === ids[1])!.length).toBe(60);
    const pasted = pasteNotes(p, p.notes.slice(0, 2), 4800);
    expect(pasted.ids).toHaveLength(2);
    expect(pasted.project.notes.filter((n) => n.tick >= 4800).map((n) => n.lyric)).toEqual(['ku', 'ra']);
    expect(new Set(pasted.project.notes.map((n) => n.id)).size).toBe(6);
    expect(removeNotes(pasted.project, new Set(pasted.ids)).notes).toHaveLength(4);
  });

  it('undoes and redoes, and a new edit clears redo', () => {
    const u = new UndoStack(song());
    const a = u.current;
    u.push(moveNotes(a, new Set([a.notes[0]!.id]), 0, 1));
    const b = u.current;
    expect(u.undo()).toBe(a);
    expect(u.redo()).toBe(b);
    u.undo();
    u.push(removeNotes(a, new Set([a.notes[0]!.id])));
    expect(u.canRedo).toBe(false);
    expect(u.undo()).toBe(a);
    expect(u.canUndo).toBe(false);
  });
});

describe('grid', () => {
  it('snaps to straight and triplet grids', () => {
    expect(gridTicks('1/4')).toBe(480);
    expect(gridTicks('1/32')).toBe(60);
    expect(gridTicks('1/8T')).toBe(160);
    expect(snapTick(250, '1/8')).toBe(240);
    expect(snapTick(250, '1/8T')).toBe(320);
    expect(floorTick(479, '1/4')).toBe(0);
    expect(floorTick(470, '1/16T')).toBe(400);
  });
});

describe('lyrics for the phrase', () => {
  it('spreads kana mora by mora, small kana with their kana, っ ん ー on their own', () => {
    expect(kanaMorae('きゃっと ぴゅーん')).toEqual(['きゃ', 'っ', 'と', 'ぴゅ', 'ー', 'ん']);
    expect(spreadLyrics('さくら さくら', 6).lyrics).toEqual(['さ', 'く', 'ら', 'さ', 'く', 'ら']);
    const short = spreadLyrics('さくら', 5);
    expect(short.lyrics).toEqual(['さ', 'く', 'ら', '+', '+']);
    expect(short.unfilled).toBe(2);
    expect(spreadLyrics('さくらさくら', 4).leftOver).toEqual(['く', 'ら']);
  });

  it('spreads English by syllable with + continuations, and honours hyphens and typed +', () => {
    const s = spreadLyrics('beautiful day', 4);
    expect(s.language).toBe('en');
    expect(s.lyrics).toEqual(['beautiful', '+', '+', 'day']);
    expect(spreadLyrics('hel-lo world +', 4).lyrics).toEqual(['hel-', 'lo', 'world', '+']);
    // A word whose syllables run past the last note is sung whole on it.
    expect(spreadLyrics('sing beautiful', 2)).toMatchObject({ lyrics: ['sing', 'beautiful'], leftOver: [] });
    expect(spreadLyrics('sa ku ra', 3)).toMatchObject({ lyrics: ['sa', 'ku', 'ra'], language: 'ja' });
  });
});

describe('validation', () => {
  it('refuses emoji lyrics, too many notes and broken fields with the note named', () => {
    expect(lyricProblem('ら')).toBeNull();
    expect(lyricProblem("don't")).toBeNull();
    expect(lyricProblem('la🎤')).toMatch(/cannot sing \(🎤\)/);
    const p = song();
    const bad = checkProject({ ...p, notes: [...p.notes, { id: 99, tick: 1920 * 2 + 480, length: 480, pitch: 60, lyric: '😀' }] });
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.errors[0]).toMatch(/notes\[4\] \(bar 3 beat 2\).*😀/);
    const many = checkProject({ ...p, notes: Array.from({ length: 5000 }, (_, i) => ({ tick: i * 120, length: 120, pitch: 60, lyric: 'a' })) });
    expect(!many.ok && many.errors.join()).toContain(`at most ${MAX_NOTES} notes, this one has 5000`);
    expect(checkProject({ ...p, bpm: 'fast' }).ok).toBe(false);
    expect(checkProject(p)).toMatchObject({ ok: true });
  });
});

describe('singing', () => {
  it('plans from the playhead: only the notes still to come, and the plan sings', () => {
    const p = song(); // 120 BPM: a quarter is 0.5 s
    const whole = planFrom(p, 0)!;
    const late = planFrom(p, 1.2)!;
    expect(whole.sung.track.notes).toHaveLength(4);
    expect(late.sung.track.notes).toHaveLength(2);
    expect(late.sung.firstNote).toBe(2);
    // The plan starts with the breath before the third note (1.0 s): at most 0.35 s of lead-in plus the consonant.
    expect(late.plan.start).toBeGreaterThan(1.0 - 0.35 - 0.2);
    const gen = renderChunks(late.plan, 22050, late.plan.start, late.plan.end, 4096);
    let r = gen.next();
    while (!r.done) r = gen.next();
    const samples = r.value;
    let peak = 0;
    for (const s of samples) peak = Math.max(peak, Math.abs(s));
    expect(peak).toBeGreaterThan(0.05);
    expect(planFrom(p, 100)).toBeNull();
    const lane = phonemeLane(p);
    expect(lane.phonemes.filter((ph) => ph.note === 3).map((ph) => ph.symbol).join(' ')).toContain('N');
  });
});

describe('export and import', () => {
  const p: StudioProject = { ...song(), bpm: 140, voice: { transpose: 2, vibratoDepth: 0.3, vibratoRate: 5.5, dynamics: 1 } };
  // A rest of an eighth between the first two notes.
  p.notes = p.notes.map((n, i) => ({ ...n, tick: i === 0 ? 0 : n.tick + 240, ...(i === 1 ? { dynamics: 1.5, vibrato: 0.5 } : {}) }));

  it('writes a .ust that UTAU readers (ours) read back: rests, tempo, transpose, intensity and vibrato', () => {
    const score = parseScore(new TextEncoder().encode(toUst(p)), 'song.ust');
    expect(score.tempo[0]!.bpm).toBe(140);
    expect(score.notes.map((n) => [n.tick, n.durationTicks, n.pitch, n.lyric])).toEqual([
      [0, 480, 62, 'sa'],
      [720, 480, 64, 'ku'],
      [1200, 480, 66, 'ra'],
      [1680, 480, 68, 'ん'],
    ]);
    expect(score.notes[1]!.dynamics).toBeCloseTo(1.5);
    expect(score.notes[1]!.vibrato!.depth).toBeCloseTo(0.5);
  });

  it('writes a .mid with lyric events that the MIDI importer reads back', () => {
    const score = parseScore(toMidi(p), 'song.mid');
    expect(score.tempo[0]!.bpm).toBeCloseTo(140, 1);
    expect(score.notes.map((n) => [Math.round((n.tick * 480) / score.resolution), n.pitch, n.lyric])).toEqual([
      [0, 62, 'sa'],
      [720, 64, 'ku'],
      [1200, 66, 'ra'],
      [1680, 68, 'ん'],
    ]);
  });

  it('writes the project JSON: a holostage-score for shows, and the whole project for the studio', () => {
    const text = toScoreJson(p);
    const score = parseScore(new TextEncoder().encode(text), 'song.json');
    expect(score.notes.map((n) => n.lyric)).toEqual(['sa', 'ku', 'ra', 'ん']);
    const back = projectFromStudioJson(JSON.parse(text) as Record<string, unknown>);
    expect(back.ok && back.project).toMatchObject({ title: 'Test', bpm: 140, voice: p.voice });
    expect(back.ok && back.project.notes[1]).toMatchObject({ dynamics: 1.5, vibrato: 0.5 });
    const imported = projectFromScore(parseScore(new TextEncoder().encode(toUst(p)), 'x.ust'), 'x');
    expect('project' in imported && imported.project.notes).toHaveLength(4);
  });
});
