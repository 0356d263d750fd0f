// A song sung by a voicebank in a real show: validation, compiled lip-sync timings, the server's
// rendered vocal (a real express server on an ephemeral port), and the CLI (`sing --bank`,
// `voice inspect`), all on a test bank recorded at test time.

import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestVoiceBank } from '../../scripts/voicebank/make.ts';
import { compileShowFolder } from '../../show-files/src/compile.ts';
import { openVoiceBankDir } from '../../vocal/voicebank/node.ts';
import { renderWithBank } from '../../vocal/voicebank/wavtool.ts';
import { decodeWav } from '../../vocal/wav.ts';
import type { ShowServer } from '../../server/src/server.ts';
import { getJson, startTestServer } from '../server/helpers.ts';
import { encodeShiftJis } from '../../scripts/voicebank/shift-jis.ts';
import type { Timeline } from '../../show-files/src/timeline.ts';

const root = mkdtempSync(join(tmpdir(), 'vb-show-'));
const show = join(root, 'show');
const bankDir = join(show, 'voices', 'test-bank');
let server: ShowServer | undefined;

function holostage(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/holostage.js', ...args], { cwd: process.cwd() });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

function setBank(bank: string | undefined): void {
  const file = join(show, 'songs', 'alpha.json');
  const song = JSON.parse(readFileSync(file, 'utf8'));
  if (bank) song.voice = { bank };
  else delete song.voice;
  writeFileSync(file, JSON.stringify(song, null, 2));
}

beforeAll(() => {
  cpSync(join(import.meta.dirname, '..', 'fixtures', 'base-show'), show, { recursive: true });
  makeTestVoiceBank(bankDir, { morae: ['ら', 'あ'] });
});
afterAll(() => {
  server?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('a song with "voice": {"bank": ...}', () => {
  it('validates, times lip-sync from the placement, and the server sings it with the bank', async () => {
    setBank('../voices/test-bank');
    const r = await compileShowFolder(show);
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    const song = r.timeline.songs.find((s) => s.id === 'alpha')!;
    expect(song.voice.bank).toBe('voices/test-bank');
    const bank = openVoiceBankDir(bankDir);
    const ra = bank.entry('ら')!;
    // The second ら (legato after ら) starts its r where the sample starts: preutterance before the beat.
    const second = song.tracks.vocal.notes[1]!;
    const r2 = song.tracks.vocal.phonemes.find((p) => p.note === 1 && p.symbol.startsWith('r'))!;
    expect(r2.time).toBeCloseTo(second.time - ra.preutterance / 1000, 3);

    ({ server } = await startTestServer(r.timeline, { showDir: show }));
    const index = r.timeline.songs.indexOf(song);
    const served = await getJson(`${server.url}/api/timeline`, Object.values(server.tokens.outputs)[0]!);
    const path = (served.json as { timeline: Timeline }).timeline.songs[index]!.vocalAudio!;
    const res = await fetch(`${server.url}${path}`);
    expect(res.status).toBe(200);
    const wav = decodeWav(new Uint8Array(await res.arrayBuffer()));
    expect(wav.sampleRate).toBe(22050);
    const expected = renderWithBank(song.tracks.vocal, song.voice, bank, { sampleRate: 22050, from: song.start, to: song.start + song.duration });
    const got = wav.channels[0]!;
    expect(got.length).toBe(expected.samples.length);
    let worst = 0;
    for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i]! - Math.max(-1, Math.min(1, expected.samples[i]!))));
    expect(worst).toBeLessThan(2 / 32768);
    let energy = 0;
    for (const x of got) energy += x * x;
    expect(Math.sqrt(energy / got.length)).toBeGreaterThan(0.01);
  });

  it('reports a missing bank, a broken oto.ini line and a missing sample as validation errors naming the file', async () => {
    setBank('../voices/nowhere');
    let r = await compileShowFolder(show);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.map((e) => `${e.file}: ${e.message}`)).toContain('songs/alpha.json: voicebank "../voices/nowhere": voicebank folder not found');

    setBank('../voices/test-bank');
    const oto = join(bankDir, 'oto.ini');
    const original = readFileSync(oto);
    try {
    appendFileSync(oto, encodeShiftJis('る.wav=る,10,x,-300,50,10\r\n'));
    r = await compileShowFolder(show);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors).toContainEqual(expect.objectContaining({ file: 'voices/test-bank/oto.ini', line: 3, message: 'voicebank: consonant "x" is not a number (alias "る")' }));

    writeFileSync(oto, Buffer.concat([original, Buffer.from('missing.wav=m,10,20,-300,50,10\r\n')]));
    r = await compileShowFolder(show);
    if (!r.ok) expect(r.errors).toContainEqual(expect.objectContaining({ file: 'voices/test-bank/oto.ini', line: 3, message: 'voicebank: sample "missing.wav" not found (alias "m")' }));
    expect(r.ok).toBe(false);
    } finally {
      writeFileSync(oto, original);
    }
  });
});

describe('the CLI', () => {
  it('sings a score with a bank, and inspects the bank as JSON', { timeout: 60_000 }, async () => {
    const out = join(root, 'x.wav');
    const sing = await holostage(['sing', join(show, 'scores', 'short.json'), '--bank', bankDir, '-o', out]);
    expect(sing.stderr).toContain('voicebank: holostage test voice (2 aliases)');
    expect(sing.code).toBe(0);
    const wav = decodeWav(readFileSync(out));
    expect(wav.sampleRate).toBe(44100);
    expect(wav.channels[0]!.length / 44100).toBeGreaterThan(4);

    const inspect = await holostage(['voice', 'inspect', bankDir, '--json']);
    expect(inspect.code).toBe(0);
    const report = JSON.parse(inspect.stdout);
    expect(report.aliases).toEqual(['ら', 'あ']);
    expect(report.kana).toMatchObject({ covered: 2, total: 102 });
    expect(report.subfolders).toEqual([]);
    expect(report.terms).toContain('利用規約');
    expect(report.problems).toEqual([]);

    const broken = await holostage(['sing', join(show, 'scores', 'short.json'), '--bank', join(root, 'none'), '-o', out]);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain('voicebank folder not found');
  });
});
