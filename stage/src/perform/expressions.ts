// The expression track (auto-direction's moods) at a show time: each event holds its expression at
// its weight; it rises over FADE seconds from whatever the event before left, and an event that
// ends into nothing falls over its last FADE seconds. Writes into the frame, allocation-free.

import type { ExpressionEvent, ExpressionName } from '../../../show-files/src/timeline.ts';
import { lastAtOrBefore } from '../../../show-files/src/timeline.ts';
import { smoothstep } from './pose.ts';

const FADE = 0.6;

type Faces = Record<ExpressionName, number>;

function raise(out: Faces, name: ExpressionName, w: number): void {
  if (w > out[name]) out[name] = w;
}

export function applyExpressions(events: readonly ExpressionEvent[], t: number, out: Faces): void {
  const i = lastAtOrBefore(events, t);
  if (i < 0) return;
  const e = events[i]!;
  const prev = i > 0 ? events[i - 1] : undefined;
  const k = smoothstep((t - e.time) / FADE);
  const handedOver = prev !== undefined && prev.end >= e.time - 1e-6;
  if (t < e.end) {
    const next = events[i + 1];
    const continues = next !== undefined && next.time <= e.end + 1e-6;
    const out1 = continues ? 1 : smoothstep((e.end - t) / FADE);
    const from = handedOver && prev.expression === e.expression ? prev.weight : 0;
    raise(out, e.expression, (from + (e.weight - from) * k) * out1);
  }
  if (handedOver && prev.expression !== e.expression && k < 1) raise(out, prev.expression, prev.weight * (1 - k));
}
