// `node bin/run-ts.js scripts/make-voicebank.ts OUT_DIR [--vcv] [--vc]`: records the test voicebank
// (every CV mora; with --vcv the a/i/u/e/o + か row VCV entries; --vc adds their VC aliases).

import { makeTestVoiceBank } from './voicebank/make.ts';

const args = process.argv.slice(2);
const dir = args.find((a) => !a.startsWith('-'));
if (!dir) {
  process.stderr.write('usage: node bin/run-ts.js scripts/make-voicebank.ts OUT_DIR [--vcv] [--vc]\n');
  process.exit(2);
}
const vcv = args.includes('--vcv') || args.includes('--vc')
  ? ['a', 'i', 'u', 'e', 'o'].flatMap((v) => ['か', 'さ', 'た', 'な', 'ま', 'ら'].map((k) => [v, k] as const))
  : [];
const t0 = performance.now();
const { entries, seconds } = makeTestVoiceBank(dir, { vcv, vc: args.includes('--vc') });
process.stdout.write(`${dir}: ${entries} oto entries from ${seconds.toFixed(1)} s of recording in ${((performance.now() - t0) / 1000).toFixed(2)} s\n`);
