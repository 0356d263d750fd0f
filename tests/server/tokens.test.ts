import { describe, expect, it } from 'vitest';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { accessUrls, identify, loadOrCreateTokens } from '../../server/src/tokens.ts';
import { tempDir } from './helpers.ts';

describe('tokens', () => {
  it('are created once (mode 0600), kept across loads, and extended for a new output without changing the rest', () => {
    const dir = join(tempDir(), 'state');
    const first = loadOrCreateTokens(dir, ['a', 'b']);
    expect(first.operator).toMatch(/^[0-9a-f]{32}$/);
    expect(new Set([first.operator, first.viewer, first.outputs.a, first.outputs.b]).size).toBe(4);
    expect(statSync(join(dir, 'tokens.json')).mode & 0o777).toBe(0o600);
    const again = loadOrCreateTokens(dir, ['a', 'b']);
    expect(again).toEqual(first);
    const more = loadOrCreateTokens(dir, ['a', 'b', 'c']);
    expect(more.outputs.c).toMatch(/^[0-9a-f]{32}$/);
    expect({ ...more, outputs: { a: more.outputs.a, b: more.outputs.b } }).toEqual(first);
    expect(JSON.parse(readFileSync(join(dir, 'tokens.json'), 'utf8'))).toEqual(more);
  });

  it('decide the role; anything else is no one', () => {
    const t = loadOrCreateTokens(join(tempDir(), 's'), ['main']);
    expect(identify(t, t.operator)).toEqual({ role: 'operator' });
    expect(identify(t, t.viewer)).toEqual({ role: 'viewer' });
    expect(identify(t, t.outputs.main)).toEqual({ role: 'output', outputId: 'main' });
    for (const bad of [undefined, null, '', 'x', t.operator.slice(1), `${t.operator} `, 42]) expect(identify(t, bad)).toBeNull();
  });

  it('make the URLs to open', () => {
    const t = { operator: 'op', viewer: 'vw', outputs: { 'holo screen': 'h1' } };
    expect(accessUrls('http://10.0.0.5:3000/', t, ['holo screen'])).toEqual([
      { label: 'control desk', url: 'http://10.0.0.5:3000/desk?token=op' },
      { label: 'output holo screen', url: 'http://10.0.0.5:3000/stage?output=holo%20screen&token=h1' },
      { label: 'fan viewer', url: 'http://10.0.0.5:3000/live?token=vw' },
    ]);
  });
});
