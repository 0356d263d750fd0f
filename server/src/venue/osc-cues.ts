// Outgoing OSC cues (a song's `{"type": "osc", ...}` lighting cues): one UDP message each to
// another system (QLab, a media server, a sound desk), fired on time from the same transport
// snapshots as the MIDI cues (CuePlan), on the venue thread. Host names are looked up when the cues
// arrive, so a name that does not resolve is reported before the show reaches it, and every failed
// send says which cue, which host and why. Nothing here can throw into the show.

import { createSocket, type Socket } from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { OscCueEvent } from '../../../show-files/src/timeline.ts';
import type { TransportSnapshot } from '../../../protocol/index.ts';
import { CuePlan } from '../lighting/scheduler.ts';
import { encodeMessage } from './osc-codec.ts';

export interface OscCueReport {
  /** `host:port` of the receiver. */
  target: string;
  label: string;
  ok: boolean;
  /** Why it failed (a name that does not resolve, a send error). */
  error?: string;
  due: number;
  firedAt: number;
}

export class OscCueSender {
  private readonly plan = new CuePlan<OscCueEvent>();
  private socket: Socket | null;
  /** For IPv6 receivers, opened on the first. */
  private socket6: Socket | null = null;
  private closed = false;
  /** Resolved addresses by host name (an IP stands for itself); an Error when the lookup failed. */
  private readonly addresses = new Map<string, Promise<string | Error>>();
  sent = 0;
  failed = 0;

  constructor(
    private readonly clock: () => number,
    private readonly report: (r: OscCueReport) => void,
  ) {
    this.socket = createSocket('udp4');
    this.socket.on('error', () => {}); // per-send errors come back in the send callback
  }

  setEvents(events: readonly OscCueEvent[]): void {
    this.plan.setEvents(events);
    for (const e of events) this.resolve(e.host).then((a) => a instanceof Error && this.report({ target: `${e.host}:${e.port}`, label: e.label, ok: false, error: a.message, due: 0, firedAt: this.clock() }));
  }

  update(snapshot: TransportSnapshot, continuous: boolean): void {
    this.plan.update(snapshot, continuous);
  }

  /** Server ms the next cue is due, or null. */
  nextDue(): number | null {
    return this.plan.nextDue();
  }

  fireDue(): void {
    this.plan.fireDue(this.clock, (event, _i, due, firedAt) => void this.fire(event, due, firedAt));
  }

  private resolve(host: string): Promise<string | Error> {
    let known = this.addresses.get(host);
    if (!known) {
      known = isIP(host) ? Promise.resolve(host) : lookup(host, { family: 4 }).then((r) => r.address, (err: Error) => new Error(`cannot resolve "${host}": ${(err as NodeJS.ErrnoException).code ?? err.message}`));
      this.addresses.set(host, known);
    }
    return known;
  }

  private async fire(event: OscCueEvent, due: number, firedAt: number): Promise<void> {
    const target = `${event.host}:${event.port}`;
    const done = (error?: string): void => {
      if (error) this.failed++;
      else this.sent++;
      this.report({ target, label: event.label, ok: !error, ...(error ? { error } : {}), due, firedAt });
    };
    let packet: Buffer;
    try {
      packet = encodeMessage(event.address, event.args);
    } catch (err) {
      return done(`cannot encode ${event.address}: ${(err as Error).message}`);
    }
    // An IP goes out at once; a name waits for its (usually cached) lookup.
    const address = isIP(event.host) ? event.host : await this.resolve(event.host);
    if (address instanceof Error) return done(address.message);
    const socket = isIP(address) === 6 ? this.v6() : this.socket;
    if (!socket || this.closed) return done('closed');
    socket.send(packet, event.port, address, (err) => done(err ? `send to ${target} failed: ${err.message}` : undefined));
  }

  private v6(): Socket {
    if (!this.socket6) {
      this.socket6 = createSocket('udp6');
      this.socket6.on('error', () => {});
    }
    return this.socket6;
  }

  close(): void {
    this.closed = true;
    this.plan.stop();
    this.socket?.close();
    this.socket6?.close();
    this.socket = this.socket6 = null;
  }
}
