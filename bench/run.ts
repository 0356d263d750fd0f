// `npm run bench [-- name...]`: runs every bench/*.bench.ts (or those whose file name contains a
// given word) and rewrites docs/BENCHMARKS.md with the results and the machine they came from.

import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export interface BenchRow {
  name: string;
  value: string;
  note?: string;
}
export interface BenchSection {
  title: string;
  rows: BenchRow[];
  /** Free text under the table: method, baseline, aim. */
  notes?: string;
}

const benchDir = import.meta.dirname;
const filters = process.argv.slice(2);
const files = readdirSync(benchDir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filters.length === 0 || filters.some((w) => f.includes(w)))
  .sort();

const docPath = join(benchDir, '..', 'docs', 'BENCHMARKS.md');
const MARK = (name: string, edge: 'begin' | 'end') => `<!-- bench:${name}:${edge} -->`;

function renderSection(s: BenchSection, file: string): string {
  const lines = [`## ${s.title}`, '', `_\`bench/${file}\`, run ${new Date().toISOString().slice(0, 10)} on ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}_`, ''];
  lines.push('| measure | result | note |', '| --- | --- | --- |');
  for (const r of s.rows) lines.push(`| ${r.name} | ${r.value} | ${r.note ?? ''} |`);
  if (s.notes) lines.push('', s.notes);
  return lines.join('\n');
}

let doc: string;
try {
  doc = readFileSync(docPath, 'utf8');
} catch {
  doc = '# Benchmarks\n\nMeasured by `npm run bench` (bench/run.ts). Each section is rewritten when its bench runs; ratios compare against a baseline measured in the same run.\n';
}

for (const file of files) {
  const name = file.replace(/\.bench\.ts$/, '');
  const mod = (await import(pathToFileURL(join(benchDir, file)).href)) as { bench?: () => Promise<BenchSection> };
  if (typeof mod.bench !== 'function') continue;
  process.stderr.write(`bench ${name} ...\n`);
  const section = await mod.bench();
  for (const r of section.rows) process.stdout.write(`${name}: ${r.name} = ${r.value}${r.note ? `  (${r.note})` : ''}\n`);
  const block = `${MARK(name, 'begin')}\n${renderSection(section, file)}\n${MARK(name, 'end')}`;
  const start = doc.indexOf(MARK(name, 'begin'));
  const end = doc.indexOf(MARK(name, 'end'));
  doc = start >= 0 && end > start ? doc.slice(0, start) + block + doc.slice(end + MARK(name, 'end').length) : `${doc.trimEnd()}\n\n${block}\n`;
}
writeFileSync(docPath, doc.endsWith('\n') ? doc : `${doc}\n`);
process.stderr.write(`wrote ${docPath}\n`);
// Benches may leave servers or browsers behind on failure; don't hang.
process.exit(0);
