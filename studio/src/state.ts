// The page's one state: the project under edit (with undo), the open draft, the grid, and who is
// told when it changes. A drag previews without an undo step; commit() makes one and autosaves.

import { UndoStack } from './core/undo.ts';
import { emptyProject, type StudioProject } from './core/project.ts';
import type { Grid } from './core/snap.ts';
import { Autosave } from './api.ts';

export class StudioState {
  readonly history = new UndoStack<StudioProject>(emptyProject());
  draftId: string | null = null;
  grid: Grid = '1/8';
  private shown: StudioProject = this.history.current;
  private readonly listeners: ((committed: boolean) => void)[] = [];
  readonly autosave: Autosave;

  constructor(report: (state: string, error?: string) => void) {
    this.autosave = new Autosave(() => this.draftId, report);
  }

  get project(): StudioProject {
    return this.shown;
  }

  onChange(f: (committed: boolean) => void): void {
    this.listeners.push(f);
  }

  private emit(committed: boolean): void {
    for (const f of this.listeners) f(committed);
  }

  preview(p: StudioProject): void {
    this.shown = p;
    this.emit(false);
  }

  commit(p: StudioProject): void {
    this.history.push(p);
    this.shown = this.history.current;
    this.autosave.change(this.shown);
    this.emit(true);
  }

  undo(): void {
    this.shown = this.history.undo();
    this.autosave.change(this.shown);
    this.emit(true);
  }

  redo(): void {
    this.shown = this.history.redo();
    this.autosave.change(this.shown);
    this.emit(true);
  }

  /** A draft opened: its project, with a fresh history. */
  open(draftId: string, p: StudioProject): void {
    this.draftId = draftId;
    this.history.reset(p);
    this.shown = p;
    this.emit(true);
  }
}
