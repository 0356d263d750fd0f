// The singer's face: layered eyes (white, iris with a lighter lower half, pupil, two highlights,
// upper lashes), eyebrows, a hint of a nose, and a mouth with an inside (dark, teeth above, tongue
// below) that only takes up room when it opens. Every vertex gets a morph delta for every
// expression, so the lids, brows and lips all move with the face. Layers sit a fraction of a
// millimetre apart on the eye's curved front, drawn as plain untextured parts (cheap lite toon).

import { ellipsoid, one, Part, tube, type Influence } from './geometry.ts';
import type { Vec3 } from './skeleton.ts';

export const EXPRESSIONS = ['aa', 'ih', 'ou', 'ee', 'oh', 'blink', 'blinkLeft', 'blinkRight', 'happy', 'angry', 'sad', 'relaxed', 'surprised'] as const;
export type Expression = (typeof EXPRESSIONS)[number];

/** The face's materials: [name, colour, shade colour]. */
export const FACE_MATERIALS: [string, [number, number, number], [number, number, number]][] = [
  ['EyeWhite', [1, 1, 1], [0.86, 0.88, 0.96]],
  ['Iris', [0.06, 0.32, 0.72], [0.04, 0.2, 0.5]],
  ['IrisLight', [0.3, 0.72, 1.0], [0.2, 0.5, 0.8]],
  ['Line', [0.12, 0.16, 0.24], [0.08, 0.1, 0.16]],
  ['Mouth', [0.42, 0.07, 0.13], [0.3, 0.05, 0.1]],
  ['Tongue', [0.95, 0.45, 0.52], [0.8, 0.32, 0.4]],
];

type Delta = (e: Expression) => Vec3;
const none: Delta = () => [0, 0, 0];

class FaceBuilder {
  readonly parts = new Map<string, Part>();
  constructor(private readonly bones: Map<string, number>) {
    for (const [name] of FACE_MATERIALS) {
      const part = new Part(name);
      for (const e of EXPRESSIONS) part.morphs.set(e, []);
      this.parts.set(name, part);
    }
  }

  /** Runs `build` on a part and gives every vertex it added the deltas `delta(vertex)`. */
  add(material: string, build: (part: Part, bones: Map<string, number>) => void, delta: (p: Vec3) => Delta): void {
    const part = this.parts.get(material)!;
    const from = part.vertexCount;
    build(part, this.bones);
    for (let i = from; i < part.vertexCount; i++) {
      const d = delta([part.positions[i * 3]!, part.positions[i * 3 + 1]!, part.positions[i * 3 + 2]!]);
      for (const e of EXPRESSIONS) part.morphs.get(e)!.push(...d(e));
    }
  }
}

/** A flat-ish ellipse (fan of triangles facing +Z) lying on the surface `z(x, y)`. */
function disc(part: Part, bones: Map<string, number>, c: [number, number], r: [number, number], z: (x: number, y: number) => number, bone: Influence[], segs: number): void {
  const centre = part.addVertex([c[0], c[1], z(c[0], c[1])], [0, 0, 1], bone, bones);
  for (let s = 0; s < segs; s++) {
    const a = (s / segs) * Math.PI * 2;
    const x = c[0] + Math.cos(a) * r[0];
    const y = c[1] + Math.sin(a) * r[1];
    part.addVertex([x, y, z(x, y)], [Math.cos(a) * 0.25, Math.sin(a) * 0.25, 1], bone, bones);
  }
  for (let s = 0; s < segs; s++) part.indices.push(centre, centre + 1 + s, centre + 1 + ((s + 1) % segs));
}

const EYE_Y = 1.455;
const EYE_R: Vec3 = [0.028, 0.034, 0.012];

/** The eye's lids and shape per expression: where a point of the eye (or its lash) goes. */
function eyeDelta(side: number, c: Vec3): (p: Vec3) => Delta {
  return ([x, y]) => {
    const dx = (x - c[0]) / EYE_R[0];
    const dy = y - c[1];
    const inner = -dx * side; // +1 towards the nose
    const closed = c[1] - 0.012 + dy * 0.08 - y; // a closed lid, slightly low
    return (e) => {
      switch (e) {
        case 'blink': return [0, closed, 0];
        case 'blinkLeft': return [0, side > 0 ? closed : 0, 0];
        case 'blinkRight': return [0, side < 0 ? closed : 0, 0];
        case 'happy': return [0, c[1] - 0.004 + 0.012 * (1 - Math.min(1, dx * dx)) + dy * 0.12 - y, 0]; // ^ ^
        case 'relaxed': return [0, dy > 0 ? -dy * 0.5 : 0, 0]; // upper lid half down
        case 'angry': return [0, dy > 0 ? -dy * 0.3 - 0.006 * Math.max(0, inner) : 0, 0];
        case 'sad': return [0, dy > 0 ? -dy * 0.2 - 0.006 * Math.max(0, -inner) : 0, 0];
        case 'surprised': return [dx * 0.003, dy * 0.15, 0];
        default: return [0, 0, 0];
      }
    };
  };
}

function browDelta(side: number, innerX: number, outerX: number): (p: Vec3) => Delta {
  return ([x]) => {
    const u = (x - innerX) / (outerX - innerX); // 0 inner end, 1 outer end
    const v = 1 - Math.min(1, Math.max(0, u));
    return (e) => {
      switch (e) {
        case 'angry': return [0, -0.011 * v + 0.003 * (1 - v), 0];
        case 'sad': return [0, 0.01 * v - 0.004 * (1 - v), 0];
        case 'surprised': return [0, 0.012, 0];
        case 'happy': return [0, 0.005, 0];
        case 'relaxed': return [0, -0.002, 0];
        case 'blink': case 'blinkLeft': case 'blinkRight': return [0, (e === 'blink' || (e === 'blinkLeft') === side > 0) ? -0.002 : 0, 0];
        default: return [0, 0, 0];
      }
    };
  };
}

/** Mouth shapes: [half width, half height, centre drop, corner lift]. */
const MOUTH: Record<Expression, [number, number, number, number]> = {
  aa: [0.021, 0.027, -0.008, 0],
  ih: [0.025, 0.009, 0, 0.001],
  ou: [0.01, 0.013, 0, 0],
  ee: [0.023, 0.015, -0.002, 0],
  oh: [0.016, 0.023, -0.006, 0],
  blink: [0, 0, 0, 0], blinkLeft: [0, 0, 0, 0], blinkRight: [0, 0, 0, 0],
  happy: [0.02, 0.008, 0.001, 0.006],
  angry: [0.016, 0.005, -0.002, -0.005],
  sad: [0.012, 0.005, -0.001, -0.006],
  relaxed: [0.016, 0.004, 0.001, 0.003],
  surprised: [0.012, 0.02, -0.006, 0],
};
const MOUTH_CLOSED: [number, number] = [0.014, 0.0035];
const MOUTH_C: Vec3 = [0, 1.378, 0.114];

/**
 * A mouth point at angle `a` and ring fraction `k` of the outline; `inset` shrinks it inside the
 * lips. Returns the delta for each expression from the closed mouth (`rest`).
 */
function mouthDelta(a: number, k: number, rest: Vec3, inset = 1): Delta {
  return (e) => {
    const [w, h, dy, lift] = MOUTH[e];
    if (w === 0) return [0, 0, 0];
    const x = MOUTH_C[0] + Math.cos(a) * w * k * inset;
    const y = MOUTH_C[1] + Math.sin(a) * h * k * inset + dy + lift * k * Math.cos(a) * Math.cos(a);
    return [x - rest[0], y - rest[1], 0];
  };
}

export function buildFace(bones: Map<string, number>, small: (n: number) => number): Part[] {
  const f = new FaceBuilder(bones);
  for (const [side, s] of [['Left', 1], ['Right', -1]] as const) {
    const c: Vec3 = [0.05 * s, EYE_Y, 0.112];
    const eyeBone = one(`${side}Eye`);
    const front = (x: number, y: number, lift: number) => c[2] + EYE_R[2] * Math.sqrt(Math.max(0, 1 - ((x - c[0]) / EYE_R[0]) ** 2 - ((y - c[1]) / EYE_R[1]) ** 2)) + lift;
    const eye = eyeDelta(s, c);
    // The white: only the front half (the back is buried in the head).
    f.add('EyeWhite', (p, b) => ellipsoid(p, b, { center: c, radii: EYE_R, bone: eyeBone, rings: small(5), segments: small(8), phiRange: [-Math.PI / 2, Math.PI / 2] }), eye);
    f.add('Iris', (p, b) => disc(p, b, [c[0], c[1] - 0.001], [0.019, 0.026], (x, y) => front(x, y, 0.0007), eyeBone, small(14)), eye);
    f.add('IrisLight', (p, b) => disc(p, b, [c[0], c[1] - 0.011], [0.014, 0.011], (x, y) => front(x, y, 0.0014), eyeBone, small(12)), eye);
    f.add('Line', (p, b) => disc(p, b, [c[0], c[1] - 0.002], [0.0075, 0.012], (x, y) => front(x, y, 0.0021), eyeBone, small(10)), eye);
    f.add('EyeWhite', (p, b) => disc(p, b, [c[0] + 0.007 * s, c[1] + 0.01], [0.0055, 0.0065], (x, y) => front(x, y, 0.0028), eyeBone, small(8)), eye);
    f.add('EyeWhite', (p, b) => disc(p, b, [c[0] - 0.007 * s, c[1] - 0.012], [0.0028, 0.0028], (x, y) => front(x, y, 0.0028), eyeBone, 6), eye);
    // Upper lash: a thick line along the top of the white, flicking out at the outer corner.
    f.add('Line', (p, b) => {
      const rings = [];
      const n = small(9);
      for (let i = 0; i <= n; i++) {
        const a = Math.PI * (0.08 + 0.86 * (i / n)); // outer corner (a≈0) to inner (a≈π), seen for the left eye
        const x = c[0] + Math.cos(a) * EYE_R[0] * 1.06 * s;
        const y = c[1] + Math.sin(a) * EYE_R[1] * 1.02 - (i === 0 ? 0.002 : 0);
        const thick = 0.0036 * (1 - 0.55 * (i / n));
        rings.push({ at: [x + (i === 0 ? 0.004 * s : 0), y, front(x, Math.min(y, c[1] + EYE_R[1] * 0.9), 0.0016)] as Vec3, radius: [thick, thick * 0.6] as [number, number], bone: one('Head') });
      }
      tube(p, b, rings, 4);
    }, eye);
    // Eyebrow: a thin arc above the eye, thicker at the inner end.
    const innerX = 0.022 * s;
    const outerX = 0.083 * s;
    f.add('Line', (p, b) => {
      const rings = [];
      const n = small(6);
      for (let i = 0; i <= n; i++) {
        const u = i / n;
        const x = innerX + (outerX - innerX) * u;
        const y = 1.503 + 0.006 * Math.sin(Math.PI * u) - 0.004 * u;
        const thick = 0.0032 * (1 - 0.5 * u);
        rings.push({ at: [x, y, 0.113 - 0.02 * u * u] as Vec3, radius: [thick, thick * 0.55] as [number, number], bone: one('Head') });
      }
      tube(p, b, rings, 4);
    }, browDelta(s, innerX, outerX));
  }
  // A hint of a nose: a small tick in the line colour.
  f.add('Line', (p, b) => disc(p, b, [0.002, 1.414], [0.0022, 0.0032], () => 0.1215, one('Head'), 5), () => none);

  // The mouth: a slightly domed ellipse, dark inside; each shape sets its width and height.
  const segs = small(16);
  const rings = Math.max(3, small(5));
  f.add('Mouth', (p, b) => {
    const centre = p.addVertex(MOUTH_C, [0, 0, 1], one('Head'), b);
    for (let r = 1; r <= rings; r++) {
      for (let s = 0; s < segs; s++) {
        const a = (s / segs) * Math.PI * 2;
        const k = r / rings;
        p.addVertex([MOUTH_C[0] + Math.cos(a) * MOUTH_CLOSED[0] * k, MOUTH_C[1] + Math.sin(a) * MOUTH_CLOSED[1] * k, MOUTH_C[2] + 0.004 * (1 - k * k)], [Math.cos(a) * k * 0.3, Math.sin(a) * k * 0.3, 1], one('Head'), b);
      }
    }
    for (let s = 0; s < segs; s++) p.indices.push(centre, 1 + s, 1 + ((s + 1) % segs));
    for (let r = 1; r < rings; r++) {
      for (let s = 0; s < segs; s++) {
        const a = 1 + (r - 1) * segs + s;
        const b2 = 1 + (r - 1) * segs + ((s + 1) % segs);
        p.indices.push(a, a + segs, b2, b2, a + segs, b2 + segs);
      }
    }
  }, (pt) => {
    const dx = pt[0] - MOUTH_C[0];
    const dy = pt[1] - MOUTH_C[1];
    const k = Math.min(1, Math.hypot(dx / MOUTH_CLOSED[0], dy / MOUTH_CLOSED[1]));
    const a = Math.atan2(dy / MOUTH_CLOSED[1], dx / MOUTH_CLOSED[0]);
    return mouthDelta(a, k, pt);
  });
  // Teeth (upper) and tongue (lower): caps of the opening, folded to a point while the mouth is
  // closed, so they take up no room until it opens.
  const cap = (material: string, from: number, to: number, chordAt: number, lift: number) => {
    const n = small(8);
    const rest: Vec3 = [MOUTH_C[0], MOUTH_C[1], MOUTH_C[2] + 0.0045 + lift];
    f.add(material, (p, b) => {
      for (let i = 0; i <= n; i++) {
        p.addVertex(rest, [0, 0, 1], one('Head'), b); // on the lip line
        p.addVertex(rest, [0, 0, 1], one('Head'), b); // on the chord
      }
      const base = p.vertexCount - 2 * (n + 1);
      // Counter-clockwise seen from the front for both caps (lip line and chord swap sides).
      for (let i = 0; i < n; i++) {
        const v = base + 2 * i;
        p.indices.push(v, v + 2, v + 1, v + 2, v + 3, v + 1);
      }
    }, () => () => [0, 0, 0]);
    // The deltas depend on which vertex of the strip this is: fill them in order.
    const part = f.parts.get(material)!;
    const start = part.vertexCount - 2 * (n + 1);
    for (const e of EXPRESSIONS) {
      const list = part.morphs.get(e)!;
      for (let i = 0; i <= n; i++) {
        const a = from + (to - from) * (i / n);
        const edge = mouthDelta(a, 1, rest, 0.9)(e);
        const [w, h, dy] = MOUTH[e];
        // The chord across the cap, never past the lip line on its own side.
        const chordY = w === 0 ? 0 : chordAt > 0 ? Math.min(edge[1], dy + chordAt * h) : Math.max(edge[1], dy + chordAt * h);
        const o = (start + 2 * i) * 3;
        list.splice(o, 6, edge[0], edge[1], 0, edge[0], chordY, 0);
      }
    }
  };
  cap('EyeWhite', Math.PI * 0.18, Math.PI * 0.82, 0.45, 0); // teeth under the upper lip
  cap('Tongue', Math.PI * 1.2, Math.PI * 1.8, -0.35, -0.0005); // tongue on the floor of the mouth
  return [...f.parts.values()].filter((p) => p.vertexCount > 0);
}
