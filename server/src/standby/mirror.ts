// The standby's copy of the primary: each mirrored state is taken as it is (transport state, show
// revision, token hashes, open viewing), and the show folder is kept on the primary's show: when
// the primary's show differs from ours, the primary's setlist is written into our show.json and
// the show compiled again; a show folder that still differs (other song files) raises an alarm,
// since a takeover would then play another show.

import type { ReplicaState } from '../../../protocol/index.ts';
import type { ShowController } from '../show/controller.ts';
import { showFingerprint } from '../show/controller.ts';
import type { AlarmBoard } from '../show/alarms.ts';
import { checkSetlist, readSetlist, writeSetlist } from '../show/setlist-file.ts';
import type { Access } from '../fans/cluster-role.ts';

export const SHOW_ALARM = 'standby:show';

export class ShowMirror {
  private following: string | null = null;
  private pending: ReplicaState | null = null;

  constructor(
    private readonly o: {
      controller: ShowController;
      access: Access;
      alarms: AlarmBoard;
      showDir: string;
      log: (line: string) => void;
      /** A mirrored transport state was taken: tell this server's desks. */
      adopted: () => void;
    },
  ) {}

  /** Whether our show is the primary's (a takeover plays the same show). */
  get inStep(): boolean {
    return this.pending === null;
  }

  apply(s: ReplicaState): void {
    const { access, controller: c } = this.o;
    access.tokens = { operator: '', viewer: '', outputs: {}, hashes: s.tokens };
    access.publicViewing = s.publicViewing;
    if (s.fingerprint !== c.fingerprint) {
      this.pending = s;
      void this.follow(s.fingerprint);
      return;
    }
    this.pending = null;
    this.o.alarms.clear(SHOW_ALARM);
    c.adopt(s.state);
    c.showRevision = s.showRevision;
    this.o.adopted();
  }

  /** Bring our show folder to the primary's show (once per fingerprint), then take the latest state. */
  private async follow(fingerprint: string): Promise<void> {
    if (this.following === fingerprint) return;
    this.following = fingerprint;
    const { controller: c, showDir, log } = this.o;
    const wanted = this.pending?.setlist;
    try {
      if (Array.isArray(wanted) && JSON.stringify(wanted) !== JSON.stringify(readSetlist(showDir))) {
        const checked = await checkSetlist(showDir, wanted, (d) => c.compile(d));
        if (checked.ok) {
          writeSetlist(showDir, checked.text);
          c.setTimeline(checked.result.timeline, checked.result.warnings);
          log(`standby: wrote the primary's setlist into ${showDir}/show.json`);
        } else log(`standby: the primary's setlist does not load here: ${checked.error}`);
      } else {
        const r = await c.compile(showDir);
        if (r.ok && r.timeline && showFingerprint(r.timeline) === fingerprint) c.setTimeline(r.timeline, r.warnings);
      }
    } catch (err) {
      log(`standby: following the primary's show failed: ${(err as Error).message}`);
    }
    this.following = null;
    const latest = this.pending;
    if (!latest) return;
    if (latest.fingerprint === c.fingerprint) return this.apply(latest);
    this.o.alarms.raise(SHOW_ALARM, 'critical', `the standby's show folder (${showDir}) is not the primary's show: a takeover would play another show; copy the primary's show folder here`);
  }
}
