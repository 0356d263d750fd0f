// Loads a .vrm in plain Node (no DOM, no WebGL) for the CLI, tests and benchmarks. GLTFLoader
// looks for `self` when it meets embedded images, so it is provided first; textures then come
// back empty, which is fine without a renderer.

import { readFile } from 'node:fs/promises';
import { GLTFLoader } from 'three/examples/jsm/loaders/GLTFLoader.js';
import { VRMLoaderPlugin, type VRM } from '@pixiv/three-vrm';

export class NotAVrmError extends Error {}

export async function loadVrmFromBytes(bytes: ArrayBuffer | Uint8Array, label = 'file'): Promise<VRM> {
  const g = globalThis as { self?: unknown };
  if (g.self === undefined) g.self = globalThis;
  const buf = bytes instanceof Uint8Array ? bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) : bytes;
  const head = new Uint8Array(buf, 0, Math.min(4, buf.byteLength));
  const magic = String.fromCharCode(...head);
  if (magic !== 'glTF' && magic.trimStart()[0] !== '{') throw new NotAVrmError(`${label} is not a VRM: not a glTF file (no "glTF" header)`);
  const loader = new GLTFLoader();
  loader.register((parser) => new VRMLoaderPlugin(parser));
  let gltf;
  try {
    gltf = await loader.parseAsync(buf as ArrayBuffer, '');
  } catch (err) {
    throw new NotAVrmError(`${label} is not a VRM: ${(err as Error).message}`);
  }
  const vrm = gltf.userData.vrm as VRM | undefined;
  if (!vrm) throw new NotAVrmError(`${label} is not a VRM: a glTF file without the VRMC_vrm (1.0) or VRM (0.x) extension`);
  return vrm;
}

export async function loadVrmFile(path: string): Promise<VRM> {
  const bytes = await readFile(path);
  return loadVrmFromBytes(new Uint8Array(bytes), path);
}
