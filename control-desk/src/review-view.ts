// The organiser's review queue for songs creators sent from the studio (issue 17): who wrote it,
// credits, licence, tags; listen to the server's rendering, preview it on the stage's preview
// output (the running show is untouched), approve it into the library, or send it back with a
// note the creator sees in the studio. Built into the organiser view at start-up.

import { byId, el, setText } from './dom.ts';
import './review.css';

/** What the panel needs of the desk's connection: the operator token and its JSON API call. */
export interface ReviewLink {
  readonly token: string;
  api<T>(path: string, init?: RequestInit): Promise<{ status: number; body: T }>;
}

export interface Submission {
  id: string;
  title: string;
  creator: string;
  credits: { composer: string; lyricist: string; tuner: string; illustrator: string };
  license: { name: string; url: string };
  tags: string[];
  status: 'submitted' | 'approved' | 'returned';
  note: string | null;
  songId: string | null;
  notes: number;
  bpm: number;
  submittedAt: string;
}

type Reply = { ok: boolean; error?: string };

const STATUS_ORDER = { submitted: 0, returned: 1, approved: 2 } as const;

export function creditsText(c: Submission['credits']): string {
  const parts: [string, string][] = [['composer', c.composer], ['lyrics', c.lyricist], ['tuning', c.tuner], ['illustration', c.illustrator]];
  return parts.filter(([, name]) => name).map(([role, name]) => `${name} (${role})`).join(', ');
}

export class ReviewView {
  private submissions: Submission[] = [];
  private readonly rows = el('tbody', { id: 'review-rows' });
  private readonly status = el('p', { id: 'review-status', class: 'review-status', 'aria-live': 'polite' });
  private readonly audio = el('audio', { id: 'review-audio', controls: true, preload: 'none', 'aria-label': 'Submitted song, sung by the server' });

  constructor(private readonly link: ReviewLink, private readonly onApproved: () => void, container: HTMLElement = byId('view-organiser')) {
    const refresh = el('button', { type: 'button', id: 'review-refresh' }, '↻ Refresh');
    refresh.addEventListener('click', () => void this.load());
    const stop = el('button', { type: 'button', id: 'review-stop-preview' }, '■ Stop preview');
    stop.addEventListener('click', () => void this.stopPreview());
    const head = el('tr', {}, ...['Song', 'Creator', 'Credits', 'Licence', 'Status', ''].map((t) => el('th', { text: t })));
    container.prepend(
      el(
        'section',
        { class: 'panel review-panel', 'aria-label': 'Studio submissions' },
        el('h2', {}, 'Studio submissions ', el('span', { class: 'hint', text: 'songs creators sent from /studio' }), ' ', refresh, stop),
        el('table', { class: 'library review' }, el('thead', {}, head), this.rows),
        this.audio,
        this.status,
      ),
    );
  }

  async load(): Promise<void> {
    const { body } = await this.link.api<Reply & { submissions?: Submission[] }>('/api/studio/review');
    if (!body.submissions) return this.say(`cannot load the queue: ${body.error ?? 'no answer'}`);
    this.submissions = body.submissions.sort((a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status] || b.submittedAt.localeCompare(a.submittedAt));
    this.render();
  }

  private say(text: string): void {
    setText(this.status, text);
  }

  private render(): void {
    const waiting = this.submissions.filter((s) => s.status === 'submitted').length;
    if (!this.submissions.length) this.rows.replaceChildren(el('tr', {}, el('td', { colspan: 6, class: 'empty', text: 'No submissions yet. Creators send songs from their studio link (holostage tokens --creator NAME).' })));
    else this.rows.replaceChildren(...this.submissions.map((s) => this.row(s)));
    if (!this.status.textContent) this.say(`${waiting} waiting for review`);
  }

  private row(s: Submission): HTMLTableRowElement {
    const open = s.status === 'submitted';
    const button = (label: string, attr: string, run: () => Promise<void>, enabled = true): HTMLButtonElement => {
      const b = el('button', { type: 'button', [attr]: s.id, disabled: !enabled }, label);
      b.addEventListener('click', () => void run());
      return b;
    };
    const note = el('textarea', { class: 'review-note', rows: 2, 'aria-label': `Note for ${s.creator}`, placeholder: 'What should the creator change?', maxlength: 2000 });
    const returnForm = el('div', { class: 'review-return', hidden: true }, note, ' ', button('Send back', 'data-send-back', () => this.sendBack(s, note.value)));
    const actions = el(
      'td',
      { class: 'actions' },
      button('▶ Listen', 'data-review-listen', () => this.listen(s)),
      ' ',
      button('Preview on stage', 'data-preview', () => this.preview(s)),
      ' ',
      button('✓ Approve', 'data-approve', () => this.approve(s), open),
      ' ',
      button('Return…', 'data-return', async () => {
        returnForm.hidden = !returnForm.hidden;
        if (!returnForm.hidden) note.focus();
      }, open),
      returnForm,
    );
    const licence = s.license.url ? el('a', { href: s.license.url, target: '_blank', rel: 'noreferrer', text: s.license.name }) : s.license.name;
    const statusText = s.status === 'approved' ? `approved → ${s.songId ?? ''}` : s.status === 'returned' ? 'sent back' : 'waiting';
    return el(
      'tr',
      { 'data-submission': s.id, class: `status-${s.status}` },
      el('td', {}, el('div', { text: s.title }), el('div', { class: 'tags', text: [`${s.notes} notes · ${Math.round(s.bpm)} BPM`, ...s.tags].join(' · ') })),
      el('td', { text: s.creator }),
      el('td', { text: creditsText(s.credits) }),
      el('td', {}, licence),
      el('td', {}, el('div', { class: 'review-state', text: statusText }), s.note ? el('div', { class: 'tags', text: `“${s.note}”` }) : null),
      actions,
    );
  }

  private async listen(s: Submission): Promise<void> {
    this.say(`rendering "${s.title}"…`);
    try {
      const res = await fetch(`/api/studio/review/${encodeURIComponent(s.id)}/vocal.wav`, { headers: { authorization: `Bearer ${this.link.token}` } });
      if (!res.ok) return this.say(`cannot listen: ${((await res.json().catch(() => ({}))) as Reply).error ?? `HTTP ${res.status}`}`);
      const blob = await res.blob();
      if (this.audio.src.startsWith('blob:')) URL.revokeObjectURL(this.audio.src);
      this.audio.src = URL.createObjectURL(blob);
      this.audio.dataset.submission = s.id;
      this.say(`"${s.title}" by ${s.creator}: ${(blob.size / 1024).toFixed(0)} KiB`);
      await this.audio.play().catch(() => this.say(`"${s.title}" ready: press play (the browser blocked autoplay)`));
    } catch (err) {
      this.say(`cannot listen: ${(err as Error).message}`);
    }
  }

  private async preview(s: Submission): Promise<void> {
    this.say(`sending "${s.title}" to the preview output…`);
    const { body } = await this.link.api<Reply & { outputs?: string[]; duration?: number }>(`/api/studio/review/${encodeURIComponent(s.id)}/preview`, { method: 'POST' });
    this.say(body.ok ? `"${s.title}" is singing on ${body.outputs!.join(', ')} (${body.duration!.toFixed(1)} s); the show is untouched` : `cannot preview: ${body.error}`);
  }

  private async stopPreview(): Promise<void> {
    const { body } = await this.link.api<Reply & { outputs?: string[] }>('/api/studio/preview/stop', { method: 'POST' });
    this.say(body.ok ? `preview stopped on ${body.outputs!.join(', ') || 'no output'}` : `cannot stop: ${body.error}`);
  }

  private async approve(s: Submission): Promise<void> {
    this.say(`adding "${s.title}" to the library…`);
    const { body } = await this.link.api<Reply & { song?: { id: string } }>(`/api/studio/review/${encodeURIComponent(s.id)}/approve`, { method: 'POST', body: '{}' });
    if (!body.ok) return this.say(`not approved: ${body.error}`);
    this.say(`"${s.title}" approved: in the library as ${body.song!.id}`);
    this.onApproved();
    await this.load();
  }

  private async sendBack(s: Submission, note: string): Promise<void> {
    if (!note.trim()) return this.say('write a note first: the creator sees it in the studio');
    const { body } = await this.link.api<Reply>(`/api/studio/review/${encodeURIComponent(s.id)}/return`, { method: 'POST', body: JSON.stringify({ note }) });
    if (!body.ok) return this.say(`not sent back: ${body.error}`);
    this.say(`"${s.title}" sent back to ${s.creator} with your note`);
    await this.load();
  }
}
