// Blinks and gaze as pure functions of show time, so every output shows the same blink at the
// same moment. Blinks come at irregular but fixed times: one per 4-second slot, placed in the slot
// by a hash of the slot number.

const SLOT = 4;
const BLINK = 0.16;

function hash01(n: number): number {
  let x = (n | 0) ^ 0x9e3779b9;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  x ^= x >>> 16;
  return (x >>> 0) / 4294967296;
}

/** Blink weight 0..1 at show time t (a quick close and a slightly slower open). */
export function blinkAt(t: number): number {
  const slot = Math.floor(t / SLOT);
  for (const s of [slot - 1, slot]) {
    const start = s * SLOT + 0.3 + hash01(s) * (SLOT - 0.6);
    const k = (t - start) / BLINK;
    if (k >= 0 && k < 1) return k < 0.4 ? k / 0.4 : 1 - (k - 0.4) / 0.6;
  }
  return 0;
}

/** Small wandering of the eyes around the camera, degrees. */
export function gazeOffsetAt(t: number): { yaw: number; pitch: number } {
  // Holds a point for a while, then darts to the next one (saccades), like real eyes.
  const hold = 1.7;
  const n = Math.floor(t / hold);
  const k = Math.min(1, (t - n * hold) / 0.08);
  const yaw = (hash01(n * 2 + 1) - 0.5) * 10 * k + (hash01(n * 2 - 1) - 0.5) * 10 * (1 - k);
  const pitch = (hash01(n * 2 + 2) - 0.5) * 5 * k + (hash01(n * 2) - 0.5) * 5 * (1 - k);
  return { yaw, pitch };
}
