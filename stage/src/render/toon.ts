// Cheaper toon materials for the singer, with the look of three-vrm's MToon kept.
//
// On a machine without a GPU (SwiftShader) the avatar is the frame: every triangle costs about a
// microsecond to set up and every shaded pixel a few tens of nanoseconds, and MToon's outline is a
// second pass over every body triangle that runs the full MToon fragment shader (all the lighting)
// only to paint a dark rim. So, for MToon materials that use no textures (the default singer, and
// any untextured parts of a drop-in VRM):
//
//  - LiteToonMaterial does MToon's maths (toon step between the shade and lit colours per light,
//    ambient, parametric rim, emissive) with the per-light N·L and the rim term computed per
//    vertex. The fragment shader only applies the toon step (one linearstep per light, as MToon
//    does it) and sums: the sharp terminator stays per pixel.
//  - ToonOutlineMaterial draws MToon's inverted hull (the same width modes and maths) with its
//    colour (outline colour × the lit colour, MToon's outlineLightingMixFactor) worked out per
//    vertex, and a fragment shader that only writes it.
//
// Anything these do not cover keeps its MToon material: textures (base colour, shade, normal,
// emissive, matcap, rim, UV animation, outline width), transparency or alpha cut-out, MToon's 0.x
// shading compatibility, vertex colours, and materials that an expression changes (material colour
// or texture transform binds). The stage's lights are an ambient light and up to four directional
// lights, which is what these shaders read.

import * as THREE from 'three';
import { MToonMaterial, type VRM } from '@pixiv/three-vrm';

/** Directional lights the lite shaders take into account (the stage uses three). */
export const MAX_TOON_LIGHTS = 4;

const LITE_VERTEX = /* glsl */ `
#include <common>
#include <morphtarget_pars_vertex>
#include <skinning_pars_vertex>
#include <lights_pars_begin>
uniform float uRimLift;
uniform float uRimPower;
varying vec4 vDotNL;
varying vec2 vRim;
void main() {
  #include <beginnormal_vertex>
  #include <morphnormal_vertex>
  #include <skinbase_vertex>
  #include <skinnormal_vertex>
  #include <defaultnormal_vertex>
  #include <begin_vertex>
  #include <morphtarget_vertex>
  #include <skinning_vertex>
  #include <project_vertex>
  vec3 n = normalize( transformedNormal );
  vDotNL = vec4( 0.0 );
  #if NUM_DIR_LIGHTS > 0
  #pragma unroll_loop_start
  for ( int i = 0; i < NUM_DIR_LIGHTS; i ++ ) {
    vDotNL[ i ] = dot( n, directionalLights[ i ].direction );
  }
  #pragma unroll_loop_end
  #endif
  // MToon's parametric rim, for the front face (x) and, on double-sided parts, the back (y).
  float nv = dot( normalize( - mvPosition.xyz ), n );
  vRim.x = pow( clamp( 1.0 - nv + uRimLift, 0.0, 1.0 ), uRimPower );
  #ifdef DOUBLE_SIDED
    vRim.y = pow( clamp( 1.0 + nv + uRimLift, 0.0, 1.0 ), uRimPower );
  #else
    vRim.y = 0.0;
  #endif
}
`;

const LITE_FRAGMENT = /* glsl */ `
#include <common>
#include <lights_pars_begin>
uniform vec3 uLit;
uniform vec3 uShade;
uniform vec2 uToon;
uniform vec3 uRimColor;
uniform float uRimMix;
uniform vec3 uEmissive;
varying vec4 vDotNL;
varying vec2 vRim;
void main() {
  #ifdef DOUBLE_SIDED
    float face = gl_FrontFacing ? 1.0 : -1.0;
  #else
    float face = 1.0;
  #endif
  // MToon: shading = linearstep( -1 + toony, 1 - toony, N·L + shift ), per light.
  vec4 shading = clamp( vDotNL * ( face * uToon.x ) + uToon.y, 0.0, 1.0 );
  vec3 lights = vec3( 0.0 );
  vec3 lit = vec3( 0.0 );
  #if NUM_DIR_LIGHTS > 0
  #pragma unroll_loop_start
  for ( int i = 0; i < NUM_DIR_LIGHTS; i ++ ) {
    lights += directionalLights[ i ].color;
    lit += directionalLights[ i ].color * shading[ i ];
  }
  #pragma unroll_loop_end
  #endif
  // Σ colour × mix( shade, lit, shading ) + ambient × lit, over π (MToon's Lambert).
  vec3 col = ( uShade * lights + ( uLit - uShade ) * lit + ambientLightColor * uLit ) * RECIPROCAL_PI;
  vec3 rimMix = mix( vec3( 1.0 ), ( lights + ambientLightColor ) * RECIPROCAL_PI, uRimMix );
  col += rimMix * uRimColor * ( face > 0.0 ? vRim.x : vRim.y ) + uEmissive;
  gl_FragColor = vec4( col, 1.0 );
  #include <tonemapping_fragment>
  #include <colorspace_fragment>
}
`;

const OUTLINE_VERTEX = /* glsl */ `
#include <common>
#include <morphtarget_pars_vertex>
#include <skinning_pars_vertex>
#include <lights_pars_begin>
uniform float uWidth;
uniform vec3 uLit;
uniform vec3 uShade;
uniform vec2 uToon;
uniform vec3 uRimColor;
uniform float uRimMix;
uniform float uRimLift;
uniform float uRimPower;
uniform vec3 uEmissive;
uniform vec3 uOutlineColor;
uniform float uOutlineMix;
varying vec3 vColor;
void main() {
  #include <beginnormal_vertex>
  #include <morphnormal_vertex>
  #include <skinbase_vertex>
  #include <skinnormal_vertex>
  objectNormal = normalize( objectNormal );
  #include <begin_vertex>
  #include <morphtarget_vertex>
  #include <skinning_vertex>
  // The surface's own (outward) normal in view space: MToon lights the outline with it.
  vec3 viewNormal = normalMatrix * objectNormal;
  vec3 n = normalize( viewNormal );
  vec4 mvSurface = modelViewMatrix * vec4( transformed, 1.0 );
  vec3 lights = vec3( 0.0 );
  vec3 lit = vec3( 0.0 );
  #if NUM_DIR_LIGHTS > 0
  #pragma unroll_loop_start
  for ( int i = 0; i < NUM_DIR_LIGHTS; i ++ ) {
    lights += directionalLights[ i ].color;
    lit += directionalLights[ i ].color * clamp( dot( n, directionalLights[ i ].direction ) * uToon.x + uToon.y, 0.0, 1.0 );
  }
  #pragma unroll_loop_end
  #endif
  vec3 col = ( uShade * lights + ( uLit - uShade ) * lit + ambientLightColor * uLit ) * RECIPROCAL_PI;
  float nv = dot( normalize( - mvSurface.xyz ), n );
  col += mix( vec3( 1.0 ), ( lights + ambientLightColor ) * RECIPROCAL_PI, uRimMix ) * uRimColor * pow( clamp( 1.0 - nv + uRimLift, 0.0, 1.0 ), uRimPower ) + uEmissive;
  vColor = uOutlineColor * mix( vec3( 1.0 ), col, uOutlineMix );
  // MToon's hull: out along the normal by the width (world units), or by a share of the screen.
  vec3 offset = uWidth * length( viewNormal ) * objectNormal;
  #ifdef OUTLINE_WIDTH_SCREEN
    offset *= - mvSurface.z / projectionMatrix[ 1 ].y;
  #endif
  gl_Position = projectionMatrix * modelViewMatrix * vec4( transformed + offset, 1.0 );
  gl_Position.z += 1E-6 * gl_Position.w;
}
`;

const OUTLINE_FRAGMENT = /* glsl */ `
varying vec3 vColor;
void main() {
  gl_FragColor = vec4( vColor, 1.0 );
  #include <tonemapping_fragment>
  #include <colorspace_fragment>
}
`;

/** MToon's toon step as a scale and offset: linearstep(-1 + t, 1 - t, x + shift) = clamp(x * a + b). */
function toonStep(m: MToonMaterial): THREE.Vector2 {
  const a = 1 / Math.max(2 - 2 * m.shadingToonyFactor, 1e-4);
  return new THREE.Vector2(a, (m.shadingShiftFactor + 1 - m.shadingToonyFactor) * a);
}

function emissiveOf(m: MToonMaterial): THREE.Color {
  return m.emissive.clone().multiplyScalar(m.emissiveIntensity);
}

export class LiteToonMaterial extends THREE.ShaderMaterial {
  readonly isLiteToon = true;

  constructor(source: MToonMaterial) {
    super({
      name: source.name,
      vertexShader: LITE_VERTEX,
      fragmentShader: LITE_FRAGMENT,
      lights: true,
      side: source.side,
      depthWrite: source.depthWrite,
      depthTest: source.depthTest,
      uniforms: THREE.UniformsUtils.merge([
        THREE.UniformsLib.lights,
        shadingUniforms(source),
      ]),
    });
  }
}

/** MToon's shading factors, as both lite shaders read them. */
function shadingUniforms(source: MToonMaterial): Record<string, THREE.IUniform> {
  return {
    uLit: { value: source.color.clone() },
    uShade: { value: source.shadeColorFactor.clone() },
    uToon: { value: toonStep(source) },
    uRimColor: { value: source.parametricRimColorFactor.clone() },
    uRimMix: { value: source.rimLightingMixFactor },
    uRimLift: { value: source.parametricRimLiftFactor },
    uRimPower: { value: source.parametricRimFresnelPowerFactor },
    uEmissive: { value: emissiveOf(source) },
  };
}

export class ToonOutlineMaterial extends THREE.ShaderMaterial {
  readonly isOutline = true;

  constructor(source: MToonMaterial) {
    super({
      name: source.name,
      vertexShader: OUTLINE_VERTEX,
      fragmentShader: OUTLINE_FRAGMENT,
      lights: true,
      side: THREE.BackSide,
      defines: source.outlineWidthMode === 'screenCoordinates' ? { OUTLINE_WIDTH_SCREEN: '' } : {},
      uniforms: THREE.UniformsUtils.merge([
        THREE.UniformsLib.lights,
        shadingUniforms(source),
        {
          uWidth: { value: source.outlineWidthFactor },
          uOutlineColor: { value: source.outlineColorFactor.clone() },
          uOutlineMix: { value: source.outlineLightingMixFactor },
        },
      ]),
    });
  }
}

const TEXTURE_SLOTS = [
  'map', 'normalMap', 'emissiveMap', 'shadeMultiplyTexture', 'shadingShiftTexture', 'matcapTexture',
  'rimMultiplyTexture', 'uvAnimationMaskTexture', 'outlineWidthMultiplyTexture',
] as const;

/** Why an MToon material keeps three-vrm's shader, or null when the lite one draws it the same. */
export function liteToonRefusal(m: MToonMaterial, bound: ReadonlySet<THREE.Material> = new Set()): string | null {
  for (const slot of TEXTURE_SLOTS) if ((m as unknown as Record<string, unknown>)[slot]) return `uses ${slot}`;
  if (m.transparent || m.alphaTest > 0) return 'transparent or cut out';
  if (m.v0CompatShade) return 'VRM 0.x shade compatibility';
  if (!m.ignoreVertexColor) return 'vertex colours';
  if (m.debugMode !== 'none') return `debug mode ${m.debugMode}`;
  if (m.isOutline && m.outlineWidthMode === 'none') return 'outline without a width';
  if (bound.has(m)) return 'changed by an expression';
  return null;
}

export interface LiteToonReport {
  /** Surface and outline materials now drawn by the lite shaders. */
  replaced: number;
  /** MToon materials kept, with the reason for each distinct one. */
  kept: { name: string; reason: string }[];
}

/**
 * Swaps the avatar's eligible MToon materials (surface and outline) for the lite ones, in place.
 * Outlines are only swapped together with their surface material (the same MToon parameters).
 */
export function useLiteToon(vrm: VRM): LiteToonReport {
  const bound = new Set<THREE.Material>();
  for (const e of vrm.expressionManager?.expressions ?? []) {
    for (const b of e.binds) {
      const material = (b as { material?: THREE.Material }).material;
      if (material) bound.add(material);
    }
  }
  const swapped = new Map<THREE.Material, THREE.Material>();
  const kept = new Map<THREE.Material, string>();
  const swap = (m: THREE.Material, surface: THREE.Material | undefined): THREE.Material => {
    if (!(m instanceof MToonMaterial)) return m;
    const done = swapped.get(m);
    if (done) return done;
    if (kept.has(m)) return m;
    const reason = liteToonRefusal(m, bound) ?? (m.isOutline && surface && !(swapped.get(surface) instanceof LiteToonMaterial) ? 'its surface keeps MToon' : null);
    if (reason) {
      kept.set(m, reason);
      return m;
    }
    const lite = m.isOutline ? new ToonOutlineMaterial(m) : new LiteToonMaterial(m);
    swapped.set(m, lite);
    return lite;
  };
  vrm.scene.traverse((o) => {
    const mesh = o as THREE.Mesh;
    if (!mesh.isMesh) return;
    if (Array.isArray(mesh.material)) {
      // three-vrm puts the outline after its surface material (two groups over the same triangles).
      const list = mesh.material;
      const out = list.map((m) => (m instanceof MToonMaterial && !m.isOutline ? swap(m, undefined) : m));
      mesh.material = out.map((m, i) => (m instanceof MToonMaterial && m.isOutline ? swap(m, list[i - 1]) : m));
    } else {
      mesh.material = swap(mesh.material, undefined);
    }
  });
  return {
    replaced: swapped.size,
    kept: [...kept].map(([m, reason]) => ({ name: m.name, reason })),
  };
}
