// Every socket.io event name, in one place so the server, the pages and the other server processes
// agree. The payloads are typed in transport.ts, views.ts, crowd.ts and cluster.ts.

/** Socket.io event names, in one place so the server and every client agree. */
export const EVENTS = {
  /** client -> server, ack(serverTime): one clock-sync exchange. */
  clockPing: 'clock:ping',
  /** server -> client on connect: role, transport and show summary. */
  hello: 'hello',
  /** server -> all: the transport changed. */
  transport: 'transport',
  /** client -> server, ack(snapshot): ask for the current transport (after a reconnect). */
  snapshot: 'snapshot',
  /** operator -> server, ack(result): a transport command. */
  command: 'transport:command',
  /** any -> server, ack(timeline): the compiled show. */
  timeline: 'show:timeline',
  /** server -> all: a new show (or setlist) was loaded; fetch the timeline again. */
  showLoaded: 'show:loaded',
  /** output -> server: render health. */
  outputHealth: 'output:health',
  /** server -> operators: every configured output with its health. */
  outputs: 'outputs',
  /** operator -> server -> that output: live profile settings. */
  outputSettings: 'output:settings',
  /** server -> operators: lighting driver status and recent messages. */
  lighting: 'lighting',
  /** operator -> server, ack: fire one lighting cue now (test). */
  lightingTest: 'lighting:test',
  /** server -> operators: the alarm list. */
  alarms: 'alarms',
  /** operator -> server: acknowledge an alarm by id. */
  alarmAck: 'alarm:ack',
  /** server -> operators: each venue protocol's status (protocol/venue.ts). */
  venue: 'venue',
  /** operator -> server, ack(result): replace the setlist (saved atomically). */
  setlistSave: 'setlist:save',
} as const;

/** The fans' events (payloads in crowd.ts). */
export const CROWD_EVENTS = {
  /** viewer -> server, optional ack({ ok } | { ok: false, error }): one wave of a penlight. */
  cheer: 'cheer',
  /** server -> everyone, at most every 100 ms while something changes: the crowd. */
  crowd: 'crowd',
} as const;

/** Between server processes over redis (serverSideEmit), never to a browser. */
export const CLUSTER_EVENTS = {
  /** primary -> all: the transport state, show fingerprint and what an edge needs to admit viewers. */
  state: 'holostage:state',
  /** any -> all, ack: "who is the primary?"; the primary answers with its ClusterState. */
  sync: 'holostage:sync',
  /** edge -> all, ack: one clock exchange; the primary answers with its clock. */
  clock: 'holostage:clock',
  /** any node -> the merging primary: one node's 100 ms crowd tally (CrowdPartial). */
  crowdPartial: 'holostage:crowd-partial',
  /** the merging primary -> the edges: the crowd frame for their viewers, which each edge writes in slices. */
  viewerCrowd: 'holostage:viewer-crowd',
} as const;
