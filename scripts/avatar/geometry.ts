// Geometry for the generated avatar: parts (one per material) whose vertices carry up to four bone
// influences, and the solids the singer is made of (ellipsoids, tubes through rings).

import type { Vec3 } from './skeleton.ts';


export interface Influence { bone: string; weight: number }

export class Part {
  positions: number[] = [];
  normals: number[] = [];
  joints: number[] = [];
  weights: number[] = [];
  indices: number[] = [];
  /** Morph target deltas by expression name (positions only), filled for face parts. */
  morphs = new Map<string, number[]>();

  constructor(readonly material: string) {}

  get vertexCount(): number {
    return this.positions.length / 3;
  }

  addVertex(p: Vec3, n: Vec3, inf: Influence[], boneIndex: Map<string, number>): number {
    this.positions.push(...p);
    const len = Math.hypot(...n) || 1;
    this.normals.push(n[0] / len, n[1] / len, n[2] / len);
    const js = [0, 0, 0, 0];
    const ws = [0, 0, 0, 0];
    const total = inf.reduce((a, f) => a + f.weight, 0);
    inf.slice(0, 4).forEach((f, i) => {
      const j = boneIndex.get(f.bone);
      if (j === undefined) throw new Error(`unknown bone ${f.bone}`);
      js[i] = j;
      ws[i] = f.weight / total;
    });
    this.joints.push(...js);
    this.weights.push(...ws);
    return this.vertexCount - 1;
  }

  /** Appends another part's geometry (same material). */
  merge(other: Part): void {
    const base = this.vertexCount;
    this.positions.push(...other.positions);
    this.normals.push(...other.normals);
    this.joints.push(...other.joints);
    this.weights.push(...other.weights);
    for (const i of other.indices) this.indices.push(i + base);
  }
}

export interface EllipsoidOpts {
  center: Vec3;
  radii: Vec3;
  bone: Influence[];
  rings?: number;
  segments?: number;
  /** Largest polar angle (from +Y) drawn at azimuth phi (phi = 0 faces +Z): makes caps such as hair. */
  maxTheta?: (phi: number) => number;
  /** Smallest polar angle drawn: leaves out a top that something else always covers. */
  minTheta?: number;
  /** Azimuths drawn (default all round): leaves out a back half buried in something else. */
  phiRange?: [number, number];
}

export function ellipsoid(part: Part, bones: Map<string, number>, o: EllipsoidOpts): number[] {
  const rings = o.rings ?? 12;
  const segs = o.segments ?? 20;
  const first = part.vertexCount;
  const [cx, cy, cz] = o.center;
  const [rx, ry, rz] = o.radii;
  for (let r = 0; r <= rings; r++) {
    for (let s = 0; s <= segs; s++) {
      const [phiFrom, phiTo] = o.phiRange ?? [0, Math.PI * 2];
      const phi = phiFrom + (s / segs) * (phiTo - phiFrom);
      const limit = o.maxTheta ? o.maxTheta(phi) : Math.PI;
      const from = o.minTheta ?? 0;
      const theta = from + (r / rings) * (limit - from);
      const x = Math.sin(theta) * Math.sin(phi);
      const y = Math.cos(theta);
      const z = Math.sin(theta) * Math.cos(phi);
      part.addVertex([cx + rx * x, cy + ry * y, cz + rz * z], [x / rx, y / ry, z / rz], o.bone, bones);
    }
  }
  for (let r = 0; r < rings; r++) {
    for (let s = 0; s < segs; s++) {
      const a = first + r * (segs + 1) + s;
      const b = a + segs + 1;
      part.indices.push(a, b, a + 1, a + 1, b, b + 1);
    }
  }
  return Array.from({ length: part.vertexCount - first }, (_, i) => first + i);
}

export interface Ring { at: Vec3; radius: [number, number]; bone: Influence[] }

/**
 * A tube through rings (a limb, the torso, a skirt, a tail), closed with caps unless `open`: true
 * leaves both ends open, 'start' or 'end' one (an end buried in another part needs no cap).
 */
export function tube(part: Part, bones: Map<string, number>, rings: Ring[], segs = 14, open: boolean | 'start' | 'end' = false): void {
  const first = part.vertexCount;
  for (let i = 0; i < rings.length; i++) {
    const ring = rings[i]!;
    const prev = rings[Math.max(0, i - 1)]!.at;
    const next = rings[Math.min(rings.length - 1, i + 1)]!.at;
    const d = normalize(sub(next, prev));
    // A stable frame: reference +Z for vertical-ish tubes, +Y for horizontal ones.
    const ref: Vec3 = Math.abs(d[1]) > 0.7 ? [0, 0, 1] : [0, 1, 0];
    const u = normalize(cross(d, ref));
    const v = cross(u, d);
    for (let s = 0; s <= segs; s++) {
      const a = (s / segs) * Math.PI * 2;
      const cu = Math.cos(a) * ring.radius[0];
      const cv = Math.sin(a) * ring.radius[1];
      const p: Vec3 = [ring.at[0] + u[0] * cu + v[0] * cv, ring.at[1] + u[1] * cu + v[1] * cv, ring.at[2] + u[2] * cu + v[2] * cv];
      const n: Vec3 = [
        u[0] * Math.cos(a) / ring.radius[0] + v[0] * Math.sin(a) / ring.radius[1],
        u[1] * Math.cos(a) / ring.radius[0] + v[1] * Math.sin(a) / ring.radius[1],
        u[2] * Math.cos(a) / ring.radius[0] + v[2] * Math.sin(a) / ring.radius[1],
      ];
      part.addVertex(p, n, ring.bone, bones);
    }
  }
  for (let i = 0; i < rings.length - 1; i++) {
    for (let s = 0; s < segs; s++) {
      const a = first + i * (segs + 1) + s;
      const b = a + segs + 1;
      // Counter-clockwise seen from outside, so the faces point out (toon outlines draw the back faces).
      part.indices.push(a, b, a + 1, a + 1, b, b + 1);
    }
  }
  if (open === true) return;
  for (const [end, sign] of [[0, -1], [rings.length - 1, 1]] as const) {
    if ((open === 'start' && end === 0) || (open === 'end' && end !== 0)) continue;
    const ring = rings[end]!;
    const other = rings[end === 0 ? 1 : rings.length - 2]!;
    const axis = normalize(sub(ring.at, other.at));
    const centre = part.addVertex(ring.at, axis, ring.bone, bones);
    const base = first + end * (segs + 1);
    for (let s = 0; s < segs; s++) {
      if (sign < 0) part.indices.push(centre, base + s, base + s + 1);
      else part.indices.push(centre, base + s + 1, base + s);
    }
  }
}

export const sub = (a: Vec3, b: Vec3): Vec3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
export const cross = (a: Vec3, b: Vec3): Vec3 => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
export const normalize = (a: Vec3): Vec3 => {
  const l = Math.hypot(a[0], a[1], a[2]) || 1;
  return [a[0] / l, a[1] / l, a[2] / l];
};
export const one = (bone: string): Influence[] => [{ bone, weight: 1 }];
export const blend = (a: string, b: string, t: number): Influence[] => [{ bone: a, weight: 1 - t }, { bone: b, weight: t }];
