// The pure crowd core: cheer validation, the per-connection rate limit, one node's tally and the
// merge of several nodes into one crowd.
import { describe, expect, it } from 'vitest';
import { CrowdMerger, HOLDING_MS, NodeTally, RateLimiter, sameCrowd, validateCheer } from '../../server/src/fans/crowd.ts';
import { PENLIGHT_COLOURS, crowdGlow } from '../../protocol/index.ts';

describe('validateCheer', () => {
  it('accepts a palette colour with 1..4 waves (1 by default)', () => {
    expect(validateCheer({ colour: 'cyan' })).toEqual({ ok: true, cheer: { colour: 'cyan', waves: 1 } });
    expect(validateCheer({ colour: 'pink', waves: 4 })).toEqual({ ok: true, cheer: { colour: 'pink', waves: 4 } });
  });
  it.each([
    [null], ['cyan'], [[]], [{}], [{ colour: 'chartreuse' }], [{ colour: '#ff0000' }], [{ colour: 'toString' }], [{ colour: '__proto__' }],
    [{ colour: 'cyan', waves: 0 }], [{ colour: 'cyan', waves: 5 }], [{ colour: 'cyan', waves: 1.5 }], [{ colour: 'cyan', waves: '2' }],
    [{ colour: 'cyan', extra: 1 }], [{ colour: 'cyan', waves: Number.NaN }],
  ])('refuses %j', (payload) => {
    const r = validateCheer(payload);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/^cheer: /);
  });
});

describe('RateLimiter', () => {
  it('allows the burst, then the average rate, never more', () => {
    const rl = new RateLimiter(8, 12, 0);
    let allowed = 0;
    for (let i = 0; i < 100; i++) if (rl.take(0)) allowed++;
    expect(allowed).toBe(12);
    // One second later: 8 more.
    allowed = 0;
    for (let i = 0; i < 100; i++) if (rl.take(1000)) allowed++;
    expect(allowed).toBe(8);
    // Steady drumming at 5/s is never refused.
    const steady = new RateLimiter(8, 12, 0);
    for (let t = 0; t < 10_000; t += 200) expect(steady.take(t)).toBe(true);
    // A flood over 10 s gets burst + rate × time at most.
    const flood = new RateLimiter(8, 12, 0);
    let n = 0;
    for (let t = 0; t <= 10_000; t += 1) if (flood.take(t)) n++;
    expect(n).toBeLessThanOrEqual(12 + 80);
    expect(n).toBeGreaterThanOrEqual(80);
  });
});

describe('NodeTally and CrowdMerger', () => {
  it('counts waves per window, fans holding each colour, and forgets fans who stopped waving', () => {
    const tally = new NodeTally('a');
    tally.viewers = 3;
    tally.wave('s1', { colour: 'cyan', waves: 1 }, 0);
    tally.wave('s2', { colour: 'cyan', waves: 2 }, 10);
    tally.wave('s3', { colour: 'pink', waves: 1 }, 20);
    tally.wave('s3', { colour: 'yellow', waves: 1 }, 30); // changed colour: counts once, as yellow
    const p = tally.flush(100);
    expect(p).toMatchObject({ node: 'a', viewers: 3, waves: 5, holding: { cyan: 2, yellow: 1 }, refused: 0 });
    expect(p.holding.pink).toBeUndefined();
    expect(tally.flush(200).waves).toBe(0);
    tally.leave('s2');
    expect(tally.flush(300).holding).toEqual({ cyan: 1, yellow: 1 });
    expect(tally.flush(30 + HOLDING_MS + 1).holding).toEqual({});
  });

  it('merges nodes into one crowd: viewers and waves add up, colours by fans, energy rises and falls', () => {
    const m = new CrowdMerger(1000);
    m.add({ node: 'a', at: 100, viewers: 10, waves: 6, holding: { cyan: 4, pink: 1 }, refused: 1 });
    m.add({ node: 'b', at: 100, viewers: 30, waves: 4, holding: { pink: 2, blue: 1 }, refused: 0 });
    const f = m.frame(100);
    expect(f.viewers).toBe(40);
    expect(f.nodes).toBe(2);
    expect(f.waves).toBe(10);
    expect(f.wavesPerSecond).toBe(100);
    expect(f.refused).toBe(1);
    expect(f.holding).toBe(8);
    expect(f.colours.map((c) => [c.colour, c.fans])).toEqual([['cyan', 4], ['pink', 3], ['blue', 1]]);
    expect(f.colours[0]!.share).toBeCloseTo(0.5);
    expect(f.colours[0]!.hex).toBe(PENLIGHT_COLOURS.cyan);
    expect(f.energy).toBeGreaterThan(0);
    // Keep cheering: energy climbs; stop: it decays towards 0.
    let last = f.energy;
    for (let t = 200; t <= 2000; t += 100) {
      m.add({ node: 'a', at: t, viewers: 10, waves: 6, holding: {}, refused: 0 });
      m.add({ node: 'b', at: t, viewers: 30, waves: 4, holding: {}, refused: 0 });
      const e = m.frame(t).energy;
      expect(e).toBeGreaterThanOrEqual(last);
      last = e;
    }
    expect(last).toBeGreaterThan(0.7);
    for (let t = 2100; t <= 6000; t += 100) {
      m.add({ node: 'a', at: t, viewers: 10, waves: 0, holding: {}, refused: 0 });
      m.add({ node: 'b', at: t, viewers: 30, waves: 0, holding: {}, refused: 0 });
      const e = m.frame(t).energy;
      expect(e).toBeLessThanOrEqual(last);
      last = e;
    }
    expect(last).toBeLessThan(0.01);
  });

  it('drops a node that stopped reporting', () => {
    const m = new CrowdMerger(1000);
    m.add({ node: 'a', at: 0, viewers: 5, waves: 0, holding: {}, refused: 0 });
    m.add({ node: 'b', at: 0, viewers: 7, waves: 0, holding: {}, refused: 0 });
    expect(m.frame(100).viewers).toBe(12);
    m.add({ node: 'a', at: 1500, viewers: 5, waves: 0, holding: {}, refused: 0 });
    const f = m.frame(1500);
    expect(f.viewers).toBe(5);
    expect(f.nodes).toBe(1);
  });

  it('sameCrowd and crowdGlow', () => {
    const m = new CrowdMerger();
    m.add({ node: 'a', at: 0, viewers: 2, waves: 1, holding: { red: 1, blue: 1 }, refused: 0 });
    const f = m.frame(0);
    expect(sameCrowd(null, f)).toBe(false);
    expect(sameCrowd(f, { ...f, seq: f.seq + 1 })).toBe(true);
    expect(sameCrowd(f, { ...f, viewers: 3 })).toBe(false);
    const g = crowdGlow(f);
    // Half red (#ff3030), half blue (#3a6bff).
    expect(g.r).toBeCloseTo((0xff + 0x3a) / 2 / 255, 5);
    expect(g.b).toBeCloseTo((0x30 + 0xff) / 2 / 255, 5);
    expect(g.intensity).toBeGreaterThan(0.15);
    expect(crowdGlow(null).intensity).toBe(0);
  });
});
