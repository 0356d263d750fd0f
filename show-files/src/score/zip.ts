// Zip containers (.mxl compressed MusicXML, Vocaloid .vpr): fflate lists the entries and inflates
// only the one the importer asks for, refusing entries that would inflate past a size limit.

import { unzipSync } from 'fflate';
import { ScoreError } from './model.ts';

/** No score file is anywhere near this; a larger entry is a zip bomb or not a score. */
const MAX_ENTRY_BYTES = 64 * 1024 * 1024;

function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

/** Names of the entries in a zip archive (nothing is inflated). */
export function zipEntryNames(bytes: Uint8Array, file: string, what: string): string[] {
  if (!isZip(bytes)) throw new ScoreError(file, `not a ${what}: the file is not a zip archive`);
  const names: string[] = [];
  try {
    unzipSync(bytes, {
      filter: (f) => {
        names.push(f.name);
        return false;
      },
    });
  } catch (err) {
    throw new ScoreError(file, `not a readable ${what} (broken zip archive): ${(err as Error).message}`);
  }
  return names;
}

/** One entry inflated; a ScoreError when it is missing, too large or damaged. */
export function zipEntry(bytes: Uint8Array, file: string, name: string, what: string): Uint8Array {
  let tooLarge = false;
  let out: Record<string, Uint8Array>;
  try {
    out = unzipSync(bytes, {
      filter: (f) => {
        if (f.name !== name) return false;
        if (f.originalSize > MAX_ENTRY_BYTES) {
          tooLarge = true;
          return false;
        }
        return true;
      },
    });
  } catch (err) {
    throw new ScoreError(file, `not a readable ${what} (broken zip entry "${name}"): ${(err as Error).message}`);
  }
  if (tooLarge) throw new ScoreError(file, `"${name}" in the ${what} would unpack to more than ${MAX_ENTRY_BYTES / 2 ** 20} MiB; refused`);
  const data = out[name];
  if (!data) throw new ScoreError(file, `the ${what} has no "${name}"`);
  return data;
}
