// Publishes the show format as JSON Schema (docs/schema/*.schema.json), generated from the same
// zod schemas the validator uses, so editors can autocomplete show and song files.
// Run: node bin/run-ts.js scripts/gen-schema.ts   (tests check the committed files are current)

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { schemaDocuments } from '../show-files/src/json-schema.ts';

const outDir = join(import.meta.dirname, '..', 'docs', 'schema');
for (const [name, doc] of Object.entries(schemaDocuments())) {
  writeFileSync(join(outDir, name), doc);
  console.log(`wrote docs/schema/${name}`);
}
