// Warm standby failover time: a primary and its standby (`holostage serve` processes), 100 viewers
// (the pages' ShowLink) on the primary, mid-song. The primary is killed with SIGKILL; measured
// from the kill to each viewer's first snapshot from the new primary. Baseline, in the same run:
// a lone server killed and started again on its journal (what a show had before the standby),
// measured the same way. And the same failover with both servers on one redis, where the standby
// must take the primary lease first (server/src/standby/lease.ts). Aim: every client on the new
// primary within 1.5 s.

import { loadavg } from 'node:os';
import { ShowLink } from '../client/show-link.ts';
import { post, waitUntil } from '../tests/server/helpers.ts';
import { kill, startPair, startServe } from '../tests/standby/pair-process.ts';
import { startRedisServer } from '../server/src/fans/redis-process.ts';
import type { BenchSection } from './run.ts';

const VIEWERS = 100;
const ROUNDS = Number(process.env.STANDBY_BENCH_ROUNDS ?? 3);
const now = (): number => performance.timeOrigin + performance.now();

interface Round {
  /** ms from the kill to the first and the last viewer's first snapshot from the new server, and the median. */
  first: number;
  median: number;
  last: number;
  load: number;
}

function viewersOn(url: string, token: string): ShowLink[] {
  return Array.from({ length: VIEWERS }, (_, i) => new ShowLink({ url, token, socketOptions: { localAddress: `127.0.0.${2 + Math.floor(i / 20)}` } }));
}

/**
 * Kill the server, and time each viewer's first snapshot from `next` after it reconnected: for a
 * takeover, the new primary's (a newer revision; a standby lets pages in while its primary is
 * silent and shows them the mirrored state until then), for a restart the first after reconnecting.
 */
async function timeSwitch(viewers: ShowLink[], next: string, killIt: () => Promise<void>, restart?: () => Promise<unknown>): Promise<Round> {
  const held = viewers.map((v) => v.connects);
  const revision = viewers.map((v) => v.snapshot!.revision);
  const arrived: number[] = new Array(VIEWERS).fill(NaN);
  viewers.forEach((v, i) =>
    v.on('transport', (snap) => {
      if (Number.isNaN(arrived[i]!) && v.failover.current === next && v.connected && v.connects > held[i]! && snap.playing && (restart || snap.revision > revision[i]!)) arrived[i] = now();
    }),
  );
  const killedAt = now();
  await killIt();
  if (restart) await restart();
  await waitUntil(() => arrived.every((t) => !Number.isNaN(t)), 120_000, 'every viewer on the new server').catch((err: Error) => {
    const missing = viewers.filter((_, i) => Number.isNaN(arrived[i]!));
    const v = missing[0]!;
    throw new Error(`${err.message}: ${missing.length} missing, e.g. connected=${v.connected} on ${v.failover.current} connects ${v.connects} (held ${held[viewers.indexOf(v)]}) error=${v.connectionError}`);
  });
  const ms = arrived.map((t) => t - killedAt).sort((a, b) => a - b);
  return { first: ms[0]!, median: ms[Math.floor(ms.length / 2)]!, last: ms[ms.length - 1]!, load: loadavg()[0]! };
}

async function playMidSong(url: string, operator: string): Promise<void> {
  await post(`${url}/api/transport/seek`, operator, { entry: 0, time: 20 });
  await post(`${url}/api/transport/go`, operator);
}

async function standbyRound(redis?: string): Promise<Round> {
  const pair = await startPair({ redis });
  const viewers = viewersOn(pair.a.url, pair.viewer);
  try {
    await waitUntil(() => viewers.every((v) => v.connected && v.failover.paired), 60_000, 'viewers on the primary');
    await playMidSong(pair.a.url, pair.operator);
    await waitUntil(() => viewers.every((v) => v.snapshot?.playing), 20_000, 'playing');
    await new Promise((r) => setTimeout(r, 1500));
    return await timeSwitch(viewers, pair.b.url, () => kill(pair.primary, 'SIGKILL'));
  } finally {
    for (const v of viewers) v.socket.close();
    await kill(pair.primary);
    await kill(pair.standby);
  }
}

async function restartRound(): Promise<Round> {
  // One server, no standby: killed, then started again at once with the same command line.
  const pair = await startPair();
  await kill(pair.standby);
  const viewers = viewersOn(pair.a.url, pair.viewer);
  let again: Awaited<ReturnType<typeof startServe>> | undefined;
  try {
    await waitUntil(() => viewers.every((v) => v.connected), 60_000, 'viewers on the server');
    await playMidSong(pair.a.url, pair.operator);
    await waitUntil(() => viewers.every((v) => v.snapshot?.playing), 20_000, 'playing');
    await new Promise((r) => setTimeout(r, 1500));
    // pair.json names the (stopped) standby: the restarted server asks it, hears nothing, and recovers as primary.
    return await timeSwitch(viewers, pair.a.url, () => kill(pair.primary, 'SIGKILL'), async () => (again = await startServe(pair.a.args)));
  } finally {
    for (const v of viewers) v.socket.close();
    await kill(pair.primary);
    await kill(again);
  }
}

const fmt = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function bench(): Promise<BenchSection> {
  const standby: Round[] = [];
  const leased: Round[] = [];
  const restart: Round[] = [];
  const redis = await startRedisServer();
  try {
    for (let i = 0; i < ROUNDS; i++) {
      standby.push(await standbyRound());
      // One redis for every round: a killed holder's lease runs out by itself, and the next pair's primary waits for that.
      leased.push(await standbyRound(redis.url));
      restart.push(await restartRound());
    }
  } finally {
    await redis.stop();
  }
  const s = median(standby.map((r) => r.last));
  const l = median(leased.map((r) => r.last));
  const b = median(restart.map((r) => r.last));
  const rounds = (rs: Round[]): string => rs.map((r) => `${fmt(r.first)}/${fmt(r.median)}/${fmt(r.last)} (load ${r.load.toFixed(1)})`).join('; ');
  return {
    title: 'Warm standby: failover time',
    rows: [
      { name: `failover, kill -> first snapshot from the new primary on every client (${VIEWERS} viewers)`, value: fmt(s), note: `median of ${ROUNDS} rounds; first/median/last client per round: ${rounds(standby)}` },
      { name: 'the same, both servers on one redis (the standby takes the primary lease first)', value: fmt(l), note: `median of ${ROUNDS} rounds; first/median/last client per round: ${rounds(leased)}` },
      { name: 'baseline: the same server killed and restarted on its journal', value: fmt(b), note: `same run; first/median/last: ${rounds(restart)}` },
      { name: 'failover / restart', value: `${(s / b).toFixed(2)}×`, note: 'lower is better' },
      { name: 'failover with the lease / without', value: `${(l / s).toFixed(2)}×`, note: 'the lease (ttl = the 1 s takeover time, renewed every 250 ms) runs out within 1 s of the kill, so the standby gets it at its first try' },
      { name: 'aim: every client on the new primary within 1.5 s', value: s <= 1500 && l <= 1500 ? 'met' : `not met (${fmt(s)}, with the lease ${fmt(l)})`, note: 'takeover after 1 s of heartbeat silence (200 ms heartbeats) and a failed check on the primary\'s own address (on one redis: the primary lease taken instead); pages redial every 150-600 ms, alternating addresses, and wait on the standby once its primary is silent' },
      { name: 'load average (1 min) at the end', value: loadavg()[0]!.toFixed(2), note: '2 shared cores' },
    ],
    notes: 'Both servers, the viewers and this bench share the same 2 cores. The restart baseline starts a new process (tsx, compile the show, open the lighting thread), which is most of its time; the standby is already running with the show compiled and the lighting open.',
  };
}
