// Where English pronunciations come from: the CMU pronouncing dictionary (135,000 words).
// Importing it as a JavaScript module means parsing a 4.7 MB object literal, which is most of a
// short `holostage sing`'s start-up. In Node the dictionary's file is read as text instead and
// searched by binary search over its sorted lines (a linear search backs it up for the few
// entries out of order): a lookup costs microseconds and nothing is parsed up front. In a
// browser, pages that sing English install the module (`lexicon-module.ts`).

export interface Lexicon {
  /** The ARPAbet of a word (lowercase, as the dictionary spells it), with stress digits. */
  lookup(word: string): string | undefined;
}

let installed: Lexicon | undefined;
let tried = false;

/** Replaces the lexicon (the browser's module-based one, or a test's). */
export function useLexicon(lexicon: Lexicon): void {
  installed = lexicon;
  tried = true;
}

/** The lexicon in use: the installed one, else in Node the dictionary file read as text. */
export function activeLexicon(): Lexicon | undefined {
  if (!tried) {
    tried = true;
    installed = nodeTextLexicon();
  }
  return installed;
}

type GetBuiltin = (name: string) => unknown;

function nodeTextLexicon(): Lexicon | undefined {
  const getBuiltin = (globalThis as { process?: { getBuiltinModule?: GetBuiltin } }).process?.getBuiltinModule;
  const resolve = (import.meta as { resolve?: (specifier: string) => string }).resolve;
  if (typeof getBuiltin !== 'function' || typeof resolve !== 'function') return undefined;
  try {
    const fs = getBuiltin('fs') as { readFileSync(path: string, encoding: 'latin1'): string };
    const url = getBuiltin('url') as { fileURLToPath(url: string): string };
    // The dictionary is plain ASCII, where latin1 reads the same text as UTF-8 at half the cost
    // (4.7 MB on every `sing`); tests/vocal/lexicon.test.ts compares every word with the module.
    return textLexicon(fs.readFileSync(url.fileURLToPath(resolve('cmu-pronouncing-dictionary')), 'latin1'));
  } catch {
    return undefined;
  }
}

/** A lexicon over the dictionary module's source text: one `  "word": "PH ON EMES",` per line. */
export function textLexicon(text: string): Lexicon {
  const entryAt = (lineStart: number): { word: string; phones: string; next: number } | undefined => {
    const end = text.indexOf('\n', lineStart);
    const line = text.slice(lineStart, end < 0 ? text.length : end);
    const m = /^\s*"((?:[^"\\]|\\.)*)":\s*"([^"]*)"/.exec(line);
    return m ? { word: m[1]!, phones: m[2]!, next: end < 0 ? text.length : end + 1 } : undefined;
  };
  const first = text.indexOf('\n  "') + 1;
  const last = text.lastIndexOf('\n  "') + 1;
  return {
    lookup(word) {
      let lo = first;
      let hi = last;
      // Binary search on byte offsets, snapping each probe to the start of its line.
      for (let steps = 0; lo <= hi && steps < 64; steps++) {
        const mid = text.lastIndexOf('\n', (lo + hi) >> 1) + 1;
        const entry = entryAt(Math.max(mid, first));
        if (!entry) break;
        if (entry.word === word) return entry.phones;
        if (entry.word < word) lo = entry.next;
        else hi = Math.max(first, mid) - 1;
      }
      // A few hundred variant entries ("word(2)") break the order: search plainly before giving up.
      const at = text.indexOf(`\n  "${word}": "`);
      return at < 0 ? undefined : entryAt(at + 1)?.phones;
    },
  };
}
