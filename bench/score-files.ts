// The same 1,000-note song written in every score format the importers read, for the import
// benchmark: eighth notes at 120 BPM, a rest every 16 notes, and (where the format has them)
// a tuned glide, a vibrato and a loudness on every note, plus pitch-bend events.

import { writeMidi, type MidiEvent } from 'midi-file';
import { strToU8, zipSync } from 'fflate';

const KANA = ['さ', 'く', 'ら', 'ひ', 'か', 'り', 'ゆ', 'め'];
const MELODY = [0, 2, 4, 7, 9, 7, 4, 2, 0, -3, 0, 2];

interface BenchNote {
  tick: number;
  length: number;
  pitch: number;
  lyric: string;
}

/** n notes of 240 ticks, with a 240-tick rest after every 16th. */
export function benchNotes(n: number): BenchNote[] {
  const notes: BenchNote[] = [];
  let tick = 0;
  for (let k = 0; k < n; k++) {
    notes.push({ tick, length: 240, pitch: 64 + MELODY[k % MELODY.length]!, lyric: KANA[k % KANA.length]! });
    tick += k % 16 === 15 ? 480 : 240;
  }
  return notes;
}

const enc = (s: string) => strToU8(s);

export function jsonFile(notes: BenchNote[]): Uint8Array {
  return enc(JSON.stringify({ format: 'holostage-score', resolution: 480, tempo: 120, notes: notes.map((n) => ({ tick: n.tick, length: n.length, pitch: n.pitch, lyric: n.lyric })) }, null, 1));
}

export function ustFile(notes: BenchNote[]): Uint8Array {
  const lines = ['[#VERSION]', 'UST Version1.2', '[#SETTING]', 'Tempo=120.00', 'Mode2=True'];
  let tick = 0;
  let i = 0;
  for (const n of notes) {
    if (n.tick > tick) lines.push(`[#${String(i++).padStart(4, '0')}]`, `Length=${n.tick - tick}`, 'Lyric=R', 'NoteNum=60');
    lines.push(`[#${String(i++).padStart(4, '0')}]`, `Length=${n.length}`, `Lyric=${n.lyric}`, `NoteNum=${n.pitch}`, 'Intensity=90', 'PBS=-40', 'PBW=80,40', 'PBY=5,0', 'PBM=,s', 'VBR=60,180,30,20,20,0,0,0');
    tick = n.tick + n.length;
  }
  return enc(lines.join('\n'));
}

export function ustxFile(notes: BenchNote[]): Uint8Array {
  const lines = ['name: bench', 'ustx_version: 0.6', 'resolution: 480', 'tempos:', '- {position: 0, bpm: 120}', 'voice_parts:', '- name: all', '  track_no: 0', '  position: 0', '  notes:'];
  for (const n of notes) {
    lines.push(
      `  - position: ${n.tick}`,
      `    duration: ${n.length}`,
      `    tone: ${n.pitch}`,
      `    lyric: ${n.lyric}`,
      '    pitch:',
      '      data:',
      '      - {x: -25, y: 0, shape: io}',
      '      - {x: 25, y: 0, shape: io}',
      '      snap_first: true',
      '    vibrato: {length: 50, period: 175, depth: 25, in: 10, out: 10, shift: 0, drift: 0, vol_link: 0}',
      '    phoneme_expressions:',
      '    - {index: 0, abbr: vol, value: 90}',
    );
  }
  const end = notes[notes.length - 1]!.tick;
  const xs = Array.from({ length: Math.floor(end / 240) }, (_, i) => i * 240);
  lines.push('  curves:', `  - xs: [${xs.join(', ')}]`, `    ys: [${xs.map((_, i) => (i % 4 === 1 ? 20 : 0)).join(', ')}]`, '    abbr: pitd');
  return enc(lines.join('\n'));
}

export function midiFile(notes: BenchNote[]): Uint8Array {
  const events: MidiEvent[] = [{ deltaTime: 0, meta: true, type: 'setTempo', microsecondsPerBeat: 500000 }];
  let now = 0;
  for (const n of notes) {
    events.push({ deltaTime: n.tick - now, meta: true, type: 'lyrics', text: Buffer.from(n.lyric, 'utf8').toString('latin1') });
    events.push({ deltaTime: 0, type: 'noteOn', channel: 0, noteNumber: n.pitch, velocity: 100 });
    events.push({ deltaTime: n.length, type: 'noteOff', channel: 0, noteNumber: n.pitch, velocity: 0 });
    now = n.tick + n.length;
  }
  events.push({ deltaTime: 0, meta: true, type: 'endOfTrack' });
  return new Uint8Array(writeMidi({ header: { format: 0, numTracks: 1, ticksPerBeat: 480 }, tracks: [events] }));
}

const STEPS = ['C', 'C', 'D', 'D', 'E', 'F', 'F', 'G', 'G', 'A', 'A', 'B'];

export function musicXmlFile(notes: BenchNote[]): Uint8Array {
  const out = ['<?xml version="1.0" encoding="UTF-8"?>', '<score-partwise version="4.0">', '<part-list><score-part id="P1"><part-name>Voice</part-name></score-part></part-list>', '<part id="P1">'];
  let measure = 0;
  let tick = 0;
  const open = () => {
    out.push(`<measure number="${++measure}">`);
    if (measure === 1) out.push('<attributes><divisions>2</divisions><time><beats>4</beats><beat-type>4</beat-type></time></attributes>', '<direction><direction-type><metronome><beat-unit>quarter</beat-unit><per-minute>120</per-minute></metronome></direction-type><sound tempo="120"/></direction>');
  };
  open();
  const put = (xml: string) => {
    if (tick > 0 && tick % 1920 === 0) {
      out.push('</measure>');
      open();
    }
    out.push(xml);
    tick += 240;
  };
  for (const n of notes) {
    while (tick < n.tick) put('<note><rest/><duration>1</duration><voice>1</voice><type>eighth</type></note>');
    const step = STEPS[n.pitch % 12]!;
    const alter = STEPS[(n.pitch + 11) % 12] === step ? '<alter>1</alter>' : '';
    put(`<note><pitch><step>${step}</step>${alter}<octave>${Math.floor(n.pitch / 12) - 1}</octave></pitch><duration>1</duration><voice>1</voice><type>eighth</type><lyric number="1"><syllabic>single</syllabic><text>${n.lyric}</text></lyric></note>`);
  }
  out.push('</measure>', '</part>', '</score-partwise>');
  return enc(out.join('\n'));
}

export function mxlFile(notes: BenchNote[]): Uint8Array {
  const container = '<?xml version="1.0"?><container><rootfiles><rootfile full-path="score.musicxml"/></rootfiles></container>';
  return zipSync({ 'META-INF/container.xml': enc(container), 'score.musicxml': musicXmlFile(notes) });
}

export function vsqxFile(notes: BenchNote[]): Uint8Array {
  const out = ['<?xml version="1.0" encoding="UTF-8"?>', '<vsq4 xmlns="http://www.yamaha.co.jp/vocaloid/schema/vsq4/">', '<masterTrack><resolution>480</resolution><preMeasure>1</preMeasure><timeSig><m>0</m><nu>4</nu><de>4</de></timeSig><tempo><t>0</t><v>12000</v></tempo></masterTrack>', '<vsTrack><tNo>0</tNo><name><![CDATA[Track]]></name><vsPart><t>1920</t>'];
  out.push(`<playTime>${notes[notes.length - 1]!.tick + 480}</playTime>`, '<cc><t>0</t><v id="S">2</v></cc>');
  for (const n of notes) out.push(`<cc><t>${n.tick}</t><v id="P">${(n.tick / 240) % 4 === 1 ? 400 : 0}</v></cc>`);
  for (const n of notes) {
    out.push(`<note><t>${n.tick}</t><dur>${n.length}</dur><n>${n.pitch}</n><v>64</v><y><![CDATA[${n.lyric}]]></y><p><![CDATA[a]]></p><nStyle><v id="vibLen">50</v><v id="vibType">1</v></nStyle></note>`);
  }
  out.push('</vsPart></vsTrack>', '</vsq4>');
  return enc(out.join('\n'));
}

export function vprFile(notes: BenchNote[]): Uint8Array {
  const part = {
    pos: 0,
    duration: notes[notes.length - 1]!.tick + 480,
    notes: notes.map((n) => ({ lyric: n.lyric, phoneme: 'a', isProtected: false, pos: n.tick, duration: n.length, number: n.pitch, velocity: 64, vibrato: { type: 1, duration: 120, depths: [{ pos: 0, value: 64 }], rates: [{ pos: 0, value: 64 }] } })),
    controllers: [{ name: 'pitchBend', events: notes.map((n) => ({ pos: n.tick, value: (n.tick / 240) % 4 === 1 ? 400 : 0 })) }],
  };
  const sequence = { title: 'bench', masterTrack: { tempo: { events: [{ pos: 0, value: 12000 }] }, timeSig: { events: [{ bar: 0, numer: 4, denom: 4 }] } }, tracks: [{ type: 0, name: 'Vocal', parts: [part] }] };
  return zipSync({ 'Project/sequence.json': enc(JSON.stringify(sequence)) });
}
