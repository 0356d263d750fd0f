// Reads any supported score file into the one Score model, picking the importer by extension.
// parseScore is synchronous and has every importer loaded; readScoreFile (read-file.ts) loads only
// the one a file needs.

import { basename, extname } from 'node:path';
import type { Score, ScoreImportOptions } from './model.ts';
import { IMPORTER_OF, decodeUtf8, saneTimeSignature, unsupported, type Importer } from './formats.ts';
import { parseJsonScore } from './json.ts';
import { parseUst } from './ust.ts';
import { parseUstx } from './ustx.ts';
import { parseMidiScore } from './midi.ts';
import { parseMusicXml, parseMxl } from './musicxml.ts';
import { parseVsqx } from './vsqx.ts';
import { parseVpr } from './vpr.ts';
import { parseAnyXml } from './xml-any.ts';

export { ScoreError } from './model.ts';
export type { Score, ScoreNote, ScoreFormat, ScoreImportOptions, NoteVibrato } from './model.ts';
export { SCORE_EXTENSIONS, decodeUtf8 } from './formats.ts';
export { readScoreFile } from './read-file.ts';

const IMPORTERS: Record<(typeof IMPORTER_OF)[string], Importer> = {
  json: (bytes, fileName) => parseJsonScore(decodeUtf8(bytes, fileName), fileName),
  ust: parseUst,
  ustx: parseUstx,
  midi: parseMidiScore,
  musicxml: parseMusicXml,
  xml: parseAnyXml,
  mxl: parseMxl,
  vsqx: parseVsqx,
  vpr: parseVpr,
};

export function parseScore(bytes: Uint8Array, fileName: string, options: ScoreImportOptions = {}): Score {
  const ext = extname(fileName).toLowerCase();
  const kind = IMPORTER_OF[ext];
  if (!kind) throw unsupported(fileName, ext, basename(fileName));
  return saneTimeSignature(IMPORTERS[kind](bytes, fileName, options), fileName);
}
