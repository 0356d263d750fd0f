import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileShowFolder, formatError } from '../../show-files/src/index.ts';
import { BASE_SHOW, CORPUS, corpusCases, materializeCase } from './corpus.ts';

describe('broken-show corpus', () => {
  const cases = corpusCases();

  it('has at least 25 broken shows', () => {
    expect(cases.length).toBeGreaterThanOrEqual(25);
  });

  it('the base show the cases start from is valid', async () => {
    const result = await compileShowFolder(BASE_SHOW);
    expect(result.ok ? [] : result.errors.map(formatError)).toEqual([]);
  });

  for (const name of cases) {
    it(`${name}: refused with exactly the expected errors`, async () => {
      const expected = readFileSync(join(CORPUS, name, 'expected.txt'), 'utf8').trim().split('\n');
      const [dir, cleanup] = materializeCase(name);
      try {
        const result = await compileShowFolder(dir);
        expect(result.ok).toBe(false);
        if (!result.ok) expect(result.errors.map(formatError)).toEqual(expected);
      } finally {
        cleanup();
      }
    });
  }
});
