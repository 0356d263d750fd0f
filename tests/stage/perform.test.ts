// The stage's pure per-frame evaluator, in Node: mouth shapes at the timeline's times, the dance on
// the tempo map's beat, motion cues blended (procedural, VRMA and BVH), camera cues, the lighting
// -> virtual light mapping, keystone maths and the audio re-alignment decisions.

import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import type { CameraEvent, DmxEvent, LightingEvent, Timeline } from '../../show-files/src/timeline.ts';
import { mouthAt, lyricVowel, visemeOf, ATTACK, RELEASE } from '../../stage/src/perform/mouth.ts';
import { Performer, createFrame } from '../../stage/src/perform/performer.ts';
import { LipSync } from '../../vocal/lipsync.ts';
import { LightsPlayer, applyLightingEvent, initialLights } from '../../stage/src/perform/lights.ts';
import { rgbToHsv } from '../../stage/src/perform/dmx-lights.ts';
import { cameraAt, SHOTS } from '../../stage/src/perform/camera.ts';
import { blinkAt } from '../../stage/src/perform/face.ts';
import { Pose } from '../../stage/src/perform/pose.ts';
import { squareToQuad, invert3, project, keystoneProblem, IDENTITY_KEYSTONE, mirroredKeystone, keystoneClipMatrix, outsideKeystone, isIdentityKeystone } from '../../stage/src/outputs/homography.ts';
import { srgbEncode } from '../../stage/src/render/fast-srgb.ts';
import { audioAction } from '../../stage/src/audio/align.ts';
import { clipFromBvh, clipFromVrmAnimation, parseVrma, bvhBoneName } from '../../stage/src/render/clips.ts';
import { stageTimeline, SUNG_A, REST } from './harness.ts';

const vocal = stageTimeline().songs[0]!.tracks.vocal;
const zero = () => ({ aa: 0, ih: 0, ou: 0, ee: 0, oh: 0 });

describe('lip-sync', () => {
  it('opens "aa" fully during a sung a and closes in the rest, at the timeline times', () => {
    for (let t = SUNG_A.from; t <= SUNG_A.to; t += 0.02) expect(mouthAt(vocal, t, zero()).aa).toBe(1);
    for (let t = REST.from; t <= REST.to; t += 0.02) expect(mouthAt(vocal, t, zero())).toEqual(zero());
    // "mi": the lips close on m, then ih.
    expect(mouthAt(vocal, 4.0, zero()).ih).toBe(1);
    expect(mouthAt(vocal, 4.0, zero()).aa).toBe(0);
  });

  it('ramps in before a phoneme and out after it instead of snapping', () => {
    const before = mouthAt(vocal, 5.0 - ATTACK / 2, zero()).aa;
    expect(before).toBeGreaterThan(0.4);
    expect(before).toBeLessThan(0.6);
    const after = mouthAt(vocal, 5.8 + RELEASE / 2, zero()).aa;
    expect(after).toBeGreaterThan(0.4);
    expect(after).toBeLessThan(0.6);
    expect(mouthAt(vocal, 5.8 + RELEASE + 0.01, zero()).aa).toBe(0);
  });

  it('maps phoneme symbols (romaji, ARPAbet) and lyric vowels (kana, romaji) to visemes', () => {
    expect(visemeOf('AA1')).toEqual({ aa: 1 });
    expect(visemeOf('iy')).toEqual({ ih: 1 });
    expect(visemeOf('UW')).toEqual({ ou: 1 });
    expect(visemeOf('e')).toEqual({ ee: 1 });
    expect(visemeOf('OW0')).toEqual({ oh: 1 });
    expect(visemeOf('m')).toEqual({});
    expect(lyricVowel('か')).toBe('aa');
    expect(lyricVowel('きゅ')).toBe('ou');
    expect(lyricVowel('so')).toBe('oh');
    expect(lyricVowel('ん')).toBeNull();
  });

  it('falls back to the lyric vowels of the notes when a track has no phonemes', () => {
    const notesOnly = { ...vocal, phonemes: [] };
    expect(mouthAt(notesOnly, 1.3, zero()).aa).toBe(1);
    expect(mouthAt(notesOnly, 4.0, zero()).ih).toBe(1);
    expect(mouthAt(notesOnly, 3.0, zero())).toEqual(zero());
  });
});

function songTimeline(bpm: number, motion: Timeline['songs'][number]['tracks']['motion'] = []): Timeline {
  const tl = stageTimeline({ motion });
  tl.songs[0]!.tempo = [{ tick: 0, bpm }];
  return tl;
}

describe('performer', () => {
  it('drives the mouth with the vocal engine\'s LipSync: aa up in the sung "a", down in the rest', () => {
    const tl = stageTimeline();
    const p = new Performer(tl);
    const f = createFrame();
    const lips = new LipSync(tl.songs[0]!.tracks.vocal.phonemes);
    const ref = zero();
    for (let t = 0.5; t < 6.5; t += 0.01) {
      p.evaluate(t, f);
      lips.weightsAt(t, ref);
      expect(f.mouth).toEqual(ref);
    }
    for (let t = SUNG_A.from; t <= SUNG_A.to; t += 0.02) expect(p.evaluate(t, f).mouth.aa).toBeGreaterThan(0.9);
    for (let t = REST.from; t <= REST.to; t += 0.02) expect(p.evaluate(t, f).mouth.aa).toBeLessThan(0.05);
  });


  it('dances on the beat of the tempo map: lowest on every beat, whatever the tempo', () => {
    for (const bpm of [90, 150]) {
      const p = new Performer(songTimeline(bpm));
      const f = createFrame();
      const beat = 60 / bpm;
      // Mid-song, the hips dip lowest exactly on the beats and rise between them.
      const on = p.evaluate(10 * beat, f).pose.hips[1]!;
      const between = p.evaluate(10.5 * beat, f).pose.hips[1]!;
      const nextOn = p.evaluate(11 * beat, f).pose.hips[1]!;
      expect(on).toBeCloseTo(-0.03, 6);
      expect(nextOn).toBeCloseTo(-0.03, 6);
      expect(between).toBeCloseTo(0, 6);
      expect(f.beat).toBeCloseTo(11, 9);
    }
  });

  it('idles outside songs and fades into the dance at a song start', () => {
    const p = new Performer(songTimeline(120));
    const f = createFrame();
    expect(p.evaluate(-5, f).motion).toBe('idle');
    expect(f.entry).toBe(-1);
    expect(p.evaluate(0.5, f).motion).toBe('dance');
    // Partway into the fade the bounce is smaller than at full strength.
    const early = Math.abs(p.evaluate(0.5, f).pose.hips[1]!);
    const full = Math.abs(p.evaluate(10.0, f).pose.hips[1]!);
    expect(early).toBeLessThan(full);
  });

  it('blends a motion cue in over its blend time and hands over to the next one', () => {
    const tl = songTimeline(120, [
      { time: 10, end: 14, clip: 'wave', blend: 1, cue: 0 },
      { time: 14, end: 20, clip: 'bow', blend: 1, cue: 1 },
    ]);
    const p = new Performer(tl);
    const f = createFrame();
    const armZ = (t: number) => {
      p.evaluate(t, f);
      return f.pose.quat('rightUpperArm')[2];
    };
    const before = armZ(9.9); // dance
    const half = armZ(10.5);
    const full = armZ(11.5); // wave
    expect(Math.abs(full - before)).toBeGreaterThan(0.3);
    // Half way through the blend, the arm is between the two poses.
    expect((half - before) * (full - half)).toBeGreaterThan(0);
    expect(p.evaluate(11.5, f).motion).toBe('wave');
    expect(f.happy).toBeGreaterThan(0.5);
    expect(p.evaluate(16, f).motion).toBe('bow');
    // At the hand-over the wave is still there underneath the bow's fade-in: no snap.
    const justBefore = armZ(13.999);
    const justAfter = armZ(14.001);
    expect(Math.abs(justAfter - justBefore)).toBeLessThan(0.01);
  });

  it('plays VRMA and BVH clips at their cues through ClipSources', async () => {
    const bytes = readFileSync('assets/avatars/motions/cheer.vrma');
    const anim = await parseVrma(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    const cheer = clipFromVrmAnimation(anim, 0.86);
    // Leg length (hips to ankle) of the rig the BVH was made for: 0.775 m, so no scaling.
    const sidestep = clipFromBvh(readFileSync('assets/avatars/motions/sidestep.bvh', 'utf8'), 0.775);
    expect(cheer.duration).toBeCloseTo(2, 5);
    expect(sidestep.duration).toBeGreaterThan(1.9);
    const pose = new Pose();
    cheer.sample(0.5, pose);
    // cheer at 0.5 s: left upper arm raised by exactly 1.0 rad about Z.
    const q = pose.quat('leftUpperArm');
    expect(2 * Math.atan2(q[2], q[3])).toBeCloseTo(1.0, 4);
    sidestep.sample(0.5, pose.reset());
    // BVH at 0.5 s: the hips have stepped 15 cm to the side.
    expect(pose.hips[0]).toBeCloseTo(0.15, 3);

    const tl = songTimeline(120, [
      { time: 10, end: 14, clip: 'motions/cheer.vrma', blend: 0.5, cue: 0 },
      { time: 14, end: 18, clip: 'motions/sidestep.bvh', blend: 0.5, cue: 1 },
    ]);
    const p = new Performer(tl);
    p.clips.set('motions/cheer.vrma', cheer);
    p.clips.set('motions/sidestep.bvh', sidestep);
    const f = createFrame();
    p.evaluate(12.5, f);
    expect(f.motion).toBe('motions/cheer.vrma');
    const arm = f.pose.quat('leftUpperArm');
    expect(2 * Math.atan2(arm[2], arm[3])).toBeCloseTo(1.0, 3); // cheer local time 2.5 s -> 0.5 s into the loop
    p.evaluate(16.5, f);
    expect(f.motion).toBe('motions/sidestep.bvh');
    expect(f.pose.hips[0]).toBeCloseTo(0.15, 2);
    // A clip that did not load leaves the base layer in charge.
    const q2 = new Performer(tl);
    expect(q2.evaluate(12.5, createFrame()).motion).toBe('dance');
  });

  it('maps common BVH joint names to humanoid bones', () => {
    expect(bvhBoneName('mixamorig:LeftForeArm', false)).toBe('leftLowerArm');
    expect(bvhBoneName('RightUpLeg', false)).toBe('rightUpperLeg');
    expect(bvhBoneName('Spine', true)).toBe('chest');
    expect(bvhBoneName('LowerBack', true)).toBe('spine');
    expect(bvhBoneName('Tail', false)).toBeNull();
  });

  it('blinks at fixed irregular times, the same on every output', () => {
    let blinks = 0;
    let prev = 0;
    for (let t = 0; t < 60; t += 1 / 60) {
      const b = blinkAt(t);
      expect(b).toBeGreaterThanOrEqual(0);
      expect(b).toBeLessThanOrEqual(1);
      if (b > 0.5 && prev <= 0.5) blinks++;
      prev = b;
    }
    expect(blinks).toBeGreaterThanOrEqual(12);
    expect(blinks).toBeLessThanOrEqual(16);
    expect(blinkAt(17.3)).toBe(blinkAt(17.3));
  });
});

describe('camera cues', () => {
  const events: CameraEvent[] = [
    { time: 0, end: 10, shot: 'wide', move: 0, cue: 0 },
    { time: 10, end: 20, shot: 'closeup', move: 2, cue: 1 },
    { time: 20, end: 30, shot: 'custom', position: [1, 2, 3], target: [0, 1, 0], fov: 50, move: 0, cue: 2 },
  ];
  const cam = () => ({ position: [0, 0, 0] as [number, number, number], target: [0, 0, 0] as [number, number, number], fov: 0 });

  it('cuts to a shot, eases over a move, and takes custom values', () => {
    expect(cameraAt(events, 5, cam())).toEqual(SHOTS.wide);
    const mid = cameraAt(events, 11, cam());
    expect(mid.position[2]).toBeCloseTo((SHOTS.wide!.position[2] + SHOTS.closeup!.position[2]) / 2, 6);
    expect(cameraAt(events, 12.5, cam())).toEqual(SHOTS.closeup);
    expect(cameraAt(events, 25, cam())).toEqual({ position: [1, 2, 3], target: [0, 1, 0], fov: 50 });
  });
});

describe('lighting -> virtual lights', () => {
  const ev = (time: number, bytes: number[]): LightingEvent => ({ time, kind: 'noteOn', channel: 1, bytes, label: '', cue: 0 });

  it('follows the MIDI mapping: note velocity, CC colour and dimmer, program presets, MSC all-off', () => {
    const s = initialLights();
    applyLightingEvent(s, [0x90, 10, 127]); // note 10 -> fixture 2
    expect(s.fixtures[2]!.intensity).toBe(1);
    applyLightingEvent(s, [0x91, 3, 64]);
    expect(s.fixtures[3]!.intensity).toBeCloseTo(64 / 127, 9);
    applyLightingEvent(s, [0x80, 10, 0]);
    expect(s.fixtures[2]!.intensity).toBe(0);
    applyLightingEvent(s, [0xc0, 6]); // blue preset
    expect(s.fixtures.every((f) => f.hue === 0.66 && f.saturation === 1)).toBe(true);
    applyLightingEvent(s, [0xb0, 21, 127]); // CC 21 -> hue of fixture 1
    expect(s.fixtures[1]!.hue).toBe(1);
    applyLightingEvent(s, [0xb0, 7, 0]); // master dimmer
    expect(s.master).toBe(0);
    applyLightingEvent(s, [0xf0, 0x7f, 1, 0x02, 0x01, 0x08, 0xf7]); // MSC ALL_OFF
    expect(s.fixtures.every((f) => f.intensity === 0)).toBe(true);
    applyLightingEvent(s, [0xf0, 0x7f, 1, 0x02, 0x01, 0x01, 0x31, 0x32, 0x00, 0x31, 0xf7]); // MSC GO cue 12 list 1
    expect(s.fixtures.map((f) => f.intensity)).toEqual([1, 0.55, 1, 0.55, 1, 0.55, 1, 0.55]);
    applyLightingEvent(s, [0xf0, 0x7f, 1, 0x02, 0x01, 0x01, 0x33, 0xf7]); // GO cue 3: the pattern shifts
    expect(s.fixtures.map((f) => f.intensity)).toEqual([0.55, 1, 0.55, 1, 0.55, 1, 0.55, 1]);
  });

  it('replays to any show time, forward cheaply and backward exactly', () => {
    const player = new LightsPlayer();
    player.setTrack([ev(1, [0x90, 0, 127]), ev(2, [0x90, 0, 0]), ev(3, [0x90, 1, 100])]);
    expect(player.at(0.5).fixtures[0]!.intensity).toBe(0);
    expect(player.at(1.5).fixtures[0]!.intensity).toBe(1);
    expect(player.at(3.5).fixtures[1]!.intensity).toBeCloseTo(100 / 127, 9);
    expect(player.at(3.5).fixtures[0]!.intensity).toBe(0);
    expect(player.at(1.5).fixtures[1]!.intensity).toBe(0); // seek back
    expect(player.at(1.5).fixtures[0]!.intensity).toBe(1);
  });
});

describe('DMX cues -> virtual lights (stage patch: universe 1, fixture k at 4k+1 dimmer, red, green, blue)', () => {
  const ev = (time: number, bytes: number[]): LightingEvent => ({ time, kind: 'noteOn', channel: 1, bytes, label: '', cue: 0 });
  const dmx = (time: number, channels: Record<number, number | [number, number]>, fade = 0, universe = 1): DmxEvent => ({
    time,
    universe,
    channels: Object.entries(channels).map(([c, v]) => ({ channel: Number(c), from: Array.isArray(v) ? v[0] : null, to: Array.isArray(v) ? v[1] : v })),
    fade,
    label: '',
    cue: 0,
  });

  it('sets a fixture\'s intensity, hue and saturation from its channels, with fades, over what MIDI set', () => {
    const player = new LightsPlayer();
    // MIDI: fixtures 0 and 1 full on, blue preset; DMX: fixture 1 a red wash fading in, fixture 2 the dimmer only.
    player.setTrack([ev(0, [0x90, 0, 127]), ev(0, [0x90, 1, 127]), ev(0, [0xc0, 6])], [dmx(1, { 6: 255 }), dmx(1, { 5: [0, 255] }, 2), dmx(2, { 9: 128 })]);
    const before = player.at(0.5);
    expect(before.fixtures[1]).toEqual({ intensity: 1, hue: 0.66, saturation: 1 });
    const mid = player.at(2);
    // Half way through the 2 s fade of the dimmer: 128/255 of full, red (hue 0), saturated.
    expect(mid.fixtures[1]!.intensity).toBeCloseTo(128 / 255, 6);
    expect(mid.fixtures[1]!.hue).toBe(0);
    expect(mid.fixtures[1]!.saturation).toBe(1);
    // Fixture 0 has no DMX: MIDI's full blue stays.
    expect(mid.fixtures[0]).toEqual({ intensity: 1, hue: 0.66, saturation: 1 });
    // Fixture 2: dimmer only, so its colour stays MIDI's (blue) at half level.
    expect(mid.fixtures[2]).toEqual({ intensity: 128 / 255, hue: 0.66, saturation: 1 });
    expect(player.at(4).fixtures[1]!.intensity).toBe(1);
    // Back before the DMX cues: MIDI's look again, exactly.
    expect(player.at(0.5).fixtures[1]).toEqual({ intensity: 1, hue: 0.66, saturation: 1 });
  });

  it('mixes colour from red, green and blue, and ignores other universes and channels past the rig', () => {
    const player = new LightsPlayer();
    player.setTrack([], [dmx(0, { 29: 255, 30: 0, 31: 255, 32: 255 }), dmx(0, { 1: 255 }, 0, 2), dmx(0, { 33: 255 })]);
    const s = player.at(1);
    // Fixture 7 (channels 29-32): cyan (green + blue), full.
    expect(s.fixtures[7]!.hue).toBeCloseTo(0.5, 9);
    expect(s.fixtures[7]!.saturation).toBe(1);
    expect(s.fixtures[7]!.intensity).toBe(1);
    // Universe 2 and channel 33 light nothing.
    expect(s.fixtures.slice(0, 7).every((f) => f.intensity === 0)).toBe(true);
    expect(rgbToHsv(255, 128, 0).h).toBeCloseTo(128 / 255 / 6, 6);
  });
});

describe('keystone homography', () => {
  it('sends the picture corners where asked and inverts exactly', () => {
    const k = { topLeft: { x: 0.1, y: 0.05 }, topRight: { x: 0.95, y: 0.0 }, bottomRight: { x: 0.85, y: 0.9 }, bottomLeft: { x: 0.0, y: 1.0 } };
    const h = squareToQuad(k);
    const corners: [number, number, { x: number; y: number }][] = [[0, 0, k.topLeft], [1, 0, k.topRight], [1, 1, k.bottomRight], [0, 1, k.bottomLeft]];
    for (const [u, v, c] of corners) {
      const [x, y] = project(h, u, v);
      expect(x).toBeCloseTo(c.x, 12);
      expect(y).toBeCloseTo(c.y, 12);
    }
    const inv = invert3(h);
    const [x, y] = project(h, 0.3, 0.7);
    const [u, v] = project(inv, x, y);
    expect(u).toBeCloseTo(0.3, 12);
    expect(v).toBeCloseTo(0.7, 12);
    expect(squareToQuad(IDENTITY_KEYSTONE)).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1]);
  });

  it('refuses corners that fold the picture over', () => {
    expect(keystoneProblem(IDENTITY_KEYSTONE)).toBeNull();
    const crossed = { ...IDENTITY_KEYSTONE, topRight: { x: 1, y: 1 }, bottomRight: { x: 1, y: 0 } }; // a bow tie
    expect(keystoneProblem(crossed)).toMatch(/convex/);
  });

  // The stage draws a keystone by putting it in front of the camera's projection (no second pass)
  // and mirrors by flipping the finished picture. Both must give what the output shader used to
  // compute for each output pixel p: the picture at mirror(H⁻¹(p)).
  const k = { topLeft: { x: 0.2, y: 0.1 }, topRight: { x: 0.9, y: 0.05 }, bottomRight: { x: 0.95, y: 0.9 }, bottomLeft: { x: 0.05, y: 0.95 } };
  const toNdc = (x: number, y: number): [number, number] => [2 * x - 1, 1 - 2 * y];
  const clip = (m: number[], v: [number, number, number, number]) => [0, 1, 2, 3].map((r) => m[r * 4]! * v[0] + m[r * 4 + 1]! * v[1] + m[r * 4 + 2]! * v[2] + m[r * 4 + 3]! * v[3]);

  it('as a clip-space matrix, sends every picture point where the homography does and keeps depth in order', () => {
    const m = keystoneClipMatrix(k);
    const h = squareToQuad(k);
    for (const [u, v] of [[0, 0], [1, 0], [1, 1], [0, 1], [0.3, 0.7], [0.81, 0.22]] as [number, number][]) {
      const [x, y] = toNdc(u, v);
      // Any clip-space point on that pixel's ray: (x·w, y·w, z, w).
      for (const [z, w] of [[0.5, 2], [-3, 4], [7.9, 8]] as [number, number][]) {
        const [cx, cy, cz, cw] = clip(m, [x * w, y * w, z, w]) as [number, number, number, number];
        const want = toNdc(...project(h, u, v));
        expect(cx / cw).toBeCloseTo(want[0], 9);
        expect(cy / cw).toBeCloseTo(want[1], 9);
        expect(cw).toBeGreaterThan(0);
        expect(Math.abs(cz / cw)).toBeLessThanOrEqual(Math.abs(z / w) + 1e-12);
      }
      // Depth order along the ray is kept.
      const d = (z: number) => { const c = clip(m, [x, y, z, 1]); return c[2]! / c[3]!; };
      expect(d(-0.5)).toBeLessThan(d(0.2));
      expect(d(0.2)).toBeLessThan(d(0.9));
    }
    expect(isIdentityKeystone(IDENTITY_KEYSTONE)).toBe(true);
    expect(isIdentityKeystone(k)).toBe(false);
  });

  it('mirrored: drawing with the mirrored corners and flipping the picture gives picture(mirror(H⁻¹(p)))', () => {
    for (const mirror of [{ horizontal: true, vertical: false }, { horizontal: false, vertical: true }, { horizontal: true, vertical: true }]) {
      const flip = (p: [number, number]): [number, number] => [mirror.horizontal ? 1 - p[0] : p[0], mirror.vertical ? 1 - p[1] : p[1]];
      const before = invert3(squareToQuad(k));
      const k2 = mirroredKeystone(k, mirror);
      expect(keystoneProblem(k2)).toBeNull();
      const after = invert3(squareToQuad(k2));
      for (const p of [[0.5, 0.5], [0.3, 0.2], [0.8, 0.7], [0.25, 0.85]] as [number, number][]) {
        const want = flip(project(before, p[0], p[1]));
        const got = project(after, ...flip(p));
        expect(got[0]).toBeCloseTo(want[0], 9);
        expect(got[1]).toBeCloseTo(want[1], 9);
      }
    }
    expect(mirroredKeystone(IDENTITY_KEYSTONE, { horizontal: true, vertical: true })).toEqual(IDENTITY_KEYSTONE);
  });

  it('the black mask covers exactly what lies outside the corners', () => {
    const tris = outsideKeystone(k);
    const inside = (px: number, py: number) => {
      for (let t = 0; t < tris.length; t += 6) {
        const [ax, ay, bx, by, cx, cy] = tris.subarray(t, t + 6) as unknown as number[];
        const s1 = (bx! - ax!) * (py - ay!) - (by! - ay!) * (px - ax!);
        const s2 = (cx! - bx!) * (py - by!) - (cy! - by!) * (px - bx!);
        const s3 = (ax! - cx!) * (py - cy!) - (ay! - cy!) * (px - cx!);
        if ((s1 >= 0 && s2 >= 0 && s3 >= 0) || (s1 <= 0 && s2 <= 0 && s3 <= 0)) return true;
      }
      return false;
    };
    const inv = invert3(squareToQuad(k));
    for (let i = 0; i <= 40; i++) {
      for (let j = 0; j <= 40; j++) {
        const [x, y] = [i / 40, j / 40];
        const [u, v] = project(inv, x, y);
        const inPicture = u > 0.001 && u < 0.999 && v > 0.001 && v < 0.999;
        const outPicture = u < -0.001 || u > 1.001 || v < -0.001 || v > 1.001;
        if (inPicture) expect(inside(...toNdc(x, y)), `${x},${y} is in the picture`).toBe(false);
        if (outPicture) expect(inside(...toNdc(x, y)), `${x},${y} is outside`).toBe(true);
      }
    }
  });
});

describe('sRGB encode used by the stage shaders', () => {
  it('is within one 8-bit level of the exact curve, exact at 0 and 1', () => {
    const exact = (c: number) => (c <= 0.0031308 ? 12.92 * c : 1.055 * Math.pow(c, 1 / 2.4) - 0.055);
    let off = 0;
    let worst = 0;
    const n = 200_000;
    for (let i = 0; i <= n; i++) {
      const c = i / n;
      const d = Math.abs(Math.round(255 * srgbEncode(c)) - Math.round(255 * exact(c)));
      worst = Math.max(worst, d);
      if (d) off++;
    }
    expect(worst).toBeLessThanOrEqual(1);
    expect(off / n).toBeLessThan(0.02);
    expect(srgbEncode(0)).toBe(0);
    expect(Math.round(255 * srgbEncode(1))).toBe(255);
  });
});

describe('audio held to the show clock', () => {
  it('starts, keeps, nudges the speed for small drift, restarts on a jump, and stops', () => {
    expect(audioAction({ song: 0, offset: 3 }, { song: -1, offset: 0 })).toEqual({ kind: 'start', song: 0, offset: 3 });
    expect(audioAction({ song: 0, offset: 3 }, { song: 0, offset: 3.002 })).toEqual({ kind: 'none' });
    // 20 ms ahead: play 0.8 % slower until it is back.
    const ahead = audioAction({ song: 0, offset: 3 }, { song: 0, offset: 3.02 });
    expect(ahead.kind).toBe('rate');
    expect((ahead as { rate: number }).rate).toBeCloseTo(0.992, 9);
    const behind = audioAction({ song: 0, offset: 3 }, { song: 0, offset: 2.95 });
    expect((behind as { rate: number }).rate).toBeCloseTo(1.02, 9);
    // Back within a few ms: normal speed again.
    expect(audioAction({ song: 0, offset: 3 }, { song: 0, offset: 3.001 }, 0.992)).toEqual({ kind: 'rate', rate: 1 });
    expect(audioAction({ song: 0, offset: 3 }, { song: 0, offset: 3.2 })).toEqual({ kind: 'start', song: 0, offset: 3 });
    expect(audioAction({ song: 1, offset: 0.2 }, { song: 0, offset: 60 })).toEqual({ kind: 'start', song: 1, offset: 0.2 });
    expect(audioAction({ song: -1, offset: 0 }, { song: 0, offset: 3 })).toEqual({ kind: 'stop' });
    expect(audioAction({ song: -1, offset: 0 }, { song: -1, offset: 0 })).toEqual({ kind: 'none' });
  });
});
