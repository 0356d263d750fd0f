// "Listen to a song" on the desk: the library song's vocal line rendered offline by the vocal synth
// (vocal/) and handed to the browser as a 16-bit WAV. Loaded on first use, so a
// server that never previews never loads Tone.js and the Web Audio classes.

import type { SongInfo } from '../../../show-files/src/timeline.ts';
import { renderSongVocal } from '../vocal-bank.ts';

export const PREVIEW_SAMPLE_RATE = 22050;

export async function renderVocalWav(song: SongInfo, sampleRate = PREVIEW_SAMPLE_RATE, showDir = '.'): Promise<Buffer> {
  const { encodeWav } = await import('../../../vocal/wav.ts');
  if (song.tracks.vocal.notes.length === 0) throw new Error(`song "${song.id}" has no vocal notes`);
  const rendered = await renderSongVocal(song, showDir, sampleRate);
  return Buffer.from(encodeWav([rendered.samples], rendered.sampleRate, 16));
}
