// Grid snapping: straight 1/4 .. 1/32 notes and their triplets, in ticks at 480 per quarter.

import { RESOLUTION } from './project.ts';

export const GRIDS = ['1/4', '1/8', '1/16', '1/32', '1/4T', '1/8T', '1/16T', '1/32T'] as const;
export type Grid = (typeof GRIDS)[number];

/** Ticks per grid step: a 1/8 note is half a quarter; a triplet step is two thirds of its straight one. */
export function gridTicks(grid: Grid): number {
  const triplet = grid.endsWith('T');
  const denominator = Number(grid.slice(2, triplet ? -1 : undefined));
  const straight = (RESOLUTION * 4) / denominator;
  return triplet ? (straight * 2) / 3 : straight;
}

/** The nearest grid line. */
export function snapTick(tick: number, grid: Grid): number {
  const step = gridTicks(grid);
  return Math.max(0, Math.round(Math.round(tick / step) * step));
}

/** The grid line at or before `tick` (where a click lands a new note). */
export function floorTick(tick: number, grid: Grid): number {
  const step = gridTicks(grid);
  return Math.max(0, Math.round(Math.floor(tick / step + 1e-9) * step));
}
