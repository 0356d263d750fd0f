// Deterministic pseudo-random numbers for the fuzz and robustness tests: the same seed gives the
// same damaged files on every run, so a failure can be replayed.

/** xorshift32: numbers in [0, 1) from a seed. */
export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}
