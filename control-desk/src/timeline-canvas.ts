// The current entry's timeline on a canvas: an overview of the whole entry with its cue markers,
// and a zoomed window around the playhead with lanes for lyrics, phonemes, visemes, motion,
// camera, lighting and effects. Redrawn every frame; draws only what is in view.

import type { SongInfo, TimelineEntry } from '../../show-files/src/timeline.ts';
import { phoneInfo } from '../../vocal/phones.ts';

const VISEMES = ['aa', 'ih', 'ou', 'ee', 'oh'] as const;
const VISEME_COLORS = ['#ff7a59', '#ffd166', '#5ec8ff', '#8be28b', '#c792ea'];
const LANES = ['lyrics', 'phonemes', 'visemes', 'motion', 'camera', 'lighting', 'effects'] as const;
const LANE_COLORS: Record<(typeof LANES)[number], string> = {
  lyrics: '#e8edf3',
  phonemes: '#9fb0c3',
  visemes: '#ffffff',
  motion: '#5ec8ff',
  camera: '#c792ea',
  lighting: '#ffd166',
  effects: '#ff7a59',
};
/** Seconds shown before and after the playhead in the zoomed view. */
const BEFORE = 3;
const AFTER = 9;
const LABEL_W = 78;
const OVERVIEW_H = 38;

/** Dominant mouth shape of a phoneme, or -1 for a closed mouth. */
export function dominantViseme(symbol: string): number {
  const v = phoneInfo(symbol).viseme;
  let best = -1;
  let max = 0.2;
  for (let i = 0; i < v.length; i++) if (v[i]! > max) (max = v[i]!), (best = i);
  return best;
}

export class TimelineCanvas {
  private readonly ctx: CanvasRenderingContext2D;
  private width = 0;
  private height = 0;

  constructor(private readonly canvas: HTMLCanvasElement) {
    this.ctx = canvas.getContext('2d')!;
    this.resize();
    new ResizeObserver(() => this.resize()).observe(canvas);
  }

  private resize(): void {
    const dpr = Math.min(2, window.devicePixelRatio || 1);
    const w = Math.max(200, Math.round(this.canvas.clientWidth));
    const h = Math.max(120, Math.round(this.canvas.clientHeight));
    if (w === this.width && h === this.height) return;
    this.width = w;
    this.height = h;
    this.canvas.width = w * dpr;
    this.canvas.height = h * dpr;
    this.ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  }

  draw(entry: TimelineEntry | null, song: SongInfo | null, showTime: number): void {
    const { ctx, width: W, height: H } = this;
    ctx.fillStyle = '#05070a';
    ctx.fillRect(0, 0, W, H);
    ctx.font = '12px "Liberation Sans", sans-serif';
    ctx.textBaseline = 'middle';
    if (!entry) {
      ctx.fillStyle = '#5f6b7b';
      ctx.fillText('no entry', 10, H / 2);
      return;
    }

    // Overview: the whole entry, cue ticks, the playhead.
    const ox = LABEL_W;
    const ow = W - LABEL_W - 8;
    const len = Math.max(0.001, entry.end - entry.start);
    const oxAt = (t: number): number => ox + ((t - entry.start) / len) * ow;
    ctx.fillStyle = '#8d9aab';
    ctx.fillText(entry.kind === 'song' ? 'song' : entry.kind, 8, 14);
    ctx.fillStyle = '#141b24';
    ctx.fillRect(ox, 6, ow, 16);
    if (song) {
      ctx.fillStyle = '#2b5563';
      for (const n of song.tracks.vocal.notes) ctx.fillRect(oxAt(n.time), 9, Math.max(1, oxAt(n.end) - oxAt(n.time)), 10);
      const tick = (times: { time: number }[], color: string, y: number): void => {
        ctx.fillStyle = color;
        for (const e of times) ctx.fillRect(oxAt(e.time) - 0.5, y, 1.5, 6);
      };
      tick(song.tracks.motion, LANE_COLORS.motion, 24);
      tick(song.tracks.camera, LANE_COLORS.camera, 24);
      tick(song.tracks.lighting, LANE_COLORS.lighting, 30);
      tick(song.tracks.effects, LANE_COLORS.effects, 30);
    }
    const ph = Math.min(ox + ow, Math.max(ox, oxAt(showTime)));
    ctx.fillStyle = '#37d0e6';
    ctx.fillRect(ph - 1, 4, 2, OVERVIEW_H - 6);

    // Zoomed lanes.
    const top = OVERVIEW_H + 4;
    const laneH = (H - top - 4) / LANES.length;
    const zx = LABEL_W;
    const zw = W - LABEL_W - 8;
    const t0 = showTime - BEFORE;
    const t1 = showTime + AFTER;
    const xAt = (t: number): number => zx + ((t - t0) / (t1 - t0)) * zw;
    LANES.forEach((lane, i) => {
      const y = top + i * laneH;
      ctx.fillStyle = i % 2 ? '#0a0e13' : '#0d1218';
      ctx.fillRect(0, y, W, laneH);
      ctx.fillStyle = '#8d9aab';
      ctx.fillText(lane, 8, y + laneH / 2);
    });
    // Seconds grid.
    ctx.fillStyle = '#1a222d';
    for (let s = Math.ceil(t0); s <= t1; s++) ctx.fillRect(xAt(s), top, 1, H - top);

    if (song) {
      const laneY = (name: (typeof LANES)[number]): number => top + LANES.indexOf(name) * laneH;
      const block = (lane: (typeof LANES)[number], a: number, b: number, color: string, label: string): void => {
        if (b < t0 || a > t1) return;
        const x0 = Math.max(zx, xAt(a));
        const x1 = Math.min(zx + zw, xAt(b));
        if (x1 <= x0) return;
        const y = laneY(lane) + 3;
        ctx.fillStyle = color;
        ctx.fillRect(x0, y, Math.max(1, x1 - x0 - 1), laneH - 6);
        if (label && x1 - x0 > 14) {
          ctx.save();
          ctx.beginPath();
          ctx.rect(x0, y, x1 - x0, laneH - 6);
          ctx.clip();
          ctx.fillStyle = '#05070a';
          ctx.fillText(label, x0 + 3, y + (laneH - 6) / 2);
          ctx.restore();
        }
      };
      const labelEnd = new Map<string, number>();
      const marker = (lane: (typeof LANES)[number], t: number, label: string): void => {
        if (t < t0 || t > t1) return;
        const x = xAt(t);
        // A label that would run into the previous one on its lane is left out (the marker stays).
        if (label && x + 8 < (labelEnd.get(lane) ?? -Infinity)) label = '';
        if (label) labelEnd.set(lane, x + 8 + ctx.measureText(label).width + 6);
        const y = laneY(lane);
        ctx.fillStyle = LANE_COLORS[lane];
        ctx.beginPath();
        ctx.moveTo(x, y + 4);
        ctx.lineTo(x + 5, y + laneH / 2);
        ctx.lineTo(x, y + laneH - 4);
        ctx.closePath();
        ctx.fill();
        ctx.fillText(label, x + 8, y + laneH / 2);
      };
      for (const n of song.tracks.vocal.notes) block('lyrics', n.time, n.end, showTime >= n.time && showTime < n.end ? '#ffffff' : '#c5d3e0', n.lyric);
      for (const p of song.tracks.vocal.phonemes) {
        block('phonemes', p.time, p.end, '#6d7f94', p.symbol);
        const v = dominantViseme(p.symbol);
        block('visemes', p.time, p.end, v < 0 ? '#3a4452' : VISEME_COLORS[v]!, v < 0 ? '–' : VISEMES[v]!);
      }
      for (const m of song.tracks.motion) block('motion', m.time, m.end, '#21506a', m.clip);
      for (const c of song.tracks.camera) block('camera', c.time, c.time + Math.max(0.15, c.move), '#4b3463', c.shot);
      for (const e of song.tracks.effects) block('effects', e.time, e.end, '#6a2f22', e.effect);
      // Cues at the same moment share one label ("chorus +2") instead of overprinting.
      const lights = song.tracks.lighting;
      for (let i = 0; i < lights.length; ) {
        let j = i + 1;
        while (j < lights.length && lights[j]!.time - lights[i]!.time < 0.05) j++;
        marker('lighting', lights[i]!.time, j - i > 1 ? `${lights[i]!.label} +${j - i - 1}` : lights[i]!.label);
        i = j;
      }
      for (const m of song.tracks.motion) marker('motion', m.time, '');
      for (const c of song.tracks.camera) marker('camera', c.time, '');
    }
    // Entry bounds and playhead.
    ctx.fillStyle = '#f0b429';
    for (const t of [entry.start, entry.end]) if (t >= t0 && t <= t1) ctx.fillRect(xAt(t) - 1, top, 2, H - top);
    ctx.fillStyle = '#37d0e6';
    ctx.fillRect(xAt(showTime) - 1, top - 2, 2, H - top + 2);
  }
}
