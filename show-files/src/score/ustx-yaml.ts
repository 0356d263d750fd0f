// YAML for .ustx files: the fast reader (yaml-simple.ts) takes the part of YAML OpenUtau writes;
// anything else goes to the `yaml` package, so every file reads as YAML 1.2 (core schema) says,
// errors included. Either way the caller gets plain values and the line of any sequence item or
// top-level key, for error messages.

import { isNode, isSeq, LineCounter, parseDocument } from 'yaml';
import { ScoreError } from './model.ts';
import { readSimpleYaml, type YamlValues } from './yaml-simple.ts';
import { utf8ByteText } from './byte-text.ts';
import { decodeJapaneseText } from './text.ts';

export { readSimpleYaml } from './yaml-simple.ts';
export type UstxYaml = YamlValues;

/** The text as plain values; a ScoreError naming the line when it is not YAML. */
export function readUstxYaml(text: string, file: string): UstxYaml {
  return readSimpleYaml(text) ?? readFullYaml(text, file);
}

/** A file's bytes (UTF-8, else Shift-JIS) as plain values: UTF-8 is read as byte text by the fast reader. */
export function readUstxYamlBytes(bytes: Uint8Array, file: string): UstxYaml {
  const byteText = utf8ByteText(bytes);
  if (byteText === undefined) return readUstxYaml(decodeJapaneseText(bytes).text, file);
  return readSimpleYaml(byteText, true) ?? readFullYaml(decodeJapaneseText(bytes).text, file);
}

export function readFullYaml(text: string, file: string): UstxYaml {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    throw new ScoreError(file, `not valid YAML: ${e.message.split('\n')[0]}`, e.linePos?.[0].line);
  }
  let root: unknown;
  try {
    // At most 100 alias expansions: a "billion laughs" document is refused, not expanded.
    root = doc.toJS({ maxAliasCount: 100 }) as unknown;
  } catch (err) {
    throw new ScoreError(file, `not a readable OpenUtau project: ${(err as Error).message}`, 1);
  }
  const lineOf = (node: unknown): number | undefined => (isNode(node) && node.range ? lineCounter.linePos(node.range[0]).line : undefined);
  return {
    root,
    keyLine: (key) => lineOf(doc.get(key, true)),
    itemLines: (path) => {
      const list = doc.getIn(path, true);
      return (i) => (isSeq(list) ? lineOf(list.items[i]) : undefined);
    },
  };
}

