// The synthesized vocal of each song, for the outputs that play sound (stream, preview) and the
// fans' viewer. Rendered offline by the vocal engine on first request, aligned to the song's start
// (so the stage can start it at the song's show time), and kept in memory for the show revision.

import type { Express } from 'express';
import type { SongInfo, Timeline } from '../../show-files/src/timeline.ts';
import { renderSongVocal } from './vocal-bank.ts';
import type { AlarmBoard } from './show/alarms.ts';

export const VOCAL_SAMPLE_RATE = 22050;

/** Where a song's vocal is served; the show fingerprint in the path keeps caches honest across edits. */
export function vocalAudioPath(fingerprint: string, songIndex: number): string {
  return `/vocal/${fingerprint.slice(0, 16)}/${songIndex}.wav`;
}

/** The timeline the clients get: songs with sung notes name their vocal audio. */
export function withVocalAudio(timeline: Timeline, fingerprint: string): Timeline {
  return {
    ...timeline,
    songs: timeline.songs.map((s, i) => (s.tracks.vocal.notes.length ? { ...s, vocalAudio: vocalAudioPath(fingerprint, i) } : s)),
  };
}

async function render(song: SongInfo, showDir: string): Promise<Buffer> {
  const { encodeWav } = await import('../../vocal/wav.ts');
  const rendered = await renderSongVocal(song, showDir, VOCAL_SAMPLE_RATE, { from: song.start, to: song.start + song.duration });
  return Buffer.from(encodeWav([rendered.samples], rendered.sampleRate, 16));
}

export interface VocalAudio {
  /** Renders every song of the current show ahead of time, one after another (a show night's outputs then load at once). */
  warm(): Promise<void>;
}

/**
 * A render that fails (a voicebank folder removed while the show runs, say) raises an alarm for its
 * song and answers 500 without the details; the show and every other song go on.
 */
export function mountVocalAudio(app: Express, current: () => { timeline: Timeline; fingerprint: string; showDir: string }, log: (line: string) => void, alarms: Pick<AlarmBoard, 'raise' | 'clear'>): VocalAudio {
  const cache = new Map<string, Promise<Buffer>>();
  const vocalOf = (index: number): Promise<Buffer> | undefined => {
    const { timeline, fingerprint } = current();
    const song = timeline.songs[index];
    if (!song || song.tracks.vocal.notes.length === 0) return undefined;
    const key = `${fingerprint}:${index}`;
    let wav = cache.get(key);
    if (!wav) {
      if (cache.size > 64) cache.clear();
      const t0 = performance.now();
      wav = render(song, current().showDir).then(
        (buf) => {
          log(`vocal: rendered "${song.title}" (${song.duration.toFixed(1)} s) in ${((performance.now() - t0) / 1000).toFixed(2)} s`);
          alarms.clear(`vocal:${song.id}`);
          return buf;
        },
        (err: Error) => {
          log(`vocal: "${song.title}" could not be rendered: ${err.stack ?? err.message}`);
          alarms.raise(`vocal:${song.id}`, 'critical', `the vocal of "${song.title}" could not be rendered (${err.message.slice(0, 200)}); the show goes on without it`);
          throw err;
        },
      );
      cache.set(key, wav);
      wav.catch(() => cache.delete(key));
    }
    return wav;
  };
  app.get('/vocal/:fingerprint/:file', async (req, res) => {
    const m = /^(\d+)\.wav$/.exec(req.params.file);
    const wav = m && req.params.fingerprint === current().fingerprint.slice(0, 16) ? vocalOf(Number(m[1])) : undefined;
    if (!wav) {
      res.status(404).json({ ok: false, error: 'no such vocal (the show may have changed: reload the timeline)' });
      return;
    }
    try {
      res.type('audio/wav').set('Cache-Control', 'public, max-age=31536000, immutable').send(await wav);
    } catch {
      res.status(500).json({ ok: false, error: 'vocal render failed (the desk shows an alarm with the reason)' });
    }
  });
  return {
    async warm() {
      const count = current().timeline.songs.length;
      for (let i = 0; i < count; i++) await vocalOf(i)?.catch(() => undefined);
    },
  };
}
