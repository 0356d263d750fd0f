// Which importer reads which file extension, and the checks every imported score gets. The sync
// table (index.ts) and the lazy one (read-file.ts, which loads only the importer a file needs, so
// `holostage sing song.json` does not load the XML, YAML, zip and MIDI parsers) share these.

import { ScoreError, type Score, type ScoreImportOptions } from './model.ts';

export const SCORE_EXTENSIONS = ['.json', '.ust', '.ustx', '.mid', '.midi', '.musicxml', '.xml', '.mxl', '.vsqx', '.vpr'] as const;

export type Importer = (bytes: Uint8Array, fileName: string, options: ScoreImportOptions) => Score;

/** The importer module each extension needs (.smf is a MIDI file too). */
export const IMPORTER_OF: Record<string, 'json' | 'ust' | 'ustx' | 'midi' | 'musicxml' | 'xml' | 'mxl' | 'vsqx' | 'vpr'> = {
  '.json': 'json',
  '.ust': 'ust',
  '.ustx': 'ustx',
  '.mid': 'midi',
  '.midi': 'midi',
  '.smf': 'midi',
  '.musicxml': 'musicxml',
  '.xml': 'xml',
  '.mxl': 'mxl',
  '.vsqx': 'vsqx',
  '.vpr': 'vpr',
};

export function unsupported(fileName: string, ext: string, base: string): ScoreError {
  return new ScoreError(fileName, `unsupported score format "${ext || base}" (supported: ${SCORE_EXTENSIONS.join(', ')})`);
}

const NOTE_VALUES = new Set([1, 2, 4, 8, 16, 32, 64]);

/**
 * A time signature the rest of the show can count in (beats per bar 1-64, a beat of a whole to a
 * 64th note); anything else (a damaged file's 4/99999999999) is sung in 4/4 with a warning, rather
 * than making bar arithmetic downstream run away.
 */
export function saneTimeSignature(score: Score, fileName: string): Score {
  const { numerator, denominator } = score.timeSignature;
  if (Number.isInteger(numerator) && numerator >= 1 && numerator <= 64 && NOTE_VALUES.has(denominator)) return score;
  score.warnings.push(`${fileName}: time signature ${String(numerator).slice(0, 12)}/${String(denominator).slice(0, 12)} is not usable; 4/4 is used instead`);
  return { ...score, timeSignature: { numerator: 4, denominator: 4 } };
}

/** Strict UTF-8 (a BOM is dropped); throws a ScoreError for bytes that are not UTF-8. */
export function decodeUtf8(bytes: Uint8Array, fileName: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new ScoreError(fileName, 'the file is not valid UTF-8 text');
  }
}
