// JSON Schema documents for editors, generated from the zod schemas in schema.ts.
import { z } from 'zod';
import { showSchema, songSchema } from './schema.ts';

function document(schema: z.ZodType, id: string, title: string): string {
  const json = z.toJSONSchema(schema, { target: 'draft-2020-12', unrepresentable: 'any', io: 'input' }) as Record<string, unknown>;
  return `${JSON.stringify({ ...json, $id: id, title }, null, 2)}\n`;
}

/** File name -> JSON text. */
export function schemaDocuments(): Record<string, string> {
  return {
    'show.schema.json': document(showSchema, 'https://holostage.dev/schema/show.schema.json', 'holostage show file (show.json)'),
    'song.schema.json': document(songSchema, 'https://holostage.dev/schema/song.schema.json', 'holostage song file'),
  };
}
