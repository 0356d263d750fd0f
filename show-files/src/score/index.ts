// Reads any supported score file into the one Score model, picking the importer by extension.

import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { ScoreError, type Score, type ScoreImportOptions } from './model.ts';
import { parseJsonScore } from './json.ts';
import { parseUst } from './ust.ts';
import { parseUstx } from './ustx.ts';
import { parseMidiScore } from './midi.ts';
import { parseMusicXml, parseMusicXmlTree, parseMxl } from './musicxml.ts';
import { isVsqxRoot, parseVsqx, parseVsqxTree } from './vsqx.ts';
import { parseVpr } from './vpr.ts';
import { decodeXmlBytes, parseXml } from './xml.ts';

export { ScoreError } from './model.ts';
export type { Score, ScoreNote, ScoreFormat, ScoreImportOptions, NoteVibrato } from './model.ts';

export const SCORE_EXTENSIONS = ['.json', '.ust', '.ustx', '.mid', '.midi', '.musicxml', '.xml', '.mxl', '.vsqx', '.vpr'] as const;

export function parseScore(bytes: Uint8Array, fileName: string, options: ScoreImportOptions = {}): Score {
  return saneTimeSignature(importScore(bytes, fileName, options), fileName);
}

const NOTE_VALUES = new Set([1, 2, 4, 8, 16, 32, 64]);

/**
 * A time signature the rest of the show can count in (beats per bar 1-64, a beat of a whole to a
 * 64th note); anything else (a damaged file's 4/99999999999) is sung in 4/4 with a warning, rather
 * than making bar arithmetic downstream run away.
 */
function saneTimeSignature(score: Score, fileName: string): Score {
  const { numerator, denominator } = score.timeSignature;
  if (Number.isInteger(numerator) && numerator >= 1 && numerator <= 64 && NOTE_VALUES.has(denominator)) return score;
  score.warnings.push(`${fileName}: time signature ${String(numerator).slice(0, 12)}/${String(denominator).slice(0, 12)} is not usable; 4/4 is used instead`);
  return { ...score, timeSignature: { numerator: 4, denominator: 4 } };
}

function importScore(bytes: Uint8Array, fileName: string, options: ScoreImportOptions): Score {
  const ext = extname(fileName).toLowerCase();
  switch (ext) {
    case '.json':
      return parseJsonScore(decodeUtf8(bytes, fileName), fileName);
    case '.ust':
      return parseUst(bytes, fileName);
    case '.ustx':
      return parseUstx(bytes, fileName);
    case '.mid':
    case '.midi':
    case '.smf':
      return parseMidiScore(bytes, fileName);
    case '.musicxml':
      return parseMusicXml(bytes, fileName, options);
    case '.xml': {
      // .xml is MusicXML as most programs export it, or a Vocaloid project saved under that name.
      const text = decodeXmlBytes(bytes, fileName);
      const root = parseXml(text, fileName);
      return isVsqxRoot(root) ? parseVsqxTree(root, fileName, options) : parseMusicXmlTree(root, fileName, options);
    }
    case '.mxl':
      return parseMxl(bytes, fileName, options);
    case '.vsqx':
      return parseVsqx(bytes, fileName, options);
    case '.vpr':
      return parseVpr(bytes, fileName, options);
    default:
      throw new ScoreError(fileName, `unsupported score format "${ext || basename(fileName)}" (supported: ${SCORE_EXTENSIONS.join(', ')})`);
  }
}

export async function readScoreFile(path: string, options: ScoreImportOptions = {}): Promise<Score> {
  const ext = extname(path).toLowerCase();
  if (!(SCORE_EXTENSIONS as readonly string[]).includes(ext) && ext !== '.smf') {
    throw new ScoreError(path, `unsupported score format "${ext || basename(path)}" (supported: ${SCORE_EXTENSIONS.join(', ')})`);
  }
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new ScoreError(path, `cannot read the file: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return parseScore(bytes, path, options);
}

/** Strict UTF-8 (a BOM is dropped); throws a ScoreError for bytes that are not UTF-8. */
export function decodeUtf8(bytes: Uint8Array, fileName: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new ScoreError(fileName, 'the file is not valid UTF-8 text');
  }
}
