// `holostage serve` with a show.json that asks for OSC and timecode: a real child process, a real
// UDP client, and the lighting recording (--record) read back for the MTC the show sent.

import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import midiFile from 'midi-file';
import { compileShowFolder } from '../../show-files/src/compile.ts';
import { copyDemoShow, tempDir } from '../server/helpers.ts';
import { OscTestClient } from './osc-client.ts';

const repoRoot = join(import.meta.dirname, '../..');

function withVenue(show: string, venue: Record<string, unknown>): void {
  const file = join(show, 'show.json');
  writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), ...venue }, null, 2));
}

describe('serve with OSC and timecode from show.json', { timeout: 150_000 }, () => {
  it('listens for OSC on the show\'s passcode and records MTC on the lighting output', async () => {
    const show = copyDemoShow();
    withVenue(show, { osc: { port: 0, passcode: 'crew-only' }, timecode: { fps: 25, start: '01:00:00:00' } });
    const record = join(tempDir(), 'show.mid');
    const proc = spawn(process.execPath, [join(repoRoot, 'bin/holostage.js'), 'serve', '--show', show, '--port', '0', '--midi', 'null', '--no-pages', '--record', record], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
    try {
      const start = Date.now();
      while (!/osc: udp(?: and tcp)? [\d.]+:(\d+)/.test(out) && Date.now() - start < 120_000 && proc.exitCode === null) await new Promise((r) => setTimeout(r, 100));
      const port = Number(/osc: udp(?: and tcp)? [\d.]+:(\d+)/.exec(out)?.[1]);
      expect(port, out).toBeGreaterThan(0);
      expect(out).toContain('timecode: MTC out at 25 fps on the lighting output (lighting thread)');
      const client = await OscTestClient.open(port);
      expect((await client.ask('/go')).status).toBe('denied');
      expect((await client.ask('/connect', ['crew-only'])).status).toBe('ok');
      const go = await client.ask('/go');
      expect(go.status).toBe('ok');
      expect(go.data.playing).toBe(true);
      await new Promise((r) => setTimeout(r, 700));
      client.close();
    } finally {
      proc.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    const smf = midiFile.parseMidi(readFileSync(record));
    const escapes = smf.tracks[0]!.filter((e) => (e as { type: string }).type === 'endSysEx').map((e) => (e as unknown as { data: number[] }).data);
    const quarterFrames = escapes.filter((d) => d[0] === 0xf1);
    expect(quarterFrames.length).toBeGreaterThan(20);
    // Piece 7 carries the hours' high bit and the rate: 25 fps is code 1.
    const piece7 = quarterFrames.find((d) => d[1]! >> 4 === 7)!;
    expect((piece7[1]! >> 1) & 3).toBe(1);
    // Piece 6: hours low nibble, 1 (the show starts at 01:00:00:00).
    expect(quarterFrames.find((d) => d[1]! >> 4 === 6)![1]! & 0x0f).toBe(1);
  });

  it('a bad osc, timecode, sacn or artnet section is refused with its line, like any show error', async () => {
    const show = copyDemoShow();
    withVenue(show, { osc: { port: 70000 }, timecode: { fps: 28 }, sacn: { sync: 0 }, artnet: { nodes: ['10.0.0.256'] } });
    const r = await compileShowFolder(show);
    if (r.ok) throw new Error('a bad osc/timecode section compiled');
    const messages = r.errors.map((e) => `${e.file}:${e.line} ${e.path} ${e.message}`).join('\n');
    expect(messages).toMatch(/show\.json:\d+ osc\.port .*65535/);
    expect(messages).toMatch(/show\.json:\d+ timecode\.fps expected 24, 25, 29\.97 or 30 frames per second, got 28/);
    expect(messages).toMatch(/show\.json:\d+ sacn\.sync expected 1-63999, got 0/);
    expect(messages).toMatch(/show\.json:\d+ artnet\.nodes\[0\] expected a node address \(an IPv4 address such as "10\.0\.0\.30"\), got "10\.0\.0\.256"/);
  });
});
