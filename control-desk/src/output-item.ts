// One output in the operator's cockpit: its state and health, and its live settings (mirror, gain,
// keystone corners dragged on a small canvas), sent to that output through the desk's link.

import type { OutputView } from '../../protocol/index.ts';
import type { OutputSettings } from '../../show-files/src/timeline.ts';
import { el, setText } from './dom.ts';
import type { DeskLink } from './net.ts';

/** One output: state, health, and its live settings (mirror, gain, keystone corners by dragging). */
export class OutputItem {
  readonly root: HTMLLIElement;
  private readonly stateEl: HTMLSpanElement;
  private readonly healthEl: HTMLDivElement;
  private readonly mirrorH: HTMLInputElement;
  private readonly mirrorV: HTMLInputElement;
  private readonly gain: HTMLInputElement;
  private readonly gainText: HTMLSpanElement;
  private readonly keystone: HTMLCanvasElement;
  private settings: OutputSettings;
  private dragging: keyof OutputSettings['keystone'] | null = null;
  private keyCorner: keyof OutputSettings['keystone'] = 'topLeft';
  private lastSent = 0;
  /** Edits sent (and when) that no view from the server has shown yet: a view older than them must not undo them. */
  private unconfirmed: { patch: Partial<OutputSettings>; at: number } | null = null;

  constructor(o: OutputView, private readonly link: DeskLink) {
    this.settings = structuredClone(o.settings);
    this.stateEl = el('span', { class: 'out-state' });
    this.healthEl = el('div', { class: 'out-health' });
    this.mirrorH = el('input', { type: 'checkbox', 'aria-label': `mirror ${o.id} horizontally` });
    this.mirrorV = el('input', { type: 'checkbox', 'aria-label': `mirror ${o.id} vertically` });
    this.gain = el('input', { type: 'range', min: 0, max: 4, step: 0.05, 'aria-label': `gain of ${o.id}` });
    this.gainText = el('span', { class: 'time' });
    this.keystone = el('canvas', { class: 'keystone', width: 300, height: 168, tabindex: 0, 'data-own-keys': true, 'aria-label': `keystone corners of ${o.id}: drag a corner, or keys 1-4 pick a corner and arrows move it` });
    const reset = el('button', { type: 'button' }, 'reset warp');
    this.root = el(
      'li',
      { 'data-output': o.id },
      el('div', { class: 'out-head' }, el('span', {}, el('span', { class: 'out-id', text: o.id }), el('span', { class: 'out-kind', text: o.kind })), this.stateEl),
      this.healthEl,
      el(
        'details',
        {},
        el('summary', {}, 'settings'),
        el(
          'div',
          { class: 'out-settings' },
          this.keystone,
          el('div', {}, el('label', {}, this.mirrorH, ' mirror H'), el('label', {}, this.mirrorV, ' mirror V'), el('label', {}, 'gain ', this.gain, ' ', this.gainText), reset),
        ),
      ),
    );
    this.mirrorH.addEventListener('change', () => this.apply({ mirror: { ...this.settings.mirror, horizontal: this.mirrorH.checked } }, true));
    this.mirrorV.addEventListener('change', () => this.apply({ mirror: { ...this.settings.mirror, vertical: this.mirrorV.checked } }, true));
    this.gain.addEventListener('input', () => this.apply({ gain: Number(this.gain.value) }, false));
    this.gain.addEventListener('change', () => this.apply({ gain: Number(this.gain.value) }, true));
    this.keystone.addEventListener('focus', () => this.drawSettings());
    this.keystone.addEventListener('blur', () => this.drawSettings());
    reset.addEventListener('click', () =>
      this.apply({ keystone: { topLeft: { x: 0, y: 0 }, topRight: { x: 1, y: 0 }, bottomRight: { x: 1, y: 1 }, bottomLeft: { x: 0, y: 1 } } }, true),
    );
    this.keystone.addEventListener('pointerdown', (e) => {
      this.dragging = this.nearestCorner(e);
      this.keystone.setPointerCapture(e.pointerId);
      this.dragTo(e, false);
    });
    this.keystone.addEventListener('pointermove', (e) => this.dragging && this.dragTo(e, false));
    // Keyboard: 1-4 pick a corner (top-left, top-right, bottom-right, bottom-left), arrows move it
    // by 0.005 of the picture (Shift: 0.05). The show keys stay free: arrows here stop at the canvas.
    this.keystone.addEventListener('keydown', (e) => {
      const corners = ['topLeft', 'topRight', 'bottomRight', 'bottomLeft'] as const;
      if (e.key >= '1' && e.key <= '4') {
        this.keyCorner = corners[Number(e.key) - 1]!;
        this.drawSettings();
      } else if (e.key.startsWith('Arrow')) {
        const step = e.shiftKey ? 0.05 : 0.005;
        const c = this.settings.keystone[this.keyCorner];
        const dx = e.key === 'ArrowLeft' ? -step : e.key === 'ArrowRight' ? step : 0;
        const dy = e.key === 'ArrowUp' ? -step : e.key === 'ArrowDown' ? step : 0;
        const clamp = (x: number): number => Math.round(Math.max(-0.125, Math.min(1.125, x)) * 1000) / 1000;
        this.apply({ keystone: { ...this.settings.keystone, [this.keyCorner]: { x: clamp(c.x + dx), y: clamp(c.y + dy) } } }, true);
      } else return;
      e.preventDefault();
      e.stopPropagation();
    });
    this.keystone.addEventListener('pointerup', (e) => {
      if (this.dragging) this.dragTo(e, true);
      this.dragging = null;
    });
    this.update(o);
  }

  /** The picture corners live inside a 10% margin so a corner can be dragged past the edge. */
  private toCanvas(c: { x: number; y: number }): { x: number; y: number } {
    const w = this.keystone.width;
    const h = this.keystone.height;
    return { x: w * (0.1 + 0.8 * c.x), y: h * (0.1 + 0.8 * c.y) };
  }

  private fromEvent(e: PointerEvent): { x: number; y: number } {
    const r = this.keystone.getBoundingClientRect();
    const u = (e.clientX - r.left) / r.width;
    const v = (e.clientY - r.top) / r.height;
    const clamp = (x: number): number => Math.round(Math.max(-0.125, Math.min(1.125, x)) * 1000) / 1000;
    return { x: clamp((u - 0.1) / 0.8), y: clamp((v - 0.1) / 0.8) };
  }

  private nearestCorner(e: PointerEvent): keyof OutputSettings['keystone'] {
    const p = this.fromEvent(e);
    let best: keyof OutputSettings['keystone'] = 'topLeft';
    let dist = Infinity;
    for (const k of ['topLeft', 'topRight', 'bottomRight', 'bottomLeft'] as const) {
      const c = this.settings.keystone[k];
      const d = (c.x - p.x) ** 2 + (c.y - p.y) ** 2;
      if (d < dist) (dist = d), (best = k);
    }
    return best;
  }

  private dragTo(e: PointerEvent, final: boolean): void {
    if (!this.dragging) return;
    const keystone = { ...this.settings.keystone, [this.dragging]: this.fromEvent(e) };
    this.apply({ keystone }, final);
  }

  /** Applied at once: locally, and to the server (throttled while dragging, always on release). */
  private apply(patch: Partial<OutputSettings>, final: boolean): void {
    this.settings = { ...this.settings, ...patch };
    this.drawSettings();
    const now = performance.now();
    if (!final && now - this.lastSent < 50) return;
    this.lastSent = now;
    this.unconfirmed = { patch: { ...this.unconfirmed?.patch, ...patch }, at: now };
    void this.link.outputSettings(this.root.dataset.output!, patch);
  }

  update(o: OutputView): void {
    this.root.dataset.connected = String(o.connected);
    setText(this.stateEl, o.connected ? 'connected' : 'LOST');
    // A lost output's last health is history, not its state.
    const h = o.connected ? o.health : null;
    const fmt = (v: number | undefined, unit: string, digits = 0): string => (typeof v === 'number' ? `${v.toFixed(digits)}${unit}` : '—');
    const rtt = typeof h?.roundTripMs === 'number' ? ` ±${(h.roundTripMs / 2).toFixed(1)}` : '';
    setText(this.healthEl, `fps ${fmt(h?.fps, '', 0).padStart(3)} · clock ${fmt(h?.clockOffsetMs, '', 1)}${rtt} ms · ${h?.profile ?? o.kind}${o.connections > 1 ? ` · ×${o.connections}` : ''}`);
    // A view the server sent before it had our last edit would put the old settings back (and a
    // second arrow press would then move the corner from there): local edits stand until a view
    // shows them, or for UNCONFIRMED_MS when the server keeps other values.
    const u = this.unconfirmed;
    const stale = !!u && performance.now() - u.at < UNCONFIRMED_MS && !Object.entries(u.patch).every(([k, v]) => sameValue(o.settings[k as keyof OutputSettings], v));
    if (!stale) this.unconfirmed = null;
    if (!this.dragging && !stale) {
      this.settings = structuredClone(o.settings);
      this.drawSettings();
    }
  }

  private drawSettings(): void {
    const s = this.settings;
    this.mirrorH.checked = s.mirror.horizontal;
    this.mirrorV.checked = s.mirror.vertical;
    if (document.activeElement !== this.gain) this.gain.value = String(s.gain);
    setText(this.gainText, s.gain.toFixed(2));
    const ctx = this.keystone.getContext('2d')!;
    const w = this.keystone.width;
    const h = this.keystone.height;
    ctx.fillStyle = '#05070a';
    ctx.fillRect(0, 0, w, h);
    ctx.strokeStyle = '#34404f';
    ctx.strokeRect(w * 0.1, h * 0.1, w * 0.8, h * 0.8);
    const k = s.keystone;
    const pts = [k.topLeft, k.topRight, k.bottomRight, k.bottomLeft].map((c) => this.toCanvas(c));
    ctx.fillStyle = 'rgba(55,208,230,0.18)';
    ctx.strokeStyle = '#37d0e6';
    ctx.lineWidth = 2;
    ctx.beginPath();
    pts.forEach((p, i) => (i ? ctx.lineTo(p.x, p.y) : ctx.moveTo(p.x, p.y)));
    ctx.closePath();
    ctx.fill();
    ctx.stroke();
    const focused = document.activeElement === this.keystone;
    const picked = ['topLeft', 'topRight', 'bottomRight', 'bottomLeft'].indexOf(this.keyCorner);
    pts.forEach((p, i) => {
      ctx.fillStyle = focused && i === picked ? '#f0b429' : '#fff';
      ctx.fillRect(p.x - 6, p.y - 6, 12, 12);
    });
    if (s.mirror.horizontal || s.mirror.vertical) {
      ctx.fillStyle = '#f0b429';
      ctx.font = '20px sans-serif';
      ctx.fillText(`mirror ${s.mirror.horizontal ? 'H' : ''}${s.mirror.vertical ? 'V' : ''}`, 10, h - 10);
    }
  }
}

const UNCONFIRMED_MS = 2000;

/** Deep equality of plain settings values (numbers, booleans, nested objects). */
function sameValue(a: unknown, b: unknown): boolean {
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return a === b;
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
