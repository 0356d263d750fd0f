// The stage output page: /stage?output=<id>&token=<token>[&debug]
// Connects to the show server, syncs the clock, loads the show's assets (with a progress bar) and
// renders the singer every frame at the synced show time through the output's profile. Thin glue:
// the per-frame decisions live in perform/ (pure) and the drawing in render/ and outputs/.

import { HAND_POSE_NAMES } from './perform/hands.ts';
import * as THREE from 'three';
import { VRMUtils } from '@pixiv/three-vrm';
import type { OutputKind, OutputSettings, Timeline } from '../../show-files/src/timeline.ts';
import { EVENTS, CROWD_EVENTS, crowdGlow, type CrowdFrame } from '../../protocol/index.ts';
import { ShowLink } from '../../client/show-link.ts';
import { WorkerClock } from '../../client/show-clock.ts';
import { avatarUrl, loadShowAssets } from '../../client/assets.ts';
import { Performer, createFrame } from './perform/performer.ts';
import { VrmDriver } from './render/vrm-driver.ts';
import { StageScene } from './render/stage-scene.ts';
import { performFrame } from './render/perform-frame.ts';
import { OutputPass, DEFAULT_SETTINGS } from './outputs/output-pass.ts';
import type { ClockWorkerReport, ClockWorkerStart } from './net/clock-worker.ts';
import { clipsFromFiles } from './render/clips.ts';
import { describeVrm, type AvatarDescription } from './avatar/describe.ts';
import { AudioPlayer } from './audio/player.ts';
import { openLtcOutput, tapOutput, type LtcOutput } from './audio/ltc-output.ts';
import { FrameStats } from './stats.ts';
import { CrowdGlowLayer } from './render/crowd-glow.ts';
import { StudioPreview } from './preview/studio-preview.ts';

const params = new URLSearchParams(location.search);
const outputId = params.get('output') ?? '';
const token = params.get('token') ?? '';
const debug = params.has('debug');
/** `avatar=none` renders the empty stage; `avatar=<url>` tries another VRM without editing the show. */
const avatarOverride = params.get('avatar');
/** `outline=0|1` overrides the profile's choice of toon outlines (off helps a weak machine). */
const outlineParam = params.get('outline');
/** `toon=mtoon` draws every avatar material with three-vrm's MToon (no lite toon shaders). */
const liteToon = params.get('toon') !== 'mtoon';
/** `hands=<pose>` holds both hands in one pose (relaxed, open, fist, point, peace, mic): for a look at the hands. */
const handsParam = params.get('hands');
const handOverride = HAND_POSE_NAMES.find((n) => n === handsParam) ?? null;

const loadingEl = document.getElementById('loading')!;
const loadingText = document.getElementById('loading-text')!;
const loadingFill = document.getElementById('loading-fill') as HTMLDivElement;
const statusEl = document.getElementById('status')!;

// ---------------------------------------------------------------------------------------- state

const link = new ShowLink({ token, query: { token, output: outputId } });
const { sync, clock, socket } = link;
// Clock sync runs in a worker when it can (short round trips even when frames are slow); the
// main-thread sync below is the fallback and covers the first moments.
const workerClock = new WorkerClock();
try {
  const worker = new Worker(new URL('./net/clock-worker.ts', import.meta.url), { type: 'module' });
  worker.onmessage = (e: MessageEvent<ClockWorkerReport>) => {
    const r = e.data;
    workerClock.offsetEpochMs = r.offsetEpochMs;
    workerClock.roundTripMs = r.roundTripMs;
    workerClock.samples = r.samples;
    if (r.samples >= 4) clock.useServerClock(workerClock);
  };
  worker.postMessage({ url: location.origin, token, output: outputId } satisfies ClockWorkerStart);
} catch (err) {
  console.warn('holostage stage: no clock worker, syncing on the main thread', err);
}
let kind: OutputKind = 'projector';
let settings: OutputSettings = DEFAULT_SETTINGS;
let performer: Performer | null = null;
let driver: VrmDriver | null = null;
let avatar: AvatarDescription | null = null;
let scene: StageScene | null = null;
/** The fans' penlight glow (issue 7); none on the transparent screen, where black must stay clear. */
let glow: CrowdGlowLayer | null = null;
let crowd: CrowdFrame | null = null;
let lastGlowAt = 0;
let pass: OutputPass | null = null;
let audio: AudioPlayer | null = null;
/** LTC on one channel of this output's sound (`ltc=left|right`, stream and preview outputs with audio). */
let ltc: LtcOutput | null = null;
let assetsLoaded = 0;
let assetsTotal = 0;
let ready = false;
let lastShowTime = NaN;
let settingsProblem: string | null = null;
const frame = createFrame();
const stats = new FrameStats();
/** Recent frames: wall clock (epoch ms) at the frame, the show time drawn and its "aa" weight. */
const history: { wall: number; showTime: number; aa: number }[] = [];

const renderer = new THREE.WebGLRenderer({ antialias: false, powerPreference: 'high-performance', preserveDrawingBuffer: false });
renderer.setPixelRatio(1);
renderer.autoClear = true;
// Draw calls and triangles are counted over a whole frame (scene, keystone mask, output pass).
renderer.info.autoReset = false;
document.body.appendChild(renderer.domElement);

// ------------------------------------------------------------------------------------- settings

/** Applies an output profile live (the desk sends these); a bad keystone is refused, the rest kept. */
export function applyOutputSettings(next: OutputSettings): string | null {
  const sizeChanged = next.width !== settings.width || next.height !== settings.height;
  settings = next;
  if (sizeChanged || !pass) resize();
  settingsProblem = pass ? pass.applySettings(next) : null;
  return settingsProblem;
}

function resize(): void {
  renderer.setSize(settings.width, settings.height, false);
  // Fit the picture in the window, keeping its pixels (a projector runs the page at its native size).
  const scale = Math.min(window.innerWidth / settings.width, window.innerHeight / settings.height);
  renderer.domElement.style.width = `${Math.round(settings.width * scale)}px`;
  renderer.domElement.style.height = `${Math.round(settings.height * scale)}px`;
  pass?.setSize(settings.width, settings.height);
  scene?.setAspect(settings.width / settings.height);
  glow?.fit();
}
window.addEventListener('resize', resize);

// --------------------------------------------------------------------------------------- assets

function setProgress(fraction: number, text: string): void {
  loadingEl.style.display = fraction >= 1 ? 'none' : 'block';
  loadingFill.style.width = `${Math.round(fraction * 100)}%`;
  loadingText.textContent = text;
}

let loadGeneration = 0;

async function loadShow(tl: Timeline): Promise<void> {
  const generation = ++loadGeneration;
  ready = false;
  const output = tl.outputs.find((o) => o.id === outputId);
  kind = output?.kind ?? (outputId === 'preview' ? 'preview' : 'projector');
  if (output && settings === DEFAULT_SETTINGS) settings = output.settings;

  const wantAudio = settings.audio && (kind === 'stream' || kind === 'preview');
  const audioCtx = wantAudio ? new AudioContext({ latencyHint: 'playback' }) : null;
  const loaded = await loadShowAssets(tl, {
    avatar: avatarUrl(tl, avatarOverride),
    audio: audioCtx,
    onProgress: (fraction, done, total) => {
      assetsLoaded = done;
      assetsTotal = total;
      setProgress(fraction, `loading ${tl.show.title}: ${done}/${total}`);
    },
  });
  if (generation !== loadGeneration) return;

  // Build the stage for this show (a reload frees the previous avatar's GPU buffers).
  if (driver) VRMUtils.deepDispose(driver.vrm.scene);
  performer = new Performer(tl);
  performer.handOverride = handOverride;
  scene = new StageScene(kind, outlineParam === null ? undefined : outlineParam !== '0', { liteToon });
  if (!pass) pass = new OutputPass(kind);
  glow = null;
  if (kind !== 'transparent') {
    scene.scene.add(scene.camera);
    glow = new CrowdGlowLayer(scene.camera);
    if (crowd) glow.set(crowdGlow(crowd));
  }
  if (loaded.vrm) {
    scene.setAvatar(loaded.vrm);
    driver = new VrmDriver(loaded.vrm);
    avatar = describeVrm(loaded.vrm);
    await clipsFromFiles(loaded.clips, driver, performer.clips);
  } else {
    driver = null;
    avatar = null;
  }
  audio?.stop();
  audio = null;
  ltc?.track.stop();
  ltc = null;
  if (audioCtx) {
    ltc = await openLtcOutput(audioCtx, params.get('ltc'));
    audio = new AudioPlayer(audioCtx, ltc?.showAudio);
    for (const [song, buffers] of loaded.audio) audio.addSong({ song, start: tl.songs[song]!.start, buffers });
    void audioCtx.resume().catch(() => {});
  }
  resize();
  settingsProblem = pass.applySettings(settings);
  lastShowTime = NaN;
  ready = true;
  setProgress(1, '');
}

// ----------------------------------------------------------------------------------- connection

/** Studio songs the organiser previews (issue 17); the server sends them to preview outputs only. */
const studioPreview = new StudioPreview(socket);

link.on('connection', () => {
  if (link.connectionError && !link.connected) setProgress(0, `cannot connect: ${link.connectionError}`);
});
link.on('hello', (hello) => {
  if (hello.settings) applyOutputSettings(hello.settings);
});
link.on('timeline', (tl) => void loadShow(tl));
link.on('timelineError', (err) => {
  if (!link.timeline) setProgress(0, `no show: ${err.message}`);
});
socket.on(CROWD_EVENTS.crowd, (f: CrowdFrame) => {
  crowd = f;
  glow?.set(crowdGlow(f));
});
socket.on(EVENTS.outputSettings, (s: OutputSettings | { settings: OutputSettings }) => {
  applyOutputSettings('settings' in s ? s.settings : s);
});

setInterval(() => {
  if (!link.connected) return;
  socket.emit(EVENTS.outputHealth, {
    fps: Math.round(stats.fps * 10) / 10,
    droppedFrames: stats.dropped,
    clockOffsetMs: Math.round(clockOffsetMs() * 100) / 100,
    roundTripMs: roundTripMs() === Infinity ? null : Math.round(roundTripMs() * 100) / 100,
    assetsLoaded,
    assetsTotal,
    profile: kind,
    showTime: Math.round(frame.showTime * 1000) / 1000,
    avatar: avatar ? { name: avatar.name, lipSyncReady: avatar.lipSyncReady } : null,
  });
}, 1000);

// ---------------------------------------------------------------------------------------- frame

function render(now: number): void {
  requestAnimationFrame(render);
  stats.tick(now);
  if (!ready || !performer || !scene || !pass) return;
  const showTime = clock.showTime() + settings.latencyMs / 1000;
  // The instant that show time belongs to (a late frame callback runs well after its rAF stamp).
  const wall = performance.timeOrigin + performance.now();
  lastShowTime = performFrame(showTime, lastShowTime, performer, frame, driver, scene, kind === 'preview' ? studioPreview.shapeMouth : undefined);
  const black = clock.blackout();
  pass.applyGainScale(1 - black);
  glow?.update(lastGlowAt ? (now - lastGlowAt) / 1000 : 0, now / 1000);
  lastGlowAt = now;
  renderer.info.reset();
  pass.render(renderer, scene.scene, scene.camera);
  audio?.update(frame.song, showTime, clock.playing, black);
  ltc?.track.update(showTime, clock.playing);
  history.push({ wall, showTime, aa: frame.mouth.aa });
  if (history.length > 600) history.splice(0, history.length - 600);
  if (debug) statusEl.textContent = statusLine();
}
requestAnimationFrame(render);

function statusLine(): string {
  return `${outputId} ${kind} t=${frame.showTime.toFixed(3)} entry=${frame.entry} fps=${stats.fps.toFixed(1)} dropped=${stats.dropped} offset=${clockOffsetMs().toFixed(1)}ms ${link.connected ? 'online' : 'OFFLINE'}`;
}

/** Server clock minus this machine's wall clock, ms (the sync offset is against performance.now()). */
function clockOffsetMs(): number {
  if (workerClock.samples >= 4) return workerClock.offsetEpochMs;
  return sync.synced ? sync.offset - performance.timeOrigin : 0;
}

function roundTripMs(): number {
  return workerClock.samples >= 4 ? workerClock.roundTripMs : sync.roundTrip;
}

// ------------------------------------------------------------------------------ debug (read-only)

const round3 = (x: number) => Math.round(x * 1000) / 1000;
Object.defineProperty(window, '__holostage', {
  value: Object.freeze({
    state: () => ({
      output: outputId,
      kind,
      ready,
      connected: link.connected,
      server: link.failover.current ?? location.origin,
      showTime: frame.showTime,
      playing: clock.playing,
      entry: frame.entry,
      song: frame.song,
      beat: round3(frame.beat),
      weights: { aa: round3(frame.mouth.aa), ih: round3(frame.mouth.ih), ou: round3(frame.mouth.ou), ee: round3(frame.mouth.ee), oh: round3(frame.mouth.oh) },
      blink: round3(frame.blink),
      happy: round3(frame.happy),
      mood: { angry: round3(frame.angry), sad: round3(frame.sad), relaxed: round3(frame.relaxed), surprised: round3(frame.surprised) },
      motion: frame.motion,
      camera: { ...frame.camera },
      lights: frame.lights.fixtures.map((f) => round3(f.intensity * frame.lights.master)),
      crowd: crowd ? { viewers: crowd.viewers, energy: crowd.energy, holding: crowd.holding } : null,
      crowdGlow: glow ? round3(glow.update(0, performance.now() / 1000).intensity) : 0,
      fps: stats.fps,
      droppedFrames: stats.dropped,
      frames: stats.frames,
      clockOffsetMs: clockOffsetMs(),
      roundTripMs: roundTripMs(),
      clockSamples: sync.totalSamples + workerClock.samples,
      assetsLoaded,
      assetsTotal,
      avatar,
      avatarRect: scene ? scene.avatarRect(settings.width, settings.height) : null,
      face: scene ? scene.faceLandmarks(settings.width, settings.height) : null,
      toon: scene?.toon ?? null,
      render: { calls: renderer.info.render.calls, triangles: renderer.info.render.triangles, programs: renderer.info.programs?.length ?? 0 },
      settings: JSON.parse(JSON.stringify(settings)) as OutputSettings,
      settingsProblem,
      timelineRevision: link.timelineRevision,
      audio: audio ? { state: audio.ctx.state, ...audio.position(), restarts: audio.restarts, drift: audio.drift } : null,
      ltc: ltc ? { rate: ltc.track.rate, offsetSeconds: ltc.track.offsetSeconds, restarts: ltc.track.restarts, scheduledFrames: ltc.track.scheduledFrames } : null,
    }),
    /** Records the output's two channels for `seconds`, with the show clock's timecode at each block (LTC tests). */
    audioTap: (seconds: number) => (ltc ? tapOutput(ltc, seconds, (at) => clock.showTime() + settings.latencyMs / 1000 + (at - ltc!.track.contextNow()) + ltc!.track.offsetSeconds) : Promise.resolve(null)),
    /** Recent frames as [epoch ms at the frame, show time drawn, aa weight drawn]. */
    studioPreview: () => studioPreview.state(),
    history: () => history.map((h) => [h.wall, h.showTime, h.aa] as const),
  }),
  writable: false,
  configurable: false,
});
