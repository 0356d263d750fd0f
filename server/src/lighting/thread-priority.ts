// Raising a worker thread's scheduling priority (the lighting thread, the venue thread).

import { readlinkSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { getPriority, setPriority } from 'node:os';

/** Low among real-time priorities (1-99): above every ordinary thread, below the kernel's own. */
const REALTIME_PRIORITY = 10;
const NICE = -10;

/**
 * Ask the OS to run this thread ahead of ordinary work (a renderer, a build) on a shared machine,
 * as audio software does for its audio thread: first real-time (SCHED_FIFO, through util-linux's
 * chrt, since Node has no call for it), else a lower nice value. Linux takes a thread id where
 * these want a process, and /proc/thread-self names ours. Both need root or CAP_SYS_NICE; without,
 * the thread stays at the process's priority and says so. The thread sleeps between cues and spins
 * at most a millisecond or two before each, so it never holds a core for long.
 */
export function raiseThreadPriority(name: string, priority: 'realtime' | 'nice' | 'normal'): string {
  if (priority === 'normal') return `${name} at normal priority`;
  let tid: number;
  try {
    tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isInteger(tid)) throw new Error('no thread id');
  } catch {
    return `${name} at normal priority (this system does not name its threads)`;
  }
  const why: string[] = [];
  if (priority === 'realtime') {
    try {
      execFileSync('chrt', ['--fifo', '--pid', String(REALTIME_PRIORITY), String(tid)], { stdio: 'pipe', timeout: 2000 });
      return `${name} at real-time priority (SCHED_FIFO ${REALTIME_PRIORITY})`;
    } catch (err) {
      why.push(`real-time: ${firstLine(err)}`);
    }
  }
  try {
    setPriority(tid, NICE);
    return `${name} at nice ${getPriority(tid)}${why.length ? ` (${why.join('; ')})` : ''}`;
  } catch (err) {
    why.push(`nice ${NICE}: ${firstLine(err)}`);
  }
  return `${name} at normal priority (could not raise it: ${why.join('; ')})`;
}

function firstLine(err: unknown): string {
  const e = err as { stderr?: Buffer; message?: string };
  return (e.stderr?.toString().trim() || e.message || String(err)).split('\n')[0]!.replace(/^chrt: /, '');
}

