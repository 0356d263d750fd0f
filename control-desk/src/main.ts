// The control desk: /desk?token=<operator token>. Two views over one connection to the show
// server: the operator's cockpit (live) and the organiser's library and setlist builder.

import { byId } from './dom.ts';
import { DeskLink } from './net.ts';
import { OperatorView } from './operator-view.ts';
import { OrganiserView } from './organiser-view.ts';
import { AudiencePanel } from './audience.ts';
import { ReviewView } from './review-view.ts';
import { ChasePanel } from './chase-panel.ts';
import { VenuePanel } from './venue-panel.ts';
import { PairPanel } from './pair-panel.ts';

const params = new URLSearchParams(location.search);
const token = params.get('token') ?? '';

const link = new DeskLink(token);
const operator = new OperatorView(link);
const organiser = new OrganiserView(link);
const audience = new AudiencePanel(link.socket);
const chase = new ChasePanel(link.socket);
const review = new ReviewView(link, () => void organiser.loadLibrary());
const venue = new VenuePanel(link.socket, () => link.sync.serverNow());
setInterval(() => venue.render(), 1000);
const pair = new PairPanel(link.socket, (event, payload, timeoutMs) => link.link.request(event, payload, timeoutMs));
let organiserLoaded = false;

type ViewName = 'operator' | 'organiser';

function show(view: ViewName): void {
  for (const name of ['operator', 'organiser'] as const) {
    byId(`view-${name}`).hidden = name !== view;
    byId(`tab-${name}`).setAttribute('aria-selected', String(name === view));
  }
  // The show keys (Space, H, arrows) belong to the operator view; Esc = PANIC works in both.
  operator.active = view === 'operator';
  if (view === 'organiser' && !organiserLoaded) {
    organiserLoaded = true;
    void organiser.load();
    void review.load();
  }
  const url = new URL(location.href);
  url.hash = view === 'organiser' ? 'organiser' : '';
  history.replaceState(null, '', url);
}

byId('tab-operator').addEventListener('click', () => show('operator'));
byId('tab-organiser').addEventListener('click', () => show('organiser'));
window.addEventListener(
  'keydown',
  (e) => {
    if (e.key === 'Escape' && !operator.active) void link.command({ command: 'panic' });
    if (e.altKey && (e.key === '1' || e.key === '2')) {
      e.preventDefault();
      show(e.key === '1' ? 'operator' : 'organiser');
    }
  },
  true,
);
show(location.hash === '#organiser' ? 'organiser' : 'operator');

function frame(): void {
  if (operator.active) operator.frame();
  requestAnimationFrame(frame);
}
requestAnimationFrame(frame);

// For tests and the screenshot script: the desk's live state, read-only.
(window as unknown as { holostageDesk: unknown }).holostageDesk = { link, operator, organiser, audience, review, chase, venue, pair };
