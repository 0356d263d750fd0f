// What each OSC address does, QLab style: /go, /stop, /pause, /resume, /panic, /hold, /reset,
// /cue/{n}/start, /playhead/{n}, and /holostage/... for what QLab lacks. Every command goes through
// the controller's one gate (roles are checked here first), so the journal and the double-GO guard
// hold for OSC as for the desk. Entry numbers are 1-based, as on the desk and in QLab cue lists.

import type { CommandResult, TakeOverResult, TransportCommand } from '../../../protocol/index.ts';
import type { ShowController } from '../show/controller.ts';
import type { OscArg } from './osc-codec.ts';

export type OscStatus = 'ok' | 'error' | 'denied';

export interface OscReply {
  status: OscStatus;
  data?: unknown;
}

/** An OSC peer's standing: operator after a good /connect, otherwise read-only. */
export type OscRole = 'operator' | 'read-only';

/** Addresses anyone may send (read-only), and the ones that move the show (operator only). */
const READ_ONLY = new Set(['/connect', '/disconnect', '/updates', '/thump', '/version', '/holostage/state', '/holostage/show']);

export interface OscCommandContext {
  controller: ShowController;
  role: OscRole;
  /** Warm standby: hand the show to the standby (/holostage/takeover). */
  takeOver?: (from: string) => Promise<TakeOverResult>;
}

function numberArg(arg: OscArg | undefined): number | null {
  if (typeof arg === 'number') return arg;
  if (typeof arg === 'string' && arg.trim() !== '' && Number.isFinite(Number(arg))) return Number(arg);
  if (arg && typeof arg === 'object' && 'value' in arg) return arg.value;
  return null;
}

/** A setlist entry number (1-based) from an address part or argument, as a 0-based index or an error. */
function entryIndex(c: ShowController, raw: OscArg | string | undefined): number | string {
  const n = numberArg(raw as OscArg);
  const count = c.timeline.entries.length;
  if (n === null || !Number.isInteger(n) || n < 1 || n > count) return `expected an entry number from 1 to ${count}, got ${JSON.stringify(raw ?? null)}`;
  return n - 1;
}

function answer(result: CommandResult): OscReply {
  return result.ok ? { status: 'ok', data: result.state } : { status: 'error', data: { error: result.error, state: result.state } };
}

/** The transport commands and setlist moves an operator may send. Null: no such address. */
async function operatorCommand(c: ShowController, address: string, args: OscArg[]): Promise<OscReply | null> {
  const run = async (cmd: TransportCommand): Promise<OscReply> => answer(await c.command(cmd, 'osc'));
  switch (address) {
    case '/go':
      return run({ command: 'go' });
    case '/stop':
      return run({ command: 'stop' });
    case '/pause':
    case '/hold':
      return run({ command: 'hold' });
    case '/resume':
      return run({ command: 'resume' });
    case '/panic':
    case '/holostage/blackout':
      return run({ command: 'panic' });
    case '/holostage/next':
      return run({ command: 'next' });
    case '/holostage/previous':
      return run({ command: 'previous' });
    case '/reset': {
      // QLab's reset: everything stops and the playhead goes back to the top of the list.
      const now = c.snapshot();
      if (now.mode === 'stopped' && now.entryIndex === 0 && now.showTime === c.timeline.entries[0]!.start) return { status: 'ok', data: now };
      const top = await c.command({ command: 'seek', entry: 0, time: 0 }, 'osc');
      return top.ok && c.state.mode !== 'stopped' ? run({ command: 'stop' }) : answer(top);
    }
    case '/holostage/seek': {
      const entry = entryIndex(c, args[0]);
      if (typeof entry === 'string') return { status: 'error', data: { error: `seek: ${entry}` } };
      const time = args.length > 1 ? numberArg(args[1]) : 0;
      if (time === null) return { status: 'error', data: { error: `seek: expected a time in seconds, got ${JSON.stringify(args[1])}` } };
      return run({ command: 'seek', entry, time });
    }
    case '/holostage/load': {
      const r = await c.reload('osc');
      return r.ok ? { status: 'ok', data: c.showSummary() } : { status: 'error', data: r };
    }
  }
  const cue = /^\/cue\/([^/]+)\/start$/.exec(address);
  if (cue) {
    const entry = entryIndex(c, cue[1]);
    if (typeof entry === 'string') return { status: 'error', data: { error: `cue: ${entry}` } };
    const moved = await c.command({ command: 'seek', entry, time: 0 }, 'osc');
    // A show that is not playing starts with a GO, so the double-GO guard counts this one too.
    if (!moved.ok || c.state.mode === 'playing') return answer(moved);
    return run({ command: 'go' });
  }
  const playhead = /^\/playhead\/([^/]+)$/.exec(address);
  if (playhead) {
    const entry = entryIndex(c, playhead[1]);
    if (typeof entry === 'string') return { status: 'error', data: { error: `playhead: ${entry}` } };
    if (c.state.mode === 'playing') return { status: 'error', data: { error: 'playhead: the show is playing; /cue/{n}/start jumps to an entry' } };
    return run({ command: 'seek', entry, time: 0 });
  }
  return null;
}

/** Answer one message that is not a session message (/connect, /updates are the server's). */
export async function runOscCommand(ctx: OscCommandContext, address: string, args: OscArg[]): Promise<OscReply> {
  const c = ctx.controller;
  switch (address) {
    case '/thump':
      return { status: 'ok', data: 'thump' };
    case '/version':
      return { status: 'ok', data: 'holostage' };
    case '/holostage/state':
      return { status: 'ok', data: c.stateView() };
    case '/holostage/show':
      return { status: 'ok', data: c.showSummary() };
  }
  if (ctx.role !== 'operator') {
    const known = READ_ONLY.has(address) || isOperatorAddress(address);
    return known
      ? { status: 'denied', data: { error: 'denied: OSC is read-only until /connect <passcode> (the show\'s osc.passcode, or the operator token)' } }
      : unknownAddress(address);
  }
  if (address === '/holostage/takeover') {
    const r = ctx.takeOver ? await ctx.takeOver('OSC') : ({ ok: false, error: 'no warm standby on this server' } as const);
    return r.ok ? { status: 'ok', data: { note: r.note } } : { status: 'error', data: { error: r.error } };
  }
  return (await operatorCommand(c, address, args)) ?? unknownAddress(address);
}

const OPERATOR_ADDRESSES = ['/go', '/stop', '/pause', '/hold', '/resume', '/panic', '/reset', '/holostage/blackout', '/holostage/next', '/holostage/previous', '/holostage/seek', '/holostage/load', '/holostage/takeover'];

function isOperatorAddress(address: string): boolean {
  return OPERATOR_ADDRESSES.includes(address) || /^\/cue\/[^/]+\/start$/.test(address) || /^\/playhead\/[^/]+$/.test(address);
}

function unknownAddress(address: string): OscReply {
  return { status: 'error', data: { error: `unknown address ${JSON.stringify(address.slice(0, 80))}; see docs/venue.md for the address space` } };
}
