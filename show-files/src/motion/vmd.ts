// MMD motion files (.vmd, "Vocaloid Motion Data 0002"): read and write the bone and morph key
// frames. Layout (little-endian): a 30-byte header, a 20-byte model name, then
//   uint32 bone key count, each 111 bytes: name (15 bytes Shift-JIS, NUL-padded), frame (uint32),
//     position (3 × float32), rotation quaternion (x y z w, float32), interpolation (64 bytes);
//   uint32 morph key count, each 23 bytes: name (15 bytes), frame (uint32), weight (float32);
// then camera, light and shadow sections, which a dance does not need and are skipped. Frames are
// 30 per second. Coordinates are MMD's (left-handed, the model facing -Z);
// stage/src/motion/vmd-retarget.ts turns them into the humanoid's. A broken file gets a VmdError naming the file, the byte offset and what
// was expected, never a half-read motion.

import { decodeShiftJis, encodeShiftJis } from './sjis.ts';

export const VMD_FPS = 30;
const HEADER = 'Vocaloid Motion Data 0002';
const OLD_HEADER = 'Vocaloid Motion Data file';
const BONE_KEY = 111;
const MORPH_KEY = 23;

export interface VmdBoneKey {
  frame: number;
  position: [number, number, number];
  rotation: [number, number, number, number];
  /** Bézier control points per channel (x, y, z, rotation): [x1, y1, x2, y2] in 0..127. */
  curves: [number, number, number, number][];
}
export interface VmdMorphKey { frame: number; weight: number }

export interface VmdMotion {
  modelName: string;
  /** Keys per bone name, sorted by frame. */
  bones: Map<string, VmdBoneKey[]>;
  morphs: Map<string, VmdMorphKey[]>;
}

export class VmdError extends Error {
  constructor(readonly file: string, readonly offset: number, readonly detail: string) {
    super(`${file}: byte ${offset}: ${detail}`);
    this.name = 'VmdError';
  }
}

/** Straight-line interpolation, as MMD writes for a linear key. */
export const LINEAR: [number, number, number, number] = [20, 20, 107, 107];

class Reader {
  offset = 0;
  private readonly view: DataView;
  constructor(private readonly bytes: Uint8Array, private readonly file: string) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  need(n: number, what: string): void {
    if (this.offset + n > this.bytes.length) throw new VmdError(this.file, this.offset, `the file ends inside ${what} (needs ${n} more bytes, has ${this.bytes.length - this.offset})`);
  }
  text(n: number, what: string): string {
    this.need(n, what);
    let end = this.offset;
    while (end < this.offset + n && this.bytes[end] !== 0) end++;
    const s = decodeShiftJis(this.bytes.subarray(this.offset, end));
    this.offset += n;
    return s;
  }
  u32(what: string): number {
    this.need(4, what);
    const v = this.view.getUint32(this.offset, true);
    this.offset += 4;
    return v;
  }
  f32(): number {
    const v = this.view.getFloat32(this.offset, true);
    this.offset += 4;
    if (!Number.isFinite(v)) throw new VmdError(this.file, this.offset - 4, `expected a finite number, got ${v}`);
    return v;
  }
  u8(): number {
    return this.bytes[this.offset++]!;
  }
}

export function parseVmd(data: Uint8Array | ArrayBuffer, file = 'motion.vmd'): VmdMotion {
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
  const r = new Reader(bytes, file);
  const header = r.text(30, 'the header');
  if (header !== HEADER) {
    const hint = header === OLD_HEADER ? ' (this is the old 1.0 format with 10-byte model names, not supported)' : '';
    throw new VmdError(file, 0, `not a VMD motion: expected the header "${HEADER}", got ${JSON.stringify(header.slice(0, 30))}${hint}`);
  }
  const modelName = r.text(20, 'the model name');
  const bones = new Map<string, VmdBoneKey[]>();
  const boneCount = r.u32('the bone key count');
  r.need(boneCount * BONE_KEY, `${boneCount} bone keys`);
  for (let i = 0; i < boneCount; i++) {
    const name = r.text(15, `bone key ${i}`);
    const frame = r.u32(`bone key ${i}`);
    const position: [number, number, number] = [r.f32(), r.f32(), r.f32()];
    const rotation: [number, number, number, number] = [r.f32(), r.f32(), r.f32(), r.f32()];
    const len = Math.hypot(...rotation);
    if (len < 1e-6) throw new VmdError(file, r.offset - 16, `bone key ${i} ("${name}", frame ${frame}): the rotation is not a quaternion (length ${len})`);
    // The 64 interpolation bytes hold the four curves in the first row: x1 per channel at 0..3,
    // y1 at 4..7, x2 at 8..11, y2 at 12..15 (the other rows repeat them, shifted).
    const raw = Array.from({ length: 64 }, () => r.u8());
    const curves = [0, 1, 2, 3].map((c) => [raw[c]!, raw[4 + c]!, raw[8 + c]!, raw[12 + c]!] as [number, number, number, number]);
    const list = bones.get(name) ?? [];
    list.push({ frame, position, rotation: rotation.map((v) => v / len) as [number, number, number, number], curves });
    bones.set(name, list);
  }
  const morphs = new Map<string, VmdMorphKey[]>();
  // Files written by old tools may stop after the bone keys.
  if (r.offset < bytes.length) {
    const morphCount = r.u32('the morph key count');
    r.need(morphCount * MORPH_KEY, `${morphCount} morph keys`);
    for (let i = 0; i < morphCount; i++) {
      const name = r.text(15, `morph key ${i}`);
      const frame = r.u32(`morph key ${i}`);
      const weight = r.f32();
      const list = morphs.get(name) ?? [];
      list.push({ frame, weight });
      morphs.set(name, list);
    }
  }
  for (const list of bones.values()) list.sort((a, b) => a.frame - b.frame);
  for (const list of morphs.values()) list.sort((a, b) => a.frame - b.frame);
  return { modelName, bones, morphs };
}

export function encodeVmd(motion: VmdMotion): Uint8Array {
  const boneKeys = [...motion.bones].flatMap(([name, keys]) => keys.map((k) => ({ name, k })));
  const morphKeys = [...motion.morphs].flatMap(([name, keys]) => keys.map((k) => ({ name, k })));
  // Header, name, counts, keys, and empty camera / light / shadow sections.
  const size = 30 + 20 + 4 + boneKeys.length * BONE_KEY + 4 + morphKeys.length * MORPH_KEY + 12;
  const bytes = new Uint8Array(size);
  const view = new DataView(bytes.buffer);
  let o = 0;
  const text = (s: string, n: number) => {
    const b = encodeShiftJis(s);
    if (b.length > n) throw new Error(`"${s}" is ${b.length} bytes in Shift-JIS; VMD allows ${n}`);
    bytes.set(b, o);
    o += n;
  };
  const u32 = (v: number) => { view.setUint32(o, v, true); o += 4; };
  const f32 = (v: number) => { view.setFloat32(o, v, true); o += 4; };
  text(HEADER, 30);
  text(motion.modelName, 20);
  u32(boneKeys.length);
  for (const { name, k } of boneKeys) {
    text(name, 15);
    u32(k.frame);
    for (const v of k.position) f32(v);
    for (const v of k.rotation) f32(v);
    const curves = k.curves.length === 4 ? k.curves : [LINEAR, LINEAR, LINEAR, LINEAR];
    // Four rows of 16: the first as read above, each next row shifted by one byte (MMD's layout).
    const row = [0, 1, 2, 3].flatMap((p) => curves.map((c) => c[p]!));
    for (let rowIndex = 0; rowIndex < 4; rowIndex++) for (let i = 0; i < 16; i++) bytes[o++] = i + rowIndex < 16 ? row[i + rowIndex]! : 0;
  }
  u32(morphKeys.length);
  for (const { name, k } of morphKeys) {
    text(name, 15);
    u32(k.frame);
    f32(k.weight);
  }
  u32(0);
  u32(0);
  u32(0);
  return bytes;
}

/** y of MMD's interpolation Bézier at x (both 0..1), control points in 0..127. */
export function bezierAt(curve: readonly number[], x: number): number {
  const [x1, y1, x2, y2] = [curve[0]! / 127, curve[1]! / 127, curve[2]! / 127, curve[3]! / 127];
  if (x1 === y1 && x2 === y2) return x; // a straight line
  // Solve B_x(t) = x by bisection (monotonic in t), then return B_y(t).
  let lo = 0;
  let hi = 1;
  let t = x;
  for (let i = 0; i < 24; i++) {
    t = (lo + hi) / 2;
    const bx = 3 * (1 - t) * (1 - t) * t * x1 + 3 * (1 - t) * t * t * x2 + t * t * t;
    if (bx < x) lo = t;
    else hi = t;
  }
  return 3 * (1 - t) * (1 - t) * t * y1 + 3 * (1 - t) * t * t * y2 + t * t * t;
}

/** What is wrong with a .vmd file (for `holostage validate`), or null when it reads. */
export function vmdProblem(bytes: Uint8Array, file: string): string | null {
  try {
    parseVmd(bytes, file);
    return null;
  } catch (e) {
    return e instanceof VmdError ? `motion file ${e.message}` : `motion file ${file}: ${(e as Error).message}`;
  }
}
