// The fan viewer: /live?token=<viewer token> (or /live alone when the show is public).
// Each fan's browser renders the show itself at the synced show clock through the stage's own
// renderer (the `stream` profile, at the window's resolution), plays the audio once the fan
// clicks (browsers demand a gesture), shows the lyrics karaoke-style and lets the fan wave a
// penlight. Nothing here can move the show: the server gives a viewer no such power.

import * as THREE from 'three';
import type { OutputSettings, Timeline } from '../../show-files/src/timeline.ts';
import { COLOUR_NAMES, CROWD_EVENTS, PENLIGHT_COLOURS, crowdGlow, type CrowdFrame, type PenlightColour } from '../../protocol/index.ts';
import { ShowLink } from '../../client/show-link.ts';
import { avatarUrl, loadShowAssets } from '../../client/assets.ts';
import { karaokeAt, lyricLines, type KaraokeState, type LyricLine } from '../../client/lyrics.ts';
import { Performer, createFrame } from '../../stage/src/perform/performer.ts';
import { VrmDriver } from '../../stage/src/render/vrm-driver.ts';
import { StageScene } from '../../stage/src/render/stage-scene.ts';
import { performFrame } from '../../stage/src/render/perform-frame.ts';
import { OutputPass, DEFAULT_SETTINGS } from '../../stage/src/outputs/output-pass.ts';
import { clipsFromFiles } from '../../stage/src/render/clips.ts';
import { AudioPlayer } from '../../stage/src/audio/player.ts';
import { CrowdGlowLayer } from '../../stage/src/render/crowd-glow.ts';

const params = new URLSearchParams(location.search);
const token = params.get('token') ?? '';
const avatarOverride = params.get('avatar');
/** Client-side pacing of waves (the server enforces its own limit regardless). */
const MIN_WAVE_GAP_MS = 125;

const $ = <T extends HTMLElement = HTMLElement>(id: string): T => document.getElementById(id) as T;
const titleEl = $('title');
const audienceEl = $('audience');
const connEl = $('conn');
const soundButton = $<HTMLButtonElement>('sound');
const lineNowEl = $('line-now');
const lineNextEl = $('line-next');
const coloursEl = $('colours');
const waveButton = $<HTMLButtonElement>('wave');
const stickEl = $('stick');
const cheerFill = $('cheer-fill');
const messageEl = $('message');

// ----------------------------------------------------------------------------------- state

const link = new ShowLink({ token, reconnectionDelay: 250, reconnectionDelayMax: 2000 });
const { sync, clock, socket } = link;
let performer: Performer | null = null;
let driver: VrmDriver | null = null;
let scene: StageScene | null = null;
let glow: CrowdGlowLayer | null = null;
let pass: OutputPass | null = null;
let lines: LyricLine[] = [];
let settings: OutputSettings = { ...DEFAULT_SETTINGS, audio: true };
let ready = false;
let lastShowTime = NaN;
let lastFrameAt = 0;
let crowd: CrowdFrame | null = null;
let colour: PenlightColour = 'cyan';
let cheersSent = 0;
let cheersAccepted = 0;
let cheersRefused = 0;
let lastWaveAt = 0;
const frame = createFrame();

// Audio: nothing until the fan clicks.
let audioCtx: AudioContext | null = null;
let audio: AudioPlayer | null = null;
let audioLoaded = 0;
let audioTotal = 0;

const renderer = new THREE.WebGLRenderer({ antialias: false, powerPreference: 'high-performance' });
renderer.setPixelRatio(Math.min(2, window.devicePixelRatio || 1));
$('stage').appendChild(renderer.domElement);

/** The stream is drawn at the window's own size: sharp at any resolution. */
function resize(): void {
  const w = Math.max(1, window.innerWidth);
  const h = Math.max(1, window.innerHeight);
  settings = { ...settings, width: w, height: h };
  renderer.setSize(w, h, false);
  pass?.setSize(Math.round(w * renderer.getPixelRatio()), Math.round(h * renderer.getPixelRatio()));
  scene?.setAspect(w / h);
  glow?.fit();
}
window.addEventListener('resize', resize);

function say(text: string | null): void {
  messageEl.hidden = !text;
  messageEl.textContent = text ?? '';
}

// ------------------------------------------------------------------------------ the show

let generation = 0;

async function loadShow(tl: Timeline): Promise<void> {
  const mine = ++generation;
  ready = false;
  titleEl.textContent = tl.show.title;
  const stream = tl.outputs.find((o) => o.kind === 'stream');
  if (stream) settings = { ...stream.settings, width: settings.width, height: settings.height };
  const { vrm, clips } = await loadShowAssets(tl, { avatar: avatarUrl(tl, avatarOverride), audio: null });
  if (mine !== generation) return;

  lines = lyricLines(tl);
  renderedLine = -2;
  performer = new Performer(tl);
  scene = new StageScene('stream');
  // The glow hangs off the camera: the camera joins the scene graph to carry it.
  scene.scene.add(scene.camera);
  glow = new CrowdGlowLayer(scene.camera);
  if (crowd) glow.set(crowdGlow(crowd));
  if (!pass) pass = new OutputPass('stream');
  driver = null;
  if (vrm) {
    scene.setAvatar(vrm);
    driver = new VrmDriver(vrm);
    await clipsFromFiles(clips, driver, performer.clips);
  }
  resize();
  pass.applySettings(settings);
  lastShowTime = NaN;
  ready = true;
  if (audioCtx) void loadAudio(tl);
}

/** Decode the show's audio into the player (after the click; again when the show changes). */
async function loadAudio(tl: Timeline): Promise<void> {
  const ctx = audioCtx!;
  audio?.stop();
  const player = new AudioPlayer(ctx);
  audio = player;
  const loaded = await loadShowAssets(tl, {
    avatar: null,
    audio: ctx,
    audioOnly: true,
    onProgress: (_f, done, total) => {
      audioLoaded = done;
      audioTotal = total;
    },
  });
  for (const [song, buffers] of loaded.audio) player.addSong({ song, start: tl.songs[song]!.start, buffers });
}

async function startSound(): Promise<void> {
  if (!audioCtx) {
    audioCtx = new AudioContext({ latencyHint: 'playback' });
    if (link.timeline) void loadAudio(link.timeline);
  }
  await audioCtx.resume().catch(() => {});
  soundButton.hidden = audioCtx.state === 'running';
}
soundButton.addEventListener('click', () => void startSound());

// ------------------------------------------------------------------------------ connection

link.on('connection', () => {
  if (link.connected) {
    connEl.textContent = 'live';
    connEl.className = 'online';
    say(null);
  } else if (link.connectionError) {
    connEl.textContent = 'offline';
    if (/unauthorized/.test(link.connectionError)) say('This link needs a valid viewer token (ask the organiser for the fan link).');
  } else {
    connEl.textContent = 'reconnecting…';
    connEl.className = 'offline';
  }
});
link.on('timeline', (tl) => void loadShow(tl));
link.on('timelineError', (err) => {
  if (!link.timeline) say(`no show: ${err.message}`);
});
socket.on(CROWD_EVENTS.crowd, (f: CrowdFrame) => {
  if (crowd && f.seq < crowd.seq && f.serverTime <= crowd.serverTime) return;
  crowd = f;
  glow?.set(crowdGlow(f));
  audienceEl.textContent = `${f.viewers} watching`;
  cheerFill.style.width = `${Math.round(f.energy * 100)}%`;
});

// ------------------------------------------------------------------------------ penlight

for (const name of COLOUR_NAMES) {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = 'swatch';
  b.dataset.colour = name;
  b.title = name;
  b.setAttribute('role', 'radio');
  b.style.background = PENLIGHT_COLOURS[name];
  b.style.color = PENLIGHT_COLOURS[name];
  b.addEventListener('click', () => pickColour(name));
  coloursEl.appendChild(b);
}

function pickColour(name: PenlightColour): void {
  colour = name;
  for (const el of coloursEl.querySelectorAll<HTMLElement>('.swatch')) el.setAttribute('aria-checked', String(el.dataset.colour === name));
  document.documentElement.style.setProperty('--pen', PENLIGHT_COLOURS[name]);
}
pickColour(colour);

function wave(): void {
  const now = performance.now();
  if (now - lastWaveAt < MIN_WAVE_GAP_MS) return;
  lastWaveAt = now;
  stickEl.classList.add('waving');
  setTimeout(() => stickEl.classList.remove('waving'), 120);
  if (!link.connected) return;
  cheersSent++;
  socket.emit(CROWD_EVENTS.cheer, { colour, waves: 1 }, (r: { ok: boolean }) => {
    if (r?.ok) cheersAccepted++;
    else cheersRefused++;
  });
}
waveButton.addEventListener('click', wave);
renderer.domElement.addEventListener('pointerdown', () => {
  // The first tap on the stage also starts the sound.
  if (!audioCtx) void startSound();
  wave();
});
window.addEventListener('keydown', (e) => {
  if (e.repeat && e.key !== ' ') return;
  if (e.key === ' ' || e.key === 'w' || e.key === 'W') {
    e.preventDefault();
    wave();
  } else if (e.key >= '1' && e.key <= '9') pickColour(COLOUR_NAMES[Number(e.key) - 1]!);
});

// ------------------------------------------------------------------------------ lyrics

let renderedLine = -2;
let renderedNext = -2;
let lyricState: KaraokeState = { line: -1, sung: 0, active: -1, progress: 0, next: -1 };

function lineElements(el: HTMLElement, line: LyricLine | undefined): void {
  el.textContent = '';
  if (!line) return;
  for (const s of line.syllables) {
    const span = document.createElement('span');
    span.className = 'syl';
    const text = s.space ? `${s.text} ` : s.text;
    span.textContent = text;
    span.dataset.text = text;
    el.appendChild(span);
  }
}

function drawLyrics(showTime: number): void {
  const k = karaokeAt(lines, showTime);
  lyricState = k;
  if (k.line !== renderedLine) {
    lineElements(lineNowEl, lines[k.line]);
    renderedLine = k.line;
  }
  const next = k.line >= 0 ? k.next : -1;
  if (next !== renderedNext) {
    lineElements(lineNextEl, lines[next]);
    renderedNext = next;
  }
  const spans = lineNowEl.children;
  for (let i = 0; i < spans.length; i++) {
    const el = spans[i] as HTMLElement;
    const state = i === k.active ? 'syl active' : i < k.sung ? 'syl sung' : 'syl';
    if (el.className !== state) el.className = state;
    if (i === k.active) el.style.setProperty('--p', `${Math.round(k.progress * 100)}%`);
  }
}

// ------------------------------------------------------------------------------ frame

function render(now: number): void {
  requestAnimationFrame(render);
  if (!ready || !performer || !scene || !pass) return;
  const showTime = clock.showTime() + settings.latencyMs / 1000;
  lastShowTime = performFrame(showTime, lastShowTime, performer, frame, driver, scene);
  glow?.update(lastFrameAt ? (now - lastFrameAt) / 1000 : 0, now / 1000);
  lastFrameAt = now;
  const black = clock.blackout();
  pass.applyGainScale(1 - black);
  pass.render(renderer, scene.scene, scene.camera);
  audio?.update(frame.song, showTime, clock.playing, black);
  drawLyrics(showTime);
}
requestAnimationFrame(render);

// ------------------------------------------------------------------------------ debug (read-only)

Object.defineProperty(window, '__holostageLive', {
  value: Object.freeze({
    state: () => {
      const line = lines[lyricState.line];
      return {
        ready,
        connected: link.connected,
        connects: link.connects,
        showTime: frame.showTime,
        playing: clock.playing,
        entry: frame.entry,
        song: frame.song,
        clockSamples: sync.totalSamples,
        lyric: {
          line: lyricState.line,
          text: line ? line.syllables.map((s) => s.text).join('') : '',
          sung: lyricState.sung,
          active: lyricState.active,
          activeText: line && lyricState.active >= 0 ? line.syllables[lyricState.active]!.text : null,
          progress: lyricState.progress,
        },
        crowd,
        glow: glow ? { ...glow.update(0, performance.now() / 1000) } : null,
        colour,
        cheers: { sent: cheersSent, accepted: cheersAccepted, refused: cheersRefused },
        audio: { context: audioCtx?.state ?? 'none', loaded: audioLoaded, total: audioTotal, restarts: audio?.restarts ?? 0, buttonShown: !soundButton.hidden },
        size: { width: renderer.domElement.width, height: renderer.domElement.height },
      };
    },
  }),
  writable: false,
  configurable: false,
});
