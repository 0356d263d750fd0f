// `node bin/run-ts.js scripts/make-voicebank.ts OUT_DIR [--vcv] [--vc]`: records the test voicebank
// (every CV mora; with --vcv the a/i/u/e/o + か row VCV entries; --vc adds their VC aliases).
// `... OUT_DIR --english [--lyrics FILE]`: the English test bank instead (ARPAsing phone pairs: the
// whole English CVVC set, plus every pair the lyrics in FILE need).

import { readFileSync } from 'node:fs';
import { makeTestVoiceBank } from './voicebank/make.ts';
import { makeEnglishTestBank } from './voicebank/make-english.ts';
import { englishPairSet } from '../vocal/voicebank/arpasing.ts';
import { lyricPairs } from '../vocal/voicebank/lyric-needs.ts';

const args = process.argv.slice(2);
const lyricsAt = args.indexOf('--lyrics');
const dir = args.find((a, i) => !a.startsWith('-') && i !== lyricsAt + 1);
if (!dir || (lyricsAt >= 0 && !args[lyricsAt + 1])) {
  process.stderr.write('usage: node bin/run-ts.js scripts/make-voicebank.ts OUT_DIR [--vcv] [--vc] | OUT_DIR --english [--lyrics FILE]\n');
  process.exit(2);
}
const t0 = performance.now();
let made: { entries: number; seconds: number };
if (args.includes('--english')) {
  const extra = lyricsAt >= 0 ? lyricPairs(readFileSync(args[lyricsAt + 1]!, 'utf8')) : [];
  made = makeEnglishTestBank(dir, { pairs: [...new Set([...englishPairSet(), ...extra])] });
} else {
  const vcv = args.includes('--vcv') || args.includes('--vc')
    ? ['a', 'i', 'u', 'e', 'o'].flatMap((v) => ['か', 'さ', 'た', 'な', 'ま', 'ら'].map((k) => [v, k] as const))
    : [];
  made = makeTestVoiceBank(dir, { vcv, vc: args.includes('--vc') });
}
process.stdout.write(`${dir}: ${made.entries} oto entries from ${made.seconds.toFixed(1)} s of recording in ${((performance.now() - t0) / 1000).toFixed(2)} s\n`);
