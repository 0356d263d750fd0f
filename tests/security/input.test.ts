// The fast JSON reader (JSON.parse, positions only on demand) must refuse exactly what the
// positioned parser refuses, at the same line:column: duplicate keys JSON.parse would keep quietly,
// numbers it turns into Infinity, nesting past the limit. And the public timeline route is
// rate-limited per address.

import { describe, expect, it } from 'vitest';
import { parseJson } from '../../show-files/src/json-fast.ts';
import { JsonSyntaxError, MAX_JSON_DEPTH, parseJsonWithPositions } from '../../show-files/src/json-source.ts';
import type { ShowServer } from '../../server/src/server.ts';
import { startTestServer } from '../server/helpers.ts';
import { makeTimeline } from '../server/fixtures.ts';

function outcome(read: (t: string) => { value: unknown }, text: string): { value?: unknown; error?: string } {
  try {
    return { value: read(text).value };
  } catch (err) {
    if (!(err instanceof JsonSyntaxError)) throw err;
    return { error: err.message };
  }
}

describe('the fast JSON reader', () => {
  const cases: [string, string][] = [
    ['a duplicate key', '{"a": 1, "b": 2, "a": 3}'],
    ['a duplicate key with spaces before the colon', '{\n  "a" : 1,\n  "a"\t:\n 2\n}'],
    ['a duplicate key deep inside', '{"x": [{"y": {"k": 1, "k": 1}}]}'],
    ['a string holding an escaped quote and a colon', '{"a": "say \\": hi", "b": "1:1:0"}'],
    ['1e999', '{"tempo": 1e999}'],
    ['-1e400 in an array', '[1, 2, -1e400]'],
    ['nesting past the limit', `{"a": ${'['.repeat(MAX_JSON_DEPTH + 5)}${']'.repeat(MAX_JSON_DEPTH + 5)}}`],
    ['nesting at the limit', `${'['.repeat(MAX_JSON_DEPTH - 1)}${']'.repeat(MAX_JSON_DEPTH - 1)}`],
    ['a trailing comma', '{"a": 1,}'],
    ['a byte-order mark', '\ufeff{"a": [1, 2]}'],
    ['__proto__ as a key', '{"__proto__": {"polluted": true}, "a": 1}'],
    ['an empty object and array', '{"a": {}, "b": []}'],
  ];
  for (const [what, text] of cases) {
    it(`answers like the positioned parser for ${what}`, () => {
      const slow = outcome(parseJsonWithPositions, text);
      const fast = outcome(parseJson, text);
      expect(fast).toEqual(slow);
      if (fast.value && typeof fast.value === 'object') expect(Object.getPrototypeOf(fast.value)).toBe(Array.isArray(fast.value) ? Array.prototype : Object.prototype);
    });
  }

  it('places a validation error from the lazily built positions', () => {
    const { positions } = parseJson('{\n  "songs": [\n    "a.json",\n    7\n  ]\n}');
    expect(positions.has(['songs', 1])).toBe(true);
    expect(positions.positionOf(['songs', 1])).toEqual({ line: 4, column: 5 });
    expect(positions.positionOf(['songs'], true)).toEqual({ line: 2, column: 3 });
  });
});

describe('the public timeline route', () => {
  let server: ShowServer | null = null;
  it('answers 429 to an address that asks too often, and JSON all the same', async () => {
    ({ server } = await startTestServer(makeTimeline([{ title: 'A', length: 60 }])));
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 30; i++) {
        const res = await fetch(`${server.url}/api/timeline`, { headers: { authorization: `Bearer ${server.tokens.viewer}` } });
        statuses.push(res.status);
        const body = (await res.json()) as { ok?: boolean; error?: string };
        if (res.status === 429) expect(body.error).toMatch(/too many requests/);
      }
      expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(10);
      expect(statuses.filter((s) => s === 200).length).toBeLessThan(15);
      expect(statuses).toContain(429);
    } finally {
      await server.close();
    }
  });
});
