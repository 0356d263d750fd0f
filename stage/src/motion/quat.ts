// Small quaternion helpers for motion import ([x, y, z, w], Hamilton product, unit quaternions).

export type Quat = [number, number, number, number];
export type Vec3 = [number, number, number];

export function mul(a: readonly number[], b: readonly number[]): Quat {
  const [ax, ay, az, aw] = a as Quat;
  const [bx, by, bz, bw] = b as Quat;
  return [aw * bx + ax * bw + ay * bz - az * by, aw * by - ax * bz + ay * bw + az * bx, aw * bz + ax * by - ay * bx + az * bw, aw * bw - ax * bx - ay * by - az * bz];
}

export const conj = (q: readonly number[]): Quat => [-q[0]!, -q[1]!, -q[2]!, q[3]!];

export function rotate(q: readonly number[], v: Vec3): Vec3 {
  const r = mul(mul(q, [v[0], v[1], v[2], 0]), conj(q));
  return [r[0], r[1], r[2]];
}

export function slerp(a: readonly number[], b: readonly number[], t: number): Quat {
  let [bx, by, bz, bw] = b as Quat;
  let dot = a[0]! * bx + a[1]! * by + a[2]! * bz + a[3]! * bw;
  if (dot < 0) {
    dot = -dot;
    bx = -bx; by = -by; bz = -bz; bw = -bw;
  }
  let k0 = 1 - t;
  let k1 = t;
  if (dot < 0.9995) {
    const th = Math.acos(dot);
    const s = Math.sin(th);
    k0 = Math.sin((1 - t) * th) / s;
    k1 = Math.sin(t * th) / s;
  }
  const q: Quat = [a[0]! * k0 + bx * k1, a[1]! * k0 + by * k1, a[2]! * k0 + bz * k1, a[3]! * k0 + bw * k1];
  const l = Math.hypot(...q);
  return [q[0] / l, q[1] / l, q[2] / l, q[3] / l];
}

/** Angle between two rotations, radians. */
export function angleBetween(a: readonly number[], b: readonly number[]): number {
  const dot = Math.abs(a[0]! * b[0]! + a[1]! * b[1]! + a[2]! * b[2]! + a[3]! * b[3]!);
  return 2 * Math.acos(Math.min(1, dot));
}

/**
 * The rotation whose -Y axis points along `down` and whose +Z leans to `forward` (a bone hanging
 * along `down` with its front towards `forward`).
 */
export function quatFromBasis(down: Vec3, forward: Vec3): Quat {
  const y: Vec3 = [-down[0], -down[1], -down[2]];
  const d = forward[0] * y[0] + forward[1] * y[1] + forward[2] * y[2];
  let z: Vec3 = [forward[0] - y[0] * d, forward[1] - y[1] * d, forward[2] - y[2] * d];
  const zl = Math.hypot(...z) || 1;
  z = [z[0] / zl, z[1] / zl, z[2] / zl];
  const x: Vec3 = [y[1] * z[2] - y[2] * z[1], y[2] * z[0] - y[0] * z[2], y[0] * z[1] - y[1] * z[0]];
  // Rotation matrix with columns x, y, z → quaternion.
  const [m00, m10, m20] = x;
  const [m01, m11, m21] = y;
  const [m02, m12, m22] = z;
  const tr = m00 + m11 + m22;
  if (tr > 0) {
    const s = Math.sqrt(tr + 1) * 2;
    return [(m21 - m12) / s, (m02 - m20) / s, (m10 - m01) / s, s / 4];
  }
  if (m00 > m11 && m00 > m22) {
    const s = Math.sqrt(1 + m00 - m11 - m22) * 2;
    return [s / 4, (m01 + m10) / s, (m02 + m20) / s, (m21 - m12) / s];
  }
  if (m11 > m22) {
    const s = Math.sqrt(1 + m11 - m00 - m22) * 2;
    return [(m01 + m10) / s, s / 4, (m12 + m21) / s, (m02 - m20) / s];
  }
  const s = Math.sqrt(1 + m22 - m00 - m11) * 2;
  return [(m02 + m20) / s, (m12 + m21) / s, s / 4, (m10 - m01) / s];
}
