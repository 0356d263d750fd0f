// oto.ini: one sample per line, `file.wav=alias,offset,consonant,cutoff,preutterance,overlap`,
// times in milliseconds, as UTAU defines them:
// - offset: where the sample starts in the file;
// - consonant: the fixed area after the offset (never stretched);
// - cutoff: negative = the sample's length from the offset; positive = cut from the file's end;
//   0 = to the end of the file;
// - preutterance: the point after the offset that lands on the note's start;
// - overlap: how long after the offset the sample crossfades with the note before.
// Real banks bring quirks: blank fields (0), a blank alias (the file name), duplicate aliases
// (the first wins, as in UTAU), comment lines, CRLF, Shift-JIS. Anything that cannot be read is a
// VoiceBankError naming the oto.ini and its line.

import { VoiceBankError, type BankProblem } from './errors.ts';
import { bankTextLines } from './text.ts';

export interface OtoEntry {
  /** The sample, bank-relative with `/` separators (`C4/_かかか.wav`). */
  file: string;
  alias: string;
  /** Milliseconds, as in the file. */
  offset: number;
  consonant: number;
  cutoff: number;
  preutterance: number;
  overlap: number;
  /** Bank-relative oto.ini path and 1-based line, for messages. */
  source: string;
  line: number;
}

export interface ParsedOto {
  entries: OtoEntry[];
  encoding: 'utf-8' | 'shift_jis';
  problems: BankProblem[];
}

const FIELD_NAMES = ['offset', 'consonant', 'cutoff', 'preutterance', 'overlap'] as const;

function isComment(line: string): boolean {
  return /^\s*(#|;|\/\/)/.test(line);
}

/**
 * @param source bank-relative path of this oto.ini (`oto.ini`, `C4/oto.ini`); sample paths are
 *   resolved against its folder.
 */
export function parseOto(bytes: Uint8Array, source: string): ParsedOto {
  const { lines, encoding } = bankTextLines(bytes);
  const folder = source.includes('/') ? source.slice(0, source.lastIndexOf('/') + 1) : '';
  const entries: OtoEntry[] = [];
  const problems: BankProblem[] = [];
  lines.forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === '' || isComment(raw)) return;
    const eq = raw.indexOf('=');
    if (eq <= 0) throw new VoiceBankError(source, `expected "file.wav=alias,offset,consonant,cutoff,preutterance,overlap", got "${raw.trim()}"`, line);
    const fileName = raw.slice(0, eq).trim().replace(/\\/g, '/');
    if (!/\.wav$/i.test(fileName)) throw new VoiceBankError(source, `"${fileName}" is not a .wav file name`, line);
    const fields = raw.slice(eq + 1).split(',');
    if (fields.length > 6) throw new VoiceBankError(source, `too many fields (${fields.length}; expected alias and 5 numbers)`, line);
    const alias = (fields[0] ?? '').trim() || fileName.replace(/^.*\//, '').replace(/\.wav$/i, '');
    const numbers = FIELD_NAMES.map((name, k) => {
      const text = (fields[k + 1] ?? '').trim();
      if (text === '') return 0;
      const value = Number(text);
      if (!Number.isFinite(value)) throw new VoiceBankError(source, `${name} "${text}" is not a number (alias "${alias}")`, line);
      return value;
    });
    const [offset, consonant, cutoff, preutterance, overlap] = numbers as [number, number, number, number, number];
    if (offset < 0) throw new VoiceBankError(source, `offset ${offset} is negative (alias "${alias}")`, line);
    if (consonant < 0) throw new VoiceBankError(source, `consonant ${consonant} is negative (alias "${alias}")`, line);
    if (cutoff < 0 && -cutoff < preutterance) {
      problems.push({ file: source, line, message: `alias "${alias}": the sample (${-cutoff} ms) ends before its preutterance (${preutterance} ms)` });
    }
    entries.push({ file: folder + fileName, alias, offset, consonant, cutoff, preutterance, overlap, source, line });
  });
  return { entries, encoding, problems };
}
