// Chasing external timecode (serve --chase mtc|ltc): what the desk is told about it. The server
// pushes a ChaseView to operators on every change of lock state and once a second while a chase
// is configured (server/src/venue/chase.ts).

export const CHASE_EVENTS = {
  /** server -> operators: the chase's source, rate and lock state. */
  status: 'venue:chase',
} as const;

/**
 * waiting: no timecode yet (or again, after it stopped and the show was held);
 * locking: timecode running, the show being moved onto it;
 * locked: the show plays within a frame of the timecode;
 * freewheel: the timecode stopped, the show plays on by itself for the freewheel time;
 * lost: it did not come back in time, the show is held;
 * outside: the timecode is before the show's start or after its end, the show is not moved;
 * overridden: the operator held, stopped or panicked the show; the chase waits for the timecode to stop and start again.
 */
export type ChaseLockState = 'waiting' | 'locking' | 'locked' | 'freewheel' | 'lost' | 'outside' | 'overridden';

export interface ChaseView {
  source: 'mtc' | 'ltc';
  /** Where the timecode comes from, in words (a MIDI port, a WAV file, stdin, a sound card). */
  input: string;
  state: ChaseLockState;
  /** The incoming frame rate (24, 25, 29.97, 30), null before the first reading. */
  rate: number | null;
  /** The last timecode read, as HH:MM:SS:FF (;FF for drop frame). */
  timecode: string | null;
  /** Show time that timecode means (timecode minus the show's timecode start), seconds. */
  showTime: number | null;
  /** Show clock minus timecode at the last reading while locked, ms. */
  errorMs: number | null;
  /** Server ms of the last timecode reading. */
  lastAt: number | null;
  freewheelSeconds: number;
  readings: number;
  /** Readings refused: impossible timecode (hour 25, frame 30 at 25 fps), a broken sequence. */
  rejected: number;
  /** Times the show was moved onto the timecode (a start, a jump, drift beyond a frame). */
  relocks: number;
  /** One line for the operator. */
  message: string;
}
