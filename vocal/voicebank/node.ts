// The Node edge of the voicebank engine: a bank folder on disk as `BankFiles`. Text files and the
// file list are read when the bank is opened; samples when they are first sung.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { VoiceBank, type OpenOptions } from './bank.ts';
import { VoiceBankError } from './errors.ts';
import { bankText, parseCharacter } from './text.ts';

function listFiles(root: string, rel = '', out: string[] = [], depth = 0): string[] {
  if (depth > 4) return out;
  for (const d of readdirSync(join(root, rel), { withFileTypes: true })) {
    const path = rel ? `${rel}/${d.name}` : d.name;
    if (d.isDirectory()) listFiles(root, path, out, depth + 1);
    else if (d.isFile()) out.push(path);
  }
  return out;
}

export function openVoiceBankDir(dir: string, options: OpenOptions = {}): VoiceBank {
  const root = resolve(dir);
  let isDir = false;
  try {
    isDir = statSync(root).isDirectory();
  } catch {
    throw new VoiceBankError(dir, 'voicebank folder not found');
  }
  if (!isDir) throw new VoiceBankError(dir, 'not a folder (a voicebank is a folder with oto.ini)');
  const files = listFiles(root);
  return new VoiceBank(basename(root), {
    list: () => files,
    read: (p) => {
      try {
        return readFileSync(join(root, p));
      } catch {
        return undefined;
      }
    },
  }, options);
}

/** What an organiser is shown about a bank: its name, author, web page and terms (readme.txt). */
export interface BankCard {
  name: string;
  author?: string;
  web?: string;
  terms: string;
}

/** Reads only character.txt and readme.txt (names matched case-insensitively, as on Windows). */
export function readBankCard(dir: string): BankCard {
  const root = resolve(dir);
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    throw new VoiceBankError(dir, 'voicebank folder not found');
  }
  const read = (file: string) => {
    const real = names.find((n) => n.toLowerCase() === file);
    return real ? readFileSync(join(root, real)) : undefined;
  };
  const character = read('character.txt');
  const info = character ? parseCharacter(character) : { fields: {} as Record<string, string>, name: undefined, author: undefined, web: undefined };
  const readme = read('readme.txt');
  return { name: info.name ?? basename(root), author: info.author, web: info.web, terms: readme ? bankText(readme) : '' };
}
