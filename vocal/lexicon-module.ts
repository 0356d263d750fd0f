// For pages that sing English in the browser (the studio): the dictionary as a JavaScript module.
import { dictionary } from 'cmu-pronouncing-dictionary';
import { useLexicon } from './lexicon.ts';

useLexicon({ lookup: (word) => dictionary[word] });
