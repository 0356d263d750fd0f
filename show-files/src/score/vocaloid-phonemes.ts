// Vocaloid's phoneme strings in the vocal engine's symbols. A creator who sets a note's phonemes by
// hand in Vocaloid (a locked <p> in .vsqx, a protected note in .vpr) wants that pronunciation
// sung, not the lyric's: "k a" over a lyric "か" is the same, but "g a" or an English "D @" is a
// choice. Vocaloid writes them in its X-SAMPA-like symbols, space-separated, one voicebank's set
// per note (Japanese or English); a string with a symbol neither set knows is not translated.

const JAPANESE: Record<string, string[]> = {
  a: ['a'], i: ['i'], M: ['u'], e: ['e'], o: ['o'],
  k: ['k'], "k'": ['ky'], g: ['g'], "g'": ['gy'], N: ['ng'], "N'": ['ny'], 'N\\': ['N'],
  s: ['s'], S: ['sh'], z: ['z'], dz: ['z'], Z: ['j'], dZ: ['j'],
  t: ['t'], "t'": ['t'], ts: ['ts'], tS: ['ch'], d: ['d'], "d'": ['d'],
  n: ['n'], J: ['ny'], h: ['h'], C: ['hy'], 'p\\': ['f'], "p\\'": ['hy'],
  b: ['b'], "b'": ['by'], p: ['p'], "p'": ['py'], m: ['m'], "m'": ['my'],
  j: ['y'], 4: ['r'], "4'": ['ry'], w: ['w'],
};

const ENGLISH: Record<string, string[]> = {
  // Vowels and diphthongs (a diphthong is two symbols, as the dictionary path gives them).
  '@': ['ah'], V: ['ah'], e: ['e'], I: ['ih'], 'i:': ['i'], '{': ['ae'], 'O:': ['ao'], Q: ['a'], U: ['uh'], 'u:': ['uw'],
  '@r': ['er'], '3r': ['er'], aI: ['a', 'ih'], eI: ['e', 'ih'], OI: ['o', 'ih'], '@U': ['o', 'uh'], aU: ['a', 'uh'],
  'I@': ['ih', 'ah'], 'e@': ['e', 'ah'], 'U@': ['uh', 'ah'], 'Q@': ['a', 'ah'], 'O@': ['ao', 'ah'],
  // Consonants.
  p: ['p'], b: ['b'], t: ['t'], d: ['d'], k: ['k'], g: ['g'], f: ['f'], v: ['v'], T: ['th'], D: ['dh'],
  s: ['s'], z: ['z'], S: ['sh'], Z: ['zh'], h: ['h'], tS: ['ch'], dZ: ['j'], m: ['m'], n: ['n'], N: ['ng'],
  l: ['l'], l0: ['l'], r: ['r'], w: ['w'], j: ['y'], th: ['th'], dh: ['dh'], 'p_h': ['p'], 't_h': ['t'], 'k_h': ['k'],
};

/**
 * The engine's symbols for a Vocaloid phoneme string ("k' a", "D @"), or undefined when it is empty
 * or holds a symbol neither the Japanese nor the English set knows.
 */
export function vocaloidPhonemes(text: string | undefined): string[] | undefined {
  const symbols = (text ?? '').trim().split(/\s+/).filter(Boolean);
  if (symbols.length === 0) return undefined;
  for (const table of [JAPANESE, ENGLISH]) {
    if (symbols.every((s) => Object.hasOwn(table, s))) return symbols.flatMap((s) => table[s]!);
  }
  return undefined;
}
