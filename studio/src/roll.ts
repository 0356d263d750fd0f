// The piano roll: a canvas with a ruler (click to move the playhead), the note grid, and the
// phoneme lane under it (what will be sung, each phone tinted by how open the mouth is). Mouse:
// click on empty space draws a note one grid step long (drag to lengthen), drag a note to move it,
// drag its right end to resize, shift-click adds to the selection, double-click types a lyric.
// A drag previews every move and commits once on release (one undo step).

import { addNote, moveNotes, resizeNotes, ticksPerBar, RESOLUTION, MAX_PITCH, MIN_PITCH, type StudioNote, type StudioProject } from './core/project.ts';
import { floorTick, gridTicks, snapTick, type Grid } from './core/snap.ts';
import { phoneInfo } from '../../vocal/phones.ts';
import type { Phoneme } from '../../show-files/src/timeline.ts';

export interface RollHost {
  project(): StudioProject;
  grid(): Grid;
  preview(p: StudioProject): void;
  commit(p: StudioProject): void;
  editLyric(id: number): void;
  seek(tick: number): void;
  selectionChanged(): void;
}

const KEYS_W = 44;
const RULER_H = 20;
const LANE_H = 46;
const ROW_H = 14;
const EDGE_PX = 6;
const BLACK = new Set([1, 3, 6, 8, 10]);
const NAMES = ['C', 'C#', 'D', 'D#', 'E', 'F', 'F#', 'G', 'G#', 'A', 'A#', 'B'];

type Drag = { kind: 'move' | 'resize' | 'draw'; base: StudioProject; x: number; y: number; ids: Set<number>; moved: boolean };

export class PianoRoll {
  readonly selection = new Set<number>();
  playhead = 0;
  /** Tick the play cursor is at while playing, or null. */
  cursor: number | null = null;
  phonemes: Phoneme[] = [];
  pxPerTick = 96 / RESOLUTION;
  /** Tick at the left edge and pitch at the top row. */
  scrollTick = 0;
  topPitch = 79;
  private drag: Drag | null = null;
  private readonly ctx: CanvasRenderingContext2D;

  constructor(readonly canvas: HTMLCanvasElement, private readonly host: RollHost) {
    this.ctx = canvas.getContext('2d')!;
    canvas.addEventListener('mousedown', (e) => this.down(e));
    window.addEventListener('mousemove', (e) => this.move(e));
    window.addEventListener('mouseup', () => this.up());
    canvas.addEventListener('dblclick', (e) => {
      const hit = this.hit(e);
      if (hit) this.host.editLyric(hit.note.id);
    });
    canvas.addEventListener('wheel', (e) => {
      e.preventDefault();
      if (e.shiftKey || Math.abs(e.deltaX) > Math.abs(e.deltaY)) this.scrollTick = Math.max(0, this.scrollTick + (e.deltaX || e.deltaY) / this.pxPerTick);
      else this.topPitch = Math.min(MAX_PITCH, Math.max(MIN_PITCH + 12, this.topPitch - Math.sign(e.deltaY) * 2));
      this.draw();
    }, { passive: false });
    new ResizeObserver(() => this.draw()).observe(canvas);
  }

  tickAtX(x: number): number {
    return this.scrollTick + (x - KEYS_W) / this.pxPerTick;
  }
  xAtTick(tick: number): number {
    return KEYS_W + (tick - this.scrollTick) * this.pxPerTick;
  }
  pitchAtY(y: number): number {
    return this.topPitch - Math.floor((y - RULER_H) / ROW_H);
  }
  yAtPitch(pitch: number): number {
    return RULER_H + (this.topPitch - pitch) * ROW_H;
  }
  /** Where a note is drawn, in CSS pixels of the canvas (tests click these). */
  noteRect(n: StudioNote): { x: number; y: number; w: number; h: number } {
    return { x: this.xAtTick(n.tick), y: this.yAtPitch(n.pitch), w: n.length * this.pxPerTick, h: ROW_H };
  }

  private local(e: MouseEvent): { x: number; y: number } {
    const r = this.canvas.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  }

  private hit(e: MouseEvent): { note: StudioNote; edge: boolean } | null {
    const { x, y } = this.local(e);
    const notes = this.host.project().notes;
    for (let i = notes.length - 1; i >= 0; i--) {
      const r = this.noteRect(notes[i]!);
      if (x >= r.x && x <= r.x + r.w && y >= r.y && y < r.y + r.h) return { note: notes[i]!, edge: x >= r.x + r.w - Math.min(EDGE_PX, r.w / 3) };
    }
    return null;
  }

  private down(e: MouseEvent): void {
    this.canvas.focus();
    const { x, y } = this.local(e);
    if (e.button !== 0 || x < KEYS_W) return;
    if (y < RULER_H) {
      this.host.seek(snapTick(this.tickAtX(x), this.host.grid()));
      return;
    }
    if (y > this.canvas.clientHeight - LANE_H) return;
    const project = this.host.project();
    const hit = this.hit(e);
    if (hit) {
      if (e.shiftKey) this.selection.has(hit.note.id) ? this.selection.delete(hit.note.id) : this.selection.add(hit.note.id);
      else if (!this.selection.has(hit.note.id)) {
        this.selection.clear();
        this.selection.add(hit.note.id);
      }
      const ids = hit.edge ? new Set([hit.note.id, ...(this.selection.has(hit.note.id) ? this.selection : [])]) : new Set(this.selection);
      this.drag = { kind: hit.edge ? 'resize' : 'move', base: project, x, y, ids, moved: false };
    } else {
      const grid = this.host.grid();
      const made = addNote(project, { tick: floorTick(this.tickAtX(x), grid), length: Math.round(gridTicks(grid)), pitch: this.pitchAtY(y), lyric: 'a' });
      this.selection.clear();
      this.selection.add(made.id);
      this.drag = { kind: 'draw', base: made.project, x, y, ids: new Set([made.id]), moved: true };
      this.host.preview(made.project);
    }
    this.host.selectionChanged();
    this.draw();
  }

  private move(e: MouseEvent): void {
    const d = this.drag;
    if (!d) return;
    const { x, y } = this.local(e);
    const step = gridTicks(this.host.grid());
    const dTicks = (x - d.x) / this.pxPerTick;
    let next: StudioProject;
    if (d.kind === 'move') next = moveNotes(d.base, d.ids, Math.round(dTicks / step) * step, Math.round((d.y - y) / ROW_H));
    else next = resizeNotes(d.base, d.ids, Math.round(dTicks / step) * step, Math.round(step));
    if (next !== d.base) d.moved = true;
    this.host.preview(next);
  }

  private up(): void {
    const d = this.drag;
    this.drag = null;
    if (d?.moved) this.host.commit(this.host.project());
  }

  draw(): void {
    const c = this.canvas;
    const dpr = window.devicePixelRatio || 1;
    const w = c.clientWidth;
    const h = c.clientHeight;
    if (c.width !== Math.round(w * dpr) || c.height !== Math.round(h * dpr)) {
      c.width = Math.round(w * dpr);
      c.height = Math.round(h * dpr);
    }
    const g = this.ctx;
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    const p = this.host.project();
    const gridH = h - LANE_H;
    g.fillStyle = '#181b23';
    g.fillRect(0, 0, w, h);
    // Rows: black keys darker.
    for (let pitch = this.topPitch; this.yAtPitch(pitch) < gridH; pitch--) {
      const y = this.yAtPitch(pitch);
      g.fillStyle = BLACK.has(pitch % 12) ? '#15171e' : '#1d2029';
      g.fillRect(KEYS_W, y, w, ROW_H);
      g.fillStyle = BLACK.has(pitch % 12) ? '#222' : '#ddd';
      g.fillRect(0, y, KEYS_W - 2, ROW_H - 1);
      if (pitch % 12 === 0) {
        g.fillStyle = '#333';
        g.font = '10px system-ui';
        g.fillText(`${NAMES[0]}${pitch / 12 - 1}`, 4, y + 11);
      }
    }
    // Beats and bars.
    const step = gridTicks(this.host.grid());
    const bar = ticksPerBar(p);
    const beat = (RESOLUTION * 4) / p.timeSignature.denominator;
    const endTick = this.tickAtX(w);
    for (let t = Math.floor(this.scrollTick / step) * step; t < endTick; t += step) {
      const x = Math.round(this.xAtTick(t)) + 0.5;
      const onBar = Math.abs(t / bar - Math.round(t / bar)) < 1e-6;
      const onBeat = Math.abs(t / beat - Math.round(t / beat)) < 1e-6;
      g.strokeStyle = onBar ? '#4a5066' : onBeat ? '#323749' : '#252936';
      g.beginPath();
      g.moveTo(x, RULER_H);
      g.lineTo(x, gridH);
      g.stroke();
    }
    g.fillStyle = '#11131a';
    g.fillRect(KEYS_W, 0, w, RULER_H);
    g.fillStyle = '#8a91a6';
    g.font = '11px system-ui';
    for (let b = Math.floor(this.scrollTick / bar); b * bar < endTick; b++) g.fillText(String(b + 1), this.xAtTick(b * bar) + 3, 14);
    // Notes.
    for (const n of p.notes) {
      const r = this.noteRect(n);
      if (r.x + r.w < KEYS_W || r.x > w || r.y < RULER_H - ROW_H || r.y > gridH) continue;
      const selected = this.selection.has(n.id);
      g.fillStyle = selected ? '#7ff0e6' : '#39c5bb';
      g.fillRect(r.x + 0.5, r.y + 0.5, Math.max(2, r.w - 1), r.h - 1);
      g.fillStyle = '#0b1f1e';
      g.font = '11px system-ui';
      g.fillText(n.lyric, r.x + 3, r.y + 11, Math.max(4, r.w - 5));
    }
    this.drawLane(g, w, gridH, p);
    // Playhead and play cursor.
    for (const [tick, colour] of [[this.playhead, '#ffb454'], [this.cursor, '#ff5d8f']] as const) {
      if (tick === null) continue;
      const x = Math.round(this.xAtTick(tick)) + 0.5;
      g.strokeStyle = colour;
      g.beginPath();
      g.moveTo(x, 0);
      g.lineTo(x, h);
      g.stroke();
    }
  }

  /** The phoneme lane: each phone at its time, its height the mouth's opening (jaw: the "aa" viseme). */
  private drawLane(g: CanvasRenderingContext2D, w: number, top: number, p: StudioProject): void {
    g.fillStyle = '#101218';
    g.fillRect(0, top, w, LANE_H);
    g.fillStyle = '#8a91a6';
    g.font = '10px system-ui';
    g.fillText('sung', 4, top + 14);
    g.fillText('mouth', 4, top + 38);
    const ticksPerSecond = 1 / (60 / p.bpm / RESOLUTION);
    for (const ph of this.phonemes) {
      const x0 = this.xAtTick(ph.time * ticksPerSecond);
      const x1 = this.xAtTick(ph.end * ticksPerSecond);
      if (x1 < KEYS_W || x0 > w) continue;
      const v = phoneInfo(ph.symbol).viseme;
      const open = Math.min(1, v[0] + 0.6 * Math.max(v[1], v[2], v[3], v[4]));
      const vowel = phoneInfo(ph.symbol).kind === 'vowel';
      g.fillStyle = vowel ? '#2f6f6a' : '#5a4a7a';
      g.fillRect(x0, top + 4, Math.max(1, x1 - x0 - 1), 16);
      g.fillStyle = '#ffb454';
      g.fillRect(x0, top + 42 - 18 * open, Math.max(1, x1 - x0 - 1), 18 * open);
      if (x1 - x0 > 10) {
        g.fillStyle = '#dfe3ee';
        g.fillText(ph.symbol, x0 + 2, top + 16, x1 - x0 - 3);
      }
    }
  }
}
