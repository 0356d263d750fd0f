// The layout's rules, measured on the real import graph (every relative import and dynamic
// import() of the repository's TypeScript, read with the TypeScript compiler's own parser):
// data flows one way, pages reach the server only through protocol/, and no import cycle exists.

import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const SOURCE_DIRS = ['cli', 'protocol', 'client', 'server/src', 'stage/src', 'live/src', 'control-desk/src', 'studio/src', 'show-files/src', 'vocal'];

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sourceFiles(p));
    else if (/\.(ts|mts)$/.test(name) && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** Relative imports (static, re-exports, dynamic import() with a literal) of one file, resolved. */
function importsOf(file: string): string[] {
  const src = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const specs: string[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) specs.push(node.moduleSpecifier.text);
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteral(node.arguments[0])) specs.push(node.arguments[0].text);
    ts.forEachChild(node, visit);
  };
  visit(src);
  return specs.filter((s) => s.startsWith('.')).map((s) => resolve(dirname(file), s));
}

const graph = new Map<string, string[]>();
for (const dir of SOURCE_DIRS) for (const f of sourceFiles(join(root, dir))) graph.set(f, importsOf(f));
const rel = (p: string): string => relative(root, p).split('\\').join('/');
const edges = [...graph].flatMap(([from, tos]) => tos.map((to) => ({ from: rel(from), to: rel(to) })));

function cycles(): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const walk = (f: string): void => {
    state.set(f, 'open');
    stack.push(f);
    for (const to of graph.get(f) ?? []) {
      if (state.get(to) === 'open') found.push([...stack.slice(stack.indexOf(to)), to].map(rel));
      else if (!state.has(to) && graph.has(to)) walk(to);
    }
    stack.pop();
    state.set(f, 'done');
  };
  for (const f of graph.keys()) if (!state.has(f)) walk(f);
  return found;
}

describe('the architecture', () => {
  it('reads the whole graph (a broken walk would make every rule below pass)', () => {
    expect(graph.size).toBeGreaterThan(150);
    expect(edges.some((e) => e.from === 'server/src/server.ts' && e.to === 'server/src/show/controller.ts')).toBe(true);
    expect(edges.some((e) => e.from.startsWith('stage/src/') && e.to === 'protocol/index.ts')).toBe(true);
  });

  it('has no import cycle', () => {
    expect(cycles()).toEqual([]);
  });

  it('pages and their shared client import nothing from server/ (only the wire contract in protocol/)', () => {
    const pages = edges.filter((e) => /^(stage|live|control-desk|client)\//.test(e.from) && e.to.startsWith('server/'));
    expect(pages).toEqual([]);
  });

  it('client/ (what every page shares) imports only itself, protocol/, the show format and the vocal engine\'s lyric rule, never a page', () => {
    const out = edges.filter((e) => e.from.startsWith('client/') && !/^(client|protocol|show-files\/src)\//.test(e.to) && e.to !== 'vocal/lyrics.ts');
    expect(out).toEqual([]);
  });

  it('the stage, the viewer and the desk all connect through the one ShowLink', () => {
    for (const page of ['stage/src/main.ts', 'live/src/main.ts', 'control-desk/src/net.ts']) {
      expect(edges.some((e) => e.from === page && e.to === 'client/show-link.ts'), page).toBe(true);
    }
    // Nobody else opens a socket: a value import of socket.io-client (not `import type`) is the sign.
    const opensSocket = (f: string): boolean => /^import (?!type )[^;]*from 'socket\.io-client'/m.test(readFileSync(join(root, f), 'utf8'));
    const opens = [...graph.keys()].map(rel).filter((f) => /^(stage|live|control-desk|client)\//.test(f) && opensSocket(f));
    expect(opens.sort()).toEqual(['client/show-link.ts', 'stage/src/net/clock-worker.ts']);
  });

  it('protocol/ imports only itself and the show format\'s types', () => {
    const out = edges.filter((e) => e.from.startsWith('protocol/') && !e.to.startsWith('protocol/') && e.to !== 'show-files/src/timeline.ts');
    expect(out).toEqual([]);
  });

  it('the server, the show format and the protocol import nothing from the pages', () => {
    // The studio's pure core (a draft's format, its checks, its sing plan) is shared with the server
    // that stores and previews drafts; the rest of the studio page is not.
    const up = edges.filter((e) => /^(server|show-files|protocol|vocal)\//.test(e.from) && /^(stage|live|control-desk|studio|client)\//.test(e.to) && !e.to.startsWith('studio/src/core/'));
    expect(up).toEqual([]);
    const core = edges.filter((e) => e.from.startsWith('studio/src/core/') && !/^(studio\/src\/core|protocol|show-files\/src|vocal)\//.test(e.to));
    expect(core).toEqual([]);
  });

  it('the vocal engine is its own folder, reading only the show format\'s data (never the server, the CLI or a page)', () => {
    expect([...graph.keys()].map(rel).some((f) => f.startsWith('show-files/src/vocal/'))).toBe(false);
    expect(edges.some((e) => e.from === 'show-files/src/compile.ts' && e.to.startsWith('vocal/'))).toBe(true);
    const out = edges.filter((e) => e.from.startsWith('vocal/') && !/^(vocal|show-files\/src)\//.test(e.to));
    expect(out).toEqual([]);
  });

  it('keeps every source file readable: none over 400 lines', () => {
    const long = [...graph.keys()].map((f) => ({ file: rel(f), lines: readFileSync(f, 'utf8').trimEnd().split('\n').length })).filter((f) => f.lines > 400);
    expect(long).toEqual([]);
  });

  it('starts a browser in one place only (tests/chromium.ts), so every test, bench and script runs it with the same flags', () => {
    // Spelt in pieces so this file does not match itself.
    const launch = new RegExp(['\\bchromium\\.launch\\(', '--no-' + 'sandbox'].join('|'));
    const launches = ['tests', 'bench', 'scripts']
      .flatMap((d) => sourceFiles(join(root, d)))
      .filter((f) => launch.test(readFileSync(f, 'utf8')))
      .map(rel);
    expect(launches).toEqual(['tests/chromium.ts']);
  });
});
