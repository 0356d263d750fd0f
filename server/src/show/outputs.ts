// The outputs as the desk sees them: connected or not, their last health report, their live
// settings, and the one drift check run on every report. An output drifts in two ways, both
// alarmed here:
// - render:<id>: the show time it rendered is further from the server's than its report could have
//   travelled (round trip), its latency offset and a margin allow (a frozen or lagging renderer);
// - drift:<id>: its clock offset moves while it runs (a clock drifting or jumping). The offset
//   itself is whatever the two machines' clocks say; the reference is the median of the
//   connection's first few reports (the first estimates settle as sync collects samples), and half
//   the sync round trip is the estimate's own uncertainty, allowed on top.

import type { OutputHealth, OutputView, ServerMs, ShowSeconds } from '../../../protocol/index.ts';
import type { OutputConfig, OutputSettings } from '../../../show-files/src/timeline.ts';
import type { AlarmBoard } from './alarms.ts';

/** How far an output's show time may stray beyond its round trip and latency offset before the desk is told. */
export const DRIFT_MARGIN_SECONDS = 0.25;
/** An output whose clock moves this many ms against the server's raises a drift alarm. */
export const DRIFT_ALARM_MS = 40;
/** Health reports that set an output's reference clock offset. */
const DRIFT_REFERENCE_REPORTS = 3;

export interface OutputMonitorDeps {
  outputs: () => readonly OutputConfig[];
  alarms: AlarmBoard;
  clock: () => ServerMs;
  /** The server's show time while playing, null otherwise (no render drift to judge). */
  playingShowTime: () => ShowSeconds | null;
  /** Open connections per output id (a stage's clock-sync worker socket not counted). */
  connections: () => ReadonlyMap<string, number>;
}

export class OutputMonitor {
  private readonly health = new Map<string, { health: OutputHealth; lastSeen: ServerMs }>();
  private readonly settings = new Map<string, OutputSettings>();
  private readonly offsets = new Map<string, number[]>();

  constructor(private readonly deps: OutputMonitorDeps) {}

  settingsOf(outputId: string): OutputSettings | null {
    return this.settings.get(outputId) ?? this.deps.outputs().find((o) => o.id === outputId)?.settings ?? null;
  }

  /** Live settings from the desk, merged over the current ones; null for an unknown output. */
  changeSettings(outputId: unknown, change: Partial<OutputSettings>): { id: string; settings: OutputSettings } | null {
    const output = this.deps.outputs().find((o) => o.id === outputId);
    if (!output) return null;
    const merged = { ...(this.settings.get(output.id) ?? output.settings), ...change };
    this.settings.set(output.id, merged);
    return { id: output.id, settings: merged };
  }

  /** A checked health report from an output. */
  report(outputId: string, health: OutputHealth): void {
    this.health.set(outputId, { health, lastSeen: this.deps.clock() });
    this.checkRender(outputId, health);
    this.checkClock(outputId, health);
  }

  connected(outputId: string): void {
    this.deps.alarms.clear(`output:${outputId}`);
  }

  /** A socket of this output closed: alarmed when it was the last one. */
  disconnected(outputId: string): void {
    const still = this.view().find((o) => o.id === outputId);
    if (still && !still.connected) {
      this.offsets.delete(outputId);
      this.deps.alarms.raise(`output:${outputId}`, 'critical', `output "${outputId}" lost`);
    }
  }

  view(): OutputView[] {
    const connections = this.deps.connections();
    return this.deps.outputs().map((o) => {
      const h = this.health.get(o.id);
      const n = connections.get(o.id) ?? 0;
      return { id: o.id, kind: o.kind, connected: n > 0, connections: n, lastSeen: h?.lastSeen ?? null, health: h?.health ?? null, settings: this.settings.get(o.id) ?? o.settings };
    });
  }

  private checkRender(outputId: string, health: OutputHealth): void {
    const server = this.deps.playingShowTime();
    if (typeof health.showTime !== 'number' || server === null) return;
    // Still loading the show's assets: it isn't rendering yet, and its progress bar says so.
    if (typeof health.assetsTotal === 'number' && (health.assetsLoaded ?? 0) < health.assetsTotal) return;
    const settings = this.settingsOf(outputId);
    const allowance = DRIFT_MARGIN_SECONDS + (settings?.latencyMs ?? 0) / 1000 + (health.roundTripMs ?? 0) / 1000;
    const drift = health.showTime - server;
    if (Math.abs(drift) > allowance) {
      this.deps.alarms.raise(`render:${outputId}`, 'warning', `output "${outputId}" renders ${Math.round(Math.abs(drift) * 1000)} ms ${drift > 0 ? 'ahead of' : 'behind'} the show clock`);
    } else this.deps.alarms.clear(`render:${outputId}`);
  }

  private checkClock(outputId: string, health: OutputHealth): void {
    const offset = health.clockOffsetMs;
    if (typeof offset !== 'number' || !Number.isFinite(offset)) return;
    const first = this.offsets.get(outputId) ?? [];
    this.offsets.set(outputId, first);
    if (first.length < DRIFT_REFERENCE_REPORTS) {
      first.push(offset);
      return;
    }
    const reference = [...first].sort((x, y) => x - y)[Math.floor(first.length / 2)]!;
    const moved = offset - reference;
    const uncertainty = typeof health.roundTripMs === 'number' ? health.roundTripMs / 2 : 0;
    const err = Math.abs(moved) > uncertainty ? moved - Math.sign(moved) * uncertainty : 0;
    if (Math.abs(err) > DRIFT_ALARM_MS) this.deps.alarms.raise(`drift:${outputId}`, 'warning', `output "${outputId}" clock drifted ${err > 0 ? '+' : ''}${err.toFixed(0)} ms from the show clock`);
    else this.deps.alarms.clear(`drift:${outputId}`);
  }
}
