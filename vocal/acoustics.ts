// What each phone sounds like to the synthesizer: the vocal-tract resonances it aims at and how
// the source drives them. Values are for an adult female voice:
// - vowels from published female formant surveys (Peterson & Barney's women for English; female
//   Japanese speakers for the five Japanese vowels), rounded;
// - consonants from Klatt's (1980) rule tables, scaled by about 1.15 for a shorter vocal tract,
//   with the F2 "locus" each place of articulation pulls the neighbouring vowel towards.

export type Manner = 'vowel' | 'stop' | 'fricative' | 'affricate' | 'nasal' | 'liquid' | 'glide' | 'aspirate' | 'closure';

export interface PhoneAcoustics {
  manner: Manner;
  voiced: boolean;
  /** Formant targets F1-F5 (Hz): for consonants, where the tract is at the constriction. */
  formants: readonly [number, number, number, number, number];
  bandwidths: readonly [number, number, number, number, number];
  /**
   * How far a neighbouring vowel's formants move towards this consonant's at the boundary
   * (0 = the vowel does not move, 1 = all the way: glides and liquids). Stops and nasals pull F2
   * to their place's locus by half (the locus equation).
   */
  pull: number;
  /** Seconds a neighbouring vowel takes to move to or from this consonant. */
  transition: number;
  /**
   * Voicing level during the consonant (voice bar, murmur, voiced frication) against a vowel's 1.
   * Nasals and liquids go above 1: through the cascade alone their narrow, low-F1 tract came out
   * 10 dB under natural speech's level against the vowels around them.
   */
  voicing: number;
  /** Aspiration level (noise through the tract). */
  aspiration: number;
  /** Frication (parallel branch): level, two resonances (Hz, bandwidth, gain) and a flat bypass. */
  frication: number;
  fric: readonly [number, number, number, number, number, number, number];
  /** Nasal anti-formant while the velum is open (Hz); undefined for oral sounds. */
  nasalZero?: number;
  /** Voice onset time after a stop's burst (voiceless: aspiration runs until the vowel). */
  vot: number;
  /** True for velars: the burst and locus follow the vowel's F2 (the velar pinch). */
  velar?: boolean;
}

const HIGH = [4300, 5000] as const;
const VOWEL_BW = [90, 110, 170, 250, 300] as const;
const NO_FRIC = [2500, 300, 0, 5000, 500, 0, 0] as const;

function vowel(f1: number, f2: number, f3: number): PhoneAcoustics {
  return { manner: 'vowel', voiced: true, formants: [f1, f2, f3, ...HIGH], bandwidths: VOWEL_BW, pull: 0, transition: 0.05, voicing: 1, aspiration: 0, frication: 0, fric: NO_FRIC, vot: 0 };
}

interface ConsonantSpec {
  f: [number, number, number];
  bw?: [number, number, number];
  pull?: number;
  transition?: number;
  voicing?: number;
  aspiration?: number;
  frication?: number;
  /** fric resonances: [f1, bw1, gain1, f2, bw2, gain2, bypass] */
  fric?: readonly [number, number, number, number, number, number, number];
  nasalZero?: number;
  vot?: number;
  velar?: boolean;
}

function consonant(manner: Manner, voiced: boolean, s: ConsonantSpec): PhoneAcoustics {
  // With the glottis open (voiceless sounds) F1 is damped: their aspiration must not hum at F1.
  const bw = s.bw ?? (voiced ? [100, 140, 200] : [400, 140, 200]);
  return {
    manner,
    voiced,
    formants: [s.f[0], s.f[1], s.f[2], ...HIGH],
    bandwidths: [bw[0], bw[1], bw[2], Math.max(300, bw[2]), Math.max(400, bw[2])],
    pull: s.pull ?? 0.5,
    transition: s.transition ?? 0.045,
    voicing: s.voicing ?? 0,
    aspiration: s.aspiration ?? 0,
    frication: s.frication ?? 0,
    fric: s.fric ?? NO_FRIC,
    nasalZero: s.nasalZero,
    vot: s.vot ?? 0,
    velar: s.velar,
  };
}

// Fricative spectra (female): sibilants peak high and strong, non-sibilants are weak and flat.
// /s/ peaks lower than many female voices' 7-8 kHz so that telephone- and 16 kHz-band listeners
// (and recognizers) still hear it. The two resonances are band-passes (BandPass, dsp/resonator.ts), so their
// gains set the peaks and nothing leaks below them; the bypass is flat.
//
// Levels were set against natural speech (a diphone voice's recordings of the same songs, per
// consonant, on a recognizer's mel scale after mean normalisation): sibilants about as loud as
// the vowels' mean, f/th 10-20 dB under it, and the voiced /v/ and /ð/ weak, mostly voice with a
// little noise. Louder, they were heard as /h/ or a breath, and pushed the vowels' cepstral mean.
const S_FRIC = [5600, 1200, 1.0, 7500, 2000, 0.5, 0.05] as const;
const SH_FRIC = [2900, 500, 0.9, 4600, 1200, 0.55, 0.02] as const;
const F_FRIC = [6500, 3000, 0.12, 3000, 2000, 0.05, 0.18] as const;
const TH_FRIC = [6000, 2500, 0.18, 8500, 3000, 0.12, 0.12] as const;
const H_FRIC = NO_FRIC;
// Stop bursts: labials flat and weak, alveolars high, velars compact around F2/F3 of the vowel.
const P_BURST = [1200, 1200, 0.25, 3000, 2000, 0.1, 0.45] as const;
const T_BURST = [4500, 1500, 0.9, 6500, 2500, 0.45, 0.1] as const;
const K_BURST = [2400, 500, 1.0, 3600, 900, 0.35, 0.05] as const;

/** A voiced closure sounds only below 500 Hz (the voice bar): everything above is damped. */
const VOICE_BAR: [number, number, number] = [80, 900, 1200];
/**
 * Nasal murmur: the nasal pole carries it; the closed mouth widens the oral formants but leaves
 * them there (Klatt's B2/B3 of 200-300 Hz), so the murmur still has energy at 1-3 kHz. Damped to
 * 450/600 Hz it was a bare low hum that recognizers took for silence or a stop's closure.
 */
const NASAL_BW: [number, number, number] = [60, 200, 300];
const LABIAL: [number, number, number] = [330, 950, 2300];
const ALVEOLAR: [number, number, number] = [330, 1900, 2850];
const VELAR: [number, number, number] = [330, 2200, 2700];
const PALATAL: [number, number, number] = [330, 2400, 3100];

const TABLE: Record<string, PhoneAcoustics> = {
  // Japanese five vowels (and the English vowels that share their symbols).
  a: vowel(850, 1350, 2850),
  i: vowel(280, 2800, 3300),
  u: vowel(390, 1550, 2700),
  e: vowel(560, 2350, 3000),
  o: vowel(550, 950, 2800),
  // English vowels.
  uw: vowel(400, 1150, 2700),
  ae: vowel(860, 2050, 2850),
  ah: vowel(760, 1400, 2800),
  ao: vowel(620, 950, 2750),
  er: vowel(500, 1600, 1950),
  ih: vowel(430, 2450, 3050),
  uh: vowel(470, 1160, 2700),
  // The moraic nasal (its place is taken from the next consonant by the planner).
  N: consonant('nasal', true, { f: [320, 1600, 2700], bw: [60, 250, 300], voicing: 1.12, nasalZero: 1400, pull: 0.3, transition: 0.04 }),
  cl: consonant('closure', false, { f: ALVEOLAR, pull: 0.3 }),
  // Stops.
  p: consonant('stop', false, { f: LABIAL, frication: 0.5, fric: P_BURST, aspiration: 0.5, vot: 0.045 }),
  b: consonant('stop', true, { f: LABIAL, bw: VOICE_BAR, frication: 0.3, fric: P_BURST, voicing: 0.3, vot: 0 }),
  t: consonant('stop', false, { f: ALVEOLAR, frication: 0.7, fric: T_BURST, aspiration: 0.5, vot: 0.05 }),
  d: consonant('stop', true, { f: ALVEOLAR, bw: VOICE_BAR, frication: 0.45, fric: T_BURST, voicing: 0.3, vot: 0 }),
  k: consonant('stop', false, { f: VELAR, frication: 0.7, fric: K_BURST, aspiration: 0.5, vot: 0.055, velar: true }),
  g: consonant('stop', true, { f: VELAR, bw: VOICE_BAR, frication: 0.45, fric: K_BURST, voicing: 0.3, vot: 0, velar: true }),
  // Fricatives.
  f: consonant('fricative', false, { f: LABIAL, frication: 0.28, fric: F_FRIC, pull: 0.4 }),
  v: consonant('fricative', true, { f: LABIAL, frication: 0.09, fric: F_FRIC, voicing: 0.15, pull: 0.4 }),
  th: consonant('fricative', false, { f: [330, 1500, 2700], frication: 0.28, fric: TH_FRIC, pull: 0.4 }),
  // English /v/ and /dh/ are mostly weak voiced approximants: little noise.
  dh: consonant('fricative', true, { f: [330, 1500, 2700], frication: 0.024, fric: TH_FRIC, voicing: 0.21, pull: 0.4, transition: 0.04 }),
  s: consonant('fricative', false, { f: ALVEOLAR, frication: 0.53, fric: S_FRIC, pull: 0.4 }),
  z: consonant('fricative', true, { f: ALVEOLAR, frication: 0.16, fric: S_FRIC, voicing: 0.5, pull: 0.4 }),
  sh: consonant('fricative', false, { f: [330, 2100, 2900], frication: 0.53, fric: SH_FRIC, pull: 0.5 }),
  zh: consonant('fricative', true, { f: [330, 2100, 2900], frication: 0.16, fric: SH_FRIC, voicing: 0.5, pull: 0.5 }),
  h: consonant('aspirate', false, { f: [500, 1500, 2800], bw: [300, 200, 250], aspiration: 0.9, pull: 0, transition: 0.02 }),
  hy: consonant('fricative', false, { f: PALATAL, frication: 0.5, fric: [3600, 800, 0.8, 5000, 1500, 0.3, 0.02], pull: 0.6 }),
  // Affricates: a closure, then their fricative.
  ch: consonant('affricate', false, { f: [330, 2100, 2900], frication: 0.53, fric: SH_FRIC, pull: 0.5 }),
  j: consonant('affricate', true, { f: [330, 2100, 2900], frication: 0.16, fric: SH_FRIC, voicing: 0.3, pull: 0.5 }),
  ts: consonant('affricate', false, { f: ALVEOLAR, frication: 0.53, fric: S_FRIC, pull: 0.4 }),
  // Nasals: a low murmur (nasal pole near 270 Hz, anti-formant by place), then a quick release.
  m: consonant('nasal', true, { f: [320, 1150, 2400], bw: NASAL_BW, voicing: 1.2, nasalZero: 900, transition: 0.035 }),
  n: consonant('nasal', true, { f: [320, 1700, 2700], bw: NASAL_BW, voicing: 1.2, nasalZero: 1600, transition: 0.035 }),
  ng: consonant('nasal', true, { f: [320, 2200, 2700], bw: NASAL_BW, voicing: 1.2, nasalZero: 2600, transition: 0.035, velar: true }),
  // Liquids and glides: voiced, the formants themselves move.
  l: consonant('liquid', true, { f: [380, 1200, 2900], bw: [80, 150, 250], voicing: 1.28, pull: 1, transition: 0.06 }),
  r: consonant('liquid', true, { f: [380, 1150, 1650], bw: [80, 120, 150], voicing: 1.36, pull: 1, transition: 0.08 }),
  w: consonant('glide', true, { f: [330, 750, 2400], bw: [70, 100, 200], voicing: 1.36, pull: 1, transition: 0.08 }),
  y: consonant('glide', true, { f: [310, 2600, 3300], bw: [70, 120, 200], voicing: 1.36, pull: 1, transition: 0.08 }),
  // Japanese tap r: a brief tongue flick, alveolar, no F3 dip.
  rt: consonant('liquid', true, { f: [380, 1800, 2800], bw: [100, 150, 250], voicing: 0.55, pull: 0.6, transition: 0.035 }),
};

// Palatalised Japanese consonants (ky, gy, ny, ...) share their plain consonant's source with a palatal tract.
for (const [base, sym] of [['k', 'ky'], ['g', 'gy'], ['n', 'ny'], ['m', 'my'], ['b', 'by'], ['p', 'py'], ['rt', 'ry']] as const) {
  const plain = TABLE[base]!;
  TABLE[sym] = { ...plain, formants: [PALATAL[0], PALATAL[1], PALATAL[2], HIGH[0], HIGH[1]], velar: false };
}

/** Acoustic targets of a phone; an unknown symbol sings as a neutral /ʌ/. */
export function acousticsOf(symbol: string, language: 'ja' | 'en' = 'en'): PhoneAcoustics {
  if (language === 'ja' && symbol === 'r') return TABLE.rt!;
  return TABLE[symbol] ?? TABLE.ah!;
}

export const ACOUSTIC_SYMBOLS: readonly string[] = Object.keys(TABLE);
