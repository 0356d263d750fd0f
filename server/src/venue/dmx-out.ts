// The DMX loop: every frame (44 a second, DMX's own refresh) the levels of every universe the cues
// use are computed from the show time at that instant (show-files/src/dmx-levels.ts) and handed to
// each transport (sACN, Art-Net). Levels come from the position, never from what was sent before, so
// a seek, a hold, a reload or a restarted thread sends the whole look of the new moment at once; a
// panic (blackout) sends every channel at 0 until resumed. Runs on the DMX thread (dmx-thread.ts).

import type { DmxEvent } from '../../../show-files/src/timeline.ts';
import { dmxLevelsAt, dmxUniverses } from '../../../show-files/src/dmx-levels.ts';

export interface DmxTransport {
  /** One universe's 512 levels for this frame. */
  send(universe: number, levels: Uint8Array): void;
  /** After every universe of a frame (a sync packet, where the protocol has one). */
  endFrame?(): void;
  close(): Promise<void>;
}

export const DMX_RATE = 44;

export class DmxOut {
  private events: readonly DmxEvent[] = [];
  private universeList: number[] = [];
  private readonly black = new Uint8Array(512);
  frames = 0;
  lastFrameAt: number | null = null;

  constructor(
    private readonly transports: readonly DmxTransport[],
    /** The show time now, and whether the stage is blacked out (panic). */
    private readonly position: () => { showTime: number; blackout: boolean },
    private readonly clock: () => number = Date.now,
  ) {}

  setEvents(events: readonly DmxEvent[]): void {
    this.events = events;
    this.universeList = dmxUniverses(events);
  }

  universes(): number[] {
    return this.universeList;
  }

  /** Send every universe's current levels now (the loop, and what a seek or a reload calls). */
  frame(): void {
    if (!this.events.length) return;
    const { showTime, blackout } = this.position();
    const levels = dmxLevelsAt(this.events, showTime);
    for (const t of this.transports) {
      for (const [universe, slots] of levels) t.send(universe, blackout ? this.black : slots);
      t.endFrame?.();
    }
    this.frames++;
    this.lastFrameAt = this.clock();
  }

  async close(): Promise<void> {
    await Promise.all(this.transports.map((t) => t.close()));
  }
}
