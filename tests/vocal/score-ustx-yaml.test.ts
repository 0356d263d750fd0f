// The fast .ustx YAML reader against the yaml package: on every text it takes (fixtures, the
// bench's 1,000-note song, hand-written corner cases and thousands of mutants) it must give the
// same values and the same lines as the full parser, and it must leave everything else to it.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { parseDocument, LineCounter, isSeq, isNode } from 'yaml';
import { readSimpleYaml, readUstxYaml } from '../../show-files/src/score/ustx-yaml.ts';
import { parseScore, ScoreError } from '../../show-files/src/score/index.ts';
import { benchNotes, ustxFile } from '../../bench/score-files.ts';
import { mutateText, rng } from './random.ts';

const fixture = (name: string): string => readFileSync(`tests/fixtures/scores/${name}`, 'utf8');

interface Full {
  ok: boolean;
  value?: unknown;
  keyLine(key: string): number | undefined;
  itemLine(path: (string | number)[], i: number): number | undefined;
}

function full(text: string): Full {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: false });
  const lineOf = (n: unknown) => (isNode(n) && n.range ? lineCounter.linePos(n.range[0]).line : undefined);
  let value: unknown;
  let ok = doc.errors.length === 0;
  if (ok) {
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch {
      ok = false;
    }
  }
  return {
    ok,
    value,
    keyLine: (key) => lineOf(doc.get(key, true)),
    itemLine: (path, i) => {
      const list = doc.getIn(path, true);
      return isSeq(list) ? lineOf(list.items[i]) : undefined;
    },
  };
}

/** Every sequence path to compare lines on: the parts, each part's notes, the tempos. */
function listPaths(root: unknown): (string | number)[][] {
  const paths: (string | number)[][] = [['voice_parts'], ['tempos'], ['tracks']];
  const parts = (root as { voice_parts?: unknown } | null)?.voice_parts;
  if (Array.isArray(parts)) parts.forEach((_, p) => paths.push(['voice_parts', p, 'notes']));
  return paths;
}

/** The fast reader's answer, checked against the full parser; true when the fast reader took it. */
function agrees(text: string): boolean {
  const fast = readSimpleYaml(text);
  if (!fast) return false;
  const reference = full(text);
  if (!reference.ok) throw new Error(`the fast reader took a text the yaml package refuses:\n${text.slice(0, 400)}`);
  if (!isDeepStrictEqual(fast.root, reference.value)) {
    throw new Error(`values differ:\nfast ${JSON.stringify(fast.root)?.slice(0, 300)}\nfull ${JSON.stringify(reference.value)?.slice(0, 300)}\n${text.slice(0, 400)}`);
  }
  const root = fast.root;
  if (root && typeof root === 'object' && !Array.isArray(root)) {
    for (const key of Object.keys(root)) {
      if ((root as Record<string, unknown>)[key] === null) continue; // an empty value has no place of its own
      expect(fast.keyLine(key), `line of ${key}`).toBe(reference.keyLine(key));
    }
  }
  for (const path of listPaths(root)) {
    let list: unknown = root;
    for (const step of path) list = (list as Record<string | number, unknown> | null)?.[step];
    if (!Array.isArray(list)) continue;
    const lines = fast.itemLines(path);
    list.forEach((_, i) => expect(lines(i), `line of ${path.join('.')}[${i}]`).toBe(reference.itemLine(path, i)));
  }
  return true;
}

// What a YAML mutant is made of: indicators, quotes, escapes, numbers in every core-schema spelling.
const TOKENS = [' ', '  ', '\n', '\r\n', '\r', '\t', '-', '- ', ':', ': ', '#', ' #', "'", "''", '"', '\\', '\\u3042', '\\x', '{', '}', '[', ']', ',', '&a ', '*a', '!', '|', '>', '?', '~', 'null', 'True', 'FALSE', '0x1F', '0o17', '.inf', '-.Inf', '.nan', '1e3', '-0', '+5', '.5', '5.', '007', '1_000', '99999999999999999999', 'x', 'ら', '\u2028', '\u0085', '\ufeff', '\x7f', '\x00', '__proto__', 'true:', 'a b:'];

const mutate = (text: string, random: () => number): string => mutateText(text, TOKENS, random);

const CORNERS = `# comment
name: 'it''s'   # a comment after a value
comment: "tab\\there \\"q\\" \\u3042 \\\\ \\/"
empty:
tilde: ~
nulls: [null, Null, NULL, ~]
bools: [true, True, TRUE, false, False, FALSE, tRUE]
ints: [0, -0, +5, 007, 0o17, 0x1F, 99999999999999999999, 1_000]
floats: [1.5, .5, 5., -2.25, 1e3, -1.5E-2, .inf, -.Inf, .NaN]
text: plain text with spaces and a:colon
lyric: ら
quoted_number: '12'
nested:
  deeper:
    deepest: 1
  list:
    - a
    - {x: 1, y: -2, shape: io}
    -
      k: v
    - [1, [2, 3], {a: b}]
    - []
    - {}
indentless:
- one
- two: 2
  three: 3
- - ignored
`;

describe('the fast .ustx YAML reader', () => {
  it('reads the fixtures and the bench song as the yaml package does', () => {
    for (const name of ['tuned.ustx', 'two-parts.ustx']) expect(agrees(fixture(name)), name).toBe(true);
    expect(agrees(new TextDecoder().decode(ustxFile(benchNotes(100))))).toBe(true);
    expect(agrees(fixture('two-parts.ustx').replace(/\n/g, '\r\n')), 'CRLF line ends').toBe(true);
  });

  it('takes the corners of its subset and leaves the rest to the full parser', () => {
    // The last item ("- - x", a sequence in a sequence written compactly) is outside the subset.
    expect(readSimpleYaml(CORNERS)).toBeUndefined();
    const inSubset = CORNERS.replace('- - ignored\n', '');
    expect(agrees(inSubset)).toBe(true);
    const root = readSimpleYaml(inSubset)!.root as Record<string, unknown>;
    expect(root.name).toBe("it's");
    expect(root.comment).toBe('tab\there "q" あ \\ /');
    expect(root.ints).toEqual([0, -0, 5, 7, 15, 31, 1e20, '1_000']);
    expect(root.empty).toBeNull();
    for (const outside of ['a: &x 1\nb: *x\n', 'a: !!str 1\n', 'a: |\n  text\n', 'a: [1,\n  2]\n', 'a: "two\n  lines"\n', '---\na: 1\n', 'a:\n\t- 1\n', '"quoted key": 1\n', '1: one\n', 'a: b: c\n']) {
      expect(readSimpleYaml(outside), JSON.stringify(outside)).toBeUndefined();
    }
  });

  it('agrees with the yaml package on 2,000 mutants, or leaves them to it', () => {
    const random = rng(19);
    const seeds = [fixture('tuned.ustx'), fixture('two-parts.ustx'), CORNERS.replace('- - ignored\n', '')];
    let taken = 0;
    let left = 0;
    for (let k = 0; k < 2000; k++) {
      if (agrees(mutate(seeds[k % seeds.length]!, random))) taken++;
      else left++;
    }
    // Both kinds occur, so both paths were exercised.
    expect(taken).toBeGreaterThan(250);
    expect(left).toBeGreaterThan(250);
  });

  it('keeps the line of a broken note on either path', () => {
    const broken = fixture('two-parts.ustx').replace('    tone: 69\n', '    tone: 200\n');
    const line = broken.split('\n').findIndex((l) => l.includes('position: 480')) + 1;
    const readers = [(t: string) => t, (t: string) => `${t}\nextra: &anchor 1\n`]; // the second is not in the subset
    for (const make of readers) {
      const text = make(broken);
      const err = (() => {
        try {
          parseScore(new TextEncoder().encode(text), 'song.ustx');
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(err).toBeInstanceOf(ScoreError);
      expect((err as ScoreError).message).toBe(`song.ustx:${line}: voice part 0 note 1: tone must be a MIDI number 0-127, got 200`);
    }
    expect(readSimpleYaml(`${broken}\nextra: &anchor 1\n`)).toBeUndefined();
    expect(() => readUstxYaml('a: [1, 2\nb: 1\n', 'bad.ustx')).toThrow(/^bad\.ustx:\d+: not valid YAML/);
  });
});
