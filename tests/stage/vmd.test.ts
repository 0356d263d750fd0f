// MMD motion import: a VMD written by the project's own encoder from a known motion, read back and
// played on the default singer (the real VRM in Node, three-vrm), and broken files refused clearly.

import { describe, expect, it, beforeAll } from 'vitest';
import * as THREE from 'three';
import type { VRM } from '@pixiv/three-vrm';
import { loadVrmFile } from '../../stage/src/avatar/load-node.ts';
import { BUILTIN_MOTIONS } from '../../stage/src/perform/motions.ts';
import { Pose, POSE_BONES, BONE_INDEX, type PoseBone } from '../../stage/src/perform/pose.ts';
import { createFrame, Performer } from '../../stage/src/perform/performer.ts';
import { VrmDriver } from '../../stage/src/render/vrm-driver.ts';
import { encodeVmd, parseVmd, VmdError, VMD_FPS } from '../../show-files/src/motion/vmd.ts';
import { decodeShiftJis, encodeShiftJis } from '../../show-files/src/motion/sjis.ts';
import { MMD_BONES, VmdClip, type FaceWeights } from '../../stage/src/motion/vmd-retarget.ts';
import { posesToVmd } from '../../stage/src/motion/vmd-write.ts';
import { angleBetween } from '../../stage/src/motion/quat.ts';
import { stageTimeline } from './harness.ts';

let vrm: VRM;
let driver: VrmDriver;

beforeAll(async () => {
  vrm = await loadVrmFile('assets/avatars/holo.vrm');
  driver = new VrmDriver(vrm);
});

const FRAMES = 60;
/** The known motion: two seconds of the built-in dance at 120 BPM (bounce, sway, arms, hands). */
function danceFrames(): Pose[] {
  return Array.from({ length: FRAMES }, (_, f) => {
    const p = new Pose();
    BUILTIN_MOTIONS.dance!({ t: f / VMD_FPS, beat: (f / VMD_FPS) * 2, local: f / VMD_FPS }, p);
    return p;
  });
}
const quat = (p: Pose, bone: PoseBone) => p.quat(bone);
const deg = (rad: number) => (rad * 180) / Math.PI;

/** The avatar's real ankle positions after three-vrm poses it. */
function feet(pose: Pose): { left: THREE.Vector3; right: THREE.Vector3 } {
  const frame = createFrame();
  frame.pose.copy(pose);
  driver.apply(frame, 0);
  vrm.scene.updateMatrixWorld(true);
  const at = (b: 'leftFoot' | 'rightFoot') => vrm.humanoid.getRawBoneNode(b)!.getWorldPosition(new THREE.Vector3());
  return { left: at('leftFoot'), right: at('rightFoot') };
}

describe('VMD files', () => {
  it('Shift-JIS names round-trip through the encoder', () => {
    for (const name of ['センター', '左足ＩＫ', '右人指３', 'まばたき', '笑い', '上半身2', 'Holo']) expect(decodeShiftJis(encodeShiftJis(name))).toBe(name);
    expect(Array.from(encodeShiftJis('あ'))).toEqual([0x82, 0xa0]);
    expect(() => encodeShiftJis('😀')).toThrow(/no Shift-JIS code/);
  });

  it('a known dance written as VMD reads back with every rotation within 0.5°', () => {
    const poses = danceFrames();
    const bytes = encodeVmd(posesToVmd(poses, driver.legRig, { modelName: 'ホロ' }));
    expect(new TextDecoder().decode(bytes.subarray(0, 25))).toBe('Vocaloid Motion Data 0002');
    const motion = parseVmd(bytes, 'dance.vmd');
    expect(motion.modelName).toBe('ホロ');
    expect(motion.bones.get('左足ＩＫ')).toHaveLength(FRAMES);
    expect(motion.bones.get('左人指１')).toHaveLength(FRAMES);
    const clip = new VmdClip(motion, driver.legRig);
    expect(clip.duration).toBeCloseTo((FRAMES - 1) / VMD_FPS, 9);
    const mapped = new Set<string>([...Object.values(MMD_BONES), 'hips', 'spine']);
    let worst = 0;
    for (let f = 0; f < FRAMES; f += 3) {
      const out = new Pose();
      clip.sample(f / VMD_FPS, out);
      for (const bone of POSE_BONES) {
        if (!mapped.has(bone)) continue;
        const err = deg(angleBetween(quat(out, bone), quat(poses[f]!, bone)));
        worst = Math.max(worst, err);
        expect(err, `${bone} at frame ${f}`).toBeLessThan(0.5);
      }
      for (let i = 0; i < 3; i++) expect(out.hips[i]!).toBeCloseTo(poses[f]!.hips[i]!, 4);
    }
    // The legs came back through IK, not as written rotations: the file has no thigh or knee keys.
    expect(motion.bones.has('左足')).toBe(false);
    expect(worst).toBeGreaterThan(0); // float32 on the way: not a copy of the input
  });

  it('leg IK keeps planted feet on the floor within 1 cm while the hips drop and bend the knees', () => {
    // A squat: hips down 8 cm and back, a little sway; the feet never move.
    const poses = Array.from({ length: 31 }, (_, f) => {
      const p = new Pose();
      p.hips[1] = -0.08 * Math.sin((f / 30) * Math.PI);
      p.hips[0] = 0.02 * Math.sin((f / 30) * Math.PI * 2);
      return p;
    });
    const rest = feet(new Pose());
    const motion = posesToVmd(poses, driver.legRig);
    // Planted: the foot IK targets stay where the feet rest (offset 0) in every key.
    for (const side of ['左足ＩＫ', '右足ＩＫ']) for (const k of motion.bones.get(side)!) k.position = [0, 0, 0];
    const clip = new VmdClip(parseVmd(encodeVmd(motion), 'squat.vmd'), driver.legRig);
    for (let f = 0; f <= 30; f += 5) {
      const out = new Pose();
      clip.sample(f / VMD_FPS, out);
      const at = feet(out);
      for (const side of ['left', 'right'] as const) {
        expect(at[side].distanceTo(rest[side]), `${side} foot at frame ${f}`).toBeLessThan(0.01);
      }
      if (f === 15) expect(deg(angleBetween(quat(out, 'leftLowerLeg'), [0, 0, 0, 1]))).toBeGreaterThan(20); // knees bent
    }
  });

  it('plays the facial morphs あいうえお, まばたき and 笑い as the stage expressions, through a motion cue', () => {
    const poses = danceFrames().slice(0, 31);
    const faces: FaceWeights[] = poses.map((_, f) => ({ aa: f < 10 ? 1 : 0, ih: 0, ou: f >= 10 && f < 20 ? 0.5 : 0, ee: 0, oh: 0, blink: f === 25 ? 1 : 0, happy: 0.3 }));
    const motion = parseVmd(encodeVmd(posesToVmd(poses, driver.legRig, { faces })), 'face.vmd');
    expect([...motion.morphs.keys()].sort()).toEqual(['あ', 'い', 'う', 'え', 'お', 'まばたき', '笑い'].sort());
    const clip = new VmdClip(motion, driver.legRig);
    const f = { aa: 0, ih: 0, ou: 0, ee: 0, oh: 0, blink: 0, happy: 0 };
    expect(clip.face(5 / 30, f).aa).toBeCloseTo(1, 6);
    expect(clip.face(15 / 30, f).ou).toBeCloseTo(0.5, 6);
    expect(clip.face(25 / 30, f).blink).toBeCloseTo(1, 6);
    expect(f.happy).toBeCloseTo(0.3, 6);
    // A motion cue naming the .vmd: the performer plays its pose and its face.
    const tl = stageTimeline({ motion: [{ time: 30, end: 40, clip: 'motions/face.vmd', blend: 0, cue: 0 }] });
    const performer = new Performer(tl);
    performer.clips.set('motions/face.vmd', clip);
    const frame = createFrame();
    performer.evaluate(30 + 25 / 30, frame);
    expect(frame.motion).toBe('motions/face.vmd');
    expect(frame.blink).toBeCloseTo(1, 6);
    const expected = new Pose();
    clip.sample(25 / 30, expected);
    expect(deg(angleBetween(frame.pose.quat('leftUpperArm'), expected.quat('leftUpperArm')))).toBeLessThan(0.01);
  });

  it('reads MMD conventions: arms at rest hang in the A-pose, -Z is the model\'s front', () => {
    const key = (position: [number, number, number]) => [{ frame: 0, position, rotation: [0, 0, 0, 1] as [number, number, number, number], curves: [] }];
    const motion = { modelName: 'test', bones: new Map([['左腕', key([0, 0, 0])], ['左足ＩＫ', key([0, 0, -2])], ['右足ＩＫ', key([0, 0, 0])]]), morphs: new Map() };
    const clip = new VmdClip(parseVmd(encodeVmd(motion), 'conventions.vmd'), driver.legRig);
    const out = new Pose();
    clip.sample(0, out);
    const frame = createFrame();
    frame.pose.copy(out);
    driver.apply(frame, 0);
    vrm.scene.updateMatrixWorld(true);
    const at = (b: 'leftUpperArm' | 'leftLowerArm' | 'leftFoot' | 'rightFoot') => vrm.humanoid.getRawBoneNode(b)!.getWorldPosition(new THREE.Vector3());
    const arm = at('leftLowerArm').sub(at('leftUpperArm'));
    expect(deg(Math.atan2(-arm.y, arm.x))).toBeCloseTo(35, 1); // 35° below the T-pose, out to her left (+X)
    const restLeft = driver.legRig.left.foot;
    const scale = Math.hypot(...driver.legRig.left.upper.map((v, i) => v - restLeft[i]!)) / 8.8;
    expect(at('leftFoot').z - restLeft[2]).toBeCloseTo(2 * scale, 2); // MMD -Z: a step to her front
    expect(at('rightFoot').distanceTo(new THREE.Vector3(...driver.legRig.right.foot))).toBeLessThan(0.01);
  });

  it('refuses broken files with the file, the byte offset and what was wrong', () => {
    const good = encodeVmd(posesToVmd(danceFrames().slice(0, 4), driver.legRig));
    const bad = (bytes: Uint8Array) => {
      try {
        parseVmd(bytes, 'songs/dance.vmd');
      } catch (e) {
        expect(e).toBeInstanceOf(VmdError);
        return (e as Error).message;
      }
      throw new Error('accepted a broken file');
    };
    const notVmd = new TextEncoder().encode('{"this": "is JSON, not a motion"}'.padEnd(80, ' '));
    expect(bad(notVmd)).toMatch(/^songs\/dance\.vmd: byte 0: not a VMD motion: expected the header "Vocaloid Motion Data 0002"/);
    expect(bad(good.subarray(0, 20))).toMatch(/songs\/dance\.vmd: byte 0: the file ends inside the header/);
    expect(bad(good.subarray(0, 54 + 111 * 3 + 50))).toMatch(/byte 54: the file ends inside \d+ bone keys/);
    // A NaN where a rotation should be.
    const nan = good.slice();
    new DataView(nan.buffer).setFloat32(54 + 15 + 4 + 12, Number.NaN, true);
    expect(bad(nan)).toMatch(/byte 85: expected a finite number, got NaN/);
    const zero = good.slice();
    for (let i = 0; i < 16; i++) zero[54 + 15 + 4 + 12 + i] = 0;
    expect(bad(zero)).toMatch(/the rotation is not a quaternion/);
    // The old 1.0 format is named as such.
    const old = good.slice();
    old.set(new TextEncoder().encode('Vocaloid Motion Data file\0\0\0\0\0'), 0);
    expect(bad(old)).toMatch(/old 1\.0 format/);
  });
});

// Every bone the importer maps is one the pose holds.
it('maps MMD bones only to humanoid bones the pose knows', () => {
  for (const bone of Object.values(MMD_BONES)) expect(BONE_INDEX[bone], bone).toBeGreaterThanOrEqual(0);
});

it('a motion cue may name a .vmd file', async () => {
  const { motionCueSchema } = await import('../../show-files/src/schema.ts');
  expect(motionCueSchema.safeParse({ at: '1:1', clip: 'motions/dance.vmd' }).success).toBe(true);
  expect(motionCueSchema.safeParse({ at: '1:1', clip: 'motions/dance.pmx' }).success).toBe(false);
});

it('holostage validate names a broken .vmd a song cues, with file, line and column', async () => {
  const { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { loadShow } = await import('../../show-files/src/load.ts');
  const { formatError } = await import('../../show-files/src/index.ts');
  const dir = mkdtempSync(join(tmpdir(), 'holostage-vmd-'));
  try {
    cpSync('show-files/demo', dir, { recursive: true });
    mkdirSync(join(dir, 'motions'));
    writeFileSync(join(dir, 'motions', 'broken.vmd'), Buffer.from('Vocaloid Motion Data 0002\0\0\0\0\0model\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\x05\0\0\0', 'latin1'));
    writeFileSync(join(dir, 'motions', 'good.vmd'), encodeVmd(posesToVmd(danceFrames().slice(0, 3), driver.legRig)));
    const file = join(dir, 'songs', 'sakura-signal.json');
    const song = JSON.parse(readFileSync(file, 'utf8')) as { cues: { motion: { at: string; clip: string }[] } };
    song.cues.motion[1]!.clip = '../motions/broken.vmd';
    song.cues.motion[2]!.clip = '../motions/good.vmd';
    writeFileSync(file, JSON.stringify(song, null, 2));
    const r = await loadShow(dir);
    const messages = r.errors.map(formatError);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/^songs\/sakura-signal\.json:\d+:\d+ cues\.motion\[1\]\.clip: motion file \.\.\/motions\/broken\.vmd: byte 54: the file ends inside 5 bone keys/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
