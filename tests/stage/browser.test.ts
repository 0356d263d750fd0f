// The stage page in a real browser: Debian's chromium (SwiftShader WebGL) against the real show
// server on a random loopback port. Screenshots are decoded byte-exact; times come from the
// timeline; settings change live through an operator socket like the desk sends them.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { EVENTS } from '../../protocol/index.ts';
import { startMediaStageRig, settle, historyOf, stateOf, waitForShowTime, pixels, outputSettings, SUNG_A, REST, WIDTH, HEIGHT, type StageRig } from './harness.ts';
import type { Rgba } from './png.ts';
import { invert3, project, squareToQuad } from '../../stage/src/outputs/homography.ts';

let rig: StageRig;
let proj: Page;

beforeAll(async () => {
  rig = await startMediaStageRig();
  await rig.seek(1.3);
  proj = await rig.open('proj');
  await waitForShowTime(proj, 1.3);
});

afterAll(async () => {
  await rig?.close();
});

const at = (img: Rgba, x: number, y: number): [number, number, number] => {
  const o = (y * img.width + x) * 4;
  return [img.data[o]!, img.data[o + 1]!, img.data[o + 2]!];
};
const differs = (a: [number, number, number], b: [number, number, number], tol: number) => Math.abs(a[0] - b[0]) > tol || Math.abs(a[1] - b[1]) > tol || Math.abs(a[2] - b[2]) > tol;

/** Every test starts from the projector held at 1.3 s with its profile as the show defines it. */
async function baseline(): Promise<void> {
  await rig.setSettings('proj', outputSettings());
  await rig.seek(1.3);
  await settle(proj, (s) => s.showTime === 1.3 && !s.playing && JSON.stringify(s.settings) === JSON.stringify(outputSettings()));
}

describe('stage page', () => {
  it('loads the show with a progress bar, then renders the singer: the avatar area differs from the empty stage', { timeout: 90_000 }, async () => {
    const s = await stateOf(proj);
    expect(s.assetsTotal).toBe(3); // avatar + two motion files (audio only for stream and preview)
    expect(s.assetsLoaded).toBe(3);
    expect(await proj.$eval('#loading', (el) => getComputedStyle(el).display)).toBe('none');
    expect(await proj.$eval('#loading-fill', (el) => (el as HTMLElement).style.width)).toBe('100%');

    const empty = await rig.open('proj', '&avatar=none');
    try {
      await waitForShowTime(empty, 1.3);
      expect((await stateOf(empty)).avatarRect).toBeNull();
      const withAvatar = await pixels(proj);
      const without = await pixels(empty);
      const r = s.avatarRect!;
      let inside = 0, insideChanged = 0, outside = 0, outsideChanged = 0;
      for (let y = 0; y < HEIGHT; y += 2) {
        for (let x = 0; x < WIDTH; x += 2) {
          const changed = differs(at(withAvatar, x, y), at(without, x, y), 24);
          if (x >= r.x0 && x <= r.x1 && y >= r.y0 && y <= r.y1) {
            inside++;
            if (changed) insideChanged++;
          } else {
            outside++;
            if (changed) outsideChanged++;
          }
        }
      }
      // She covers a good part of her box and nothing changes far from her.
      expect(insideChanged / inside).toBeGreaterThan(0.15);
      expect(outsideChanged / outside).toBeLessThan(0.005);
    } finally {
      await empty.close();
    }
  });

  it('loads a VRM 0.x avatar in the browser too', { timeout: 60_000 }, async () => {
    const page = await rig.open('proj', '&avatar=/assets/avatars/holo-vrm0.vrm');
    try {
      const s = await stateOf(page);
      expect((s as unknown as { avatar: { vrmVersion: string; lipSyncReady: boolean } }).avatar).toMatchObject({ vrmVersion: '0.x', lipSyncReady: true });
      expect(s.avatarRect).not.toBeNull();
    } finally {
      await page.close();
    }
  });

  it('plays a motion file at its cue', { timeout: 60_000 }, async () => {
    await rig.seek(12);
    await settle(proj, (s) => s.showTime === 12);
    expect((await stateOf(proj)).motion).toBe('motions/cheer.vrma');
    await rig.seek(16);
    await settle(proj, (s) => s.showTime === 16);
    expect((await stateOf(proj)).motion).toBe('motions/sidestep.bvh');
  });

  it('moves the mouth with the phonemes: aa high in the sung "a", near 0 in the rest', { timeout: 60_000 }, async () => {
    await baseline();
    const since = Date.now();
    await rig.seek(0.8, true);
    await settle(proj, (s) => s.playing && s.showTime < REST.to);
    await settle(proj, (s) => s.showTime > REST.to + 0.1);
    // Every frame drawn while playing (not the held ones before), with the aa weight it drew.
    const frames = (await historyOf(proj)).filter(([wall, t]) => wall > since + 200 && t <= REST.to + 0.1);
    const sung = frames.filter(([, t]) => t >= SUNG_A.from && t <= SUNG_A.to);
    const rest = frames.filter(([, t]) => t >= REST.from && t <= REST.to);
    expect(sung.length).toBeGreaterThan(0);
    expect(rest.length).toBeGreaterThan(0);
    for (const [, t, aa] of sung) expect(aa, `aa at ${t}`).toBeGreaterThan(0.9);
    for (const [, t, aa] of rest) expect(aa, `aa at ${t}`).toBeLessThan(0.05);
  });

  it('transparent output: every pixel outside the singer is exactly 0,0,0', { timeout: 60_000 }, async () => {
    await baseline();
    const holo = await rig.open('holo');
    try {
      await rig.setSettings('holo', { gain: 1.15, blackLevel: 0.03 });
      await settle(holo, (s) => s.showTime === 1.3 && s.settings.gain === 1.15);
      const s = await stateOf(holo);
      const img = await pixels(holo);
      const r = s.avatarRect!;
      let lit = 0;
      const strays: string[] = [];
      for (let y = 0; y < HEIGHT; y++) {
        for (let x = 0; x < WIDTH; x++) {
          const [R, G, B] = at(img, x, y);
          const inside = x >= r.x0 && x <= r.x1 && y >= r.y0 && y <= r.y1;
          if (inside) {
            if (R + G + B > 0) lit++;
          } else if (R !== 0 || G !== 0 || B !== 0) {
            if (strays.length < 5) strays.push(`${x},${y}=${R},${G},${B}`);
          }
        }
      }
      expect(strays).toEqual([]);
      expect(lit).toBeGreaterThan(2000);
    } finally {
      await holo.close();
    }
  });

  // Straight to the screen the mirror is a flip of the canvas; with a gain or a black level the
  // picture goes through the output pass, which mirrors it. Both must give the exact mirror image.
  for (const [path, extra] of [['flipped canvas', {}], ['output pass', { blackLevel: 0.002 }]] as const) {
  it(`projector: mirror on gives the mirror image of mirror off, horizontally and vertically (${path})`, { timeout: 60_000 }, async () => {
    await baseline();
    await rig.setSettings('proj', { ...extra });
    await settle(proj, (s) => s.settings.blackLevel === ((extra as { blackLevel?: number }).blackLevel ?? 0));
    const off = await pixels(proj);
    for (const axis of ['horizontal', 'vertical'] as const) {
      await rig.setSettings('proj', { ...extra, mirror: { horizontal: axis === 'horizontal', vertical: axis === 'vertical' } });
      await settle(proj, (s) => s.settings.mirror[axis]);
      const on = await pixels(proj);
      let bad = 0;
      let nonBlack = 0;
      for (let y = 0; y < HEIGHT; y++) {
        for (let x = 0; x < WIDTH; x++) {
          const src = axis === 'horizontal' ? at(off, WIDTH - 1 - x, y) : at(off, x, HEIGHT - 1 - y);
          const got = at(on, x, y);
          if (differs(src, got, 2)) bad++;
          if (got[0] + got[1] + got[2] > 0) nonBlack++;
        }
      }
      expect(nonBlack).toBeGreaterThan(WIDTH * HEIGHT * 0.5);
      expect(bad / (WIDTH * HEIGHT), `${axis}: pixels that are not the mirror image`).toBeLessThan(0.001);
    }
    await rig.setSettings('proj', { mirror: { horizontal: false, vertical: false } });
    await settle(proj, (s) => !s.settings.mirror.horizontal && !s.settings.mirror.vertical);
  });
  }

  it('projector: a keystone moves the picture corners where asked', { timeout: 60_000 }, async () => {
    await baseline();
    const keystone = { topLeft: { x: 0.2, y: 0.1 }, topRight: { x: 0.9, y: 0.05 }, bottomRight: { x: 0.95, y: 0.9 }, bottomLeft: { x: 0.05, y: 0.95 } };
    await rig.setSettings('proj', { keystone });
    await settle(proj, (s) => s.settings.keystone.topLeft.x === 0.2);
    const img = await pixels(proj);
    const centre = { x: 0.525 * WIDTH, y: 0.5 * HEIGHT };
    for (const c of Object.values(keystone)) {
      const px = { x: c.x * WIDTH, y: c.y * HEIGHT };
      const d = { x: centre.x - px.x, y: centre.y - px.y };
      const len = Math.hypot(d.x, d.y);
      const inside = at(img, Math.round(px.x + (d.x / len) * 6), Math.round(px.y + (d.y / len) * 6));
      const outside = at(img, Math.round(px.x - (d.x / len) * 6), Math.round(px.y - (d.y / len) * 6));
      expect(inside[0] + inside[1] + inside[2], `just inside corner ${c.x},${c.y}`).toBeGreaterThan(0);
      expect(outside, `just outside corner ${c.x},${c.y}`).toEqual([0, 0, 0]);
    }
    // The old corners are now outside the picture.
    expect(at(img, 2, 2)).toEqual([0, 0, 0]);
    expect(at(img, WIDTH - 3, HEIGHT - 3)).toEqual([0, 0, 0]);
    await rig.setSettings('proj', { keystone: outputSettings().keystone });
    await settle(proj, (s) => s.settings.keystone.topLeft.x === 0);
  });

  it('projector: keystone and mirror together show the mirrored picture on the corners', { timeout: 60_000 }, async () => {
    await baseline();
    const plain = await pixels(proj);
    const keystone = { topLeft: { x: 0.1, y: 0.05 }, topRight: { x: 0.97, y: 0.12 }, bottomRight: { x: 0.9, y: 0.97 }, bottomLeft: { x: 0.02, y: 0.88 } };
    const inv = invert3(squareToQuad(keystone));
    for (const mirror of [{ horizontal: true, vertical: false }, { horizontal: false, vertical: true }]) {
      await rig.setSettings('proj', { keystone, mirror });
      await settle(proj, (s) => s.settings.keystone.topLeft.x === 0.1 && s.settings.mirror.horizontal === mirror.horizontal);
      const img = await pixels(proj);
      // Each output pixel shows the plain picture at mirror(H⁻¹(p)). The scene is drawn onto the
      // corners directly (not resampled), so compare away from the picture's edges, and allow
      // for the few pixels where a sharp detail (an outline, the ring) lands one pixel off.
      let compared = 0, close = 0, outsideBlack = 0, outside = 0;
      for (let y = 2; y < HEIGHT; y += 7) {
        for (let x = 2; x < WIDTH; x += 7) {
          let [u, v] = project(inv, (x + 0.5) / WIDTH, (y + 0.5) / HEIGHT);
          const got = at(img, x, y);
          if (u < -0.01 || u > 1.01 || v < -0.01 || v > 1.01) {
            outside++;
            if (got[0] + got[1] + got[2] === 0) outsideBlack++;
            continue;
          }
          if (u < 0.02 || u > 0.98 || v < 0.02 || v > 0.98) continue;
          if (mirror.horizontal) u = 1 - u;
          if (mirror.vertical) v = 1 - v;
          const want = at(plain, Math.min(WIDTH - 1, Math.floor(u * WIDTH)), Math.min(HEIGHT - 1, Math.floor(v * HEIGHT)));
          compared++;
          if (!differs(want, got, 20)) close++;
        }
      }
      expect(compared).toBeGreaterThan(2000);
      expect(close / compared, `${JSON.stringify(mirror)}: share of pixels matching the mirrored picture`).toBeGreaterThan(0.97);
      expect(outside).toBeGreaterThan(50);
      expect(outsideBlack).toBe(outside);
    }
    await rig.setSettings('proj', { keystone: outputSettings().keystone, mirror: { horizontal: false, vertical: false } });
    await settle(proj, (s) => s.settings.keystone.topLeft.x === 0 && !s.settings.mirror.horizontal && !s.settings.mirror.vertical);
  });

  it('lite toon shaders draw the singer as three-vrm\'s MToon does', { timeout: 60_000 }, async () => {
    await baseline();
    const mtoon = await rig.open('proj', '&toon=mtoon');
    try {
      await waitForShowTime(mtoon, 1.3);
      const lite = (await stateOf(proj)) as unknown as { toon: { replaced: number; kept: unknown[] } };
      expect(lite.toon.replaced).toBeGreaterThan(10);
      expect(lite.toon.kept).toEqual([]);
      expect(((await stateOf(mtoon)) as unknown as { toon: unknown }).toon).toBeNull();
      const a = await pixels(proj);
      const b = await pixels(mtoon);
      let off = 0, far = 0;
      for (let y = 0; y < HEIGHT; y++) {
        for (let x = 0; x < WIDTH; x++) {
          if (differs(at(a, x, y), at(b, x, y), 8)) off++;
          if (differs(at(a, x, y), at(b, x, y), 40)) far++;
        }
      }
      // N·L and the rim are interpolated from the vertices rather than per pixel: a few pixels on
      // the toon terminator and the silhouette move by a level or a pixel.
      expect(off / (WIDTH * HEIGHT)).toBeLessThan(0.01);
      expect(far / (WIDTH * HEIGHT)).toBeLessThan(0.001);
    } finally {
      await mtoon.close();
    }
  });

  it('latency offset renders ahead by the given milliseconds', { timeout: 60_000 }, async () => {
    await baseline();
    await rig.setSettings('proj', { latencyMs: 250 });
    await settle(proj, (s) => s.settings.latencyMs === 250);
    expect((await stateOf(proj)).showTime).toBeCloseTo(1.55, 9);
    await rig.setSettings('proj', { latencyMs: 0 });
    await settle(proj, (s) => s.settings.latencyMs === 0);
  });

  it('reports fps, dropped frames, clock offset and assets to the server', async () => {
    const outputs = await new Promise<{ id: string; health: Record<string, number> | null }[]>((resolve) => {
      const onOutputs = (list: { id: string; health: Record<string, number> | null }[]) => {
        const p = list.find((o) => o.id === 'proj');
        if (p?.health && p.health.assetsLoaded === 3) {
          rig.operator.off(EVENTS.outputs, onOutputs);
          resolve(list);
        }
      };
      rig.operator.on(EVENTS.outputs, onOutputs);
    });
    const health = outputs.find((o) => o.id === 'proj')!.health!;
    expect(health.assetsTotal).toBe(3);
    expect(health.fps).toBeGreaterThan(0);
    // Dropped frames are counted, not just reported: a one-second stall of the page's main thread
    // must show up in the next reports as many frames lost at once.
    const before = health.droppedFrames!;
    await proj.evaluate(() => {
      const end = performance.now() + 1000;
      while (performance.now() < end) { /* a frame that takes a second */ }
    });
    const after = await new Promise<number>((resolve) => {
      const onOutputs = (list: { id: string; health: Record<string, number> | null }[]) => {
        const dropped = list.find((o) => o.id === 'proj')?.health?.droppedFrames ?? 0;
        if (dropped >= before + 5) {
          rig.operator.off(EVENTS.outputs, onOutputs);
          resolve(dropped);
        }
      };
      rig.operator.on(EVENTS.outputs, onOutputs);
    });
    expect(after).toBeGreaterThanOrEqual(before + 5);
    expect((await stateOf(proj)).droppedFrames).toBeGreaterThanOrEqual(after);
    // The offset it reports is the server clock minus the page's wall clock: measure that here.
    const s0 = rig.server.clock();
    const pageNow = await proj.evaluate(() => performance.timeOrigin + performance.now());
    const s1 = rig.server.clock();
    const truth = (s0 + s1) / 2 - pageNow;
    const reported = (await stateOf(proj) as unknown as { clockOffsetMs: number }).clockOffsetMs;
    expect(Math.abs(reported - truth)).toBeLessThan(Math.max(10, (s1 - s0) / 2 + 5));
    expect(Math.abs(health.clockOffsetMs! - truth)).toBeLessThan(Math.max(10, (s1 - s0) / 2 + 5));
  });
});
