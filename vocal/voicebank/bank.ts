// A UTAU voicebank in memory: its oto.ini entries (root and pitch subfolders), character.txt,
// readme.txt and prefix.map, with samples decoded on first use. Pure: the files come through a
// `BankFiles` reader, so the same code runs on a folder in Node (node.ts) or on fetched files in
// a browser.

import { VoiceBankError, type BankProblem } from './errors.ts';
import { parseOto, type OtoEntry } from './oto.ts';
import { parsePrefixMap, type PrefixMap } from './prefix-map.ts';
import { decodeBankWav, type BankSample } from './sample-wav.ts';
import { bankText, parseCharacter, type CharacterInfo } from './text.ts';

export interface BankFiles {
  /** Every file of the bank, bank-relative with `/` separators. */
  list(): string[];
  /** The file's bytes, or undefined when it does not exist. */
  read(path: string): Uint8Array | undefined;
}

export interface OpenOptions {
  /** Missing samples are errors (the default; a show must not start with them) or only problems (`voice inspect`). */
  strict?: boolean;
}

export class VoiceBank {
  readonly entries: OtoEntry[] = [];
  /** First entry of each alias (UTAU's rule for duplicates). */
  readonly aliases = new Map<string, OtoEntry>();
  /** Folders below the root that have their own oto.ini (pitch or colour subfolders). */
  readonly subfolders: string[] = [];
  readonly otoFiles: string[] = [];
  readonly problems: BankProblem[] = [];
  readonly character: CharacterInfo;
  readonly readme: string;
  readonly prefixMap?: PrefixMap;
  private readonly samples = new Map<string, BankSample>();

  constructor(
    /** Shown in messages and reports: the folder name. */
    readonly name: string,
    private readonly files: BankFiles,
    options: OpenOptions = {},
  ) {
    const all = files.list();
    const lower = new Map(all.map((f) => [f.toLowerCase(), f]));
    const find = (p: string) => lower.get(p.toLowerCase());
    const characterFile = find('character.txt');
    this.character = characterFile ? parseCharacter(files.read(characterFile)!) : { fields: {} };
    const readmeFile = find('readme.txt');
    this.readme = readmeFile ? bankText(files.read(readmeFile)!) : '';
    const prefixFile = find('prefix.map');
    if (prefixFile) this.prefixMap = parsePrefixMap(files.read(prefixFile)!, prefixFile);
    this.otoFiles = all.filter((f) => /(^|\/)oto\.ini$/i.test(f)).sort((a, b) => a.split('/').length - b.split('/').length || a.localeCompare(b));
    if (this.otoFiles.length === 0) throw new VoiceBankError(name, 'no oto.ini in the folder or its subfolders: not a UTAU voicebank');
    for (const oto of this.otoFiles) {
      if (oto.includes('/')) this.subfolders.push(oto.slice(0, oto.lastIndexOf('/')));
      const parsed = parseOto(files.read(oto)!, oto);
      this.problems.push(...parsed.problems);
      for (const e of parsed.entries) {
        const real = find(e.file);
        if (!real) {
          if (options.strict !== false) throw new VoiceBankError(e.source, `sample "${e.file}" not found (alias "${e.alias}")`, e.line);
          this.problems.push({ file: e.source, line: e.line, message: `sample "${e.file}" not found (alias "${e.alias}")` });
          continue;
        }
        e.file = real;
        this.entries.push(e);
        const first = this.aliases.get(e.alias);
        if (first) this.problems.push({ file: e.source, line: e.line, message: `duplicate alias "${e.alias}" (first at ${first.source}:${first.line}, which is used)` });
        else this.aliases.set(e.alias, e);
      }
    }
    if (this.entries.length === 0) throw new VoiceBankError(this.otoFiles[0]!, 'oto.ini has no usable entries');
  }

  get displayName(): string {
    return this.character.name ?? this.name;
  }

  entry(alias: string): OtoEntry | undefined {
    return this.aliases.get(alias);
  }

  /** The decoded sample of an entry (cached); a missing or unreadable file names the oto.ini line. */
  sample(entry: OtoEntry): BankSample {
    let s = this.samples.get(entry.file);
    if (!s) {
      const bytes = this.files.read(entry.file);
      if (!bytes) throw new VoiceBankError(entry.source, `sample "${entry.file}" not found (alias "${entry.alias}")`, entry.line);
      s = decodeBankWav(bytes, entry.file);
      this.samples.set(entry.file, s);
    }
    return s;
  }
}

/** An entry's span in the sample, in seconds from the file's start, after UTAU's cutoff rule. */
export function entrySpan(entry: OtoEntry, fileSeconds: number): { start: number; end: number } {
  const start = entry.offset / 1000;
  const end = entry.cutoff < 0 ? start - entry.cutoff / 1000 : fileSeconds - entry.cutoff / 1000;
  return { start, end: Math.min(fileSeconds, Math.max(start, end)) };
}
