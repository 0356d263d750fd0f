// The studio lines `serve` and `holostage tokens` print: one link per creator, or how to make one.

import { listCreators } from './creators.ts';

export function studioLinks(base: string, stateDir: string): string[] {
  const b = base.replace(/\/$/, '');
  let creators: ReturnType<typeof listCreators> = [];
  try {
    creators = listCreators(stateDir).filter((c) => !c.revokedAt);
  } catch {
    return [`${'creator studio'.padEnd(22)} ${b}/studio (creators.json unreadable: fix or remove it)`];
  }
  if (creators.length === 0) return [`${'creator studio'.padEnd(22)} ${b}/studio (a link per creator: holostage tokens --creator NAME)`];
  return creators.map((c) => `${`studio ${c.name}`.padEnd(22)} ${b}/studio/?token=${c.token}`);
}
