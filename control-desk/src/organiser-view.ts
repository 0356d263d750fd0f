// The organiser's side: the song library (search, filter by creator and tag, listen to the
// synthesized vocal), adding a song from a score, and the setlist builder (drag or Alt+arrows to
// reorder, MC and interval segments, transitions, running time, invalid entries marked), saved
// through the server's atomic setlist save.

import { clockText, facets, filterLibrary } from './core/operator.ts';
import { errorsByEntry, moveEntry, planSetlist, type SetlistEntry, type SongFacts } from './core/setlist.ts';
import { byId, el, setText } from './dom.ts';
import type { DeskLink } from './net.ts';
import type { LibrarySong, LibraryVoice, ValidationErrorView } from '../../protocol/index.ts';

export type { LibrarySong };

/** Who sings the song; for a voicebank its author and its terms of use (readme.txt), folded open on demand. */
function voiceCell(v: LibraryVoice): HTMLTableCellElement {
  if (v.bank === null) return el('td', { class: 'voice builtin', text: 'built-in voice' });
  const who = el('div', { class: 'voice-name' }, el('span', { text: v.name }), v.author ? el('span', { class: 'dim', text: ` by ${v.author}` }) : null);
  if (v.problem) return el('td', { class: 'voice bank' }, who, el('div', { class: 'errors', text: v.problem }));
  const terms = v.terms
    ? el('details', { class: 'terms' }, el('summary', { text: 'voicebank terms' }), el('pre', { text: v.terms }))
    : el('div', { class: 'terms missing', text: 'no readme.txt: ask the voice\'s author for its terms' });
  return el('td', { class: 'voice bank', title: `UTAU voicebank ${v.bank}` }, who, el('div', { class: 'dim', text: `UTAU voicebank · ${v.bank}` }), terms);
}

export class OrganiserView {
  private songs: LibrarySong[] = [];
  private setlist: SetlistEntry[] = [];
  private saved = '[]';
  private serverErrors = new Map<number, string[]>();
  private dragFrom = -1;
  private readonly search = byId<HTMLInputElement>('lib-search');
  private readonly creator = byId<HTMLSelectElement>('lib-creator');
  private readonly tag = byId<HTMLSelectElement>('lib-tag');
  private readonly builder = byId<HTMLOListElement>('builder');

  constructor(private readonly link: DeskLink) {
    for (const input of [this.search, this.creator, this.tag]) input.addEventListener('input', () => this.renderLibrary());
    byId('upload-form').addEventListener('submit', (e) => {
      e.preventDefault();
      void this.upload();
    });
    byId('add-mc').addEventListener('click', () => this.edit([...this.setlist, { type: 'mc', title: 'MC', duration: 60 }], this.setlist.length));
    byId('add-interval').addEventListener('click', () => this.edit([...this.setlist, { type: 'interval', title: 'Interval', duration: 600 }], this.setlist.length));
    byId('save-setlist').addEventListener('click', () => void this.save());
    byId('revert-setlist').addEventListener('click', () => void this.loadSetlist());
    link.on('show', () => {
      // Another desk (or this one) saved: pick up the server's setlist unless we have edits.
      if (JSON.stringify(this.setlist) === this.saved) void this.loadSetlist();
    });
  }

  async load(): Promise<void> {
    await Promise.all([this.loadLibrary(), this.loadSetlist()]);
  }

  async loadLibrary(): Promise<void> {
    const { body } = await this.link.api<{ ok: boolean; songs?: LibrarySong[]; error?: string }>('/api/desk/library');
    if (!body.songs) return;
    this.songs = body.songs;
    const { creators, tags } = facets(this.songs);
    const fill = (select: HTMLSelectElement, all: string, values: string[]): void => {
      const keep = select.value;
      select.replaceChildren(el('option', { value: '', text: all }), ...values.map((v) => el('option', { value: v, text: v })));
      select.value = values.includes(keep) ? keep : '';
    };
    fill(this.creator, 'all creators', creators);
    fill(this.tag, 'all tags', tags);
    this.renderLibrary();
    this.renderBuilder();
  }

  async loadSetlist(): Promise<void> {
    const { body } = await this.link.api<{ ok: boolean; setlist?: SetlistEntry[] }>('/api/setlist');
    if (!body.setlist) return;
    this.setlist = body.setlist;
    this.saved = JSON.stringify(this.setlist);
    this.serverErrors.clear();
    setText(byId('builder-errors'), '');
    this.renderBuilder();
  }

  private renderLibrary(): void {
    const rows = filterLibrary(this.songs, { query: this.search.value, creator: this.creator.value, tag: this.tag.value }).map((s) => {
      const listen = el('button', { type: 'button', disabled: !s.valid, 'data-listen': s.id }, '▶ Listen');
      listen.addEventListener('click', () => void this.listen(s));
      const add = el('button', { type: 'button', disabled: !s.valid, 'data-add': s.id }, '+ Setlist');
      add.addEventListener('click', () => this.edit([...this.setlist, { type: 'song', song: s.id }], this.setlist.length));
      return el(
        'tr',
        { class: s.valid ? '' : 'invalid', 'data-song': s.id },
        el('td', {}, el('div', { text: s.title }), s.tags.length ? el('div', { class: 'tags', text: s.tags.join(' · ') }) : null, s.valid ? null : el('div', { class: 'errors', text: s.errors.map((e) => `${e.file}:${e.line}:${e.column} ${e.path ? `${e.path}: ` : ''}${e.message}`).join('\n') })),
        el('td', { text: s.credits.map((c) => `${c.name} (${c.role})`).join(', ') }),
        voiceCell(s.voice),
        el('td', {}, s.license?.url ? el('a', { href: s.license.url, target: '_blank', rel: 'noreferrer', text: s.license.name }) : (s.license?.name ?? '—')),
        el('td', { class: 'num', text: s.duration !== null ? clockText(s.duration) : '—' }),
        el('td', { class: 'num', text: s.bpm !== null ? `${Math.round(s.bpm * 10) / 10}` : '—' }),
        el('td', { class: 'num', text: s.key ?? '—' }),
        el('td', { class: 'actions' }, listen, ' ', add),
      );
    });
    byId('library-rows').replaceChildren(...rows);
  }

  /** The vocal is rendered on the server (the built-in voice or the song's voicebank) and played here. */
  private async listen(song: LibrarySong): Promise<void> {
    const status = byId('listen-status');
    const audio = byId<HTMLAudioElement>('listen-audio');
    setText(status, `rendering the vocal of "${song.title}"…`);
    try {
      const res = await fetch(`/api/desk/library/${encodeURIComponent(song.id)}/vocal.wav`, { headers: { authorization: `Bearer ${this.link.token}` } });
      if (!res.ok) {
        const body = (await res.json().catch(() => ({}))) as { error?: string };
        setText(status, `cannot listen: ${body.error ?? `HTTP ${res.status}`}`);
        return;
      }
      const blob = await res.blob();
      if (audio.src.startsWith('blob:')) URL.revokeObjectURL(audio.src);
      audio.src = URL.createObjectURL(blob);
      audio.dataset.song = song.id;
      setText(status, `"${song.title}" — sung by ${song.voice.bank === null ? 'the built-in voice' : song.voice.name}, ${(blob.size / 1024).toFixed(0)} KiB`);
      await audio.play().catch(() => setText(status, `"${song.title}" ready: press play (the browser blocked autoplay)`));
    } catch (err) {
      setText(status, `cannot listen: ${(err as Error).message}`);
    }
  }

  private async upload(): Promise<void> {
    const form = byId<HTMLFormElement>('upload-form');
    const status = byId('upload-status');
    for (const p of form.querySelectorAll<HTMLElement>('.field-error')) setText(p, '');
    for (const i of form.querySelectorAll('input')) i.removeAttribute('aria-invalid');
    const file = byId<HTMLInputElement>('up-score').files?.[0];
    const data = new FormData(form);
    const text = (k: string): string => String(data.get(k) ?? '');
    if (!file) return this.showUploadErrors([{ field: 'score', file: '', path: '', line: 0, column: 0, message: 'choose a score file (.ust, .ustx, .mid, MusicXML, .vsqx or .vpr)' }]);
    status.className = 'upload-status';
    setText(status, 'validating…');
    const bytes = new Uint8Array(await file.arrayBuffer());
    let binary = '';
    for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    const payload = {
      fileName: file.name,
      scoreBase64: btoa(binary),
      title: text('title'),
      id: text('id'),
      credits: { composer: text('composer'), lyricist: text('lyricist'), tuning: text('tuning') },
      license: { name: text('license'), url: text('licenseUrl') },
      tags: text('tags'),
      key: text('key'),
      bpm: text('bpm'),
    };
    const { body } = await this.link.api<{ ok: boolean; song?: LibrarySong; errors?: ValidationErrorView[] }>('/api/desk/songs', { method: 'POST', body: JSON.stringify(payload) });
    if (body.ok && body.song) {
      status.className = 'upload-status ok';
      setText(status, `"${body.song.title}" joined the library (${clockText(body.song.duration ?? 0)}, ${body.song.bpm ?? '?'} BPM)`);
      form.reset();
      await this.loadLibrary();
      return;
    }
    this.showUploadErrors(body.errors ?? [{ field: 'score', file: '', path: '', line: 0, column: 0, message: 'the server refused the song' }]);
  }

  /** Each error under the field it is about; score errors name the line of the score file. */
  private showUploadErrors(errors: ValidationErrorView[]): void {
    const form = byId<HTMLFormElement>('upload-form');
    const byField = new Map<string, string[]>();
    for (const e of errors) {
      const field = e.field ?? 'score';
      const where = e.line > 0 ? `${e.file}${e.file ? ':' : 'line '}${e.line}${e.column > 1 ? `:${e.column}` : ''} ` : '';
      const list = byField.get(field) ?? [];
      list.push(`${where}${e.path && field !== e.path && e.line > 0 ? `${e.path}: ` : ''}${e.message}`);
      byField.set(field, list);
    }
    for (const [field, messages] of byField) {
      const slot = form.querySelector<HTMLElement>(`.field-error[data-for="${field}"]`) ?? form.querySelector<HTMLElement>('.field-error[data-for="score"]')!;
      setText(slot, [slot.textContent, ...messages].filter(Boolean).join('\n'));
      const input = form.querySelector<HTMLInputElement>(`[name="${field}"]`);
      input?.setAttribute('aria-invalid', 'true');
    }
    const status = byId('upload-status');
    status.className = 'upload-status error';
    setText(status, `not added: ${errors.length} problem${errors.length === 1 ? '' : 's'}`);
    const first = errors[0]?.field ?? 'score';
    form.querySelector<HTMLInputElement>(`[name="${first}"]`)?.focus();
  }

  // ---------------------------------------------------------------------------- setlist builder

  private facts(): Map<string, SongFacts> {
    return new Map(this.songs.map((s) => [s.id, { id: s.id, title: s.title, duration: s.duration, valid: s.valid }]));
  }

  private edit(next: SetlistEntry[], focus?: number): void {
    this.setlist = next;
    this.serverErrors.clear();
    setText(byId('builder-errors'), '');
    this.renderBuilder(focus);
  }

  private patch(index: number, change: Partial<SetlistEntry>): void {
    const next = [...this.setlist];
    next[index] = { ...next[index]!, ...change } as SetlistEntry;
    this.setlist = next;
    this.serverErrors.clear();
    this.renderSummary();
    this.markRows();
  }

  private renderBuilder(focus?: number): void {
    const plan = planSetlist(this.setlist, this.facts());
    const rows = plan.entries.map((p, i) => this.row(p.entry, i));
    this.builder.replaceChildren(...rows);
    this.markRows();
    this.renderSummary();
    if (focus !== undefined) (this.builder.children[focus] as HTMLElement | undefined)?.focus();
  }

  /** Problems and running times without rebuilding the rows (keeps the focus in an edited field). */
  private markRows(): void {
    const plan = planSetlist(this.setlist, this.facts());
    plan.entries.forEach((p, i) => {
      const li = this.builder.children[i] as HTMLLIElement | undefined;
      if (!li) return;
      const problems = [...p.problems, ...(this.serverErrors.get(i) ?? [])];
      li.classList.toggle('invalid', problems.length > 0);
      li.setAttribute('aria-invalid', String(problems.length > 0));
      setText(li.querySelector<HTMLElement>('.entry-meta')!, `at ${clockText(p.start)} · ${p.duration !== null ? clockText(p.duration) : '—:—'}${p.entry.transition?.type === 'crossfade' ? ` · crossfade ${p.entry.transition.seconds ?? 0} s` : ''}`);
      setText(li.querySelector<HTMLElement>('.entry-problems')!, problems.join('; '));
      setText(li.querySelector<HTMLElement>('.entry-title')!, p.title + (p.entry.encore ? ' (encore)' : ''));
    });
  }

  private renderSummary(): void {
    const plan = planSetlist(this.setlist, this.facts());
    setText(byId('total-time'), clockText(plan.total));
    const state = byId('builder-state');
    const dirty = JSON.stringify(this.setlist) !== this.saved;
    const bad = plan.entries.filter((p) => p.problems.length).length + this.serverErrors.size;
    state.className = `builder-state ${bad ? 'bad' : 'good'}`;
    setText(state, `${plan.entries.length} entries · ${bad ? `${bad} invalid` : 'all valid'}${dirty ? ' · unsaved changes' : ' · saved'}`);
  }

  private row(entry: SetlistEntry, i: number): HTMLLIElement {
    const controls = el('div', { class: 'entry-controls' });
    if (entry.type !== 'song') {
      const title = el('input', { class: 'title-input', value: entry.title ?? '', 'aria-label': `title of entry ${i + 1}` });
      title.addEventListener('input', () => this.patch(i, { title: title.value }));
      const dur = el('input', { type: 'number', min: 1, step: 1, value: entry.duration, 'aria-label': `duration of entry ${i + 1} in seconds` });
      dur.addEventListener('input', () => this.patch(i, { duration: Number(dur.value) }));
      controls.append(title, dur, 's');
    }
    const transition = el('select', { 'aria-label': `transition into entry ${i + 1}` }, el('option', { value: 'cut', text: 'cut' }), el('option', { value: 'crossfade', text: 'crossfade' }));
    transition.value = entry.transition?.type ?? 'cut';
    const fade = el('input', { type: 'number', min: 0.5, max: 60, step: 0.5, value: entry.transition?.seconds ?? 2, 'aria-label': `crossfade seconds into entry ${i + 1}`, hidden: transition.value !== 'crossfade' });
    const setTransition = (): void => {
      fade.hidden = transition.value !== 'crossfade';
      this.patch(i, { transition: transition.value === 'crossfade' ? { type: 'crossfade', seconds: Number(fade.value) } : undefined });
    };
    transition.addEventListener('change', setTransition);
    fade.addEventListener('input', setTransition);
    const hold = el('input', { type: 'checkbox', 'aria-label': `hold for GO after entry ${i + 1}` });
    hold.checked = entry.hold ?? false;
    hold.addEventListener('change', () => this.patch(i, { hold: hold.checked || undefined }));
    const encore = el('input', { type: 'checkbox', 'aria-label': `entry ${i + 1} is an encore` });
    encore.checked = entry.encore ?? false;
    encore.addEventListener('change', () => this.patch(i, { encore: encore.checked || undefined }));
    const up = el('button', { type: 'button', title: 'move up (Alt+↑)', 'aria-label': `move entry ${i + 1} up` }, '↑');
    const down = el('button', { type: 'button', title: 'move down (Alt+↓)', 'aria-label': `move entry ${i + 1} down` }, '↓');
    const remove = el('button', { type: 'button', title: 'remove', 'aria-label': `remove entry ${i + 1}` }, '✕');
    up.addEventListener('click', () => this.edit(moveEntry(this.setlist, i, i - 1), Math.max(0, i - 1)));
    down.addEventListener('click', () => this.edit(moveEntry(this.setlist, i, i + 1), Math.min(this.setlist.length - 1, i + 1)));
    remove.addEventListener('click', () => this.edit(this.setlist.filter((_, k) => k !== i)));
    controls.append(transition, fade, el('label', {}, hold, 'hold'), el('label', {}, encore, 'encore'), up, down, remove);

    const li = el(
      'li',
      { draggable: 'true', tabindex: 0, 'data-index': i, 'data-entry': entry.type === 'song' ? entry.song : `${entry.type}:${entry.title ?? ''}` },
      el('span', { class: 'grip', 'aria-hidden': 'true', text: '⠿' }),
      el('span', { class: 'pos', text: String(i + 1) }),
      el('div', {}, el('span', { class: 'entry-title' }), entry.type !== 'song' ? el('span', { class: 'entry-meta-kind', text: ` ${entry.type.toUpperCase()}` }) : null, el('div', { class: 'entry-meta' }), el('div', { class: 'entry-problems' })),
      controls,
    );
    li.addEventListener('keydown', (e) => {
      if (e.target !== li || !e.altKey) return;
      if (e.key === 'ArrowUp' && i > 0) this.edit(moveEntry(this.setlist, i, i - 1), i - 1);
      else if (e.key === 'ArrowDown' && i < this.setlist.length - 1) this.edit(moveEntry(this.setlist, i, i + 1), i + 1);
      else if (e.key === 'Delete') this.edit(this.setlist.filter((_, k) => k !== i));
      else return;
      e.preventDefault();
    });
    li.addEventListener('dragstart', (e) => {
      this.dragFrom = i;
      li.classList.add('dragging');
      e.dataTransfer?.setData('text/plain', String(i));
      if (e.dataTransfer) e.dataTransfer.effectAllowed = 'move';
    });
    li.addEventListener('dragend', () => {
      li.classList.remove('dragging');
      for (const c of this.builder.children) c.classList.remove('drop-before');
    });
    li.addEventListener('dragover', (e) => {
      e.preventDefault();
      for (const c of this.builder.children) c.classList.toggle('drop-before', c === li);
    });
    li.addEventListener('drop', (e) => {
      e.preventDefault();
      const from = this.dragFrom >= 0 ? this.dragFrom : Number(e.dataTransfer?.getData('text/plain'));
      this.dragFrom = -1;
      if (!Number.isInteger(from) || from === i) return;
      // Dropping on an entry puts the dragged one in its place (before it going up, after it going down).
      this.edit(moveEntry(this.setlist, from, i), i);
    });
    return li;
  }

  private async save(): Promise<void> {
    const status = byId('save-status');
    status.className = 'save-status';
    setText(status, 'saving…');
    try {
      const r = await this.link.saveSetlist(this.setlist);
      if (r.ok) {
        this.saved = JSON.stringify(this.setlist);
        status.className = 'save-status ok';
        setText(status, 'saved');
        this.renderSummary();
        return;
      }
      this.serverErrors = errorsByEntry(r.errors ?? []);
      const general = [...(this.serverErrors.get(-1) ?? [])];
      this.serverErrors.delete(-1);
      setText(byId('builder-errors'), [r.error ?? 'not saved', ...general].join('\n'));
      status.className = 'save-status error';
      setText(status, 'not saved');
      this.markRows();
      this.renderSummary();
    } catch (err) {
      status.className = 'save-status error';
      setText(status, `not saved: ${(err as Error).message}`);
    }
  }
}
