// Shift-JIS, the encoding of MMD's bone and morph names. Decoding uses the platform's TextDecoder
// (browsers and Node with ICU); encoding, which no platform offers, inverts that decoder once over
// the two-byte code space, so every name it writes reads back the same.

const decoder = new TextDecoder('shift_jis');
let table: Map<string, number[]> | null = null;

export function decodeShiftJis(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

function reverseTable(): Map<string, number[]> {
  const map = new Map<string, number[]>();
  const pair = new Uint8Array(2);
  for (let lead = 0x81; lead <= 0xfc; lead++) {
    if (lead > 0x9f && lead < 0xe0) continue; // single-byte katakana live here
    for (let trail = 0x40; trail <= 0xfc; trail++) {
      if (trail === 0x7f) continue;
      pair[0] = lead;
      pair[1] = trail;
      const ch = decoder.decode(pair);
      if (ch.length === 1 && ch !== '\ufffd' && !map.has(ch)) map.set(ch, [lead, trail]);
    }
  }
  return map;
}

/** The Shift-JIS bytes of `text`; throws on a character Shift-JIS cannot hold. */
export function encodeShiftJis(text: string): Uint8Array {
  const out: number[] = [];
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code < 0x80) {
      out.push(code);
      continue;
    }
    table ??= reverseTable();
    const bytes = table.get(ch);
    if (!bytes) throw new Error(`"${ch}" has no Shift-JIS code`);
    out.push(...bytes);
  }
  return Uint8Array.from(out);
}
