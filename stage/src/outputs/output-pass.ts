// The last step of every frame: the stage drawn for the output profile — corner-pin keystone,
// mirror, gain, black-level floor and (stream/preview only) a soft vignette. Profiles can change
// live (applySettings) without reloading anything.
//
// The keystone costs nothing extra: its homography goes in front of the camera's projection for
// the frame, so the scene is drawn straight onto the four corners at the output's resolution, and
// a few black triangles cover what lies outside them. The mirror is a CSS flip of the canvas. Only
// gain, black level, vignette and the blackout fade need the picture in an offscreen target and
// one full-screen shader pass (which then also does the mirror).

import * as THREE from 'three';
import type { OutputKind, OutputSettings } from '../../../show-files/src/timeline.ts';
import { keystoneProblem, IDENTITY_KEYSTONE, isIdentityKeystone, keystoneClipMatrix, mirroredKeystone, outsideKeystone } from './homography.ts';
import { SRGB_ENCODE_GLSL } from '../render/fast-srgb.ts';

const vertexShader = /* glsl */ `
in vec3 position;
void main() { gl_Position = vec4(position.xy, 0.0, 1.0); }
`;

const fragmentShader = /* glsl */ `
precision highp float;
uniform sampler2D tSource;
uniform vec2 uViewport;
uniform vec2 uMirror;
uniform float uGain;
uniform float uBlackLevel;
uniform float uVignette;
out vec4 outColor;
${SRGB_ENCODE_GLSL}
void main() {
  // Output position, normalized; the mirror picks the source pixel across the middle.
  vec2 uv = gl_FragCoord.xy / uViewport;
  uv = mix(uv, 1.0 - uv, uMirror);
  vec3 c = texture(tSource, uv).rgb * uGain;
  if (uVignette > 0.0) {
    vec2 d = uv - 0.5;
    c *= 1.0 - uVignette * smoothstep(0.25, 0.75, dot(d, d) * 2.0);
  }
  vec3 s = clamp(holostageSrgbEncode(max(c, vec3(0.0))), 0.0, 1.0);
  // Black-level floor: anything this dark or darker is pure black (see-through on a hologram screen).
  if (max(s.r, max(s.g, s.b)) <= uBlackLevel) s = vec3(0.0);
  outColor = vec4(s, 1.0);
}
`;

/** Black over everything outside the keystone quad (positions are already in clip space). */
const maskVertexShader = /* glsl */ `
in vec2 position;
void main() { gl_Position = vec4(position, 0.0, 1.0); }
`;
const maskFragmentShader = /* glsl */ `
precision highp float;
out vec4 outColor;
void main() { outColor = vec4(0.0, 0.0, 0.0, 1.0); }
`;

export const DEFAULT_SETTINGS: OutputSettings = {
  width: 1280,
  height: 720,
  latencyMs: 0,
  mirror: { horizontal: false, vertical: false },
  keystone: IDENTITY_KEYSTONE,
  gain: 1,
  blackLevel: 0,
  audio: false,
};

export class OutputPass {
  readonly target: THREE.WebGLRenderTarget;
  private readonly scene = new THREE.Scene();
  private readonly camera = new THREE.Camera();
  private readonly material: THREE.RawShaderMaterial;
  private readonly maskScene = new THREE.Scene();
  private readonly mask: THREE.Mesh<THREE.BufferGeometry, THREE.RawShaderMaterial>;
  /** The keystone as a clip-space matrix (already conjugated by the mirror), or null for none. */
  private keystone: THREE.Matrix4 | null = null;
  private readonly savedProjection = new THREE.Matrix4();
  private cssMirror = '';
  settings: OutputSettings = DEFAULT_SETTINGS;

  private gainScale = 1;

  constructor(private readonly kind: OutputKind) {
    // 8-bit sRGB storage: the GPU encodes on write and decodes on read, so darks keep their steps
    // at a quarter of the memory traffic of a half-float target (it matters on software GL).
    this.target = new THREE.WebGLRenderTarget(16, 16, {
      type: THREE.UnsignedByteType,
      colorSpace: THREE.SRGBColorSpace,
      depthBuffer: true,
      minFilter: THREE.NearestFilter,
      magFilter: THREE.NearestFilter,
      generateMipmaps: false,
    });
    this.material = new THREE.RawShaderMaterial({
      glslVersion: THREE.GLSL3,
      vertexShader,
      fragmentShader,
      uniforms: {
        tSource: { value: this.target.texture },
        uViewport: { value: new THREE.Vector2(1, 1) },
        uMirror: { value: new THREE.Vector2(0, 0) },
        uGain: { value: 1 },
        uBlackLevel: { value: 0 },
        uVignette: { value: 0 },
      },
      depthTest: false,
      depthWrite: false,
    });
    // One triangle that covers the screen.
    const geo = new THREE.BufferGeometry();
    geo.setAttribute('position', new THREE.Float32BufferAttribute([-1, -1, 0, 3, -1, 0, -1, 3, 0], 3));
    const mesh = new THREE.Mesh(geo, this.material);
    mesh.frustumCulled = false;
    this.scene.add(mesh);

    this.mask = new THREE.Mesh(
      new THREE.BufferGeometry(),
      new THREE.RawShaderMaterial({ glslVersion: THREE.GLSL3, vertexShader: maskVertexShader, fragmentShader: maskFragmentShader, depthTest: false, depthWrite: false, side: THREE.DoubleSide }),
    );
    this.mask.frustumCulled = false;
    this.maskScene.add(this.mask);
  }

  /** Applies an output profile; returns a problem description instead of applying a bad keystone. */
  applySettings(s: OutputSettings): string | null {
    const problem = keystoneProblem(s.keystone);
    this.settings = problem ? { ...s, keystone: this.settings.keystone } : s;
    const k = mirroredKeystone(this.settings.keystone, this.settings.mirror);
    if (isIdentityKeystone(this.settings.keystone)) {
      this.keystone = null;
    } else {
      this.keystone = new THREE.Matrix4().fromArray(keystoneClipMatrix(k)).transpose();
      this.mask.geometry.dispose();
      this.mask.geometry = new THREE.BufferGeometry();
      this.mask.geometry.setAttribute('position', new THREE.BufferAttribute(outsideKeystone(k), 2));
    }
    const u = this.material.uniforms;
    (u.uMirror!.value as THREE.Vector2).set(this.settings.mirror.horizontal ? 1 : 0, this.settings.mirror.vertical ? 1 : 0);
    u.uGain!.value = this.settings.gain * this.gainScale;
    u.uBlackLevel!.value = this.settings.blackLevel;
    u.uVignette!.value = this.kind === 'stream' || this.kind === 'preview' ? 0.35 : 0;
    return problem;
  }

  /** Scales the profile's gain for this frame (a blackout fade multiplies it toward 0). */
  applyGainScale(k: number): void {
    this.gainScale = k;
    this.material.uniforms.uGain!.value = this.settings.gain * k;
  }

  /**
   * True when the picture can go straight to the screen: gain 1, no black-level floor, no
   * vignette, no fade. (The keystone and the mirror never need the offscreen pass.)
   */
  get passThrough(): boolean {
    const s = this.settings;
    return this.gainScale === 1 && s.gain === 1 && s.blackLevel <= 0 && this.material.uniforms.uVignette!.value === 0;
  }

  setSize(width: number, height: number): void {
    this.target.setSize(width, height);
    (this.material.uniforms.uViewport!.value as THREE.Vector2).set(width, height);
  }

  render(renderer: THREE.WebGLRenderer, stage: THREE.Scene, camera: THREE.Camera): void {
    const keystone = this.keystone;
    if (keystone) {
      this.savedProjection.copy(camera.projectionMatrix);
      camera.projectionMatrix.premultiply(keystone);
      camera.projectionMatrixInverse.copy(camera.projectionMatrix).invert();
    }
    const direct = this.passThrough;
    const mirror = this.settings.mirror;
    this.setCssMirror(renderer.domElement, direct && mirror.horizontal, direct && mirror.vertical);
    renderer.setRenderTarget(direct ? null : this.target);
    renderer.render(stage, camera);
    if (keystone) {
      camera.projectionMatrix.copy(this.savedProjection);
      camera.projectionMatrixInverse.copy(camera.projectionMatrix).invert();
      const autoClear = renderer.autoClear;
      renderer.autoClear = false;
      renderer.render(this.maskScene, this.camera);
      renderer.autoClear = autoClear;
    }
    if (!direct) {
      renderer.setRenderTarget(null);
      renderer.render(this.scene, this.camera);
    }
  }

  /** The mirror of a picture that goes straight to the screen: a flip of the canvas element. */
  private setCssMirror(canvas: HTMLCanvasElement, horizontal: boolean, vertical: boolean): void {
    const transform = horizontal || vertical ? `scale(${horizontal ? -1 : 1}, ${vertical ? -1 : 1})` : '';
    if (transform === this.cssMirror) return;
    this.cssMirror = transform;
    canvas.style.transform = transform;
  }
}
