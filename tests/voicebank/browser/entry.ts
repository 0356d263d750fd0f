// The browser side of the Node-vs-Chromium voicebank test: the bank's files arrive as base64 (as a
// page would fetch them), are opened through the same `BankFiles` interface, and the song is
// rendered by the same resampler and wavtool code as in Node.
import { VoiceBank } from '../../../vocal/voicebank/bank.ts';
import { renderWithBank } from '../../../vocal/voicebank/wavtool.ts';
import type { VocalTrack, VoiceSettings } from '../../../show-files/src/timeline.ts';

function fromBase64(text: string): Uint8Array {
  const s = atob(text);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

function toBase64(samples: Float32Array): string {
  const bytes = new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength);
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function renderBankOnPage(name: string, files: Record<string, string>, track: VocalTrack, voice: VoiceSettings): { samples: string; start: number; warnings: string[] } {
  const bytes = new Map(Object.entries(files).map(([path, b64]) => [path, fromBase64(b64)]));
  const bank = new VoiceBank(name, { list: () => [...bytes.keys()], read: (p) => bytes.get(p) });
  const out = renderWithBank(track, voice, bank);
  return { samples: toBase64(out.samples), start: out.start, warnings: out.warnings };
}

Object.assign(window, { renderBankOnPage });
