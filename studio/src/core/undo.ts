// Undo and redo over whole project snapshots. Edits return new projects that share unchanged
// notes, so a snapshot costs one array, not a copy of the song.

export class UndoStack<T> {
  private readonly past: T[] = [];
  private future: T[] = [];

  constructor(private present: T, private readonly limit = 500) {}

  get current(): T {
    return this.present;
  }

  /** A new state after an edit (clears redo). Pushing the same object is not an edit. */
  push(next: T): void {
    if (next === this.present) return;
    this.past.push(this.present);
    if (this.past.length > this.limit) this.past.shift();
    this.present = next;
    this.future = [];
  }

  /** Replaces the present without an undo step (loading a draft). */
  reset(state: T): void {
    this.past.length = 0;
    this.future = [];
    this.present = state;
  }

  get canUndo(): boolean {
    return this.past.length > 0;
  }

  get canRedo(): boolean {
    return this.future.length > 0;
  }

  undo(): T {
    const prev = this.past.pop();
    if (prev !== undefined) {
      this.future.push(this.present);
      this.present = prev;
    }
    return this.present;
  }

  redo(): T {
    const next = this.future.pop();
    if (next !== undefined) {
      this.past.push(this.present);
      this.present = next;
    }
    return this.present;
  }
}
