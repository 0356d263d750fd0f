// The sRGB encoding of every shaded pixel, made cheap.
//
// three.js renders in linear light and encodes each fragment to sRGB in the shader
// (`linearToOutputTexel`): three `pow`s per fragment. On software GL (SwiftShader) that encode is
// more than half the cost of a simple fragment: a full-screen quad costs 13 ms of CPU with
// `gl_FragColor = c` and 30 ms with three's encode. The stage swaps in an approximation built from
// square roots (c^(1/2), c^(1/4), c^(1/8) and c, fitted to 1.055·c^(1/2.4) − 0.055), with the
// linear segment below 0.0031308 kept exact, so 0 stays exactly 0 (the transparent screen's clear
// black). Against the exact curve it is within 0.001 everywhere: one 8-bit level at most, on 1.6 %
// of the values, the same on three's own curve. Measured on the same quad: 17 ms.

import * as THREE from 'three';

/** The encode as GLSL (vec3 in linear light → vec3 sRGB-encoded). */
export const SRGB_ENCODE_GLSL = /* glsl */ `
vec3 holostageSrgbEncode( in vec3 c ) {
  vec3 s1 = sqrt( c );
  vec3 s2 = sqrt( s1 );
  vec3 s3 = sqrt( s2 );
  vec3 curve = 0.662002687 * s1 + 0.684122060 * s2 - 0.323583601 * s3 - 0.0225411470 * c;
  return mix( curve, c * 12.92, vec3( lessThanEqual( c, vec3( 0.0031308 ) ) ) );
}
`;

/** The same in JavaScript (for the accuracy test). */
export function srgbEncode(c: number): number {
  if (c <= 0.0031308) return c * 12.92;
  const s1 = Math.sqrt(c);
  const s2 = Math.sqrt(s1);
  const s3 = Math.sqrt(s2);
  return 0.662002687 * s1 + 0.68412206 * s2 - 0.323583601 * s3 - 0.022541147 * c;
}

const OETF = /vec4 sRGBTransferOETF\( in vec4 value \) \{[^}]*\}/;
const MARK = 'holostageSrgbEncode';

/**
 * Makes three's sRGB output encode use the approximation, for every material compiled from now on
 * (call before the first render). Returns false if this three.js version's chunk was not
 * recognised; the exact encode then stays in place.
 */
export function useFastSrgbEncoding(): boolean {
  const chunks = THREE.ShaderChunk as unknown as Record<string, string>;
  const chunk = chunks.colorspace_pars_fragment!;
  if (chunk.includes(MARK)) return true;
  if (!OETF.test(chunk)) {
    console.warn('holostage stage: three.js sRGB encode not recognised; keeping the exact one');
    return false;
  }
  chunks.colorspace_pars_fragment = chunk.replace(
    OETF,
    `${SRGB_ENCODE_GLSL}\nvec4 sRGBTransferOETF( in vec4 value ) {\n  return vec4( ${MARK}( value.rgb ), value.a );\n}`,
  );
  return true;
}
