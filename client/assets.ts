// The show's files as a page needs them: the avatar (VRM), the motion clip files and each song's
// audio (backing track and synthesized vocal), fetched from the server's /show/ folder with byte
// progress. One loader for the stage and the fan viewer; a file that fails is reported and left
// out (the show goes on without it), never fatal.

import { GLTFLoader } from 'three/examples/jsm/loaders/GLTFLoader.js';
import { VRMLoaderPlugin, VRMUtils, type VRM } from '@pixiv/three-vrm';
import type { Timeline } from '../show-files/src/timeline.ts';

export const DEFAULT_AVATAR = '/assets/avatars/holo.vrm';
/** The clip files a page loads itself (the built-in motions need no file). */
export const MOTION_FILE = /\.(vrma|bvh|vmd)$/i;

/** A show-relative path as a URL under /show/; absolute paths and URLs are kept. */
export function showUrl(path: string): string {
  if (/^(https?:)?\//.test(path)) return path;
  return `/show/${path.split('/').map(encodeURIComponent).join('/')}`;
}

/** Fetches with byte progress 0..1 (when the server sends a length). */
export async function fetchBytes(url: string, onProgress: (fraction: number) => void = () => {}): Promise<ArrayBuffer> {
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

export async function parseVrm(bytes: ArrayBuffer): Promise<VRM> {
  const loader = new GLTFLoader();
  loader.register((parser) => new VRMLoaderPlugin(parser));
  const gltf = await loader.parseAsync(bytes, '');
  const vrm = gltf.userData.vrm as VRM | undefined;
  if (!vrm) throw new Error('the avatar file is not a VRM');
  VRMUtils.removeUnnecessaryVertices(gltf.scene);
  return vrm;
}

/** The avatar URL: the page's override (`none` for an empty stage), the show's, or the default. */
export function avatarUrl(tl: Timeline, override: string | null): string | null {
  const url = override ?? (tl.show.avatar ? showUrl(tl.show.avatar) : DEFAULT_AVATAR);
  return url === 'none' ? null : url;
}

/** Distinct motion clip files cued anywhere in the show. */
export function motionFiles(tl: Timeline): string[] {
  const files = new Set<string>();
  for (const s of tl.songs) for (const m of s.tracks.motion) if (MOTION_FILE.test(m.clip)) files.add(m.clip);
  return [...files];
}

export interface SongAudioFile {
  song: number;
  file: string;
  /** Linear gain for the file (from the song's dB). */
  gain: number;
}

/** Every audio file of the show: each song's backing track and its synthesized vocal. */
export function audioFiles(tl: Timeline): SongAudioFile[] {
  const out: SongAudioFile[] = [];
  const gain = (db: number): number => Math.pow(10, db / 20);
  tl.songs.forEach((s, song) => {
    if (s.backingAudio) out.push({ song, file: s.backingAudio.file, gain: gain(s.backingAudio.gainDb) });
    if (s.vocalAudio) out.push({ song, file: s.vocalAudio, gain: gain(s.voice.gainDb) });
  });
  return out;
}

export interface ShowAssets {
  vrm: VRM | null;
  /** Motion clip file -> its bytes (turned into clips once the avatar is known). */
  clips: Map<string, ArrayBuffer>;
  /** Song index -> its decoded audio (empty without an audio context). */
  audio: Map<number, { buffer: AudioBuffer; gain: number }[]>;
  /** What could not be loaded, as "what: reason". */
  failures: string[];
}

export interface LoadOptions {
  avatar: string | null;
  /** Decode the show's audio into this context; none when null. */
  audio: AudioContext | null;
  /** Skip the avatar and clips (a page that loads only the audio). */
  audioOnly?: boolean;
  onProgress?: (fraction: number, loaded: number, total: number) => void;
}

/** Loads everything in parallel; each file's failure is recorded and the rest still load. */
export async function loadShowAssets(tl: Timeline, options: LoadOptions): Promise<ShowAssets> {
  const assets: ShowAssets = { vrm: null, clips: new Map(), audio: new Map(), failures: [] };
  const jobs: { url: string; what: string; use: (b: ArrayBuffer) => Promise<void> | void }[] = [];
  if (!options.audioOnly && options.avatar) jobs.push({ url: options.avatar, what: 'avatar', use: async (b) => { assets.vrm = await parseVrm(b); } });
  if (!options.audioOnly) for (const c of motionFiles(tl)) jobs.push({ url: showUrl(c), what: `motion ${c}`, use: (b) => { assets.clips.set(c, b); } });
  const ctx = options.audio;
  if (ctx) {
    for (const f of audioFiles(tl)) {
      jobs.push({
        url: showUrl(f.file),
        what: `audio ${f.file}`,
        use: async (b) => {
          const buffer = await ctx.decodeAudioData(b);
          const list = assets.audio.get(f.song) ?? [];
          list.push({ buffer, gain: f.gain });
          assets.audio.set(f.song, list);
        },
      });
    }
  }
  const partial = new Array<number>(jobs.length).fill(0);
  let loaded = 0;
  const progress = (): void => options.onProgress?.(partial.reduce((a, b) => a + b, 0) / Math.max(1, jobs.length), loaded, jobs.length);
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
        assets.failures.push(`${job.what}: ${(err as Error).message}`);
        console.error(`holostage: could not load ${job.what}:`, err);
      }
      partial[i] = 1;
      loaded++;
      progress();
    }),
  );
  return assets;
}
