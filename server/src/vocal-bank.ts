// A song's vocal as samples, from its UTAU voicebank (`voice.bank`) or the built-in synthesizer.
// Banks are opened once per folder and kept (samples decode on first use), so every render of a
// show night reuses them.

import { resolve } from 'node:path';
import type { SongInfo } from '../../show-files/src/timeline.ts';
import type { VoiceBank } from '../../vocal/voicebank/bank.ts';

const banks = new Map<string, VoiceBank>();

export async function renderSongVocal(song: SongInfo, showDir: string, sampleRate: number, window?: { from: number; to: number }): Promise<{ samples: Float32Array; sampleRate: number }> {
  if (song.voice.bank) {
    const { openVoiceBankDir } = await import('../../vocal/voicebank/node.ts');
    const { renderWithBank } = await import('../../vocal/voicebank/wavtool.ts');
    const dir = resolve(showDir, song.voice.bank);
    let bank = banks.get(dir);
    if (!bank) {
      if (banks.size >= 8) banks.clear();
      bank = openVoiceBankDir(dir);
      banks.set(dir, bank);
    }
    const out = renderWithBank(song.tracks.vocal, song.voice, bank, { sampleRate, ...(window ?? {}) });
    return out;
  }
  const { renderVocal } = await import('../../vocal/render.ts');
  return renderVocal(song.tracks.vocal, song.voice, { sampleRate, ...(window ?? {}) });
}
