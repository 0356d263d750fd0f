// A Shift-JIS (cp932) encoder for the test voicebank's oto.ini and character.txt: TextEncoder only
// writes UTF-8, so the table is the reverse of the platform's own Shift-JIS decoder.

let table: Map<string, number[]> | undefined;

function buildTable(): Map<string, number[]> {
  const map = new Map<string, number[]>();
  const decoder = new TextDecoder('shift_jis', { fatal: true });
  for (let b = 0xa1; b <= 0xdf; b++) map.set(decoder.decode(new Uint8Array([b])), [b]);
  for (const lead of [...Array(0x1f).keys()].map((k) => 0x81 + k).concat([...Array(0x10).keys()].map((k) => 0xe0 + k))) {
    for (let trail = 0x40; trail <= 0xfc; trail++) {
      if (trail === 0x7f) continue;
      try {
        const ch = decoder.decode(new Uint8Array([lead, trail]));
        if (ch.length === 1 && !map.has(ch)) map.set(ch, [lead, trail]);
      } catch {
        // not a character in cp932
      }
    }
  }
  return map;
}

export function encodeShiftJis(text: string): Uint8Array {
  table ??= buildTable();
  const out: number[] = [];
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code < 0x80) out.push(code);
    else {
      const bytes = table.get(ch);
      if (!bytes) throw new Error(`"${ch}" has no Shift-JIS encoding`);
      out.push(...bytes);
    }
  }
  return new Uint8Array(out);
}
