// Score text as its UTF-8 bytes, one character per byte ("byte text"). Everything the fast
// readers look for (markup, indentation, keys, numbers) is ASCII, and no byte of a multi-byte
// UTF-8 character is, so they can find the structure in byte text without decoding the whole
// file (decoding a kana-heavy file to UTF-16 cost as much as reading it); only the strings they
// keep are decoded, and they are short.

import { Buffer, isUtf8 } from 'node:buffer';

/** The bytes of a UTF-8 file as byte text (a byte order mark dropped); undefined when they are not UTF-8. */
export function utf8ByteText(bytes: Uint8Array): string | undefined {
  if (!isUtf8(bytes)) return undefined;
  const from = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  return Buffer.from(bytes.buffer, bytes.byteOffset + from, bytes.length - from).toString('latin1');
}

/** A string cut from byte text, as text (ASCII is both already). */
export function textOfBytes(s: string): string {
  let i = 0;
  while (i < s.length && s.charCodeAt(i) < 0x80) i++;
  if (i === s.length) return s;
  // Short values (lyrics) are decoded here; a Buffer round trip costs more than the decoding.
  if (s.length > 64) return Buffer.from(s, 'latin1').toString('utf8');
  let out = s.slice(0, i);
  while (i < s.length) {
    const b = s.charCodeAt(i);
    if (b < 0x80) {
      out += s[i++];
      continue;
    }
    // The file was checked to be UTF-8, so every lead byte has its continuation bytes.
    const size = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
    let code = b & (size === 4 ? 0x07 : size === 3 ? 0x0f : 0x1f);
    for (let k = 1; k < size; k++) code = (code << 6) | (s.charCodeAt(i + k) & 0x3f);
    out += String.fromCodePoint(code);
    i += size;
  }
  return out;
}
