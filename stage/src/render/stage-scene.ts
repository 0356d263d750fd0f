// The three.js stage: backdrop, floor, a truss of 8 virtual fixtures with visible beams, the
// lights that colour the singer, the camera and the avatar. For a transparent (hologram) output
// everything that is not the singer or a lit fixture is left out, so it renders as pure black.

import * as THREE from 'three';
import type { VRM } from '@pixiv/three-vrm';
import type { OutputKind } from '../../../show-files/src/timeline.ts';
import type { PerformFrame } from '../perform/performer.ts';
import { FIXTURES, hsvToRgb } from '../perform/lights.ts';
import { useLiteToon, type LiteToonReport } from './toon.ts';
import { useFastSrgbEncoding } from './fast-srgb.ts';
import { facesMinusZ } from './vrm-driver.ts';

interface Fixture {
  lens: THREE.Mesh<THREE.CircleGeometry, THREE.MeshBasicMaterial>;
  beam: THREE.Mesh<THREE.ConeGeometry, THREE.MeshBasicMaterial>;
}

const TRUSS_Y = 3.1;

export class StageScene {
  readonly scene = new THREE.Scene();
  readonly camera = new THREE.PerspectiveCamera(34, 16 / 9, 0.05, 60);
  readonly avatarRoot = new THREE.Group();
  private fixtures: Fixture[] = [];
  private readonly washLeft = new THREE.DirectionalLight(0xffffff, 0);
  private readonly washRight = new THREE.DirectionalLight(0xffffff, 0);
  private readonly rgb: [number, number, number] = [0, 0, 0];
  private vrm: VRM | null = null;

  /**
   * Toon outlines (a second pass over every mesh): on for projector and stream. Off for the
   * transparent screen, where a dark outline shows as a see-through gap round the singer, and for
   * the desk's small preview, which should be cheap.
   */
  readonly outlines: boolean;

  /**
   * Untextured MToon materials drawn by the lite toon shaders (render/toon.ts): on by default;
   * false keeps three-vrm's MToon for everything (to compare, or if a model looks wrong).
   */
  readonly liteToon: boolean;
  /** What the lite toon shaders took over on the current avatar. */
  toon: LiteToonReport | null = null;

  constructor(readonly kind: OutputKind, outlines?: boolean, options: { liteToon?: boolean } = {}) {
    const transparent = kind === 'transparent';
    this.outlines = outlines ?? (kind === 'projector' || kind === 'stream');
    this.liteToon = options.liteToon ?? true;
    // Before anything is compiled: every shaded pixel's sRGB encode gets cheaper.
    useFastSrgbEncoding();
    this.scene.background = new THREE.Color(0, 0, 0);
    // Base lighting so the singer reads even with every fixture dark.
    this.scene.add(new THREE.AmbientLight(0xffffff, 0.25));
    const key = new THREE.DirectionalLight(0xffffff, 1.1);
    key.position.set(0.8, 2.2, 3);
    this.scene.add(key);
    this.washLeft.position.set(2.5, 3, 1.5);
    this.washRight.position.set(-2.5, 3, 1.5);
    this.scene.add(this.washLeft, this.washRight);

    if (!transparent) this.buildSet();
    this.buildFixtures(transparent);
    this.scene.add(this.avatarRoot);
  }

  private buildSet(): void {
    // Cheap on purpose: the backdrop is the clear colour (no full-screen wall to shade on
    // software GL), the floor a small unlit disc under the singer with a lit ring round it.
    this.scene.background = new THREE.Color(0x05081a);
    const floor = new THREE.Mesh(new THREE.CircleGeometry(FLOOR_RADIUS, 48), floorMaterial());
    floor.rotation.x = -Math.PI / 2;
    this.scene.add(floor);
    const ring = new THREE.Mesh(new THREE.RingGeometry(1.15, 1.2, 64), new THREE.MeshBasicMaterial({ color: 0x3ad6e0 }));
    ring.rotation.x = -Math.PI / 2;
    ring.position.y = 0.002;
    this.scene.add(ring);
    const truss = new THREE.Mesh(new THREE.BoxGeometry(7, 0.12, 0.12), new THREE.MeshBasicMaterial({ color: 0x2a3040 }));
    truss.position.set(0, TRUSS_Y + 0.12, -1);
    this.scene.add(truss);
  }

  private buildFixtures(transparent: boolean): void {
    for (let i = 0; i < FIXTURES; i++) {
      const x = -3 + (6 * i) / (FIXTURES - 1);
      const lens = new THREE.Mesh(new THREE.CircleGeometry(0.09, 20), new THREE.MeshBasicMaterial({ color: 0x000000 }));
      lens.position.set(x, TRUSS_Y, -0.93);
      lens.lookAt(0, 1, 3);
      const length = 3.6;
      const beam = new THREE.Mesh(
        new THREE.ConeGeometry(0.32, length, 16, 1, true),
        new THREE.MeshBasicMaterial({ color: 0x000000, transparent: true, opacity: transparent ? 0.06 : 0.08, blending: THREE.AdditiveBlending, depthWrite: false }),
      );
      // Point the cone's tip at the fixture and its open end down toward the singer.
      const from = new THREE.Vector3(x, TRUSS_Y, -0.95);
      const to = new THREE.Vector3(x * 0.25, 0, 0.2);
      const dir = to.clone().sub(from).normalize();
      beam.position.copy(from).addScaledVector(dir, length / 2);
      beam.quaternion.setFromUnitVectors(new THREE.Vector3(0, -1, 0), dir);
      beam.visible = false;
      this.scene.add(lens, beam);
      this.fixtures.push({ lens, beam });
    }
  }

  setAvatar(vrm: VRM | null): void {
    if (this.vrm) this.avatarRoot.remove(this.vrm.scene);
    this.vrm = vrm;
    this.toon = null;
    if (vrm) {
      // A model facing -Z (most VRM 0.x) is turned to face the audience like a 1.0 model.
      vrm.scene.rotation.y = facesMinusZ(vrm) ? Math.PI : 0;
      const outlines = this.outlines;
      this.toon = this.liteToon ? useLiteToon(vrm) : null;
      vrm.scene.traverse((o) => {
        o.frustumCulled = false;
        const mesh = o as THREE.Mesh;
        if (!outlines && Array.isArray(mesh.material)) {
          for (const m of mesh.material) if ((m as { isOutline?: boolean }).isOutline) m.visible = false;
        }
      });
      this.avatarRoot.add(vrm.scene);
    }
  }

  setAspect(aspect: number): void {
    this.camera.aspect = aspect;
    this.camera.updateProjectionMatrix();
  }

  /** Camera and lights for the frame (the avatar itself is posed by VrmDriver). */
  update(frame: PerformFrame): void {
    const c = frame.camera;
    this.camera.position.set(c.position[0], c.position[1], c.position[2]);
    this.camera.lookAt(c.target[0], c.target[1], c.target[2]);
    if (this.camera.fov !== c.fov) {
      this.camera.fov = c.fov;
      this.camera.updateProjectionMatrix();
    }
    const lights = frame.lights;
    const left = [0, 0, 0];
    const right = [0, 0, 0];
    for (let i = 0; i < this.fixtures.length; i++) {
      const f = lights.fixtures[i]!;
      const level = f.intensity * lights.master;
      hsvToRgb(f.hue, f.saturation, level, this.rgb);
      const fx = this.fixtures[i]!;
      fx.lens.material.color.setRGB(this.rgb[0], this.rgb[1], this.rgb[2]);
      fx.beam.material.color.setRGB(this.rgb[0], this.rgb[1], this.rgb[2]);
      fx.beam.visible = level > 0.001;
      const side = i < this.fixtures.length / 2 ? right : left;
      side[0]! += this.rgb[0];
      side[1]! += this.rgb[1];
      side[2]! += this.rgb[2];
    }
    const k = 4 / this.fixtures.length;
    this.washLeft.color.setRGB(left[0]! * k, left[1]! * k, left[2]! * k);
    this.washLeft.intensity = 0.9;
    this.washRight.color.setRGB(right[0]! * k, right[1]! * k, right[2]! * k);
    this.washRight.intensity = 0.9;
  }

  /** The avatar's bounding box on screen, in output pixels (x right, y down), or null. */
  /** Where the singer's eye, head and hand bones are on the picture, in pixels (tests find the face and hands by these). */
  faceLandmarks(width: number, height: number): Record<Landmark, [number, number]> | null {
    if (!this.vrm) return null;
    this.vrm.scene.updateMatrixWorld(true);
    const out: Partial<Record<Landmark, [number, number]>> = {};
    for (const name of LANDMARKS) {
      const node = this.vrm.humanoid.getRawBoneNode(name);
      if (!node) return null;
      const v = new THREE.Vector3().setFromMatrixPosition(node.matrixWorld).project(this.camera);
      out[name] = [((v.x + 1) / 2) * width, ((1 - v.y) / 2) * height];
    }
    return out as Record<Landmark, [number, number]>;
  }

  avatarRect(width: number, height: number): { x0: number; y0: number; x1: number; y1: number } | null {
    if (!this.vrm) return null;
    this.vrm.scene.updateMatrixWorld(true);
    const box = new THREE.Box3();
    // Skinned meshes: use the bone positions (plus a margin for the body's thickness).
    const pts: THREE.Vector3[] = [];
    this.vrm.scene.traverse((o) => {
      if ((o as THREE.Bone).isBone) pts.push(new THREE.Vector3().setFromMatrixPosition(o.matrixWorld));
    });
    if (!pts.length) return null;
    box.setFromPoints(pts).expandByScalar(0.3);
    let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    for (let i = 0; i < 8; i++) {
      const v = new THREE.Vector3(i & 1 ? box.max.x : box.min.x, i & 2 ? box.max.y : box.min.y, i & 4 ? box.max.z : box.min.z).project(this.camera);
      const x = ((v.x + 1) / 2) * width;
      const y = ((1 - v.y) / 2) * height;
      x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y);
    }
    return { x0, y0, x1, y1 };
  }
}

const LANDMARKS = ['leftEye', 'rightEye', 'head', 'leftHand', 'rightHand', 'rightMiddleProximal'] as const;
type Landmark = (typeof LANDMARKS)[number];

const FLOOR_RADIUS = 1.6;

/**
 * The floor: brighter under the singer, fading out to the edge. In sRGB the colour goes linearly
 * from (12, 16, 30) at the rim to (34, 44, 80) at the centre. Drawn without a texture: the vertex
 * shader gives each vertex k = 1 − r/R (1 at the centre, 0 on the rim), and the fragment shader
 * takes the colour in linear light from a quadratic in k through the exact values at k = 0, ½ and 1
 * (within 0.2 of an 8-bit level of the exact gradient once encoded), so no texture is sampled and
 * nothing is decoded per pixel.
 */
function floorMaterial(): THREE.ShaderMaterial {
  const rim = [12, 16, 30];
  const step = [22, 28, 50];
  const at = (k: number) => new THREE.Color().setRGB(...(rim.map((c, i) => (c + step[i]! * k) / 255) as [number, number, number]), THREE.SRGBColorSpace);
  const [c0, ch, c1] = [at(0), at(0.5), at(1)];
  // p(k) = c0 + b k + a k², through (0, c0), (½, ch), (1, c1).
  const b = new THREE.Vector3(4 * ch.r - 3 * c0.r - c1.r, 4 * ch.g - 3 * c0.g - c1.g, 4 * ch.b - 3 * c0.b - c1.b);
  const a = new THREE.Vector3(2 * c1.r + 2 * c0.r - 4 * ch.r, 2 * c1.g + 2 * c0.g - 4 * ch.g, 2 * c1.b + 2 * c0.b - 4 * ch.b);
  return new THREE.ShaderMaterial({
    uniforms: { uC0: { value: new THREE.Vector3(c0.r, c0.g, c0.b) }, uB: { value: b }, uA: { value: a } },
    vertexShader: /* glsl */ `
      varying float vK;
      void main() {
        vK = 1.0 - length( position.xy ) / ${FLOOR_RADIUS.toFixed(3)};
        gl_Position = projectionMatrix * modelViewMatrix * vec4( position, 1.0 );
      }`,
    fragmentShader: /* glsl */ `
      uniform vec3 uC0;
      uniform vec3 uB;
      uniform vec3 uA;
      varying float vK;
      void main() {
        float k = clamp( vK, 0.0, 1.0 );
        gl_FragColor = vec4( uC0 + k * ( uB + k * uA ), 1.0 );
        #include <colorspace_fragment>
      }`,
  });
}
