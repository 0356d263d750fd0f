// Text decoding for score files written by Japanese tools: UTF-8 when the bytes are valid UTF-8,
// Shift-JIS (cp932) otherwise. Kana in Shift-JIS are almost never valid UTF-8, so the strict UTF-8
// attempt tells the two apart reliably.

export function decodeJapaneseText(bytes: Uint8Array): { text: string; encoding: 'utf-8' | 'shift_jis' } {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    return { text: new TextDecoder('shift_jis').decode(bytes), encoding: 'shift_jis' };
  }
}

/** Bytes carried in a "binary string" (one char per byte, as MIDI parsers return text) decoded the same way. */
export function decodeByteString(s: string): string {
  let high = false;
  const bytes = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0xff) return s; // already decoded text
    if (c >= 0x80) high = true;
    bytes[i] = c;
  }
  return high ? decodeJapaneseText(bytes).text : s;
}
