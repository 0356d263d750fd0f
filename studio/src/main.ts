// The creator studio page: a piano roll to draw a melody and type lyrics, the show's own singer
// to hear it at once, drafts saved on the server, and a form to send the song to the show.
// Wiring only: the note model, undo, snapping, lyric spreading and the engine bridge are pure
// modules in core/; the canvas is roll.ts, sound player.ts, side panels panels.ts.

import '../../vocal/lexicon-module.ts'; // English pronunciations in the browser
import { moveNotes, pasteNotes, removeNotes, updateNote, type StudioNote } from './core/project.ts';
import { gridTicks, GRIDS, type Grid } from './core/snap.ts';
import { lyricProblem } from './core/validate.ts';
import { phonemeLane } from './core/sing.ts';
import { PianoRoll } from './roll.ts';
import { Player } from './player.ts';
import { StudioState } from './state.ts';
import { Panels } from './panels.ts';

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

const saveState = $('save-state');
const state = new StudioState((text, error) => {
  saveState.textContent = text;
  if (error) panels.say(error);
});
const player = new Player();
const lyricInput = $<HTMLInputElement>('lyric-edit');
let clipboard: StudioNote[] = [];

const roll = new PianoRoll($<HTMLCanvasElement>('roll'), {
  project: () => state.project,
  grid: () => state.grid,
  preview: (p) => state.preview(p),
  commit: (p) => state.commit(p),
  editLyric: (id) => editLyric(id),
  seek: (tick) => {
    roll.playhead = tick;
    roll.draw();
  },
  selectionChanged: () => panels.showNote(),
});
const panels = new Panels(state, roll);

// The phoneme lane follows the notes a moment after an edit (the phonemizer runs on the whole song).
let laneTimer: ReturnType<typeof setTimeout> | null = null;
state.onChange((committed) => {
  for (const id of [...roll.selection]) if (!state.project.notes.some((n) => n.id === id)) roll.selection.delete(id);
  roll.draw();
  if (!committed) return;
  panels.refresh();
  if (laneTimer) clearTimeout(laneTimer);
  laneTimer = setTimeout(() => {
    const lane = phonemeLane(state.project);
    roll.phonemes = lane.phonemes;
    roll.draw();
  }, 120);
});

function editLyric(id: number): void {
  const note = state.project.notes.find((n) => n.id === id);
  if (!note) return;
  const r = roll.noteRect(note);
  lyricInput.hidden = false;
  lyricInput.style.left = `${Math.max(0, r.x)}px`;
  lyricInput.style.top = `${r.y - 2}px`;
  lyricInput.value = note.lyric;
  lyricInput.dataset.note = String(id);
  lyricInput.focus();
  lyricInput.select();
}

function finishLyric(keep: boolean, next = false): void {
  const id = Number(lyricInput.dataset.note);
  if (lyricInput.hidden) return;
  const text = lyricInput.value.trim();
  if (keep) {
    const problem = lyricProblem(text);
    if (problem) {
      panels.say(problem);
      return;
    }
    const note = state.project.notes.find((n) => n.id === id);
    if (note && note.lyric !== text) state.commit(updateNote(state.project, id, { lyric: text || 'a' }));
  }
  lyricInput.hidden = true;
  roll.canvas.focus();
  if (next) {
    const i = state.project.notes.findIndex((n) => n.id === id);
    const after = state.project.notes[i + 1];
    if (after) {
      roll.selection.clear();
      roll.selection.add(after.id);
      editLyric(after.id);
    }
  }
}

lyricInput.addEventListener('keydown', (e) => {
  e.stopPropagation();
  if (e.key === 'Enter') finishLyric(true);
  else if (e.key === 'Tab') {
    e.preventDefault();
    finishLyric(true, true);
  } else if (e.key === 'Escape') finishLyric(false);
});
lyricInput.addEventListener('blur', () => finishLyric(true));

async function togglePlay(pressedAt = performance.now()): Promise<void> {
  if (player.playing) {
    player.stop();
    return;
  }
  const problem = await player.play(state.project, roll.playhead, $<HTMLInputElement>('metronome').checked, pressedAt);
  if (problem) return panels.say(problem);
  $('play').classList.add('playing');
  $('play').textContent = '■ Stop';
  const follow = (): void => {
    if (!player.playing) return;
    roll.cursor = player.positionTick(state.project);
    roll.draw();
    requestAnimationFrame(follow);
  };
  requestAnimationFrame(follow);
}
player.onStop = () => {
  roll.cursor = null;
  $('play').classList.remove('playing');
  $('play').textContent = '▶ Play';
  roll.draw();
};
$('play').addEventListener('click', () => void togglePlay());
document.addEventListener('pointerdown', () => player.warm(), { once: true });

document.addEventListener('keydown', (e) => {
  const target = e.target as HTMLElement;
  if (target !== roll.canvas && target !== document.body) return;
  const ctrl = e.ctrlKey || e.metaKey;
  const sel = roll.selection;
  const key = e.key.toLowerCase();
  let handled = true;
  if (e.key === ' ') void togglePlay(performance.now());
  else if (ctrl && key === 'z' && e.shiftKey) state.redo();
  else if (ctrl && (key === 'z' || key === 'y')) key === 'y' ? state.redo() : state.undo();
  else if (ctrl && key === 'c') clipboard = state.project.notes.filter((n) => sel.has(n.id));
  else if (ctrl && key === 'v') {
    const pasted = pasteNotes(state.project, clipboard, roll.playhead);
    sel.clear();
    for (const id of pasted.ids) sel.add(id);
    state.commit(pasted.project);
  } else if (ctrl && key === 'a') for (const n of state.project.notes) sel.add(n.id);
  else if ((e.key === 'Delete' || e.key === 'Backspace') && sel.size) state.commit(removeNotes(state.project, sel));
  else if (e.key.startsWith('Arrow') && sel.size) {
    const step = gridTicks(state.grid);
    const [dt, dp] = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, e.shiftKey ? 12 : 1], ArrowDown: [0, e.shiftKey ? -12 : -1] }[e.key as 'ArrowLeft'] ?? [0, 0];
    state.commit(moveNotes(state.project, sel, dt!, dp!));
  } else if (e.key === 'Enter' && sel.size) editLyric([...sel][0]!);
  else if (e.key === 'Escape') sel.clear();
  else handled = false;
  if (handled) {
    e.preventDefault();
    panels.showNote();
    roll.draw();
  }
});

const gridSelect = $<HTMLSelectElement>('grid');
for (const g of GRIDS) gridSelect.add(new Option(g.replace('T', ' triplet'), g, g === state.grid, g === state.grid));
gridSelect.addEventListener('change', () => {
  state.grid = gridSelect.value as Grid;
  roll.draw();
});

window.addEventListener('beforeunload', (e) => {
  if (!state.autosave.clean) e.preventDefault();
});

void panels.start();

// For tests and the benchmark: the page's state, the roll's geometry and the player's measurements.
(window as unknown as { holostageStudio: unknown }).holostageStudio = { state, roll, player, panels, togglePlay };
