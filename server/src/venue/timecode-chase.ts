// `serve --chase mtc|ltc`, composed: the timecode source (MTC bytes from the MIDI input adapter,
// or LTC audio through LtcInput), the Chase that moves the transport through the controller's
// gate, the alarms (timecode gone: `chase`; an input that cannot be opened: `chase-input`) and the
// desk's view, pushed on every change and once a second.

import { CHASE_EVENTS, type ChaseView, type TransportSnapshot } from '../../../protocol/index.ts';
import type { ShowController } from '../show/controller.ts';
import type { AlarmBoard } from '../show/alarms.ts';
import { Chase, type ChaseConfig } from './chase.ts';
import { MtcReader } from './mtc-in.ts';
import { LtcInput } from './ltc-input.ts';

export interface ChaseOptions extends ChaseConfig {
  /** For LTC: a WAV file, "-" (raw PCM on stdin) or "alsa:<device>". */
  ltcInput?: string;
  /** For MTC, in words (the MIDI input's name). */
  midiInputName?: string;
}

/** What the MIDI input adapter offers: every raw message it receives. */
export interface MidiTap {
  listen(fn: (bytes: readonly number[]) => void): () => void;
}

export interface TimecodeChaseDeps {
  controller: ShowController;
  alarms: AlarmBoard;
  clock: () => number;
  log: (line: string) => void;
  midiIn?: MidiTap;
  toOperators?: (event: string, payload: unknown) => void;
}

const TICK_MS = 40;
const PUSH_MS = 1000;

export class TimecodeChase {
  readonly chase: Chase;
  readonly mtc = new MtcReader();
  readonly ltc: LtcInput | null = null;
  private unlisten: (() => void) | null = null;
  private timers: ReturnType<typeof setInterval>[] = [];

  constructor(private readonly o: ChaseOptions, private readonly d: TimecodeChaseDeps) {
    if (o.source === 'ltc') this.ltc = new LtcInput(o.ltcInput ?? '-', { clock: d.clock, reading: (r) => this.chase.reading(r), problem: (m) => this.inputProblem(m), log: d.log, rejected: (n) => (this.chase.rejected = n) });
    const input = this.ltc ? this.ltc.describe() : `MTC on MIDI input "${o.midiInputName ?? '(none)'}"`;
    const c = d.controller;
    this.chase = new Chase(o, input, {
      clock: d.clock,
      snapshot: () => c.snapshot(),
      timeline: () => c.timeline,
      command: (cmd) => c.command(cmd, `chase:${o.source}`),
      alarm: (m) => (m ? d.alarms.raise('chase', 'warning', m) : d.alarms.clear('chase')),
      changed: (view) => this.push(view),
      log: d.log,
    });
  }

  start(): void {
    if (this.ltc) this.ltc.open();
    else if (this.d.midiIn) {
      this.unlisten = this.d.midiIn.listen((bytes) => this.midi(bytes));
    } else this.inputProblem('MTC chase needs a MIDI input (serve --midi-in <name>)');
    this.timers.push(setInterval(() => this.chase.tick(), TICK_MS), setInterval(() => this.push(this.chase.view()), PUSH_MS));
    for (const t of this.timers) t.unref?.();
    this.d.log(`chase: following ${this.chase.input}, freewheel ${this.o.freewheelSeconds ?? 2} s`);
  }

  /** One MIDI message from the input (what the MIDI adapter hands on). */
  midi(bytes: readonly number[]): void {
    const before = this.mtc.counts.rejected;
    const reading = this.mtc.receive(bytes, this.d.clock());
    if (this.mtc.counts.rejected !== before) this.chase.rejected = this.mtc.counts.rejected;
    if (reading) this.chase.reading(reading);
  }

  transport(snap: TransportSnapshot): void {
    this.chase.transport(snap);
  }

  status(): ChaseView {
    return this.chase.view();
  }

  private push(view: ChaseView): void {
    this.d.toOperators?.(CHASE_EVENTS.status, view);
  }

  private inputProblem(message: string | null): void {
    if (message === null) return this.d.alarms.clear('chase-input');
    this.d.log(`chase: ${message}`);
    this.d.alarms.raise('chase-input', 'critical', message);
  }

  close(): void {
    for (const t of this.timers) clearInterval(t);
    this.unlisten?.();
    this.ltc?.close();
  }
}
