// The phoneme inventory shared by the Japanese and English phonemizers, the lip-sync and the
// singing synth. Symbols are short lowercase strings: Japanese romaji-like consonants and the five
// Japanese vowels, plus the English vowels that Japanese lacks (ae, ah, ao, er, ih, uh) and the
// English consonants (th, dh, ng, l, zh, ...). "N" is the moraic nasal ん, "cl" the closure of っ.

export type PhoneKind = 'vowel' | 'stop' | 'fricative' | 'affricate' | 'nasal' | 'liquid' | 'glide' | 'closure';

/** Mouth shape as VRM expression weights, in the order aa, ih, ou, ee, oh. */
export type Viseme = readonly [number, number, number, number, number];

export interface PhoneInfo {
  kind: PhoneKind;
  voiced: boolean;
  /**
   * Mouth shape. For consonants made with the tongue (t, k, s, r, ...) the lips follow the
   * neighbouring vowel: `transparent` says how much of the next vowel's shape they keep.
   */
  viseme: Viseme;
  transparent: number;
  /** Vowel formants F1, F2, F3 in Hz (adult voice; the synth shifts them by the voice's formantShift). */
  formants?: readonly [number, number, number];
  /** Consonant noise: centre frequency of its band in Hz, its Q and its loudness 0..1. */
  noise?: { freq: number; q: number; gain: number };
  /** Typical length relative to the voice's pre-utterance (1 = exactly the pre-utterance). */
  length: number;
}

const CLOSED: Viseme = [0, 0, 0, 0, 0];

function vowel(formants: [number, number, number], viseme: Viseme): PhoneInfo {
  return { kind: 'vowel', voiced: true, viseme, transparent: 0, formants, length: 1 };
}

function consonant(kind: PhoneKind, voiced: boolean, length: number, opts: { viseme?: Viseme; transparent?: number; noise?: PhoneInfo['noise'] } = {}): PhoneInfo {
  return { kind, voiced, length, viseme: opts.viseme ?? CLOSED, transparent: opts.transparent ?? 0.45, noise: opts.noise };
}

// Formants: averages for a bright (female / young) singing voice, which suits synth-pop idols.
export const PHONES: Readonly<Record<string, PhoneInfo>> = {
  a: vowel([850, 1400, 2800], [1, 0, 0, 0, 0.1]),
  i: vowel([300, 2700, 3400], [0, 1, 0, 0.15, 0]),
  u: vowel([340, 1250, 2600], [0, 0.1, 1, 0, 0]),
  e: vowel([500, 2300, 3000], [0.1, 0.1, 0, 1, 0]),
  o: vowel([520, 950, 2700], [0.1, 0, 0.1, 0, 1]),
  // English /u:/ (rounded, further back than Japanese う).
  uw: vowel([400, 1150, 2700], [0, 0.1, 1, 0, 0]),
  ae: vowel([800, 1900, 2900], [0.7, 0, 0, 0.45, 0]),
  ah: vowel([700, 1300, 2800], [0.65, 0, 0, 0.1, 0.2]),
  ao: vowel([600, 900, 2700], [0.35, 0, 0.1, 0, 0.8]),
  er: vowel([480, 1500, 1900], [0.15, 0.3, 0.35, 0, 0]),
  ih: vowel([420, 2200, 3000], [0.1, 0.75, 0, 0.25, 0]),
  uh: vowel([450, 1150, 2700], [0.1, 0, 0.6, 0, 0.3]),
  // The moraic nasal: a hum with the mouth nearly closed.
  N: { kind: 'nasal', voiced: true, length: 1, viseme: [0.12, 0, 0, 0, 0], transparent: 0, formants: [280, 1700, 2600] },
  cl: consonant('closure', false, 0.8, { transparent: 0.2 }),

  // Lips closed.
  m: consonant('nasal', true, 0.8, { transparent: 0 }),
  b: consonant('stop', true, 0.6, { transparent: 0, noise: { freq: 600, q: 1, gain: 0.15 } }),
  p: consonant('stop', false, 0.7, { transparent: 0, noise: { freq: 900, q: 1, gain: 0.4 } }),
  my: consonant('nasal', true, 0.85, { transparent: 0 }),
  by: consonant('stop', true, 0.65, { transparent: 0, noise: { freq: 700, q: 1, gain: 0.15 } }),
  py: consonant('stop', false, 0.75, { transparent: 0, noise: { freq: 1000, q: 1, gain: 0.4 } }),
  // Lip to teeth.
  f: consonant('fricative', false, 1.1, { viseme: [0, 0.2, 0.1, 0, 0], transparent: 0.2, noise: { freq: 3200, q: 0.7, gain: 0.35 } }),
  v: consonant('fricative', true, 0.9, { viseme: [0, 0.2, 0.1, 0, 0], transparent: 0.2, noise: { freq: 3000, q: 0.7, gain: 0.2 } }),
  // Rounded lips.
  w: consonant('glide', true, 0.7, { viseme: [0, 0, 0.7, 0, 0.1], transparent: 0.3 }),
  sh: consonant('fricative', false, 1.3, { viseme: [0, 0.2, 0.4, 0, 0], transparent: 0.3, noise: { freq: 3000, q: 2, gain: 0.6 } }),
  zh: consonant('fricative', true, 1.0, { viseme: [0, 0.2, 0.4, 0, 0], transparent: 0.3, noise: { freq: 2800, q: 2, gain: 0.35 } }),
  ch: consonant('affricate', false, 1.2, { viseme: [0, 0.2, 0.4, 0, 0], transparent: 0.3, noise: { freq: 3200, q: 2, gain: 0.55 } }),
  j: consonant('affricate', true, 1.0, { viseme: [0, 0.2, 0.4, 0, 0], transparent: 0.3, noise: { freq: 2800, q: 2, gain: 0.35 } }),
  // Tongue consonants: the lips follow the vowel.
  k: consonant('stop', false, 0.7, { noise: { freq: 2000, q: 1.5, gain: 0.45 } }),
  g: consonant('stop', true, 0.6, { noise: { freq: 1800, q: 1.5, gain: 0.2 } }),
  ky: consonant('stop', false, 0.8, { viseme: [0, 0.3, 0, 0, 0], noise: { freq: 2800, q: 1.5, gain: 0.45 } }),
  gy: consonant('stop', true, 0.7, { viseme: [0, 0.3, 0, 0, 0], noise: { freq: 2600, q: 1.5, gain: 0.2 } }),
  t: consonant('stop', false, 0.7, { noise: { freq: 4000, q: 1.5, gain: 0.45 } }),
  d: consonant('stop', true, 0.6, { noise: { freq: 3500, q: 1.5, gain: 0.2 } }),
  ts: consonant('affricate', false, 1.1, { noise: { freq: 5500, q: 2, gain: 0.5 } }),
  s: consonant('fricative', false, 1.3, { viseme: [0, 0.25, 0, 0.1, 0], noise: { freq: 6000, q: 2, gain: 0.6 } }),
  z: consonant('fricative', true, 1.0, { viseme: [0, 0.25, 0, 0.1, 0], noise: { freq: 5500, q: 2, gain: 0.35 } }),
  th: consonant('fricative', false, 1.0, { viseme: [0.1, 0.2, 0, 0, 0], noise: { freq: 5000, q: 0.7, gain: 0.25 } }),
  dh: consonant('fricative', true, 0.7, { viseme: [0.1, 0.2, 0, 0, 0], noise: { freq: 4500, q: 0.7, gain: 0.15 } }),
  h: consonant('fricative', false, 0.9, { transparent: 0.7, noise: { freq: 1500, q: 0.5, gain: 0.3 } }),
  hy: consonant('fricative', false, 1.0, { viseme: [0, 0.3, 0, 0, 0], noise: { freq: 3500, q: 1, gain: 0.4 } }),
  n: consonant('nasal', true, 0.8, { viseme: [0.1, 0.1, 0, 0, 0] }),
  ny: consonant('nasal', true, 0.85, { viseme: [0, 0.3, 0, 0, 0] }),
  ng: consonant('nasal', true, 0.8, { viseme: [0.15, 0.1, 0, 0, 0] }),
  r: consonant('liquid', true, 0.45, { viseme: [0.1, 0.1, 0, 0, 0] }),
  ry: consonant('liquid', true, 0.55, { viseme: [0, 0.3, 0, 0, 0] }),
  l: consonant('liquid', true, 0.6, { viseme: [0.15, 0.1, 0, 0, 0] }),
  y: consonant('glide', true, 0.6, { viseme: [0, 0.5, 0, 0.1, 0], transparent: 0.3 }),
};

export function phoneInfo(symbol: string): PhoneInfo {
  return PHONES[symbol] ?? PHONES.ah!;
}

export function isVowelSymbol(symbol: string): boolean {
  return PHONES[symbol]?.kind === 'vowel';
}

/** Phonemes that carry a note's pitch and length: vowels and the moraic nasal. */
export function isSyllabic(symbol: string): boolean {
  const p = PHONES[symbol];
  return p !== undefined && (p.kind === 'vowel' || symbol === 'N');
}
