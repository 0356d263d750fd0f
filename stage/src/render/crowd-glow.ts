// The crowd's glow on stage: the fans' penlight colours, mixed by how many hold each up, as a band
// of light rising from the bottom of the picture, brighter as the crowd cheers harder. It hangs in
// front of the camera (so camera moves never lose it) and is drawn with the scene, so it goes
// through the output pass (keystone, mirror) like everything else. Additive: on the transparent
// screen, no crowd means pure black, i.e. clear.

import * as THREE from 'three';

export interface GlowColour {
  r: number;
  g: number;
  b: number;
  /** 0..1 */
  intensity: number;
}

const VERTEX = /* glsl */ `
varying vec2 vUv;
void main() {
  vUv = uv;
  gl_Position = projectionMatrix * modelViewMatrix * vec4(position, 1.0);
}`;

const FRAGMENT = /* glsl */ `
uniform vec3 uColour;
uniform float uIntensity;
uniform float uTime;
varying vec2 vUv;
void main() {
  // Strongest at the bottom edge, gone by the top of the band; a slow shimmer of many lights.
  float fall = pow(1.0 - vUv.y, 2.2);
  float shimmer = 0.85 + 0.15 * sin(vUv.x * 90.0 + uTime * 3.0) * sin(vUv.x * 37.0 - uTime * 2.1);
  gl_FragColor = vec4(uColour * uIntensity * fall * shimmer, 1.0);
}`;

export class CrowdGlowLayer {
  readonly mesh: THREE.Mesh<THREE.PlaneGeometry, THREE.ShaderMaterial>;
  private target: GlowColour = { r: 0, g: 0, b: 0, intensity: 0 };
  private current: GlowColour = { r: 0, g: 0, b: 0, intensity: 0 };

  /** `band`: the share of the picture height the glow covers. */
  constructor(private readonly camera: THREE.PerspectiveCamera, private readonly band = 0.3) {
    const material = new THREE.ShaderMaterial({
      vertexShader: VERTEX,
      fragmentShader: FRAGMENT,
      uniforms: { uColour: { value: new THREE.Color(0, 0, 0) }, uIntensity: { value: 0 }, uTime: { value: 0 } },
      transparent: true,
      blending: THREE.AdditiveBlending,
      depthTest: false,
      depthWrite: false,
    });
    this.mesh = new THREE.Mesh(new THREE.PlaneGeometry(1, 1), material);
    this.mesh.renderOrder = 1000;
    this.mesh.frustumCulled = false;
    this.mesh.visible = false;
    camera.add(this.mesh);
    this.fit();
  }

  /** Place the band across the bottom of the view (call after the camera's aspect changes). */
  fit(): void {
    const distance = Math.max(this.camera.near * 2, 0.2);
    const height = 2 * distance * Math.tan(THREE.MathUtils.degToRad(this.camera.fov / 2));
    const width = height * this.camera.aspect;
    this.mesh.scale.set(width * 1.02, height * this.band, 1);
    this.mesh.position.set(0, -height / 2 + (height * this.band) / 2, -distance);
  }

  set(glow: GlowColour): void {
    this.target = glow;
  }

  /** Ease towards the target (crowd frames come at most ten times a second). */
  update(dtSeconds: number, timeSeconds: number): GlowColour {
    const k = 1 - Math.exp(-Math.max(0, dtSeconds) / 0.25);
    const c = this.current;
    c.r += (this.target.r - c.r) * k;
    c.g += (this.target.g - c.g) * k;
    c.b += (this.target.b - c.b) * k;
    c.intensity += (this.target.intensity - c.intensity) * k;
    const u = this.mesh.material.uniforms;
    (u.uColour!.value as THREE.Color).setRGB(c.r, c.g, c.b, THREE.SRGBColorSpace);
    u.uIntensity!.value = c.intensity;
    u.uTime!.value = timeSeconds;
    this.mesh.visible = c.intensity > 0.003;
    return c;
  }
}
