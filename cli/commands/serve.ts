// `holostage serve`: run the show controller for a show folder (default: the bundled demo).

import { join, resolve } from 'node:path';
import { formatError } from '../../show-files/src/errors.ts';
import { REPO_ROOT } from '../../server/src/pages-spec.ts';
import { isLoopback, ShowServer } from '../../server/src/server.ts';
import { NullDriver, type LightingDriver } from '../../server/src/lighting/driver.ts';
import type { LightingDriverSpec } from '../../server/src/lighting/driver-spec.ts';
import { LightingThread, type LightingThreadPriority } from '../../server/src/lighting/lighting-thread.ts';
import { flagNumber, flagString, parseArgs } from './args.ts';

import { studioLinks } from '../../server/src/studio/links.ts';
import { standbyOptionsFor } from '../../server/src/standby/config.ts';
import { parseMtcRate, venueOptionsFor } from '../../server/src/venue/config.ts';
import type { MtcRate } from '../../server/src/venue/timecode.ts';
import { CHASE_FLAGS, CHASE_HELP, chaseOptionsFor } from '../../server/src/venue/chase-config.ts';

export const DEFAULT_SHOW = join(REPO_ROOT, 'show-files', 'demo');

const HELP = `usage: holostage serve [options]
  --show <dir>             show folder (default: the bundled demo, show-files/demo)
  --port <n>               HTTP port (default 3000; 0 picks a free one)
  --host <h>               interface to listen on (default 127.0.0.1; 0.0.0.0 for the venue network)
  --state <dir>            tokens and journal (default <show>/.holostage)
  --resume-window <s>      a restart within this many seconds resumes a playing show (default 30)
  --heartbeat <ms>         journal heartbeat interval (default 1000)
  --go-guard <ms>          minimum time between two GOs (default 300)
  --panic-fade <s>         panic fade time (default 2)
  --midi <driver>          easymidi (default), null
  --midi-port <name>       MIDI output port (default: the show's lighting.port)
  --midi-virtual           create a virtual MIDI port with that name instead of opening one
  --midi-in <name>         MIDI input whose MSC GO/STOP/RESUME/ALL_OFF or notes 60-66 drive the show
  --record <file.mid>      also record every lighting message to a Standard MIDI File
  --lighting-priority <p>  realtime (default), nice or normal: how the threads that fire the
                           lighting cues and the DMX/OSC cues ask to be run (raising it needs
                           root or CAP_SYS_NICE)
  --no-pages               serve the API only (no /stage, /desk, /live pages)
  --dev                    serve the pages through vite with hot reload (for page developers;
                           loopback only, refused with another --host)
  --public                 a public show: /live opens without a token (the viewer link is open)
  --trust-proxy            behind a reverse proxy (TLS): a viewer's address comes from X-Forwarded-For
  --osc-port <n>           OSC remote control on this UDP port (default: the show's osc.port; off
                           without either; 0 picks a free one). See docs/venue.md
  --mtc-fps <rate>         send MIDI Time Code on the lighting output at 24, 25, 29.97 or 30 fps
                           (default: the show's timecode.fps; off without either)
  --sacn                   send the songs' DMX cues over sACN (E1.31) multicast (default: on when
                           show.json has a "sacn" section)
  --artnet                 send them over Art-Net to the nodes ArtPoll finds (default: on when
                           show.json has an "artnet" section)
${CHASE_HELP}  --redis <url>            share broadcasts and cheers with other processes (redis://host:port); a
                           whole server on it holds the primary lease there to drive the show, so
                           a standby on the same redis never makes a second primary
  --edge                   with --redis: serve viewers only, following the primary on that redis
                           (same --show on every node; the primary is the one without --edge)
  --standby-of <url>       run as the warm standby of the primary at <url> (its desk link, with
                           ?token=, or --token): mirrors its state and takes over when it goes
                           silent or an operator asks (docs/SCALING.md, "Warm standby")
  --token <operator>       the primary's operator token, for --standby-of without ?token=
  --takeover-after <ms>    the standby takes over after the primary is silent this long (default 1000;
                           on a shared --redis also the primary lease's time to live)
                           (each of these also from show.json's "standby" block; flags win)
`;

export async function run(args: string[]): Promise<number> {
  const p = parseArgs(args, {
    booleans: ['sacn', 'artnet', 'midi-virtual', 'no-pages', 'help', 'public', 'edge', 'dev', 'trust-proxy'],
    values: ['show', 'port', 'host', 'state', 'resume-window', 'heartbeat', 'go-guard', 'panic-fade', 'midi', 'midi-port', 'midi-in', 'record', 'lighting-priority', 'redis', 'osc-port', 'mtc-fps', 'standby-of', 'token', 'takeover-after', ...CHASE_FLAGS],
    positionals: {}, // the show is --show: a bare word is a mistake, not a show folder
    usage: HELP,
  });
  if (p.flags.has('help')) {
    process.stdout.write(HELP);
    return 0;
  }
  const numbers = {
    port: flagNumber(p, 'port', 3000, 0, 65535),
    resume: flagNumber(p, 'resume-window', 30, 0, 86_400),
    heartbeat: flagNumber(p, 'heartbeat', 1000, 10, 60_000),
    guard: flagNumber(p, 'go-guard', 300, 0, 10_000),
    fade: flagNumber(p, 'panic-fade', 2, 0, 60),
    takeoverAfter: flagNumber(p, 'takeover-after', 1000, 100, 60_000),
  };
  for (const v of Object.values(numbers)) {
    if (typeof v === 'string') {
      process.stderr.write(`holostage serve: ${v}\n${HELP}`);
      return 2;
    }
  }
  const n = numbers as Record<keyof typeof numbers, number>;
  const oscPort = p.flags.has('osc-port') ? flagNumber(p, 'osc-port', 0, 0, 65535) : undefined;
  const mtcFps = flagString(p, 'mtc-fps') === undefined ? undefined : parseMtcRate(flagString(p, 'mtc-fps')!);
  for (const v of [oscPort, mtcFps]) {
    if (typeof v === 'string') {
      process.stderr.write(`holostage serve: ${v}\n`);
      return 2;
    }
  }
  const showDir = resolve(flagString(p, 'show') ?? DEFAULT_SHOW);
  const chase = chaseOptionsFor(showDir, { chase: flagString(p, 'chase'), ltcInput: flagString(p, 'ltc-input'), freewheel: flagString(p, 'chase-freewheel'), midiIn: flagString(p, 'midi-in') });
  if (typeof chase === 'string') {
    process.stderr.write(`holostage serve: ${chase}\n`);
    return 2;
  }
  const log = (line: string): void => {
    process.stdout.write(`${new Date().toISOString()} ${line}\n`);
  };

  const driverKind = flagString(p, 'midi') ?? 'easymidi';
  const priority = flagString(p, 'lighting-priority') ?? 'realtime';
  if (!['realtime', 'nice', 'normal'].includes(priority)) {
    process.stderr.write(`holostage serve: --lighting-priority: expected realtime, nice or normal, got "${priority}"\n`);
    return 2;
  }
  if (!['easymidi', 'null'].includes(driverKind)) {
    process.stderr.write(`holostage serve: --midi: expected easymidi or null, got "${driverKind}"\n`);
    return 2;
  }
  const host = flagString(p, 'host') ?? '127.0.0.1';
  if (p.flags.has('dev') && !isLoopback(host)) {
    process.stderr.write(`holostage serve: --dev serves the pages through vite's dev server, for this machine only; it cannot listen on ${host} (drop --dev for the venue network)\n`);
    return 2;
  }
  const edge = p.flags.has('edge');
  const flagOf = flagString(p, 'standby-of');
  if (flagOf !== undefined && !/^https?:\/\/[^\s/]+/.test(flagOf)) {
    process.stderr.write(`holostage serve: --standby-of: expected the primary's address (http://host:port, or its desk link), got "${flagOf}"\n`);
    return 2;
  }
  // show.json's "standby" block (an edge has none of it); flags win.
  const standby = edge ? {} : await standbyOptionsFor(showDir, { of: flagOf, token: flagString(p, 'token'), redis: flagString(p, 'redis'), takeoverAfterMs: p.flags.has('takeover-after') ? n.takeoverAfter : undefined });
  if ('errors' in standby) {
    process.stderr.write(`holostage serve: the show's "standby" block does not load:\n${standby.errors.map((e) => `  ${e}\n`).join('')}`);
    return 2;
  }
  const standbyOf = standby.of;
  const redisUrl = flagString(p, 'redis') ?? standby.redis;
  if (standbyOf !== undefined && edge) {
    process.stderr.write('holostage serve: --standby-of and --edge do not go together: a standby is a whole server, an edge serves viewers only\n');
    return 2;
  }
  if (edge && !redisUrl) {
    process.stderr.write('holostage serve: --edge needs --redis <url> (the primary\'s redis)\n');
    return 2;
  }
  // The MIDI port name comes from the show, known only once it is compiled: the lighting thread
  // asks for its driver description when the server opens it. An edge never fires lighting.
  const record = flagString(p, 'record');
  const lighting: LightingDriver = edge
    ? new NullDriver()
    : new LightingThread(
        (): LightingDriverSpec => {
          const port: LightingDriverSpec =
            driverKind === 'null' ? { kind: 'null' } : { kind: 'easymidi', port: flagString(p, 'midi-port') ?? server.timeline.lighting.port, virtual: p.flags.has('midi-virtual') };
          return record ? { kind: 'fanout', drivers: [port, { kind: 'recorder', file: resolve(record), autoFlushMs: 5000 }] } : port;
        },
        { log, priority: priority as LightingThreadPriority },
      );
  const server = new ShowServer({
    showDir,
    host,
    port: n.port,
    stateDir: flagString(p, 'state'),
    resumeWindowMs: n.resume * 1000,
    heartbeatMs: n.heartbeat,
    transport: { goGuardMs: n.guard, panicFadeSeconds: n.fade },
    lighting,
    pages: p.flags.has('no-pages') ? false : p.flags.has('dev') ? 'dev' : 'auto',
    midiInputPort: edge ? undefined : flagString(p, 'midi-in'),
    log,
    publicViewing: p.flags.has('public'),
    trustProxy: p.flags.has('trust-proxy'),
    warmVocals: true,
    redisUrl,
    edge,
    standby,
    venue: { ...venueOptionsFor(showDir, { oscPort: oscPort as number | undefined, mtcFps: mtcFps as MtcRate | undefined, sacn: p.flags.has('sacn'), artnet: p.flags.has('artnet') }), threadPriority: priority as LightingThreadPriority, chase },
  });

  // The show must go on: a promise nobody awaited that fails is logged, never fatal.
  process.on('unhandledRejection', (reason) => {
    log(`internal error (the show goes on): ${reason instanceof Error ? reason.message : String(reason)}`);
  });
  try {
    await server.start();
  } catch (err) {
    // (A show that does not load is not one of these: the server starts with an alarm naming the file.)
    process.stderr.write(`holostage serve: ${(err as Error).message}\n`);
    await server.close().catch(() => {});
    return 1;
  }

  // Signals are ours before the URLs are printed: whoever starts us may stop us as soon as it reads them.
  const stopped = new Promise<void>((resolveStop) => {
    const stop = (signal: string): void => {
      log(`${signal}: closing`);
      void server.close().then(() => resolveStop());
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  const out = process.stdout;
  out.write(`holostage: "${server.timeline.show.title}" (${server.timeline.entries.length} entries, ${server.timeline.duration.toFixed(1)} s) on ${server.url}\n`);
  for (const w of server.warnings) out.write(`  warning: ${w}\n`);
  for (const song of server.leftOut) {
    out.write(`  left out: ${song.file} (${song.errors.length} error(s); the rest of the show plays):\n`);
    for (const e of song.errors.slice(0, 10)) out.write(`    ${formatError(e)}\n`);
  }
  if (server.recoveryNote) out.write(`  journal: ${server.recoveryNote}\n`);
  const status = server.lighting.status();
  if (!edge) {
    out.write(`  lighting: ${status.driver}${status.connected ? (status.port ? ` on "${status.port}"` : '') : ` not connected: ${status.error}`} (cues timed on their own thread)\n`);
    const venue = server.venue?.status();
    if (venue?.osc) out.write(`  osc: udp${server.venue?.oscTcp ? ' and tcp' : ''} ${host}:${venue.osc.port} (/connect with the operator token or the show's osc.passcode)\n`);
    if (venue?.sacn) out.write(`  dmx: sACN universe(s) ${venue.sacn.universes.join(', ') || '(no DMX cues)'} ${venue.sacn.unicast.length ? `to ${venue.sacn.unicast.join(', ')}` : 'multicast'}${venue.sacn.sync ? `, synchronized on universe ${venue.sacn.sync}` : ''}\n`);
    if (venue?.artnet) out.write(`  dmx: Art-Net universe(s) ${venue.artnet.universes.join(', ') || '(no DMX cues)'} to the nodes ArtPoll finds${venue.artnet.port ? ` (listening on ${venue.artnet.port})` : ''}\n`);
    if (venue?.chase) out.write(`  chase: ${venue.chase.input}, freewheel ${venue.chase.freewheelSeconds} s\n`);
    if (venue?.mtc) out.write(`  timecode: MTC out at ${venue.mtc.rate} fps on the lighting output (${venue.mtc.thread} thread)\n`);
    out.write(`  tokens: ${join(server.stateDir, 'tokens.json')} (\`holostage tokens\` shows these again)\n`);
  }
  if (server.pair.role === 'standby') {
    const view = server.pair.view();
    out.write(`  standby of ${view.peer?.url ?? standbyOf} (term ${view.self.term}): ${view.note}; pages dial the primary and come here on a takeover\n`);
    out.write(`  ${'control desk'.padEnd(22)} ${server.url}/desk?token=<the primary's operator token>\n`);
  } else if (edge) {
    out.write(`  edge of ${server.primaryName} via ${redisUrl}: viewers only (no operator, outputs or lighting here)\n`);
    out.write(`  ${'fan viewer'.padEnd(22)} ${server.url}/live${server.publicViewing ? '' : `?token=${server.tokens.viewer}`}\n`);
  } else {
    for (const u of server.accessUrls()) out.write(`  ${u.label.padEnd(22)} ${u.url}\n`);
    if (server.publicViewing) out.write(`  ${'open fan link'.padEnd(22)} ${server.url}/live\n`);
    for (const line of studioLinks(server.url, server.stateDir)) out.write(`  ${line}\n`);
  }

  await stopped;
  return 0;
}
