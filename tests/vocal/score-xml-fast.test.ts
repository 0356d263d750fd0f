// The one-walk XML reader against saxes: on every text it takes (fixtures, the bench's songs,
// CRLF files, corner cases and thousands of mutants) it must build the same tree, lines
// included, and saxes must accept that text too; everything else it leaves to saxes.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { readSimpleXml } from '../../show-files/src/score/xml-simple.ts';
import { parseXmlStrict } from '../../show-files/src/score/xml.ts';
import { parseScore, ScoreError } from '../../show-files/src/score/index.ts';
import { benchNotes, musicXmlFile, vsqxFile } from '../../bench/score-files.ts';
import { mutateText, rng } from './random.ts';

const fixture = (name: string): string => readFileSync(`tests/fixtures/scores/${name}`, 'utf8');
const seeds = [fixture('repeat-verses.musicxml'), fixture('pickup-6-8.musicxml'), fixture('tuned-v4.vsqx'), fixture('plain-v3.vsqx'), new TextDecoder().decode(vsqxFile(benchNotes(12))), new TextDecoder().decode(musicXmlFile(benchNotes(12)))];

/** True when the fast reader took the text; throws when it differs from saxes. */
function agrees(text: string): boolean {
  const fast = readSimpleXml(text);
  if (!fast) return false;
  let strict: unknown;
  try {
    strict = parseXmlStrict(text, 'x.xml');
  } catch (err) {
    throw new Error(`the fast reader took a text saxes refuses (${String(err)}):\n${text.slice(0, 300)}`);
  }
  if (!isDeepStrictEqual(fast, strict)) throw new Error(`trees differ:\n${text.slice(0, 300)}`);
  return true;
}

const TOKENS = [' ', '\n', '\r\n', '\r', '\t', '<', '>', '/', '</', '/>', '=', '"', "'", '&', '&amp;', '&lt;', '&#65;', '&#x3042;', '&#0;', '&foo;', '<!--', '-->', '--', '<![CDATA[', ']]>', '<?x?>', '<!DOCTYPE a>', 'a', 'ら', ':', 'x:y', '\u3000', '\u00a0', '\ud83c', '\x01', '\x7f', '\ufffe', '<a>', '</a>', 'id="P"', ' b="1"', '<b/>'];

const mutate = (text: string, random: () => number): string => mutateText(text, TOKENS, random);

describe('the fast score XML reader', () => {
  it('builds the same tree as saxes for the fixtures, the bench songs and CRLF files', () => {
    for (const seed of seeds) {
      expect(agrees(seed)).toBe(true);
      expect(agrees(seed.replace(/\n/g, '\r\n'))).toBe(true);
    }
  });

  it('takes entities, CDATA, comments and a DOCTYPE, and leaves the rest to saxes', () => {
    const doc = '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE score-partwise PUBLIC "-//Recordare//DTD MusicXML 4.0 Partwise//EN" "http://www.musicxml.org/dtds/partwise.dtd">\n<!-- c -->\n<a x="1 &amp; 2" y=\'&#x3042;\'>\n  <b>&lt;t&gt; &#65;</b><c><![CDATA[ <raw> ]]></c><d/>\n</a>\n';
    expect(agrees(doc)).toBe(true);
    const tree = readSimpleXml(doc)!;
    expect(tree.attrs).toEqual({ x: '1 & 2', y: 'あ' });
    expect(tree.children.map((c) => [c.name, c.text, c.line])).toEqual([['b', '<t> A', 5], ['c', '<raw>', 5], ['d', '', 5]]);
    for (const outside of ['<a>&nbsp;</a>', '<!DOCTYPE a [<!ENTITY e "x">]><a>&e;</a>', '<a>\r</a>x', '<a x="1\n2"/>', '<a><?pi x?></a>', '<a\n/>', '<a></b>', '<a>]]></a>', '<?xml version="1.1"?><a/>']) {
      expect(readSimpleXml(outside), JSON.stringify(outside)).toBeUndefined();
    }
  });

  it('agrees with saxes on 3,000 mutants, or leaves them to it', () => {
    const random = rng(2026);
    let taken = 0;
    for (let k = 0; k < 3000; k++) if (agrees(mutate(seeds[k % seeds.length]!, random))) taken++;
    expect(taken).toBeGreaterThan(100);
  });

  it('still names the line of broken XML (through saxes)', () => {
    const broken = fixture('repeat-verses.musicxml').replace('</measure>', '</measur>');
    const line = broken.split('\n').findIndex((l) => l.includes('</measur>')) + 1;
    let err: unknown;
    try {
      parseScore(new TextEncoder().encode(broken), 'song.musicxml');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ScoreError);
    expect((err as ScoreError).line).toBe(line);
  });
});
