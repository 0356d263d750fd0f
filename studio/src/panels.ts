// Everything around the roll: the creator's drafts, title, tempo and time signature, the global
// voice, the selected note's tuning, the phrase box, import/export, submitting, and the messages.

import { setLyrics, updateNote, type StudioProject } from './core/project.ts';
import { spreadLyrics } from './core/spread.ts';
import { toMidi, toScoreJson, toUst } from './core/export.ts';
import { call, download, type DraftSummary } from './api.ts';
import type { StudioState } from './state.ts';
import type { PianoRoll } from './roll.ts';

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const IMPORT_MAX = 3 * 1024 * 1024;

function fileName(title: string, ext: string): string {
  return `${title.replace(/[^\p{L}\p{N} _-]+/gu, '').trim().slice(0, 60) || 'song'}${ext}`;
}

export class Panels {
  private drafts: DraftSummary[] = [];

  constructor(private readonly state: StudioState, private readonly roll: PianoRoll) {
    $('new-draft').addEventListener('click', () => void this.newDraft());
    $<HTMLSelectElement>('drafts').addEventListener('change', (e) => void this.openDraft((e.target as HTMLSelectElement).value));
    $<HTMLInputElement>('title').addEventListener('change', (e) => this.change({ title: (e.target as HTMLInputElement).value.slice(0, 120) }));
    this.number('bpm', 20, 400, (v) => ({ bpm: v }));
    this.number('ts-num', 1, 16, (v, p) => ({ timeSignature: { ...p.timeSignature, numerator: Math.round(v) } }));
    $<HTMLSelectElement>('ts-den').addEventListener('change', (e) => this.change({ timeSignature: { ...this.state.project.timeSignature, denominator: Number((e.target as HTMLSelectElement).value) } }));
    this.number('transpose', -24, 24, (v, p) => ({ voice: { ...p.voice, transpose: Math.round(v) } }));
    this.number('vib-depth', 0, 2, (v, p) => ({ voice: { ...p.voice, vibratoDepth: v } }));
    this.number('vib-rate', 1, 12, (v, p) => ({ voice: { ...p.voice, vibratoRate: v } }));
    this.number('dynamics', 0, 2, (v, p) => ({ voice: { ...p.voice, dynamics: v } }));
    for (const [id, key] of [['note-vib', 'vibrato'], ['note-dyn', 'dynamics']] as const) {
      $<HTMLInputElement>(id).addEventListener('change', (e) => {
        const raw = (e.target as HTMLInputElement).value.trim();
        const v = raw === '' ? undefined : Number(raw);
        if (v !== undefined && !(v >= 0 && v <= 2)) return this.say(`${key}: expected 0 to 2 (empty: the global setting)`);
        let p = this.state.project;
        for (const nid of this.roll.selection) p = updateNote(p, nid, { [key]: v });
        this.state.commit(p);
      });
    }
    $('spread').addEventListener('click', () => this.spread());
    $<HTMLInputElement>('import').addEventListener('change', (e) => void this.importFile((e.target as HTMLInputElement).files?.[0]));
    $('export-ust').addEventListener('click', () => download(fileName(this.state.project.title, '.ust'), toUst(this.state.project), 'text/plain'));
    $('export-mid').addEventListener('click', () => download(fileName(this.state.project.title, '.mid'), toMidi(this.state.project), 'audio/midi'));
    $('export-json').addEventListener('click', () => download(fileName(this.state.project.title, '.json'), toScoreJson(this.state.project), 'application/json'));
    $('open-submit').addEventListener('click', () => this.openSubmit());
    $('submit-form').addEventListener('submit', (e) => {
      if ((e as SubmitEvent).submitter?.getAttribute('value') !== 'send') return;
      e.preventDefault();
      void this.submit();
    });
  }

  say(text: string, ok = false): void {
    const m = $('message');
    m.textContent = text;
    m.classList.toggle('ok', ok);
  }

  private change(part: Partial<StudioProject>): void {
    this.state.commit({ ...this.state.project, ...part });
  }

  private number(id: string, lo: number, hi: number, make: (v: number, p: StudioProject) => Partial<StudioProject>): void {
    $<HTMLInputElement>(id).addEventListener('change', (e) => {
      const v = Number((e.target as HTMLInputElement).value);
      if (!Number.isFinite(v) || v < lo || v > hi) {
        this.say(`${id}: expected ${lo} to ${hi}`);
        this.refresh();
        return;
      }
      this.change(make(v, this.state.project));
    });
  }

  /** Inputs show the project (after undo, a draft opened, an import). */
  refresh(): void {
    const p = this.state.project;
    const set = (id: string, v: string | number): void => {
      const el = $<HTMLInputElement>(id);
      if (document.activeElement !== el) el.value = String(v);
    };
    set('title', p.title);
    set('bpm', p.bpm);
    set('ts-num', p.timeSignature.numerator);
    set('ts-den', p.timeSignature.denominator);
    set('transpose', p.voice.transpose);
    set('vib-depth', p.voice.vibratoDepth);
    set('vib-rate', p.voice.vibratoRate);
    set('dynamics', p.voice.dynamics);
    this.showNote();
  }

  showNote(): void {
    const notes = this.state.project.notes.filter((n) => this.roll.selection.has(n.id));
    const one = notes.length === 1 ? notes[0]! : null;
    $('note-info').textContent = notes.length === 0 ? 'Select a note.' : one ? `"${one.lyric}" · MIDI ${one.pitch} · ${one.length} ticks` : `${notes.length} notes selected`;
    $<HTMLInputElement>('note-vib').value = one?.vibrato !== undefined ? String(one.vibrato) : '';
    $<HTMLInputElement>('note-dyn').value = one?.dynamics !== undefined ? String(one.dynamics) : '';
  }

  private spread(): void {
    const selected = this.state.project.notes.filter((n) => this.roll.selection.has(n.id));
    const text = $<HTMLTextAreaElement>('phrase').value.trim();
    if (selected.length === 0) return this.say('select the notes of the phrase first (shift-click, or Ctrl+A for all)');
    if (!text) return this.say('type the phrase\'s lyrics in the box first');
    const s = spreadLyrics(text, selected.length);
    this.state.commit(setLyrics(this.state.project, new Map(selected.map((n, i) => [n.id, s.lyrics[i]!]))));
    const notes = [s.leftOver.length ? `${s.leftOver.length} syllable(s) left over: ${s.leftOver.join(' ')}` : '', s.unfilled ? `${s.unfilled} note(s) hold the last syllable (+)` : ''].filter(Boolean);
    this.say(notes.length ? notes.join('; ') : `lyrics spread over ${selected.length} notes`, notes.length === 0);
  }

  async start(): Promise<void> {
    const me = await call<{ creator: { name: string } }>('GET', '/api/studio/me');
    if (!me.ok) return this.say(me.error);
    $('creator').textContent = `· ${me.creator.name}`;
    await this.listDrafts();
    if (this.drafts[0]) await this.openDraft(this.drafts[0].id);
    else await this.newDraft();
  }

  private async listDrafts(): Promise<void> {
    const r = await call<{ drafts: DraftSummary[] }>('GET', '/api/studio/drafts');
    if (!r.ok) return this.say(r.error);
    this.drafts = r.drafts;
    const select = $<HTMLSelectElement>('drafts');
    select.replaceChildren(...this.drafts.map((d) => new Option(`${d.title || 'Untitled'} (${d.notes})`, d.id, false, d.id === this.state.draftId)));
    this.showReview();
  }

  private showReview(): void {
    const s = this.drafts.find((d) => d.id === this.state.draftId)?.submission;
    const el = $('review');
    el.dataset.status = s?.status ?? '';
    el.textContent = !s ? '' : s.status === 'returned' ? `Sent back by the organiser: ${s.note ?? ''}` : s.status === 'approved' ? `Approved into the show's library as "${s.songId}"` : 'Submitted: waiting for the organiser';
  }

  async openDraft(id: string): Promise<void> {
    await this.state.autosave.flush();
    const r = await call<{ draft: { id: string; project: StudioProject } }>('GET', `/api/studio/drafts/${id}`);
    if (!r.ok) return this.say(r.error);
    this.roll.selection.clear();
    this.state.open(r.draft.id, r.draft.project);
    await this.listDrafts();
  }

  async newDraft(project?: StudioProject): Promise<boolean> {
    await this.state.autosave.flush();
    const r = await call<{ draft: { id: string; project: StudioProject } }>('POST', '/api/studio/drafts', project ? { project } : {});
    if (!r.ok) {
      this.say(r.error);
      return false;
    }
    this.roll.selection.clear();
    this.state.open(r.draft.id, r.draft.project);
    await this.listDrafts();
    return true;
  }

  /** An imported score becomes a new draft; the one open stays as it was. */
  private async importFile(file: File | undefined): Promise<void> {
    $<HTMLInputElement>('import').value = '';
    if (!file) return;
    if (file.size > IMPORT_MAX) return this.say(`${file.name} is ${(file.size / 1048576).toFixed(1)} MB; a score to import is at most 3 MB. Nothing was changed.`);
    this.say(`reading ${file.name}…`, true);
    const bytes = new Uint8Array(await file.arrayBuffer());
    let binary = '';
    for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    const r = await call<{ project: StudioProject; warnings: string[] }>('POST', '/api/studio/import', { fileName: file.name, dataBase64: btoa(binary) });
    if (!r.ok) return this.say(`${r.error}\nNothing was changed.`);
    if (await this.newDraft(r.project)) this.say(`imported ${file.name}: ${r.project.notes.length} notes${r.warnings.length ? `\n${r.warnings.slice(0, 5).join('\n')}` : ''}`, r.warnings.length === 0);
  }

  private openSubmit(): void {
    const form = $<HTMLFormElement>('submit-form');
    (form.elements.namedItem('title') as HTMLInputElement).value = this.state.project.title === 'Untitled' ? '' : this.state.project.title;
    $('submit-errors').textContent = '';
    $<HTMLDialogElement>('submit-dialog').showModal();
  }

  private async submit(): Promise<void> {
    await this.state.autosave.flush();
    const f = new FormData($<HTMLFormElement>('submit-form'));
    const v = (k: string): string => String(f.get(k) ?? '');
    const body = { title: v('title'), credits: { composer: v('composer'), lyricist: v('lyricist'), tuner: v('tuner'), illustrator: v('illustrator') }, license: { name: v('license'), url: v('licenseUrl') }, tags: v('tags') };
    const r = await call<{ submission: { id: string } }>('POST', `/api/studio/drafts/${this.state.draftId}/submit`, body);
    if (!r.ok) {
      const errors = (r.errors as { field?: string; message: string }[] | undefined) ?? [];
      $('submit-errors').textContent = errors.length ? errors.map((e) => `${e.field ?? ''}: ${e.message}`).join('\n') : r.error;
      return;
    }
    $<HTMLDialogElement>('submit-dialog').close();
    this.say(`"${body.title}" sent to the organiser for review`, true);
    await this.listDrafts();
  }
}
