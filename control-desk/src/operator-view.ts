// The operator's cockpit: setlist with now/next, GO/HOLD/PANIC (buttons and keys), the current
// entry's clocks, lyric line and timeline, lighting status with test-fire, outputs with live
// settings, the stage preview and the alarms. Everything updates in place: the regions keep their
// size, so nothing moves under the operator's eyes while the show runs.

import type { TransportCommandName } from '../../protocol/index.ts';
import { entryAt } from '../../show-files/src/timeline.ts';
import type { SongInfo, Timeline } from '../../show-files/src/timeline.ts';
import { lineAround, lyricLines, type LyricLine } from '../../client/lyrics.ts';
import { clockText, holdOrResume, keyAction, nowAndNext } from './core/operator.ts';
import { byId, el, isTypingTarget, ownsArrows, setText } from './dom.ts';
import type { DeskLink } from './net.ts';
import { TimelineCanvas } from './timeline-canvas.ts';
import { OutputItem } from './output-item.ts';

export class OperatorView {
  private selected = 0;
  private readonly canvas: TimelineCanvas;
  private readonly setlistEl = byId<HTMLOListElement>('op-setlist');
  private readonly resultEl = byId('command-result');
  private lastRows = '';
  private lastLyric = '';
  /** The show's lyric lines, worked out once per timeline. */
  private lyrics: { timeline: Timeline; lines: LyricLine[] } | null = null;
  private readonly outputItems = new Map<string, OutputItem>();
  private previewSet = false;
  active = true;

  constructor(private readonly link: DeskLink) {
    this.canvas = new TimelineCanvas(byId<HTMLCanvasElement>('timeline-canvas'));
    byId('btn-go').addEventListener('click', () => void this.send('go'));
    byId('btn-hold').addEventListener('click', () => void this.holdResume());
    byId('btn-panic').addEventListener('click', () => void this.send('panic'));
    // Capture phase, so PANIC wins over anything a focused control would do with Esc.
    window.addEventListener('keydown', (e) => this.onKey(e), true);
    link.on('show', () => this.renderSetlist());
    link.on('timeline', () => {
      this.renderSetlist();
      this.renderCues();
    });
    link.on('transport', () => this.renderSetlist());
    link.on('lighting', () => this.renderLighting());
    link.on('alarms', () => this.renderAlarms());
    link.on('outputs', () => this.renderOutputs());
    link.on('connection', () => this.renderConnection());
    void this.loadPreview();
  }

  private onKey(e: KeyboardEvent): void {
    if (!this.active) return;
    const action = keyAction(e, isTypingTarget(e.target));
    if (!action) return;
    // A slider, a menu or the keystone picture keep their arrow keys and Enter.
    if ((action === 'selectUp' || action === 'selectDown' || action === 'cueSelected') && ownsArrows(e.target)) return;
    // Enter on a focused button (ACK, FIRE, a tab…) presses that button; Space stays GO everywhere.
    if (action === 'cueSelected' && e.target instanceof HTMLElement && e.target.closest('button, a[href], summary, input')) return;
    e.preventDefault();
    e.stopPropagation();
    switch (action) {
      case 'panic':
        void this.send('panic');
        break;
      case 'go':
        void this.send('go');
        break;
      case 'holdResume':
        void this.holdResume();
        break;
      case 'selectUp':
        this.select(this.selected - 1);
        break;
      case 'selectDown':
        this.select(this.selected + 1);
        break;
      case 'cueSelected':
        void this.cueSelected();
        break;
    }
  }

  private async send(command: TransportCommandName, extra: { entry?: number; time?: number } = {}): Promise<void> {
    try {
      const r = await this.link.command({ command, ...extra });
      this.showResult(r.ok ? `${command.toUpperCase()} ✓` : r.error, !r.ok);
    } catch (err) {
      this.showResult(`${command.toUpperCase()}: ${(err as Error).message}`, true);
    }
  }

  private async holdResume(): Promise<void> {
    const what = holdOrResume(this.link.snapshot);
    if (!what) return this.showResult('HOLD: nothing playing to hold', true);
    await this.send(what);
  }

  private async cueSelected(): Promise<void> {
    const s = this.link.snapshot;
    if (s?.playing) return this.showResult('Enter cues an entry only while the show is not playing (HOLD first)', true);
    await this.send('seek', { entry: this.selected, time: 0 });
  }

  private showResult(text: string, error: boolean): void {
    setText(this.resultEl, text);
    this.resultEl.classList.toggle('error', error);
  }

  private select(index: number): void {
    const n = this.link.show?.entries.length ?? 0;
    if (n === 0) return;
    this.selected = Math.max(0, Math.min(n - 1, index));
    this.renderSetlist();
    this.setlistEl.children[this.selected]?.scrollIntoView({ block: 'nearest' });
  }

  /** Index of the entry playing now (the transport's, or by show time while playing). */
  private nowIndex(showTime: number): number {
    const s = this.link.snapshot;
    if (!s) return -1;
    if (s.playing && this.link.timeline) {
      const i = entryAt(this.link.timeline, showTime);
      return i >= 0 ? i : s.entryIndex;
    }
    return s.entryIndex;
  }

  renderSetlist(): void {
    const show = this.link.show;
    if (!show) return;
    const s = this.link.snapshot;
    const { now, next } = nowAndNext(s, this.nowIndex(this.link.showTime()), show.entries.length);
    const key = JSON.stringify([show.revision, now, next, this.selected, s?.mode]);
    if (key === this.lastRows) return;
    this.lastRows = key;
    setText(byId('show-title'), show.title);
    const rows = show.entries.map((e, i) => {
      const isNow = i === now;
      const isNext = i === next;
      const li = el(
        'li',
        { class: [isNow ? 'now' : '', isNext ? 'next' : '', i === this.selected ? 'selected' : ''].join(' ').trim(), 'data-index': i, 'aria-current': isNow ? 'true' : undefined },
        el('span', { class: 'idx', text: String(i + 1) }),
        el('span', { class: 'title' }, isNow ? el('span', { class: 'tag', text: 'NOW' }) : isNext ? el('span', { class: 'tag', text: 'NEXT' }) : null, e.kind !== 'song' ? el('span', { class: 'kind', text: e.kind }) : null, e.title + (e.encore ? ' (encore)' : '')),
        el('span', { class: 'len time', text: clockText(e.end - e.start) }),
      );
      li.addEventListener('click', () => this.select(i));
      return li;
    });
    this.setlistEl.replaceChildren(...rows);
  }

  /** Called every animation frame. */
  frame(): void {
    const link = this.link;
    const show = link.show;
    const s = link.snapshot;
    if (!show || !s) return;
    const t = link.showTime();
    this.renderSetlist();
    const current = this.nowIndex(t);
    const { now, next } = nowAndNext(s, current, show.entries.length);
    const entry = link.timeline?.entries[current] ?? null;
    const summary = show.entries[current];
    setText(byId('now-title'), now >= 0 ? (show.entries[now]?.title ?? '—') : '—');
    setText(byId('next-title'), next >= 0 ? (show.entries[next]?.title ?? '—') : 'end of show');
    const modeEl = byId('mode');
    const mode = s.blackout ? 'blackout' : s.mode;
    modeEl.dataset.mode = mode;
    setText(modeEl, s.blackout ? 'BLACKOUT' : s.waiting ? 'WAIT GO' : s.mode.toUpperCase());
    const start = summary?.start ?? 0;
    const end = summary?.end ?? 0;
    setText(byId('song-elapsed'), clockText(t - start));
    setText(byId('song-remaining'), `-${clockText(end - t)}`);
    setText(byId('show-elapsed'), clockText(t));
    setText(byId('show-remaining'), `-${clockText(show.duration - t)}`);
    const song: SongInfo | null = entry && entry.song >= 0 ? (link.timeline?.songs[entry.song] ?? null) : null;
    this.renderLyric(song ? entry!.song : -1, t);
    this.canvas.draw(entry, song, t);
  }

  private renderLyric(song: number, t: number): void {
    const tl = this.link.timeline;
    if (tl && this.lyrics?.timeline !== tl) this.lyrics = { timeline: tl, lines: lyricLines(tl) };
    const around = song >= 0 && this.lyrics ? lineAround(this.lyrics.lines, t) : { line: null, active: -1 };
    const line = around.line?.song === song ? around.line : null;
    const key = line ? `${line.start}|${around.active}` : '';
    if (key === this.lastLyric) return;
    this.lastLyric = key;
    const p = byId('lyric-line');
    if (!line) return void p.replaceChildren('\u00a0');
    p.replaceChildren(...line.syllables.flatMap((s, i) => [el('span', { class: i === around.active ? 'sung' : '', text: s.text }), s.space ? ' ' : '']));
  }

  renderCues(): void {
    const list = byId<HTMLOListElement>('cue-list');
    const tl = this.link.timeline;
    if (!tl) return;
    const items: HTMLLIElement[] = [];
    tl.songs.forEach((song, si) => {
      for (const cue of song.tracks.lighting) {
        const b = el('button', { 'data-song': si, 'data-cue': cue.cue, title: `fire ${cue.label} now` }, 'FIRE');
        b.addEventListener('click', async () => {
          try {
            const r = await this.link.testFire(si, cue.cue);
            this.showResult(r.ok ? `test-fired "${cue.label}" (${r.bytes})` : `test-fire failed: ${r.error}`, !r.ok);
          } catch (err) {
            this.showResult(`test-fire: ${(err as Error).message}`, true);
          }
        });
        items.push(el('li', {}, el('span', { class: 'time', text: clockText(cue.time - song.start) }), el('span', { class: 'cue-label', title: `${song.title}: ${cue.label}`, text: `${song.title.slice(0, 10)} · ${cue.label}` }), b));
      }
    });
    list.replaceChildren(...items);
  }

  renderLighting(): void {
    const l = this.link.lighting;
    if (!l) return;
    const pill = byId('midi-status');
    pill.dataset.ok = String(l.status.connected);
    setText(pill, `${l.status.driver}${l.status.port ? ` → ${l.status.port}` : ''}: ${l.status.connected ? 'connected' : `LOST${l.status.error ? ` (${l.status.error})` : ''}`} · sent ${l.status.sent}${l.status.failed ? ` · failed ${l.status.failed}` : ''}`);
    const log = byId<HTMLOListElement>('midi-log');
    log.replaceChildren(
      ...[...l.recent]
        .reverse()
        .slice(0, 40)
        .map((m) =>
          el(
            'li',
            { class: `${m.delivered ? '' : 'failed'} ${m.label.startsWith('PANIC') ? 'panic' : ''}`.trim(), 'data-bytes': m.bytes, title: m.label },
            el('span', { class: 'time', text: clockText(m.showTime) }),
            el('span', {}, `${m.label} `, el('span', { class: 'bytes', text: m.bytes })),
          ),
        ),
    );
  }

  renderAlarms(): void {
    const list = byId<HTMLOListElement>('alarms');
    // Rows are kept by alarm id and updated in place: a re-render while the operator has an
    // ACK button focused must not take the focus (and the Enter about to press it) away.
    const existing = new Map<string, HTMLLIElement>();
    for (const li of Array.from(list.children) as HTMLLIElement[]) existing.set(li.dataset.alarmId ?? '', li);
    const rows = this.link.alarms.map((a) => {
      let li = existing.get(String(a.id));
      if (!li) {
        const ack = el('button', { title: 'acknowledge' }, 'ACK');
        ack.addEventListener('click', () => {
          this.link.acknowledge(a.id).catch((err: Error) => ack.setAttribute('title', `not acknowledged: ${err.message}`));
        });
        li = el('li', { 'data-key': a.key, 'data-alarm-id': String(a.id) }, el('span'), ack);
      }
      li.className = `${a.level}${a.active ? '' : ' cleared'}`;
      setText(li.firstElementChild as HTMLElement, `${a.message}${a.active ? '' : ' (cleared)'}`);
      return li;
    });
    for (const [id, li] of existing) if (!rows.includes(li)) { existing.delete(id); li.remove(); }
    rows.forEach((li, i) => {
      if (list.children[i] !== li) list.insertBefore(li, list.children[i] ?? null);
    });
  }

  renderConnection(): void {
    const c = byId('connection');
    c.dataset.state = this.link.connected ? 'connected' : this.link.everConnected ? 'lost' : 'connecting';
    setText(c, this.link.connected ? 'server connected' : this.link.connectionError ? `NO SERVER: ${this.link.connectionError}` : this.link.everConnected ? 'SERVER LOST' : 'connecting…');
  }

  renderOutputs(): void {
    const list = byId<HTMLOListElement>('outputs');
    const seen = new Set<string>();
    for (const o of this.link.outputs) {
      seen.add(o.id);
      let item = this.outputItems.get(o.id);
      if (!item) {
        item = new OutputItem(o, this.link);
        this.outputItems.set(o.id, item);
        list.append(item.root);
      }
      item.update(o);
    }
    for (const [id, item] of this.outputItems) {
      if (!seen.has(id)) {
        item.root.remove();
        this.outputItems.delete(id);
      }
    }
    if (!this.previewSet) void this.loadPreview();
  }

  /** Embed the show's preview output (its page with its own token). */
  private async loadPreview(): Promise<void> {
    // ?preview=0 leaves the preview out (a desk on a weak machine, or tests that don't need it).
    if (this.previewSet || new URLSearchParams(location.search).get('preview') === '0') return;
    const { status, body } = await this.link.api<{ ok: boolean; outputs?: { id: string; kind: string; url: string }[] }>('/api/desk/access').catch(() => ({ status: 0, body: { ok: false } as { ok: boolean; outputs?: { id: string; kind: string; url: string }[] } }));
    if (status !== 200 || !body.outputs) return;
    const preview = body.outputs.find((o) => o.kind === 'preview');
    if (!preview) return;
    this.previewSet = true;
    // Same origin as the desk, whatever address the server thinks it has.
    const url = new URL(preview.url, location.href);
    byId<HTMLIFrameElement>('preview').src = `${url.pathname}${url.search}`;
  }
}
