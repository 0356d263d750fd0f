// Deterministic mutants of show files: a seeded generator, JSON-aware edits (values swapped for
// hostile ones, deep nesting, key floods) and byte-level damage for any format. The same seed
// always gives the same mutant, so a failure names a mutant that can be replayed.

export type Rng = () => number;

/** mulberry32: small, fast, and the same sequence on every machine. */
export function rng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const pick = <T>(r: Rng, list: readonly T[]): T => list[Math.floor(r() * list.length)]!;
const int = (r: Rng, n: number): number => Math.floor(r() * n);

/** Values that once broke something, or plausibly could. */
const HOSTILE_VALUES: readonly unknown[] = [
  1e21, 1e11, -1, -1e11, 0, 0.1 + 0.2, 1e308, 5e-324, 2 ** 53 + 1, 127, 128, 16, 17, 3600, 3601, '', ' ', '1e21', '-1', 'GO',
  '999999:1', '1:999', '1:1:9999999', '00:00', '1:1:1:1', 'javascript:alert(1)', 'data:text/html,x', '../../../../etc/passwd',
  '/etc/passwd', 'C:\\x', '\u0000', 'x'.repeat(5000), null, true, false, [], {}, [1, 2, 3], { a: 1 }, { __proto__: { polluted: 1 } },
  { type: 'msc', command: 'GO', list: 1 }, { type: 'msc', command: 'GO', cue: 1e21 }, { at: 0, type: 'noteOn', note: 60 },
];

type Json = unknown;

/** Every (container, key) pair in a JSON value, for picking an edit site. */
function sites(root: Json): { parent: Record<string, Json> | Json[]; key: string | number }[] {
  const out: { parent: Record<string, Json> | Json[]; key: string | number }[] = [];
  const walk = (node: Json): void => {
    if (Array.isArray(node)) node.forEach((v, i) => (out.push({ parent: node, key: i }), walk(v)));
    else if (node && typeof node === 'object') for (const [k, v] of Object.entries(node)) out.push({ parent: node as Record<string, Json>, key: k }), walk(v);
  };
  walk(root);
  return out;
}

function deepNest(depth: number, open: string, close: string, inner = '0'): string {
  return open.repeat(depth) + inner + close.repeat(depth);
}

/** A JSON-aware mutant of `text` (valid JSON): returns new text, possibly invalid on purpose. */
export function mutateJson(text: string, r: Rng): string {
  const root = JSON.parse(text) as Json;
  const all = sites(root);
  const site = all.length ? pick(r, all) : null;
  const set = (value: Json): void => {
    if (site) (site.parent as Record<string | number, Json>)[site.key] = value;
  };
  const kind = int(r, 12);
  const marker = '"__HOLE__"';
  switch (kind) {
    case 0:
    case 1:
    case 2:
      set(structuredClone(pick(r, HOSTILE_VALUES)));
      break;
    case 3:
      if (site && !Array.isArray(site.parent)) delete (site.parent as Record<string, Json>)[site.key as string];
      break;
    case 4: {
      // A key flood: thousands of unknown keys in one object.
      const flood: Record<string, number> = {};
      for (let i = 0, n = 200 + int(r, 3000); i < n; i++) flood[`k${i}`] = i;
      const target = all.filter((s) => { const v = (s.parent as Record<string | number, Json>)[s.key]; return v && typeof v === 'object' && !Array.isArray(v); });
      const t = target.length ? pick(r, target) : null;
      if (t) Object.assign((t.parent as Record<string | number, Json>)[t.key] as object, flood);
      else Object.assign(root as object, flood);
      break;
    }
    case 5: {
      // Nesting far deeper than any show: a recursive parser overflows its stack here.
      set('__HOLE__');
      const depth = pick(r, [100, 600, 5000, 20000]);
      return JSON.stringify(root).replace(marker, r() < 0.5 ? deepNest(depth, '[', ']') : deepNest(depth, '{"a":', '}'));
    }
    case 6: {
      // An array item repeated many times.
      const arrays = all.filter((s) => Array.isArray(s.parent));
      if (arrays.length) {
        const s = pick(r, arrays);
        const arr = s.parent as Json[];
        const item = arr[s.key as number];
        for (let i = 0, n = 50 + int(r, 2000); i < n; i++) arr.push(structuredClone(item));
      }
      break;
    }
    case 7:
      set('__HOLE__');
      return JSON.stringify(root).replace(marker, pick(r, ['1e999', '-1e999', '1E400', '0.0000e-99999', '123456789012345678901234567890']));
    case 8:
      if (site && typeof (site.parent as Record<string | number, Json>)[site.key] === 'number') set(((site.parent as Record<string | number, Json>)[site.key] as number) * pick(r, [-1, 1e6, 1e12, 0.5, 1e-9]));
      else set(pick(r, [1e11, -5, 0.5]));
      break;
    case 9:
      // Duplicate key (strict JSON refuses it).
      return JSON.stringify(root).replace(/\{"([^"]+)":/, (_m, k: string) => `{"${k}":1,"${k}":`);
    default:
      return mutateBytes(Buffer.from(JSON.stringify(root, null, int(r, 3))), r).toString('latin1');
  }
  return JSON.stringify(root, null, 2);
}

/** Byte-level damage: flips, cuts, repeats, inserted garbage, truncation. */
export function mutateBytes(bytes: Uint8Array, r: Rng): Buffer {
  const b = Buffer.from(bytes);
  const n = b.length;
  if (n === 0) return Buffer.from([int(r, 256)]);
  switch (int(r, 7)) {
    case 0: {
      for (let k = 0, m = 1 + int(r, 8); k < m; k++) b[int(r, n)] = int(r, 256);
      return b;
    }
    case 1:
      return b.subarray(0, int(r, n));
    case 2: {
      const at = int(r, n);
      return Buffer.concat([b.subarray(0, at), b.subarray(Math.min(n, at + 1 + int(r, 64)))]);
    }
    case 3: {
      const at = int(r, n);
      const len = 1 + int(r, Math.min(200, n - at));
      const chunk = b.subarray(at, at + len);
      return Buffer.concat([b.subarray(0, at), ...Array.from({ length: 2 + int(r, 200) }, () => chunk), b.subarray(at)]);
    }
    case 4: {
      const at = int(r, n);
      const junk = Buffer.from(Array.from({ length: 1 + int(r, 32) }, () => int(r, 256)));
      return Buffer.concat([b.subarray(0, at), junk, b.subarray(at)]);
    }
    case 5: {
      // Big numbers spliced into digits: lengths, positions, tempos.
      const s = b.toString('latin1');
      const digits = [...s.matchAll(/\d+/g)];
      if (!digits.length) return b;
      const m = pick(r, digits);
      return Buffer.from(s.slice(0, m.index) + pick(r, ['99999999999', '0', '-1', '1e21', '4294967295', 'NaN']) + s.slice(m.index! + m[0].length), 'latin1');
    }
    default:
      return Buffer.concat([b, b]);
  }
}

/** Damage aimed at a Standard MIDI File's structure: chunk lengths, division, delta times. */
export function mutateMidi(bytes: Uint8Array, r: Rng): Buffer {
  const b = Buffer.from(bytes);
  switch (int(r, 6)) {
    case 0:
      b.writeUInt32BE(pick(r, [0, 1, 0x7fffffff, 0xffffffff, 100000]), 4);
      return b;
    case 1:
      b.writeUInt16BE(pick(r, [0, 1, 0x8000, 0xe728, 0xffff, 7]), 12);
      return b;
    case 2: {
      const t = b.indexOf('MTrk', 14);
      if (t > 0) b.writeUInt32BE(pick(r, [0, 3, 0xffffffff, 0x10000000]), t + 4);
      return b;
    }
    case 3: {
      // A delta time of the largest variable-length quantity at a random event.
      const t = b.indexOf('MTrk', 14);
      const at = t > 0 ? t + 8 + int(r, Math.max(1, b.length - t - 8)) : 14;
      return Buffer.concat([b.subarray(0, at), Buffer.from([0xff, 0xff, 0xff, 0x7f]), b.subarray(at)]);
    }
    case 4:
      b.writeUInt16BE(pick(r, [0, 2, 0xffff, 500]), 10);
      return b;
    default:
      return mutateBytes(b, r);
  }
}

/** A YAML alias bomb ("billion laughs") or a mutated project. */
export function mutateYaml(text: string, r: Rng): Buffer {
  if (r() < 0.15) {
    const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 12; i++) lines.push(`a${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(', ')}]`);
    return Buffer.from(`${lines.join('\n')}\n${text}`);
  }
  if (r() < 0.2) return Buffer.from(text.replace(/(\n\s*)(\w+):/, `$1$2: &anchor\n$1  deep: ${'['.repeat(3000)}${']'.repeat(3000)}\n$1x:`));
  return mutateBytes(Buffer.from(text), r);
}

/** A .ust mutant: a line's value replaced, lines repeated or dropped, or byte damage. */
export function mutateUst(bytes: Uint8Array, r: Rng): Buffer {
  const text = Buffer.from(bytes).toString('latin1');
  const lines = text.split(/\r?\n/);
  switch (int(r, 4)) {
    case 0: {
      const i = int(r, lines.length);
      const [k] = lines[i]!.split('=');
      lines[i] = `${k}=${pick(r, ['99999999999', '-480', '0', '1e21', 'NaN', '', 'x'.repeat(3000), '480.5'])}`;
      return Buffer.from(lines.join('\r\n'), 'latin1');
    }
    case 1: {
      const i = int(r, lines.length);
      return Buffer.from([...lines.slice(0, i), ...lines.slice(i + 1)].join('\r\n'), 'latin1');
    }
    case 2: {
      const start = lines.findIndex((l) => /^\[#\d+\]/.test(l));
      const block = start >= 0 ? lines.slice(start, start + 6) : lines.slice(0, 3);
      const copies = Array.from({ length: 100 + int(r, 2000) }, () => block).flat();
      return Buffer.from([...lines, ...copies].join('\r\n'), 'latin1');
    }
    default:
      return mutateBytes(bytes, r);
  }
}

/** An XML mutant (MusicXML, .vsqx): a tag, attribute or entity broken, an element repeated, a hostile value, or byte damage. */
export function mutateXml(bytes: Uint8Array, r: Rng): Buffer {
  const text = Buffer.from(bytes).toString('utf8');
  switch (int(r, 5)) {
    case 0: {
      const marks = [...text.matchAll(/<\/?[\w:-]+|="|&\w+;|<!\[CDATA\[|\]\]>/g)];
      if (!marks.length) return mutateBytes(bytes, r);
      const m = pick(r, marks);
      const junk = pick(r, ['', '<', '>', '&', '&bogus;', '&#0;', '&#x110000;', '"', '<!--', ']]>', '<?x?>', '<!DOCTYPE x [<!ENTITY a "b">]>', '\u0001']);
      return Buffer.from(text.slice(0, m.index) + junk + text.slice(m.index! + m[0].length));
    }
    case 1: {
      // One leaf element's text replaced by a hostile value: ticks, durations, tempos, pitches.
      const leaves = [...text.matchAll(/>([^<>]*)</g)].filter((m) => m[1]!.trim() !== '');
      if (!leaves.length) return mutateBytes(bytes, r);
      const m = pick(r, leaves);
      const value = pick(r, ['99999999999', '-1', '0', '1e21', 'NaN', '', 'x'.repeat(3000), '480.5', '-0', '1e-300']);
      return Buffer.from(text.slice(0, m.index! + 1) + value + text.slice(m.index! + 1 + m[1]!.length));
    }
    case 2: {
      // A note (or any element) repeated many times.
      const notes = [...text.matchAll(/<note>[\s\S]*?<\/note>/g)];
      if (!notes.length) return mutateBytes(bytes, r);
      const m = pick(r, notes);
      return Buffer.from(text.slice(0, m.index) + m[0].repeat(100 + int(r, 2000)) + text.slice(m.index!));
    }
    case 3:
      return Buffer.from(`${'<a>'.repeat(5000 + int(r, 20000))}${text}`);
    default:
      return mutateBytes(bytes, r);
  }
}
