// oto.ini, character.txt, prefix.map and sample parsing on hand-written files with the quirks real
// banks have, plus the errors a broken bank gives (file and line named).

import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseOto } from '../../vocal/voicebank/oto.ts';
import { affixesAt, noteNumber, parsePrefixMap } from '../../vocal/voicebank/prefix-map.ts';
import { parseCharacter } from '../../vocal/voicebank/text.ts';
import { decodeBankWav } from '../../vocal/voicebank/sample-wav.ts';
import { VoiceBankError } from '../../vocal/voicebank/errors.ts';
import { openVoiceBankDir } from '../../vocal/voicebank/node.ts';
import { encodeWav } from '../../vocal/wav.ts';
import { encodeShiftJis } from '../../scripts/voicebank/shift-jis.ts';

const sjis = (s: string) => encodeShiftJis(s);
const utf8 = (s: string) => new TextEncoder().encode(s);
const temp = mkdtempSync(join(tmpdir(), 'vb-parse-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

function pcmWav(opts: { rate: number; channels: number; bits: 8 | 16 | 24; frames: number; value: number }): Uint8Array {
  const bytes = opts.bits / 8;
  const data = opts.frames * opts.channels * bytes;
  const b = new Uint8Array(44 + data);
  const v = new DataView(b.buffer);
  b.set(utf8('RIFF'), 0);
  v.setUint32(4, 36 + data, true);
  b.set(utf8('WAVEfmt '), 8);
  v.setUint32(16, 16, true);
  v.setUint16(20, 1, true);
  v.setUint16(22, opts.channels, true);
  v.setUint32(24, opts.rate, true);
  v.setUint32(28, opts.rate * opts.channels * bytes, true);
  v.setUint16(32, opts.channels * bytes, true);
  v.setUint16(34, opts.bits, true);
  b.set(utf8('data'), 36);
  v.setUint32(40, data, true);
  for (let i = 0; i < opts.frames * opts.channels; i++) {
    const at = 44 + i * bytes;
    if (opts.bits === 8) v.setUint8(at, Math.round(128 + opts.value * 127));
    else if (opts.bits === 16) v.setInt16(at, Math.round(opts.value * 32767), true);
    else {
      const n = Math.round(opts.value * 8388607);
      v.setUint8(at, n & 0xff);
      v.setUint8(at + 1, (n >> 8) & 0xff);
      v.setInt8(at + 2, n >> 16);
    }
  }
  return b;
}

describe('oto.ini', () => {
  it('reads Shift-JIS with CRLF, comments, blank fields, blank aliases, pitch suffixes and subfolder paths', () => {
    const text = [
      '# made by hand',
      'か.wav=か,10,60,-300,40,15',
      '_ああかあ.wav=a か,1200.5,100,-250,80,25',
      'さ.wav=,5,,,,',
      '; another comment',
      '',
      'かA4.wav=かA4,20,60,-300,40,15',
      'か.wav=か,99,99,-99,9,9',
    ].join('\r\n');
    const oto = parseOto(sjis(text), 'A4/oto.ini');
    expect(oto.encoding).toBe('shift_jis');
    expect(oto.entries.map((e) => e.alias)).toEqual(['か', 'a か', 'さ', 'かA4', 'か']);
    const [ka, vcv, sa] = oto.entries;
    expect(ka).toMatchObject({ file: 'A4/か.wav', offset: 10, consonant: 60, cutoff: -300, preutterance: 40, overlap: 15, line: 2, source: 'A4/oto.ini' });
    expect(vcv!.offset).toBe(1200.5);
    expect(sa).toMatchObject({ file: 'A4/さ.wav', alias: 'さ', offset: 5, consonant: 0, cutoff: 0, preutterance: 0, overlap: 0, line: 4 });
  });

  it('reads UTF-8 with a byte-order mark', () => {
    const oto = parseOto(utf8('\uFEFFあ.wav=あ,1,2,3,4,5\n'), 'oto.ini');
    expect(oto.encoding).toBe('utf-8');
    expect(oto.entries[0]).toMatchObject({ file: 'あ.wav', alias: 'あ', offset: 1, overlap: 5 });
  });

  it('names the file and line of a broken entry', () => {
    const broken = (line: string) => () => parseOto(sjis(`か.wav=か,1,2,3,4,5\r\n${line}\r\n`), 'C4/oto.ini');
    expect(broken('き.wav=き,1,two,3,4,5')).toThrow(/^C4\/oto\.ini:2: consonant "two" is not a number \(alias "き"\)/);
    expect(broken('this line has no equals sign')).toThrow(/^C4\/oto\.ini:2: expected "file\.wav=alias/);
    expect(broken('き.mp3=き,1,2,3,4,5')).toThrow(/C4\/oto\.ini:2: "き\.mp3" is not a \.wav file name/);
    expect(broken('き.wav=き,-5,2,3,4,5')).toThrow(/C4\/oto\.ini:2: offset -5 is negative/);
    try {
      broken('き.wav=き,1,2,3,4,5,6,7')();
    } catch (err) {
      expect(err).toBeInstanceOf(VoiceBankError);
      expect((err as VoiceBankError).line).toBe(2);
      expect((err as VoiceBankError).file).toBe('C4/oto.ini');
    }
  });
});

describe('character.txt and prefix.map', () => {
  it('reads the character fields from Shift-JIS', () => {
    const c = parseCharacter(sjis('name=桜音ミライ\r\nimage=icon.bmp\r\nauthor=さくら\r\nweb=https://example.org\r\nsample=sample.wav\r\n'));
    expect(c).toMatchObject({ name: '桜音ミライ', image: 'icon.bmp', author: 'さくら', web: 'https://example.org' });
    expect(c.fields.sample).toBe('sample.wav');
  });

  it('maps pitches to prefixes and suffixes, and names a bad line', () => {
    expect(noteNumber('C4')).toBe(60);
    expect(noteNumber('A#3')).toBe(58);
    const map = parsePrefixMap(sjis('C5\t\t_強\r\nB4\t\t_強\r\nC4\t\t\r\nB3\t↓\t\r\n'));
    expect(affixesAt(map, 72)).toEqual({ prefix: '', suffix: '_強' });
    expect(affixesAt(map, 70.7)).toEqual({ prefix: '', suffix: '_強' });
    expect(affixesAt(map, 59)).toEqual({ prefix: '↓', suffix: '' });
    expect(affixesAt(map, 40)).toEqual({ prefix: '', suffix: '' });
    expect(() => parsePrefixMap(sjis('C4\t\t\r\nH9\tx\ty\r\n'), 'prefix.map')).toThrow(/^prefix\.map:2: "H9" is not a note name/);
  });
});

describe('samples', () => {
  it('reads 16-bit 44.1 kHz mono as is', () => {
    const s = decodeBankWav(pcmWav({ rate: 44100, channels: 1, bits: 16, frames: 100, value: 0.5 }), 'a.wav');
    expect(s.conversions).toEqual([]);
    expect(s.samples.length).toBe(100);
    expect(s.samples[50]).toBeCloseTo(0.5, 3);
  });

  it('converts 24-bit stereo 48 kHz and 8-bit, and says so', () => {
    const s = decodeBankWav(pcmWav({ rate: 48000, channels: 2, bits: 24, frames: 4800, value: 0.25 }), 'b.wav');
    expect(s.conversions).toEqual(['24-bit PCM read as 16-bit', '2 channels mixed to mono', '48000 Hz resampled to 44100 Hz']);
    expect(s.samples.length).toBe(4410);
    expect(s.samples[2000]).toBeCloseTo(0.25, 3);
    const e = decodeBankWav(pcmWav({ rate: 44100, channels: 1, bits: 8, frames: 10, value: -0.5 }), 'c.wav');
    expect(e.samples[5]).toBeCloseTo(-0.5, 1);
    const f = decodeBankWav(encodeWav([new Float32Array(10).fill(0.1)], 44100, 32), 'f.wav');
    expect(f.conversions).toEqual(['32-bit float read as 16-bit']);
  });

  it('refuses compressed and broken files by name', () => {
    const adpcm = pcmWav({ rate: 44100, channels: 1, bits: 16, frames: 10, value: 0 });
    new DataView(adpcm.buffer).setUint16(20, 2, true);
    expect(() => decodeBankWav(adpcm, 'C4/か.wav')).toThrow(/^C4\/か\.wav: compressed WAV \(format tag 2\)/);
    expect(() => decodeBankWav(utf8('ID3 this is an mp3'), 'x.wav')).toThrow(/^x\.wav: not a WAV file/);
  });
});

describe('a bank folder', () => {
  it('opens root and pitch subfolders, keeps the first of duplicate aliases and reports the rest', () => {
    const dir = join(temp, 'bank1');
    mkdirSync(join(dir, 'G4'), { recursive: true });
    const wav = pcmWav({ rate: 44100, channels: 1, bits: 16, frames: 44100, value: 0.1 });
    writeFileSync(join(dir, 'か.wav'), wav);
    writeFileSync(join(dir, 'G4', 'か.wav'), wav);
    writeFileSync(join(dir, 'oto.ini'), sjis('か.wav=か,10,50,-500,30,10\r\nか.wav=か,20,50,-500,30,10\r\n'));
    writeFileSync(join(dir, 'G4', 'oto.ini'), sjis('か.wav=かG4,10,50,-500,30,10\r\n'));
    writeFileSync(join(dir, 'character.txt'), sjis('name=テスト\r\n'));
    writeFileSync(join(dir, 'readme.txt'), sjis('規約: 自由\r\n'));
    const bank = openVoiceBankDir(dir);
    expect(bank.displayName).toBe('テスト');
    expect(bank.readme).toBe('規約: 自由');
    expect(bank.subfolders).toEqual(['G4']);
    expect(bank.entry('か')!.offset).toBe(10);
    expect(bank.entry('かG4')!.file).toBe('G4/か.wav');
    expect(bank.problems.map((p) => `${p.file}:${p.line}`)).toEqual(['oto.ini:2']);
    expect(bank.sample(bank.entry('かG4')!).samples.length).toBe(44100);
  });

  it('names the oto.ini line of a missing sample, and the folder when there is no oto.ini', () => {
    const dir = join(temp, 'bank2');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'oto.ini'), sjis('# header\r\nき.wav=き,10,50,-500,30,10\r\n'));
    expect(() => openVoiceBankDir(dir)).toThrow(/^oto\.ini:2: sample "き\.wav" not found \(alias "き"\)/);
    const lenient = () => openVoiceBankDir(dir, { strict: false });
    expect(lenient).toThrow(/oto\.ini has no usable entries/);
    const empty = join(temp, 'bank3');
    mkdirSync(empty);
    expect(() => openVoiceBankDir(empty)).toThrow(/no oto\.ini/);
    expect(() => openVoiceBankDir(join(temp, 'nope'))).toThrow(/voicebank folder not found/);
  });
});
