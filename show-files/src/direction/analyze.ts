// Reads the shape of a song from its score: phrases (sung lines between rests), sections (intro,
// verse, chorus, bridge, interlude, outro) and how energetic each part is. Pure and deterministic:
// everything is worked out in ticks on the bar grid, so the same score always gives the same answer.
//
// Phrases end at a rest of at least ¾ beat, or after a held note (≥ 2 beats) once the line is a bar
// long. Sections: the sung parts between long rests (≥ 1 bar) are cut into 4-bar blocks from their
// first bar; a block whose notes *and* lyrics come back elsewhere is a refrain, and the refrains
// sung higher than the song's average are the chorus. Without any refrain, blocks clearly higher
// than average are. A verse-like block after the first chorus whose melody was never heard before
// is the bridge. Rests of a bar or more are intro, interlude and outro.

export interface DirectionNote {
  /** Song ticks (480 per quarter note). */
  tick: number;
  endTick: number;
  pitch: number;
  lyric: string;
}

export interface Phrase {
  startTick: number;
  endTick: number;
  /** Index of the first and last note (inclusive) in the analysis' notes. */
  first: number;
  last: number;
}

export type SectionKind = 'intro' | 'verse' | 'chorus' | 'bridge' | 'interlude' | 'outro';

export interface Section {
  kind: SectionKind;
  startTick: number;
  endTick: number;
  /** 0 (still) .. 1 (as lively as this song gets, scaled by its tempo). */
  energy: number;
}

export interface MusicAnalysis {
  ticksPerBeat: number;
  ticksPerBar: number;
  endTick: number;
  notes: DirectionNote[];
  phrases: Phrase[];
  sections: Section[];
  /** Whole-song liveliness 0..1 from the tempo, the pitch range and how busy the line is. */
  energy: number;
}

const BLOCK_BARS = 4;
const REFRAIN_SIMILARITY = 0.7;
const NEW_MELODY_SIMILARITY = 0.5;

const clamp01 = (x: number): number => (x < 0 ? 0 : x > 1 ? 1 : x);

export function findPhrases(notes: readonly DirectionNote[], ticksPerBeat: number, ticksPerBar: number): Phrase[] {
  const phrases: Phrase[] = [];
  let first = 0;
  for (let i = 1; i <= notes.length; i++) {
    if (i < notes.length) {
      const prev = notes[i - 1]!;
      const gap = notes[i]!.tick - prev.endTick;
      const held = prev.endTick - prev.tick >= 2 * ticksPerBeat && prev.endTick - notes[first]!.tick >= ticksPerBar;
      if (gap < 0.75 * ticksPerBeat && !held) continue;
    }
    if (i > first) phrases.push({ startTick: notes[first]!.tick, endTick: notes[i - 1]!.endTick, first, last: i - 1 });
    first = i;
  }
  return phrases;
}

interface Block {
  startTick: number;
  endTick: number;
  notes: DirectionNote[];
  pitch: number;
  kind: SectionKind;
}

/** Duration-weighted mean pitch, lifted by how far the top note reaches above it. */
function pitchEnergy(notes: readonly DirectionNote[]): number {
  let sum = 0;
  let weight = 0;
  let top = -Infinity;
  for (const n of notes) {
    const d = n.endTick - n.tick;
    sum += n.pitch * d;
    weight += d;
    top = Math.max(top, n.pitch);
  }
  const mean = weight > 0 ? sum / weight : 0;
  return mean + 0.25 * (top - mean);
}

function signature(b: Block, withLyrics: boolean): Set<string> {
  const s = new Set<string>();
  for (const n of b.notes) s.add(`${n.tick - b.startTick}:${n.pitch}:${n.endTick - n.tick}${withLyrics ? `:${n.lyric}` : ''}`);
  return s;
}

function jaccard(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 && b.size === 0) return 0;
  let common = 0;
  for (const x of a) if (b.has(x)) common++;
  return common / (a.size + b.size - common);
}

/** Splits the sung parts (phrases between rests of a bar or more) into 4-bar blocks. */
function sungBlocks(notes: readonly DirectionNote[], phrases: readonly Phrase[], ticksPerBar: number, endTick: number): Block[] {
  const blocks: Block[] = [];
  let p = 0;
  while (p < phrases.length) {
    // A part runs until a rest of at least a bar.
    let q = p;
    while (q + 1 < phrases.length && phrases[q + 1]!.startTick - phrases[q]!.endTick < ticksPerBar) q++;
    const partStart = Math.floor(phrases[p]!.startTick / ticksPerBar) * ticksPerBar;
    const partEnd = Math.min(endTick, Math.max(partStart + ticksPerBar, Math.ceil(phrases[q]!.endTick / ticksPerBar) * ticksPerBar));
    const span = BLOCK_BARS * ticksPerBar;
    for (let s = partStart; s < partEnd; s += span) {
      let e = Math.min(partEnd, s + span);
      // A stub shorter than two bars joins the block before it.
      if (partEnd - e < 2 * ticksPerBar) e = partEnd;
      const inside = notes.filter((n) => n.tick >= s && n.tick < e);
      blocks.push({ startTick: s, endTick: e, notes: inside, pitch: pitchEnergy(inside), kind: 'verse' });
      if (e === partEnd) break;
    }
    p = q + 1;
  }
  return blocks.filter((b) => b.notes.length > 0);
}

function classify(blocks: Block[]): void {
  if (blocks.length === 0) return;
  const mean = blocks.reduce((s, b) => s + b.pitch, 0) / blocks.length;
  const withLyrics = blocks.map((b) => signature(b, true));
  const melody = blocks.map((b) => signature(b, false));
  const refrain = blocks.map((_, i) => withLyrics.some((o, j) => j !== i && jaccard(withLyrics[i]!, o) >= REFRAIN_SIMILARITY));
  const anyRefrain = refrain.some(Boolean);
  let chorusSeen = false;
  blocks.forEach((b, i) => {
    const chorus = anyRefrain ? refrain[i]! && b.pitch >= mean : b.pitch >= mean + 1;
    if (chorus) {
      b.kind = 'chorus';
      chorusSeen = true;
      return;
    }
    const heardBefore = melody.slice(0, i).some((m) => jaccard(melody[i]!, m) >= NEW_MELODY_SIMILARITY);
    const comesBack = melody.slice(i + 1).some((m) => jaccard(melody[i]!, m) >= NEW_MELODY_SIMILARITY);
    b.kind = chorusSeen && !heardBefore && !comesBack ? 'bridge' : 'verse';
  });
}

/** Beats per minute of the song, read from the first 8 bars (callers pass the tempo map's view). */
export interface TempoView {
  bpmAt(tick: number): number;
}

export function analyzeSong(notes: readonly DirectionNote[], ticksPerBeat: number, beatsPerBar: number, endTick: number, tempo: TempoView): MusicAnalysis {
  const ticksPerBar = ticksPerBeat * beatsPerBar;
  const sorted = [...notes].sort((a, b) => a.tick - b.tick || a.pitch - b.pitch);
  const phrases = findPhrases(sorted, ticksPerBeat, ticksPerBar);
  const blocks = sungBlocks(sorted, phrases, ticksPerBar, endTick);
  classify(blocks);

  // Song energy: tempo carries most of it, then the range sung and how busy the line is.
  let lo = Infinity;
  let hi = -Infinity;
  let sungTicks = 0;
  for (const n of sorted) {
    lo = Math.min(lo, n.pitch);
    hi = Math.max(hi, n.pitch);
    sungTicks += n.endTick - n.tick;
  }
  const firstSung = sorted[0]?.tick ?? 0;
  const bpm = tempo.bpmAt(firstSung);
  const notesPerBeat = sorted.length > 0 ? sorted.length / Math.max(1, (sorted[sorted.length - 1]!.endTick - firstSung) / ticksPerBeat) : 0;
  const range = sorted.length > 0 ? hi - lo : 0;
  const energy = clamp01(0.6 * clamp01((bpm - 70) / 90) + 0.2 * clamp01(range / 19) + 0.2 * clamp01(notesPerBeat / 1.5));
  const meanPitch = blocks.length ? blocks.reduce((s, b) => s + b.pitch, 0) / blocks.length : 0;

  const sections: Section[] = [];
  const push = (kind: SectionKind, startTick: number, stop: number, lift: number) => {
    if (stop <= startTick) return;
    const last = sections[sections.length - 1];
    if (last && last.kind === kind && last.endTick === startTick) {
      last.endTick = stop;
      return;
    }
    sections.push({ kind, startTick, endTick: stop, energy: clamp01(energy + lift) });
  };
  let cursor = 0;
  for (const b of blocks) {
    if (b.startTick > cursor) push(cursor === 0 ? 'intro' : 'interlude', cursor, b.startTick, -0.15);
    const lift = (b.pitch - meanPitch) / 12 + (b.kind === 'chorus' ? 0.15 : b.kind === 'bridge' ? -0.1 : -0.05);
    push(b.kind, b.startTick, b.endTick, lift);
    cursor = b.endTick;
  }
  if (cursor < endTick) push(blocks.length ? 'outro' : 'intro', cursor, endTick, -0.2);
  return { ticksPerBeat, ticksPerBar, endTick, notes: sorted, phrases, sections, energy };
}
