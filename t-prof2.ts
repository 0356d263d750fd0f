import { parseScore } from './show-files/src/score/index.ts';
import { benchNotes, ustFile } from './bench/score-files.ts';
const b = ustFile(benchNotes(1000));
for (let i = 0; i < 40; i++) parseScore(b, 'x.ust');
