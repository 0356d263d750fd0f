// The stage output page: /stage?output=<id>&token=<token>[&debug]
// Connects to the show server, syncs the clock, loads the show's assets (with a progress bar) and
// renders the singer every frame at the synced show time through the output's profile. Thin glue:
// the per-frame decisions live in perform/ (pure) and the drawing in render/ and outputs/.

import { HAND_POSE_NAMES } from './perform/hands.ts';
import * as THREE from 'three';
import { io, type Socket } from 'socket.io-client';
import { GLTFLoader } from 'three/examples/jsm/loaders/GLTFLoader.js';
import { VRMLoaderPlugin, VRMUtils, type VRM } from '@pixiv/three-vrm';
import type { OutputKind, OutputSettings, Timeline } from '../../show-files/src/timeline.ts';
import { EVENTS, type TransportSnapshot, CROWD_EVENTS, crowdGlow, type CrowdFrame } from '../../protocol/index.ts';
import { ClockSync, ClockSyncLoop } from '../../protocol/index.ts';
import { Performer, createFrame } from './perform/performer.ts';
import { VrmDriver } from './render/vrm-driver.ts';
import { StageScene } from './render/stage-scene.ts';
import { performFrame } from './render/perform-frame.ts';
import { OutputPass, DEFAULT_SETTINGS } from './outputs/output-pass.ts';
import { SyncedShowClock, WorkerClock } from './net/show-clock.ts';
import type { ClockWorkerReport, ClockWorkerStart } from './net/clock-worker.ts';
import { clipFromFile, MOTION_FILE } from './render/clips.ts';
import { describeVrm, type AvatarDescription } from './avatar/describe.ts';
import { AudioPlayer } from './audio/player.ts';
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
const DEFAULT_AVATAR = '/assets/avatars/holo.vrm';

const loadingEl = document.getElementById('loading')!;
const loadingText = document.getElementById('loading-text')!;
const loadingFill = document.getElementById('loading-fill') as HTMLDivElement;
const statusEl = document.getElementById('status')!;

// ---------------------------------------------------------------------------------------- state

const sync = new ClockSync({ now: () => performance.now() });
const clock = new SyncedShowClock(sync);
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
let timeline: Timeline | null = null;
let timelineRevision = -1;
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
let connected = false;
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

function showUrl(path: string): string {
  if (/^(https?:)?\//.test(path)) return path;
  return `/show/${path.split('/').map(encodeURIComponent).join('/')}`;
}

function setProgress(fraction: number, text: string): void {
  loadingEl.style.display = fraction >= 1 ? 'none' : 'block';
  loadingFill.style.width = `${Math.round(fraction * 100)}%`;
  loadingText.textContent = text;
}

/** Fetches with byte progress (when the server sends a length). */
async function fetchBytes(url: string, onProgress: (f: number) => void): Promise<ArrayBuffer> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  const total = Number(res.headers.get('content-length') ?? 0);
  if (!res.body || !total) {
    const b = await res.arrayBuffer();
    onProgress(1);
    return b;
  }
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let got = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    got += value.length;
    onProgress(Math.min(1, got / total));
  }
  const out = new Uint8Array(got);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out.buffer;
}

async function loadVrm(bytes: ArrayBuffer): Promise<VRM> {
  const loader = new GLTFLoader();
  loader.register((parser) => new VRMLoaderPlugin(parser));
  const gltf = await loader.parseAsync(bytes, '');
  const vrm = gltf.userData.vrm as VRM | undefined;
  if (!vrm) throw new Error('the avatar file is not a VRM');
  VRMUtils.removeUnnecessaryVertices(gltf.scene);
  return vrm;
}

let loadGeneration = 0;

async function loadShow(tl: Timeline): Promise<void> {
  const generation = ++loadGeneration;
  ready = false;
  const output = tl.outputs.find((o) => o.id === outputId);
  kind = output?.kind ?? (outputId === 'preview' ? 'preview' : 'projector');
  if (output && settings === DEFAULT_SETTINGS) settings = output.settings;

  const jobs: { url: string; what: string; use: (b: ArrayBuffer) => Promise<void> | void }[] = [];
  const avatarPath = avatarOverride ?? (tl.show.avatar ? showUrl(tl.show.avatar) : DEFAULT_AVATAR);
  let vrm: VRM | null = null;
  if (avatarPath !== 'none') jobs.push({ url: avatarPath, what: 'avatar', use: async (b) => { vrm = await loadVrm(b); } });
  const clipFiles = new Set<string>();
  for (const s of tl.songs) for (const m of s.tracks.motion) if (MOTION_FILE.test(m.clip)) clipFiles.add(m.clip);
  const clipBytes = new Map<string, ArrayBuffer>();
  for (const c of clipFiles) jobs.push({ url: showUrl(c), what: `motion ${c}`, use: (b) => { clipBytes.set(c, b); } });
  const wantAudio = settings.audio && (kind === 'stream' || kind === 'preview');
  const audioCtx = wantAudio ? new AudioContext({ latencyHint: 'playback' }) : null;
  const songAudio = new Map<number, { buffer: AudioBuffer; gain: number }[]>();
  if (audioCtx) {
    tl.songs.forEach((s, i) => {
      const files: { file: string; gainDb: number }[] = [];
      if (s.backingAudio) files.push(s.backingAudio);
      const vocal = (s as { vocalAudio?: string }).vocalAudio;
      if (vocal) files.push({ file: vocal, gainDb: s.voice.gainDb });
      for (const f of files) {
        jobs.push({
          url: showUrl(f.file), what: `audio ${f.file}`,
          use: async (b) => {
            const buffer = await audioCtx.decodeAudioData(b);
            const list = songAudio.get(i) ?? [];
            list.push({ buffer, gain: Math.pow(10, f.gainDb / 20) });
            songAudio.set(i, list);
          },
        });
      }
    });
  }

  assetsTotal = jobs.length;
  assetsLoaded = 0;
  const partial = new Array<number>(jobs.length).fill(0);
  const progress = () => setProgress(partial.reduce((a, b) => a + b, 0) / Math.max(1, jobs.length), `loading ${tl.show.title}: ${assetsLoaded}/${assetsTotal}`);
  progress();
  await Promise.all(
    jobs.map(async (job, i) => {
      try {
        const bytes = await fetchBytes(job.url, (f) => {
          partial[i] = f * 0.9;
          progress();
        });
        await job.use(bytes);
      } catch (err) {
        console.error(`holostage stage: could not load ${job.what}:`, err);
      }
      partial[i] = 1;
      assetsLoaded++;
      progress();
    }),
  );
  if (generation !== loadGeneration) return;

  // Build the stage for this show (a reload frees the previous avatar's GPU buffers).
  if (driver) VRMUtils.deepDispose(driver.vrm.scene);
  timeline = tl;
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
  const loadedVrm = vrm as VRM | null;
  if (loadedVrm) {
    scene.setAvatar(loadedVrm);
    driver = new VrmDriver(loadedVrm);
    avatar = describeVrm(loadedVrm);
    for (const [name, bytes] of clipBytes) {
      try {
        performer.clips.set(name, await clipFromFile(name, bytes, driver));
      } catch (err) {
        console.error(`holostage stage: motion ${name} unusable:`, err);
      }
    }
  } else {
    driver = null;
    avatar = null;
  }
  audio?.stop();
  audio = null;
  if (audioCtx) {
    audio = new AudioPlayer(audioCtx);
    for (const [song, buffers] of songAudio) audio.addSong({ song, start: tl.songs[song]!.start, buffers });
    void audioCtx.resume().catch(() => {});
  }
  resize();
  settingsProblem = pass.applySettings(settings);
  lastShowTime = NaN;
  ready = true;
  setProgress(1, '');
}

// ----------------------------------------------------------------------------------- connection

const socket: Socket = io({ auth: { token }, query: { token, output: outputId }, transports: ['websocket'] });
const syncLoop = new ClockSyncLoop(sync, socket);
/** Studio songs the organiser previews (issue 17); the server sends them to preview outputs only. */
const studioPreview = new StudioPreview(socket);

function takeSnapshot(s: TransportSnapshot | null | undefined): void {
  if (s && typeof s === 'object' && typeof s.showTime === 'number') clock.setSnapshot(s);
}

async function fetchTimeline(): Promise<void> {
  const reply = (await socket.timeout(10_000).emitWithAck(EVENTS.timeline)) as { revision: number; timeline: Timeline } | Timeline;
  const tl = 'timeline' in reply ? reply.timeline : reply;
  const revision = 'revision' in reply ? reply.revision : timelineRevision + 1;
  if (revision === timelineRevision && timeline) return;
  timelineRevision = revision;
  await loadShow(tl);
}

socket.on('connect', () => {
  connected = true;
  // A (re)connect may reach a restarted server: resync the clock (the old offset stays in use
  // until new samples arrive; the server clock is epoch based) and take its snapshot as is.
  syncLoop.restart();
  clock.forgetRevision();
  socket.emit(EVENTS.snapshot, (s: TransportSnapshot) => takeSnapshot(s));
});
socket.on('disconnect', (reason) => {
  connected = false;
  // Keep rendering on the last snapshot and clock offset until the server is back. socket.io
  // retries by itself except when the server closed the connection; an output always comes back.
  syncLoop.stop();
  if (reason === 'io server disconnect') setTimeout(() => socket.connect(), 1000);
});
socket.on('connect_error', (err) => {
  setProgress(0, `cannot connect: ${err.message}`);
});
socket.on(EVENTS.hello, (hello: { transport?: TransportSnapshot; settings?: OutputSettings | null }) => {
  takeSnapshot(hello.transport);
  if (hello.settings) applyOutputSettings(hello.settings);
  void fetchTimeline().catch((err) => setProgress(0, `no show: ${(err as Error).message}`));
});
socket.on(EVENTS.transport, (s: TransportSnapshot) => takeSnapshot(s));
socket.on(EVENTS.showLoaded, () => {
  void fetchTimeline().catch(() => {});
});
socket.on(CROWD_EVENTS.crowd, (f: CrowdFrame) => {
  crowd = f;
  glow?.set(crowdGlow(f));
});
socket.on(EVENTS.outputSettings, (s: OutputSettings | { settings: OutputSettings }) => {
  applyOutputSettings('settings' in s ? s.settings : s);
});

setInterval(() => {
  if (!connected) return;
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
  history.push({ wall, showTime, aa: frame.mouth.aa });
  if (history.length > 600) history.splice(0, history.length - 600);
  if (debug) statusEl.textContent = statusLine();
}
requestAnimationFrame(render);

function statusLine(): string {
  return `${outputId} ${kind} t=${frame.showTime.toFixed(3)} entry=${frame.entry} fps=${stats.fps.toFixed(1)} dropped=${stats.dropped} offset=${clockOffsetMs().toFixed(1)}ms ${connected ? 'online' : 'OFFLINE'}`;
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
      connected,
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
      timelineRevision,
      audio: audio ? { state: audio.ctx.state, ...audio.position(), restarts: audio.restarts, drift: audio.drift } : null,
    }),
    /** Recent frames as [epoch ms at the frame, show time drawn, aa weight drawn]. */
    studioPreview: () => studioPreview.state(),
    history: () => history.map((h) => [h.wall, h.showTime, h.aa] as const),
  }),
  writable: false,
  configurable: false,
});
