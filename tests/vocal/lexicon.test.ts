// The Node lexicon reads the CMU dictionary's file as text and binary-searches it instead of
// importing a 4.7 MB module: it must answer exactly what the module answers, for every word.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { dictionary } from 'cmu-pronouncing-dictionary';
import { activeLexicon, textLexicon } from '../../vocal/lexicon.ts';
import { lookupArpabet } from '../../vocal/english.ts';

describe('English lexicon', () => {
  it('answers every one of the dictionary\'s 135,000 words as the module does, and nothing for unknown words', () => {
    const text = readFileSync(fileURLToPath(import.meta.resolve('cmu-pronouncing-dictionary')), 'utf8');
    const lexicon = textLexicon(text);
    const keys = Object.keys(dictionary);
    expect(keys.length).toBeGreaterThan(130_000);
    const wrong = keys.filter((k) => lexicon.lookup(k) !== dictionary[k]);
    expect(wrong).toEqual([]);
    for (const unknown of ['zzzzqq', 'holostagex', '', '"']) expect(lexicon.lookup(unknown)).toBeUndefined();
  });

  it('is what the phonemizer uses in Node', () => {
    expect(activeLexicon()).toBeDefined();
    expect(lookupArpabet('Morning')).toEqual(['M', 'AO', 'R', 'N', 'IH', 'NG']);
  });
});
