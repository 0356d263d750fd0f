// The fans' payloads: the penlight palette, a cheer, and the crowd frame the stage, the viewer and
// the desk draw (with the glow colour every stage computes from it). Browser-safe: no Node APIs.

/** Penlight colours a fan can pick. A fixed palette keeps validation strict and tallies small. */
export const PENLIGHT_COLOURS = {
  pink: '#ff4fa3',
  red: '#ff3030',
  orange: '#ff8a1f',
  yellow: '#ffe23a',
  green: '#38e06a',
  cyan: '#2fe0f0',
  blue: '#3a6bff',
  purple: '#a64dff',
  white: '#f4f4ff',
} as const;

export type PenlightColour = keyof typeof PENLIGHT_COLOURS;
export const COLOUR_NAMES = Object.keys(PENLIGHT_COLOURS) as PenlightColour[];

/** viewer -> server (CROWD_EVENTS.cheer). */
export interface Cheer {
  colour: PenlightColour;
  /** Waves in this message (a key held down or a quick double tap): 1..4. */
  waves: number;
}

export interface CrowdColour {
  colour: PenlightColour;
  hex: string;
  /** Fans holding it up. */
  fans: number;
  /** Share of the fans holding a light up, 0..1. */
  share: number;
}

/** The crowd as the stage and the desk see it. */
export interface CrowdFrame {
  /** Increases with every frame from the merging node. */
  seq: number;
  serverTime: number;
  /** Connected viewers, all nodes. */
  viewers: number;
  /** Nodes that reported in this window. */
  nodes: number;
  /** Waves in the last window. */
  waves: number;
  /** Waves per second over the last window, all nodes. */
  wavesPerSecond: number;
  /** 0..1, smoothed: how hard the crowd is cheering for its size. */
  energy: number;
  /** Fans holding a penlight up (waved within HOLDING_MS). */
  holding: number;
  /** Colours by number of fans, largest first. */
  colours: CrowdColour[];
  /** Cheers refused in the last window (rate limit or invalid), all nodes. */
  refused: number;
}

/** The crowd glow a stage draws: a colour mix weighted by fans and an intensity from the energy. */
export function crowdGlow(frame: Pick<CrowdFrame, 'colours' | 'energy' | 'holding'> | null): { r: number; g: number; b: number; intensity: number } {
  if (!frame || frame.holding === 0) return { r: 0, g: 0, b: 0, intensity: 0 };
  let r = 0;
  let g = 0;
  let b = 0;
  for (const c of frame.colours) {
    const v = parseInt(c.hex.slice(1), 16);
    r += ((v >> 16) & 255) * c.share;
    g += ((v >> 8) & 255) * c.share;
    b += (v & 255) * c.share;
  }
  // A few fans holding lights still glow faintly; cheering makes it bright.
  const intensity = Math.min(1, 0.15 + 0.85 * frame.energy);
  return { r: r / 255, g: g / 255, b: b / 255, intensity };
}
