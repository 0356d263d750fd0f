// The last step of every frame: the stage is rendered into an offscreen picture, then drawn to the
// output through one shader that does what the output profile asks — corner-pin keystone warp,
// mirror, gain, black-level floor, sRGB encoding and (stream/preview only) a soft vignette. Profiles
// can change live (applySettings) without reloading anything.

import * as THREE from 'three';
import type { OutputKind, OutputSettings } from '../../../show-files/src/timeline.ts';
import { invert3, keystoneProblem, squareToQuad, IDENTITY_KEYSTONE } from './homography.ts';

const vertexShader = /* glsl */ `
in vec3 position;
void main() { gl_Position = vec4(position.xy, 0.0, 1.0); }
`;

const fragmentShader = /* glsl */ `
precision highp float;
uniform sampler2D tSource;
uniform mat3 uInvH;
uniform vec2 uViewport;
uniform vec2 uMirror;
uniform float uGain;
uniform float uBlackLevel;
uniform float uVignette;
out vec4 outColor;

float toSrgb(float c) {
  return c <= 0.0031308 ? 12.92 * c : 1.055 * pow(c, 1.0 / 2.4) - 0.055;
}

void main() {
  // Output position, normalized, y down (as the keystone corners are given).
  vec2 p = vec2(gl_FragCoord.x / uViewport.x, 1.0 - gl_FragCoord.y / uViewport.y);
  vec3 q = uInvH * vec3(p, 1.0);
  vec2 uv = q.xy / q.z;
  if (q.z <= 0.0 || uv.x < 0.0 || uv.x > 1.0 || uv.y < 0.0 || uv.y > 1.0) { outColor = vec4(0.0, 0.0, 0.0, 1.0); return; }
  uv = mix(uv, 1.0 - uv, uMirror);
  vec3 c = texture(tSource, vec2(uv.x, 1.0 - uv.y)).rgb * uGain;
  if (uVignette > 0.0) {
    vec2 d = uv - 0.5;
    c *= 1.0 - uVignette * smoothstep(0.25, 0.75, dot(d, d) * 2.0);
  }
  vec3 s = clamp(vec3(toSrgb(c.r), toSrgb(c.g), toSrgb(c.b)), 0.0, 1.0);
  // Black-level floor: anything this dark or darker is pure black (see-through on a hologram screen).
  if (max(s.r, max(s.g, s.b)) <= uBlackLevel) s = vec3(0.0);
  outColor = vec4(s, 1.0);
}
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
  settings: OutputSettings = DEFAULT_SETTINGS;

  private gainScale = 1;

  constructor(private readonly kind: OutputKind) {
    // 8-bit sRGB storage: the GPU encodes on write and decodes on read, so darks keep their steps
    // at a quarter of the memory traffic of a half-float target (it matters on software GL).
    this.target = new THREE.WebGLRenderTarget(16, 16, {
      type: THREE.UnsignedByteType,
      colorSpace: THREE.SRGBColorSpace,
      depthBuffer: true,
      minFilter: THREE.LinearFilter,
      magFilter: THREE.LinearFilter,
      generateMipmaps: false,
    });
    this.material = new THREE.RawShaderMaterial({
      glslVersion: THREE.GLSL3,
      vertexShader,
      fragmentShader,
      uniforms: {
        tSource: { value: this.target.texture },
        uInvH: { value: new THREE.Matrix3() },
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
  }

  /** Applies an output profile; returns a problem description instead of applying a bad keystone. */
  applySettings(s: OutputSettings): string | null {
    const problem = keystoneProblem(s.keystone);
    const u = this.material.uniforms;
    if (!problem) {
      const inv = invert3(squareToQuad(s.keystone));
      // three's Matrix3.set takes row-major, like Mat3.
      (u.uInvH!.value as THREE.Matrix3).set(...inv);
    }
    (u.uMirror!.value as THREE.Vector2).set(s.mirror.horizontal ? 1 : 0, s.mirror.vertical ? 1 : 0);
    u.uGain!.value = s.gain;
    u.uBlackLevel!.value = s.blackLevel;
    u.uVignette!.value = this.kind === 'stream' || this.kind === 'preview' ? 0.35 : 0;
    this.settings = problem ? { ...s, keystone: this.settings.keystone } : s;
    return problem;
  }

  /** Scales the profile's gain for this frame (a blackout fade multiplies it toward 0). */
  applyGainScale(k: number): void {
    this.gainScale = k;
    this.material.uniforms.uGain!.value = this.settings.gain * k;
  }

  /** True when the profile changes nothing, so the stage can be drawn straight to the screen. */
  get passThrough(): boolean {
    const s = this.settings;
    const k = s.keystone;
    return (
      this.gainScale === 1 && s.gain === 1 && s.blackLevel <= 0 && !s.mirror.horizontal && !s.mirror.vertical &&
      this.material.uniforms.uVignette!.value === 0 &&
      k.topLeft.x === 0 && k.topLeft.y === 0 && k.topRight.x === 1 && k.topRight.y === 0 &&
      k.bottomRight.x === 1 && k.bottomRight.y === 1 && k.bottomLeft.x === 0 && k.bottomLeft.y === 1
    );
  }

  setSize(width: number, height: number): void {
    this.target.setSize(width, height);
    (this.material.uniforms.uViewport!.value as THREE.Vector2).set(width, height);
  }

  render(renderer: THREE.WebGLRenderer, stage: THREE.Scene, camera: THREE.Camera): void {
    if (this.passThrough) {
      renderer.setRenderTarget(null);
      renderer.render(stage, camera);
      return;
    }
    renderer.setRenderTarget(this.target);
    renderer.render(stage, camera);
    renderer.setRenderTarget(null);
    renderer.render(this.scene, this.camera);
  }
}
