// The small text files of a UTAU voicebank: oto.ini, character.txt, readme.txt and prefix.map are
// written by Japanese Windows tools, so they come in Shift-JIS (cp932) or UTF-8, often with CRLF
// line endings and sometimes with a byte-order mark.

import { decodeJapaneseText } from '../../show-files/src/score/text.ts';

/** Decodes a bank text file (strict UTF-8 first, Shift-JIS otherwise) and splits it into lines. */
export function bankTextLines(bytes: Uint8Array): { lines: string[]; encoding: 'utf-8' | 'shift_jis' } {
  const { text, encoding } = decodeJapaneseText(bytes);
  return { lines: text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/), encoding };
}

export function bankText(bytes: Uint8Array): string {
  return bankTextLines(bytes).lines.join('\n').trimEnd();
}

export interface CharacterInfo {
  name?: string;
  image?: string;
  author?: string;
  web?: string;
  /** Every key=value line, as written (sample, voice, version, ...). */
  fields: Record<string, string>;
}

/** character.txt: `name=...`, `image=...`, `author=...`, `web=...`, one per line; keys are case-insensitive. */
export function parseCharacter(bytes: Uint8Array): CharacterInfo {
  const fields: Record<string, string> = {};
  for (const line of bankTextLines(bytes).lines) {
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    fields[line.slice(0, eq).trim().toLowerCase()] = line.slice(eq + 1).trim();
  }
  const pick = (k: string) => (fields[k] ? fields[k] : undefined);
  return { name: pick('name'), image: pick('image'), author: pick('author') ?? pick('created by'), web: pick('web'), fields };
}
