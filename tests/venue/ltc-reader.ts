// The tests' own LTC reader, written from SMPTE 12M (not the project's decoder): biphase mark read
// with a known bit length from the sign changes of the samples.

export interface Word {
  label: string;
  drop: boolean;
  zeros: number;
  /** Sample index of the word's first edge. */
  start: number;
}

/**
 * Biphase mark read with a known bit length: the level changes at every bit boundary; an interval
 * near half a bit is half of a 1 (two of them make the bit), near a whole bit is a 0. Fields are
 * BCD, least significant bit first; a word ends with 0011111111111101.
 */
/** `strict`: a half bit followed by a whole one is an error (a file); otherwise the reader starts over there (a capture that begins mid-bit). */
export function readWords(samples: ArrayLike<number>, samplesPerBit: number, strict = true): Word[] {
  // The file starts from silence: its first sample is an edge.
  const edges: number[] = [0];
  for (let i = 1; i < samples.length; i++) if (samples[i - 1]! < 0 !== samples[i]! < 0) edges.push(i);
  const bits: { bit: number; start: number }[] = [];
  let half: number | null = null;
  for (let i = 1; i < edges.length; i++) {
    const d = edges[i]! - edges[i - 1]!;
    if (d > samplesPerBit * 0.75) {
      if (half !== null) {
        if (strict) throw new Error(`a half bit followed by a whole one at sample ${edges[i - 1]}`);
        half = null;
        bits.length = 0;
      }
      bits.push({ bit: 0, start: edges[i - 1]! });
    } else if (half === null) half = edges[i - 1]!;
    else {
      bits.push({ bit: 1, start: half });
      half = null;
    }
  }
  const sync = '0011111111111101';
  const words: Word[] = [];
  const text = bits.map((b) => b.bit).join('');
  for (let end = text.indexOf(sync); end >= 0; end = text.indexOf(sync, end + 16)) {
    const from = end - 64;
    if (from < 0) continue;
    const w = bits.slice(from, from + 80).map((b) => b.bit);
    const num = (at: number, width: number): number => w.slice(at, at + width).reduce((v, b, i) => v + b * 2 ** i, 0);
    const two = (n: number): string => String(n).padStart(2, '0');
    const h = num(56, 2) * 10 + num(48, 4);
    const m = num(40, 3) * 10 + num(32, 4);
    const s = num(24, 3) * 10 + num(16, 4);
    const f = num(8, 2) * 10 + num(0, 4);
    words.push({ label: `${two(h)}:${two(m)}:${two(s)}:${two(f)}`, drop: w[10] === 1, zeros: w.filter((b) => b === 0).length, start: bits[from]!.start });
  }
  return words;
}
