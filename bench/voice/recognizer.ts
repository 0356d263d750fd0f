// The benches' one way to ask the recognizer: ../shared/tools/intelligibility (PocketSphinx, open
// vocabulary and the song's own words), and whether a command it or a bench needs is installed.

import { execFileSync, spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

export const intelligibility = resolve(import.meta.dirname, '..', '..', '..', 'shared', 'tools', 'intelligibility');

export const hasCommand = (cmd: string): boolean => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

export interface Heard {
  open: { wer: number; heard: string };
  song: { wer: number; heard: string };
}

/** What the recognizer heard in a WAV file, scored against the lyrics file. */
export function heardIn(wav: string, lyrics: string): Heard {
  return JSON.parse(execFileSync(intelligibility, [wav, lyrics, '--json'], { encoding: 'utf8' })) as Heard;
}
