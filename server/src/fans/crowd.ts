// Penlights and cheers, the pure part: validating a fan's cheer, the per-connection rate limit,
// one node's 100 ms tally, and the merge of every node's tallies into the crowd the stage and the
// desk show. No sockets here: the hub (hub.ts) feeds these from socket.io, and tests call them
// directly. The wire payloads and the palette are in protocol/crowd.ts.

import { COLOUR_NAMES, PENLIGHT_COLOURS, type Cheer, type CrowdFrame, type PenlightColour } from '../../../protocol/crowd.ts';
import type { CrowdPartial } from '../../../protocol/cluster.ts';

/** The aggregation window. */
export const CROWD_TICK_MS = 100;
/** A fan who waved within this long counts as holding their colour up. */
export const HOLDING_MS = 5000;
/** Waves per viewer per second that make the crowd's energy reach 1 - 1/e (about 0.63). */
export const ENERGY_SCALE = 1.5;
/** How fast the energy follows the waving (time constant, ms). */
export const ENERGY_SMOOTHING_MS = 600;

/** A cheer as sent by a browser, checked: any other shape, colour or count is refused. */
export function validateCheer(payload: unknown): { ok: true; cheer: Cheer } | { ok: false; error: string } {
  if (!payload || typeof payload !== 'object' || Array.isArray(payload)) return { ok: false, error: 'cheer: expected { colour, waves? }' };
  const p = payload as Record<string, unknown>;
  for (const key of Object.keys(p)) if (key !== 'colour' && key !== 'waves') return { ok: false, error: `cheer: unexpected field "${key.slice(0, 40)}"` };
  if (typeof p.colour !== 'string' || !Object.hasOwn(PENLIGHT_COLOURS, p.colour)) return { ok: false, error: `cheer: colour must be one of ${COLOUR_NAMES.join(', ')}` };
  const waves = p.waves === undefined ? 1 : p.waves;
  if (typeof waves !== 'number' || !Number.isInteger(waves) || waves < 1 || waves > 4) return { ok: false, error: 'cheer: waves must be an integer from 1 to 4' };
  return { ok: true, cheer: { colour: p.colour as PenlightColour, waves } };
}

/**
 * Per-connection token bucket: `ratePerSecond` messages on average, bursts up to `burst`. A fan
 * drumming on the space bar is fine; a script flooding the socket is cut to the same rate.
 */
export class RateLimiter {
  private tokens: number;
  private last: number;
  constructor(readonly ratePerSecond = 8, readonly burst = 12, now = 0) {
    this.tokens = burst;
    this.last = now;
  }
  take(now: number): boolean {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.ratePerSecond);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/** One node's tally: fans by connection id, waves in the current window. */
export class NodeTally {
  private readonly fans = new Map<string, { colour: PenlightColour; lastWave: number }>();
  private waves = 0;
  private refused = 0;
  viewers = 0;

  constructor(readonly node: string) {}

  wave(connection: string, cheer: Cheer, now: number): void {
    this.waves += cheer.waves;
    const fan = this.fans.get(connection);
    if (fan) {
      fan.colour = cheer.colour;
      fan.lastWave = now;
    } else this.fans.set(connection, { colour: cheer.colour, lastWave: now });
  }

  refuse(): void {
    this.refused++;
  }

  leave(connection: string): void {
    this.fans.delete(connection);
  }

  /** Close the window: the partial for it, and a fresh window. */
  flush(now: number): CrowdPartial {
    const holding: Partial<Record<PenlightColour, number>> = {};
    for (const [id, fan] of this.fans) {
      if (now - fan.lastWave > HOLDING_MS) {
        this.fans.delete(id);
        continue;
      }
      holding[fan.colour] = (holding[fan.colour] ?? 0) + 1;
    }
    const partial: CrowdPartial = { node: this.node, at: now, viewers: this.viewers, waves: this.waves, holding, refused: this.refused };
    this.waves = 0;
    this.refused = 0;
    return partial;
  }
}

/**
 * Merges the latest partial from every node into one crowd frame per window. A node that stopped
 * reporting (crashed, partitioned) drops out after `staleMs`; its viewers stop counting.
 */
export class CrowdMerger {
  private readonly latest = new Map<string, CrowdPartial>();
  /** Partials that arrived since the last frame: their waves count once, in the next frame. */
  private pendingWaves = 0;
  private pendingRefused = 0;
  private energy = 0;
  private lastFrameAt: number | null = null;
  private seq = 0;

  constructor(readonly staleMs = 1000) {}

  add(partial: CrowdPartial): void {
    this.latest.set(partial.node, partial);
    this.pendingWaves += partial.waves;
    this.pendingRefused += partial.refused;
  }

  frame(now: number): CrowdFrame {
    let viewers = 0;
    let nodes = 0;
    const holdingByColour = new Map<PenlightColour, number>();
    for (const [node, p] of this.latest) {
      if (now - p.at > this.staleMs) {
        this.latest.delete(node);
        continue;
      }
      nodes++;
      viewers += p.viewers;
      for (const c of COLOUR_NAMES) {
        const n = p.holding[c];
        if (n) holdingByColour.set(c, (holdingByColour.get(c) ?? 0) + n);
      }
    }
    const dt = this.lastFrameAt === null ? CROWD_TICK_MS : Math.max(1, now - this.lastFrameAt);
    this.lastFrameAt = now;
    const waves = this.pendingWaves;
    const wavesPerSecond = (waves * 1000) / dt;
    const target = viewers > 0 ? 1 - Math.exp(-wavesPerSecond / viewers / ENERGY_SCALE) : 0;
    // Exponential smoothing that does not depend on how regularly frames come.
    const alpha = 1 - Math.exp(-dt / ENERGY_SMOOTHING_MS);
    this.energy += (target - this.energy) * alpha;
    if (this.energy < 1e-4) this.energy = 0;
    let holding = 0;
    for (const n of holdingByColour.values()) holding += n;
    const colours = [...holdingByColour]
      .map(([colour, fans]) => ({ colour, hex: PENLIGHT_COLOURS[colour], fans, share: fans / holding }))
      .sort((a, b) => b.fans - a.fans || COLOUR_NAMES.indexOf(a.colour) - COLOUR_NAMES.indexOf(b.colour));
    const frame: CrowdFrame = {
      seq: ++this.seq,
      serverTime: now,
      viewers,
      nodes,
      waves,
      wavesPerSecond: Math.round(wavesPerSecond * 10) / 10,
      energy: Math.round(this.energy * 1000) / 1000,
      holding,
      colours,
      refused: this.pendingRefused,
    };
    this.pendingWaves = 0;
    this.pendingRefused = 0;
    return frame;
  }
}

/** True when two frames would look the same to the stage and the desk (nothing worth sending). */
export function sameCrowd(a: CrowdFrame | null, b: CrowdFrame): boolean {
  if (!a) return false;
  if (a.viewers !== b.viewers || a.waves !== b.waves || a.energy !== b.energy || a.holding !== b.holding || a.refused !== b.refused) return false;
  if (a.colours.length !== b.colours.length) return false;
  return a.colours.every((c, i) => c.colour === b.colours[i]!.colour && c.fans === b.colours[i]!.fans);
}
