// Songs left out of the show (failed to load or compile while the rest plays): one critical alarm
// each, naming its file and first error; cleared when the song loads again.

import { formatError } from '../../../show-files/src/errors.ts';
import type { LeftOutSong } from '../../../show-files/src/load.ts';
import type { AlarmBoard } from './alarms.ts';

export function leftOutAlarms(alarms: AlarmBoard, before: readonly LeftOutSong[], now: readonly LeftOutSong[], log: (line: string) => void): void {
  for (const song of before) if (!now.some((l) => l.file === song.file)) alarms.clear(`left-out:${song.file}`);
  for (const song of now) {
    const first = song.errors[0];
    const more = song.errors.length > 1 ? ` (+${song.errors.length - 1} more)` : '';
    const message = `${song.file} left out of the show: ${first ? formatError(first) : 'failed to load'}${more}`;
    alarms.raise(`left-out:${song.file}`, 'critical', message);
    log(message);
  }
}
