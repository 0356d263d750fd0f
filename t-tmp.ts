import { readScoreFile } from './show-files/src/score/index.ts';
const s = await readScoreFile(process.argv[2]!);
console.log(s.tempo, s.notes.length);
for (const n of s.notes) console.log(n.tick, n.durationTicks, n.pitch, n.lyric, n.dynamics, JSON.stringify(n.vibrato));
console.log(JSON.stringify(s.pitchCurve)?.slice(0, 1500));
console.log(s.warnings);
