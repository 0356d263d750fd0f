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

/** A copy of text with one to three edits: a token inserted, a token over a few characters, or a few characters cut. */
export function mutateText(text: string, tokens: readonly string[], random: () => number): string {
  let out = text;
  const edits = 1 + Math.floor(random() * 3);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(random() * (out.length + 1));
    const token = tokens[Math.floor(random() * tokens.length)]!;
    const kind = random();
    if (kind < 0.45) out = out.slice(0, at) + token + out.slice(at);
    else if (kind < 0.9) out = out.slice(0, at) + token + out.slice(at + 1 + Math.floor(random() * 3));
    else out = out.slice(0, at) + out.slice(at + 1 + Math.floor(random() * 8));
  }
  return out;
}
