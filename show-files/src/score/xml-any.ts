// A score saved as `.xml`: MusicXML as most programs export it, or a Vocaloid project saved under
// that name; the root element tells which.

import type { Score, ScoreImportOptions } from './model.ts';
import { parseMusicXmlTree } from './musicxml.ts';
import { isVsqxRoot, parseVsqxTree } from './vsqx.ts';
import { parseXmlBytes } from './xml.ts';

export function parseAnyXml(bytes: Uint8Array, fileName: string, options: ScoreImportOptions = {}): Score {
  const root = parseXmlBytes(bytes, fileName);
  return isVsqxRoot(root) ? parseVsqxTree(root, fileName, options) : parseMusicXmlTree(root, fileName, options);
}
