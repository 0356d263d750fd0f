// Reading a score file from disk, loading only the importer its extension needs.

import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { ScoreError, type Score, type ScoreImportOptions } from './model.ts';
import { IMPORTER_OF, decodeUtf8, saneTimeSignature, unsupported, type Importer } from './formats.ts';

const LOADERS: Record<(typeof IMPORTER_OF)[string], () => Promise<Importer>> = {
  json: async () => {
    const { parseJsonScore } = await import('./json.ts');
    return (bytes, fileName) => parseJsonScore(decodeUtf8(bytes, fileName), fileName);
  },
  ust: async () => (await import('./ust.ts')).parseUst,
  ustx: async () => (await import('./ustx.ts')).parseUstx,
  midi: async () => (await import('./midi.ts')).parseMidiScore,
  musicxml: async () => (await import('./musicxml.ts')).parseMusicXml,
  xml: async () => (await import('./xml-any.ts')).parseAnyXml,
  mxl: async () => (await import('./musicxml.ts')).parseMxl,
  vsqx: async () => (await import('./vsqx.ts')).parseVsqx,
  vpr: async () => (await import('./vpr.ts')).parseVpr,
};

export async function readScoreFile(path: string, options: ScoreImportOptions = {}): Promise<Score> {
  const ext = extname(path).toLowerCase();
  const kind = IMPORTER_OF[ext];
  if (!kind) throw unsupported(path, ext, basename(path));
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new ScoreError(path, `cannot read the file: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const importer = await LOADERS[kind]();
  return saneTimeSignature(importer(bytes, path, options), path);
}
