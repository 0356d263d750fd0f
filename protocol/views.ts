// What the server tells its clients besides the transport: the hello on connect, the show summary,
// the state view, output health, alarms, the lighting view and the desk's library. The server
// builds these types and the pages read them, so both sides break together when one changes.

import type { Credit, EntryKind, LightingConfig, OutputKind, OutputSettings, Transition } from '../show-files/src/timeline.ts';
import type { ServerMs, ShowSeconds, TransportSnapshot } from './transport.ts';

export type Role = 'operator' | 'output' | 'viewer';

/** A validation finding as the desk shows it (file, JSON path, line:column). */
export interface ValidationErrorView {
  file: string;
  path: string;
  line: number;
  column: number;
  message: string;
  /** The upload form field it belongs to, for errors about an upload. */
  field?: string;
}

export interface EntrySummary {
  index: number;
  kind: EntryKind;
  id: string;
  title: string;
  start: ShowSeconds;
  end: ShowSeconds;
  encore: boolean;
  holdAfter: boolean;
  transition: Transition;
}

/** The loaded show at a glance (GET /api/show, hello, show:loaded). */
export interface ShowSummary {
  /** Increases with every (re)load: a client refetches the timeline when it changes. */
  revision: number;
  fingerprint: string;
  title: string;
  date: string | undefined;
  venue: string | undefined;
  duration: ShowSeconds;
  outputs: { id: string; kind: OutputKind }[];
  lighting: LightingConfig;
  entries: EntrySummary[];
  songs: { id: string; title: string; credits: Credit[]; license: { name: string; url?: string }; duration: ShowSeconds; key: string | undefined; tempo: number | undefined }[];
  validation: { ok: true; errors: ValidationErrorView[]; warnings: string[] };
}

/** Where the show is now, for people and scripts (GET /api/state). */
export interface StateView {
  playing: boolean;
  mode: TransportSnapshot['mode'];
  waiting: boolean;
  entryIndex: number;
  entryTitle: string | null;
  songTime: ShowSeconds;
  songDuration: ShowSeconds;
  showTime: ShowSeconds;
  showDuration: ShowSeconds;
  serverTime: ServerMs;
  holdAt: ShowSeconds;
  blackout: TransportSnapshot['blackout'];
  revision: number;
  showRevision: number;
}

/** What an output reports about its rendering, about once a second. */
export interface OutputHealth {
  fps?: number;
  droppedFrames?: number;
  clockOffsetMs?: number;
  roundTripMs?: number | null;
  /** The show time the output rendered when it reported. */
  showTime?: ShowSeconds;
  assetsLoaded?: number;
  assetsTotal?: number;
  profile?: string;
}

export interface OutputView {
  id: string;
  kind: string;
  connected: boolean;
  connections: number;
  lastSeen: ServerMs | null;
  health: OutputHealth | null;
  settings: OutputSettings;
}

export interface Alarm {
  id: number;
  key: string;
  level: 'warning' | 'critical';
  message: string;
  at: ServerMs;
  /** Still true while the condition lasts. */
  active: boolean;
}

export interface LightingDriverStatus {
  driver: string;
  /** Port (or file) in use, null when none. */
  port: string | null;
  connected: boolean;
  /** Last error, null when healthy. */
  error: string | null;
  sent: number;
  failed: number;
}

export interface LightingMessageLog {
  at: ServerMs;
  showTime: ShowSeconds;
  label: string;
  bytes: string;
  delivered: boolean;
  /** Fired late by this many ms (scheduled cues only). */
  lateMs?: number;
}

export interface LightingView {
  status: LightingDriverStatus;
  recent: LightingMessageLog[];
}

/** Sent to every socket on connect; the operator's also carries the desk's lists. */
export interface Hello {
  role: Role;
  outputId: string | null;
  serverTime: ServerMs;
  transport: TransportSnapshot;
  show: ShowSummary;
  /** An output's live profile settings. */
  settings: OutputSettings | null;
  outputs?: OutputView[];
  lighting?: LightingView;
  alarms?: Alarm[];
}

/** The answer to a timeline request (socket or GET /api/timeline). */
export interface TimelineReply<T = unknown> {
  revision: number;
  timeline: T;
}

/** Setlist saves and show reloads: applied, or refused with the reason (and the show's errors). */
export type ShowChangeResult<Ok extends object = object> = ({ ok: true } & Ok) | { ok: false; error: string; errors?: ValidationErrorView[] };
export type SetlistSaveResult = ShowChangeResult<{ showRevision: number }>;

/** A song of the organiser's library, as the desk lists it. */
/** Who sings a library song: the built-in synthesized voice or a UTAU voicebank, with its terms. */
export interface LibraryVoice {
  /** The voicebank folder (show-folder-relative), or null for the built-in voice. */
  bank: string | null;
  /** "built-in voice", or the bank's name from its character.txt (its folder name without one). */
  name: string;
  author?: string;
  web?: string;
  /** The bank's readme.txt: its terms of use ('' when it has none). */
  terms?: string;
  /** Set when the bank folder cannot be read. */
  problem?: string;
}

export interface LibrarySong {
  /** Song id (from the file; the file name when the file cannot be read). */
  id: string;
  /** Song file relative to the show folder. */
  file: string;
  title: string;
  credits: { role: string; name: string }[];
  license: { name: string; url?: string } | null;
  tags: string[];
  key: string | null;
  /** First tempo, BPM. */
  bpm: number | null;
  timeSignature: string | null;
  duration: ShowSeconds | null;
  /** Score file relative to the show folder, and its format (extension). */
  score: string | null;
  notes: number;
  /** The first few lyrics, to recognise a song at a glance. */
  lyrics: string;
  voice: LibraryVoice;
  valid: boolean;
  errors: ValidationErrorView[];
  warnings: string[];
}
