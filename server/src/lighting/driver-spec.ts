// A lighting driver described as plain data, so the lighting thread can build it on its own side
// (a native MIDI port or an open file can't be handed between threads; a description can).

import { FanoutDriver, NullDriver, type LightingDriver } from './driver.ts';
import { EasymidiDriver } from './easymidi-driver.ts';
import { RecorderDriver } from './recorder-driver.ts';

export type LightingDriverSpec =
  | { kind: 'null' }
  | { kind: 'easymidi'; port: string; virtual?: boolean; retryMs?: number; maxRetryMs?: number }
  /** A Standard MIDI File of everything sent, rewritten every `autoFlushMs` while messages arrive and on close. */
  | { kind: 'recorder'; file: string; autoFlushMs?: number }
  | { kind: 'fanout'; drivers: LightingDriverSpec[] };

export function createDriver(spec: LightingDriverSpec, clock: () => number): LightingDriver {
  switch (spec.kind) {
    case 'null':
      return new NullDriver();
    case 'easymidi':
      return new EasymidiDriver({ port: spec.port, virtual: spec.virtual, retryMs: spec.retryMs, maxRetryMs: spec.maxRetryMs });
    case 'recorder':
      return new RecorderDriver(spec.file, clock, spec.autoFlushMs ?? 5000);
    case 'fanout':
      return new FanoutDriver(spec.drivers.map((d) => createDriver(d, clock)));
  }
}

/** The driver's name before it exists (as LightingDriver.name will read). */
export function specName(spec: LightingDriverSpec): string {
  return spec.kind === 'fanout' ? spec.drivers.map(specName).join('+') : spec.kind;
}
