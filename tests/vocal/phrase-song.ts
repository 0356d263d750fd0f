// A test song of three English phrases with rests between them (about 13 s at 90 BPM).
export function phraseSong(): string {
  const lines = ['the morn-ing light is on the hill', 'I hear you sing a-cross the sea', 'and ev-er-y star will shine for me'];
  const notes: { tick: number; length: number; pitch: number; lyric: string }[] = [];
  let tick = 0;
  lines.forEach((line, l) => {
    const syllables = line.split(/\s+/).flatMap((w) => w.split('-').map((s, i) => (i === 0 ? s : `+${s}`)));
    syllables.forEach((s, i) => {
      const last = i === syllables.length - 1;
      notes.push({ tick, length: last ? 960 : 240, pitch: 64 + ((i + l) % 5), lyric: s.replace(/^\+/, '') });
      tick += last ? 960 : 240;
    });
    tick += 480; // a rest
  });
  return JSON.stringify({ format: 'holostage-score', resolution: 480, tempo: 90, notes });
}
