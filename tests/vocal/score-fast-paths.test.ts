// The fast readers (byte text: UTF-8 files read without decoding them whole) against the full
// parsers they fall back to: every fixture, the bench songs and damaged copies give the same
// Score (notes, lines, tuning, warnings) both ways, and broken input still names file and line.
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { parseScore, ScoreError, type Score } from '../../show-files/src/score/index.ts';
import { parseUstxValues } from '../../show-files/src/score/ustx.ts';
import { readFullYaml, readSimpleYaml } from '../../show-files/src/score/ustx-yaml.ts';
import { parseXmlStrict } from '../../show-files/src/score/xml.ts';
import { readSimpleXml } from '../../show-files/src/score/xml-simple.ts';
import { parseMusicXmlTree } from '../../show-files/src/score/musicxml.ts';
import { isVsqxRoot, parseVsqxTree } from '../../show-files/src/score/vsqx.ts';
import { textOfBytes, utf8ByteText } from '../../show-files/src/score/byte-text.ts';
import { benchNotes, musicXmlFile, ustxFile, vsqxFile } from '../../bench/score-files.ts';
import { rng } from './random.ts';

const DIR = 'tests/fixtures/scores';
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const decode = (b: Uint8Array): string => new TextDecoder('utf-8', { fatal: true }).decode(b);

/** The score through the full parser only (the yaml package, saxes). */
function fullScore(bytes: Uint8Array, name: string): Score {
  const text = decode(bytes);
  if (name.endsWith('.ustx')) return parseUstxValues(readFullYaml(text, name), name);
  const root = parseXmlStrict(text, name);
  return isVsqxRoot(root) ? parseVsqxTree(root, name) : parseMusicXmlTree(root, name);
}

/** Outcome of an import: the score, or the error message. */
function outcome(run: () => Score): Score | string {
  try {
    return run();
  } catch (err) {
    if (!(err instanceof ScoreError)) throw err;
    return err.message;
  }
}

const SPECIAL = '0123456789-.<>/="[]{},:;# \n&\'';

/** A copy with a few bytes changed: mostly characters that matter to the syntax, some UTF-8 broken. */
function mutate(bytes: Uint8Array, random: () => number): Uint8Array {
  const out = new Uint8Array(bytes);
  for (let e = 0, n = 1 + Math.floor(random() * 4); e < n; e++) {
    const at = Math.floor(random() * out.length);
    out[at] = random() < 0.15 ? 0x80 + Math.floor(random() * 128) : SPECIAL.charCodeAt(Math.floor(random() * SPECIAL.length));
  }
  return out;
}

const fastFormats = readdirSync(DIR).filter((f) => /\.(ustx|vsqx|musicxml)$/.test(f));
const seeds: [string, Uint8Array][] = [
  ...fastFormats.map((f): [string, Uint8Array] => [f, new Uint8Array(readFileSync(`${DIR}/${f}`))]),
  ['bench.ustx', ustxFile(benchNotes(40))],
  ['bench.vsqx', vsqxFile(benchNotes(40))],
  ['bench.musicxml', musicXmlFile(benchNotes(40))],
];

describe('fast score readers against the full parsers', () => {
  it('give the same score for every fixture and bench song, and take them on the fast path', () => {
    expect(fastFormats.length).toBeGreaterThanOrEqual(6);
    for (const [name, bytes] of seeds) {
      const fast = parseScore(bytes, name);
      expect(fast.notes.length, name).toBeGreaterThan(0);
      expect(fast, name).toEqual(fullScore(bytes, name));
      // The fast readers took these files (they did not fall back), reading them as byte text.
      const byteText = utf8ByteText(bytes)!;
      expect(name.endsWith('.ustx') ? readSimpleYaml(byteText, true) : readSimpleXml(byteText, true), name).toBeDefined();
    }
  });

  it('read byte text and decoded text to the same values, on the seeds and 720 damaged copies', () => {
    const random = rng(20261130);
    let taken = 0;
    let compared = 0;
    for (const [name, seed] of seeds) {
      for (let m = 0; m <= 120; m++) {
        const bytes = m === 0 ? seed : mutate(seed, random);
        const byteText = utf8ByteText(bytes);
        if (byteText === undefined) continue; // not UTF-8 any more: read as decoded text only
        const text = decode(bytes);
        const yaml = name.endsWith('.ustx');
        const fromBytes = yaml ? readSimpleYaml(byteText, true) : readSimpleXml(byteText, true);
        const fromText = yaml ? readSimpleYaml(text) : readSimpleXml(text);
        // The same documents are taken both ways, and give the same tree.
        expect(fromBytes === undefined, `${name} mutant ${m}`).toBe(fromText === undefined);
        if (fromBytes && fromText) {
          taken++;
          const [a, b] = yaml ? [(fromBytes as { root: unknown }).root, (fromText as { root: unknown }).root] : [fromBytes, fromText];
          if (!isDeepStrictEqual(a, b)) throw new Error(`${name} mutant ${m}: trees differ`);
        }
        // And the importer gives what the full parser gives (the same score or the same error).
        const fast = outcome(() => parseScore(bytes, name));
        const full = outcome(() => fullScore(bytes, name));
        if (typeof fast === 'string' && typeof full === 'string') {
          // Only syntax errors may be worded by different parsers; both name the file and a line.
          expect(fast, `${name} mutant ${m}`).toMatch(new RegExp(`^${name.replace('.', '\\.')}(:\\d+)?: `));
          expect(full.split(':')[0]).toBe(name);
        } else expect(fast, `${name} mutant ${m}`).toEqual(full);
        compared++;
      }
    }
    expect(taken).toBeGreaterThan(60);
    expect(compared).toBeGreaterThan(500);
  });

  it('decode kept strings exactly: raw UTF-8, escapes and character references mixed', () => {
    const yaml = 'name: "\\u3042さ\\x41"\nlyric: ら😀 b\nquoted: \'it\'\'s ü\'\nkey_é: 1\n';
    const values = readSimpleYaml(utf8ByteText(utf8(yaml))!, true);
    expect(values).toBeUndefined(); // a key outside [A-Za-z0-9_.-] goes to the yaml package
    const ok = yaml.replace('key_é', 'key');
    expect(readSimpleYaml(utf8ByteText(utf8(ok))!, true)!.root).toEqual({ name: 'あさA', lyric: 'ら😀 b', quoted: "it's ü", key: 1 });
    const xml = '<?xml version="1.0" encoding="UTF-8"?>\n<a x="&#x3042;ü">さ&amp;&#12356;<b><![CDATA[ 😀く ]]></b>\u3000</a>';
    const tree = readSimpleXml(utf8ByteText(utf8(xml))!, true)!;
    expect(tree).toEqual(parseXmlStrict(xml, 'a.xml'));
    expect(tree.attrs.x).toBe('あü');
    expect(tree.text).toBe('さ&い');
    expect(tree.children[0]!.text).toBe('😀く');
    // Every code point survives the trip through byte text.
    for (let c = 0x20; c < 0x110000; c += 97) {
      if (c >= 0xd800 && c < 0xe000) continue;
      const s = `a${String.fromCodePoint(c)}b`;
      expect(textOfBytes(utf8ByteText(utf8(s))!)).toBe(s);
    }
    // A byte order mark is dropped, as the decoder drops it.
    expect(utf8ByteText(new Uint8Array([0xef, 0xbb, 0xbf, 0x61]))).toBe('a');
    expect(utf8ByteText(new Uint8Array([0x61, 0xff]))).toBeUndefined();
  });

  it('still name the file and the line of broken input', () => {
    const ustx = decode(readFileSync(`${DIR}/tuned.ustx`));
    const lines = ustx.split('\n');
    // A note with a bad value: the line of that note, found by the fast reader.
    const durationAt = lines.findIndex((l) => /^ {4}duration:/.test(l)); // the first note's (the part has one too)
    const noteLine = lines.slice(0, durationAt).findLastIndex((l) => /^\s*- position:/.test(l)) + 1;
    const badValue = [...lines];
    badValue[durationAt] = badValue[durationAt]!.replace(/duration: .*/, 'duration: -5');
    expect(readSimpleYaml(utf8ByteText(utf8(badValue.join('\n')))!, true)).toBeDefined();
    expect(() => parseScore(utf8(badValue.join('\n')), 'bad.ustx')).toThrow(new RegExp(`^bad\\.ustx:${noteLine}: voice part 0 note 0: duration must be a number > 0`));
    // Broken YAML: the yaml package's line.
    const broken = [...lines];
    broken[durationAt] = '    duration: @240';
    expect(() => parseScore(utf8(broken.join('\n')), 'bad.ustx')).toThrow(new RegExp(`^bad\\.ustx:${durationAt + 1}: not valid YAML`));

    const vsqx = decode(readFileSync(`${DIR}/tuned-v4.vsqx`));
    const vLines = vsqx.split('\n');
    const nAt = vLines.findIndex((l) => l.includes('<n>'));
    const noteAt = vLines.slice(0, nAt + 1).findLastIndex((l) => l.includes('<note>')) + 1;
    expect(() => parseScore(utf8(vsqx.replace(/<n>\d+<\/n>/, '<n>200</n>')), 'bad.vsqx')).toThrow(new RegExp(`^bad\\.vsqx:${noteAt}: track 1 part 1 note 1: <n> must be a MIDI number`));
    expect(() => parseScore(utf8(vsqx.replace(/<\/dur>/, '</durr>')), 'bad.vsqx')).toThrow(/^bad\.vsqx:\d+: not well-formed XML/);
    const musicxml = decode(readFileSync(`${DIR}/repeat-verses.musicxml`));
    const mLines = musicxml.split('\n');
    const brokenAt = mLines.findIndex((l) => l.includes('<step>'));
    mLines[brokenAt] = mLines[brokenAt]!.replace('<step>', '<step');
    expect(() => parseScore(utf8(mLines.join('\n')), 'bad.musicxml')).toThrow(new RegExp(`^bad\\.musicxml:${brokenAt + 1}: not well-formed XML`));
    // Bytes that are not UTF-8: a clear error for XML, and Shift-JIS for UTAU files.
    expect(() => parseScore(new Uint8Array([...utf8('<?xml version="1.0"?><a>'), 0xff, ...utf8('</a>')]), 'bin.musicxml')).toThrow(/^bin\.musicxml: the file is not UTF-8 or UTF-16 text/);
  });
});
