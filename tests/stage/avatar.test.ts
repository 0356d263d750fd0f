// The default singer and the avatar CLI, in Node: both VRM versions load with three-vrm, the
// committed files are exactly what the script makes, and `holostage avatar inspect` describes them.

import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as THREE from 'three';
import { MToonMaterial } from '@pixiv/three-vrm';
import { loadVrmFile, loadVrmFromBytes } from '../../stage/src/avatar/load-node.ts';
import { describeVrm } from '../../stage/src/avatar/describe.ts';
import { makeAvatar, makeCheerVrma, makeSidestepBvh } from '../../scripts/make-avatar.ts';
import { Performer, createFrame } from '../../stage/src/perform/performer.ts';
import { VrmDriver, facesMinusZ } from '../../stage/src/render/vrm-driver.ts';
import { StageScene } from '../../stage/src/render/stage-scene.ts';
import { LiteToonMaterial, ToonOutlineMaterial, liteToonRefusal, useLiteToon } from '../../stage/src/render/toon.ts';
import { stageTimeline } from './harness.ts';

const run = promisify(execFile);
const V1 = 'assets/avatars/holo.vrm';
const V0 = 'assets/avatars/holo-vrm0.vrm';

describe('default avatar files', () => {
  it('are what scripts/make-avatar.ts writes, byte for byte, and small', () => {
    const v1 = readFileSync(V1);
    expect(Buffer.compare(v1, makeAvatar({ version: 'vrm1', detail: 1 }))).toBe(0);
    expect(Buffer.compare(readFileSync(V0), makeAvatar({ version: 'vrm0', detail: 0.5, name: 'Holo (VRM 0.x)' }))).toBe(0);
    expect(Buffer.compare(readFileSync('assets/avatars/motions/cheer.vrma'), makeCheerVrma())).toBe(0);
    expect(readFileSync('assets/avatars/motions/sidestep.bvh', 'utf8')).toBe(makeSidestepBvh());
    expect(v1.length).toBeLessThan(2 * 1024 * 1024);
  });

  it('VRM 1.0 loads with three-vrm: humanoid, expressions, MToon, spring-bone twin tails, licence', async () => {
    const vrm = await loadVrmFile(V1);
    const d = describeVrm(vrm);
    expect(d.vrmVersion).toBe('1.0');
    expect(d.name).toBe('Holo');
    expect(d.license.url).toBe('https://vrm.dev/licenses/1.0/');
    expect(d.license.otherUrl).toContain('publicdomain/zero');
    expect(d.missing).toEqual([]);
    expect(d.lipSyncReady).toBe(true);
    for (const e of ['aa', 'ih', 'ou', 'ee', 'oh', 'blink', 'happy']) expect(d.expressions).toContain(e);
    expect(d.humanoidBones).toEqual(expect.arrayContaining(['hips', 'spine', 'chest', 'upperChest', 'neck', 'head', 'leftUpperArm', 'rightLowerLeg', 'leftEye']));
    // Toon materials, skinned meshes.
    const materials = new Set<THREE.Material>();
    let skinned = 0;
    vrm.scene.traverse((o) => {
      const m = o as THREE.SkinnedMesh;
      if (m.isSkinnedMesh) {
        skinned++;
        for (const mat of Array.isArray(m.material) ? m.material : [m.material]) materials.add(mat);
      }
    });
    expect(skinned).toBeGreaterThan(0);
    expect([...materials].some((m) => m instanceof MToonMaterial)).toBe(true);
    // Two tails of seven nodes (six swinging segments each; the last node is the tip), six skirt
    // chains of three nodes and a tie of three: 12 + 12 + 2 joints.
    const joints = vrm.springBoneManager!.joints;
    expect(joints.size).toBe(26);
  });

  it('VRM 0.x loads too, faces -Z like every 0.x model, and has the same face', async () => {
    const vrm = await loadVrmFile(V0);
    const d = describeVrm(vrm);
    expect(d.vrmVersion).toBe('0.x');
    expect(d.license.name).toBe('CC0');
    expect(d.lipSyncReady).toBe(true);
    expect(d.missing).toEqual([]);
    // The left hand of a 0.x model is at -X in its own space.
    vrm.scene.updateMatrixWorld(true);
    const hand = vrm.humanoid.getRawBoneNode('leftHand')!.getWorldPosition(new THREE.Vector3());
    expect(hand.x).toBeLessThan(-0.4);
    expect(vrm.springBoneManager!.joints.size).toBeGreaterThan(0);
  });

  it('faces the audience and dances the same whichever way the file faces (0.x files facing +Z too)', async () => {
    const files = {
      v1: makeAvatar({ version: 'vrm1', detail: 0.5 }),
      v0: makeAvatar({ version: 'vrm0', detail: 0.5 }),
      // A 0.x file re-exported facing +Z, as three.js-based tools write them.
      v0plusZ: makeAvatar({ version: 'vrm0', detail: 0.5, faceMinusZ: false }),
    };
    const frame = createFrame();
    new Performer(stageTimeline()).evaluate(1.3, frame);
    const hands: Record<string, THREE.Vector3> = {};
    for (const [name, bytes] of Object.entries(files)) {
      const vrm = await loadVrmFromBytes(new Uint8Array(bytes));
      expect(facesMinusZ(vrm), name).toBe(name === 'v0');
      const stage = new StageScene('projector');
      stage.setAvatar(vrm);
      new VrmDriver(vrm).apply(frame, 0);
      vrm.scene.updateMatrixWorld(true);
      hands[name] = vrm.humanoid.getRawBoneNode('leftHand')!.getWorldPosition(new THREE.Vector3());
    }
    // The same dance puts her left hand at the same place on the stage, for all three files.
    expect(hands.v0!.distanceTo(hands.v1!)).toBeLessThan(1e-4);
    expect(hands.v0plusZ!.distanceTo(hands.v1!)).toBeLessThan(1e-4);
    expect(hands.v1!.x).toBeGreaterThan(0.2);
  });

  it('lip-sync and dance drive the avatar; the twin tails swing on their spring bones', async () => {
    const vrm = await loadVrmFile(V1);
    const driver = new VrmDriver(vrm);
    const performer = new Performer(stageTimeline());
    const frame = createFrame();
    const head = vrm.humanoid.getRawBoneNode('head')!;
    const tip = vrm.scene.getObjectByName('LeftTail6')!;
    const tipRelative = () => {
      vrm.scene.updateMatrixWorld(true);
      return tip.getWorldPosition(new THREE.Vector3()).sub(head.getWorldPosition(new THREE.Vector3()));
    };
    // Settle at rest first.
    performer.evaluate(0.0, frame);
    for (let i = 0; i < 60; i++) driver.apply(frame, 1 / 60);
    const rest = tipRelative();
    // Sing the "a" at 1.3 s while dancing.
    let maxSwing = 0;
    for (let t = 1.0; t < 2.0; t += 1 / 60) {
      performer.evaluate(t, frame);
      driver.apply(frame, 1 / 60);
      maxSwing = Math.max(maxSwing, tipRelative().distanceTo(rest));
      if (Math.abs(t - 1.3) < 1 / 120) {
        // The expression carries exactly the performer's weight, and the mouth morph follows it.
        expect(vrm.expressionManager!.getValue('aa')).toBe(frame.mouth.aa);
        expect(frame.mouth.aa).toBeGreaterThan(0.99);
        const face = vrm.scene.getObjectByName('Face') as THREE.Object3D;
        const influences: number[] = [];
        face.traverse((o) => {
          const m = o as THREE.Mesh;
          if (m.morphTargetInfluences) influences.push(m.morphTargetInfluences[0]!);
        });
        expect(Math.max(...influences)).toBeCloseTo(frame.mouth.aa, 6);
      }
    }
    expect(maxSwing).toBeGreaterThan(0.02);
  });
});

describe('lite toon shaders', () => {
  const materialsOf = (vrm: Awaited<ReturnType<typeof loadVrmFile>>) => {
    const list: THREE.Material[] = [];
    vrm.scene.traverse((o) => {
      const m = o as THREE.Mesh;
      if (m.isMesh) list.push(...(Array.isArray(m.material) ? m.material : [m.material]));
    });
    return list;
  };

  it('take over every material of the default singer, outlines included, with the same MToon parameters', async () => {
    const vrm = await loadVrmFile(V1);
    const before = materialsOf(vrm) as MToonMaterial[];
    const report = useLiteToon(vrm);
    const after = materialsOf(vrm);
    expect(report.kept).toEqual([]);
    expect(report.replaced).toBe(new Set(before).size);
    expect(after.length).toBe(before.length);
    for (let i = 0; i < before.length; i++) {
      const src = before[i]!;
      const m = after[i] as THREE.ShaderMaterial;
      expect(m.name).toBe(src.name);
      if (src.isOutline) {
        expect(m).toBeInstanceOf(ToonOutlineMaterial);
        expect((m as unknown as { isOutline: boolean }).isOutline).toBe(true);
        expect(m.side).toBe(THREE.BackSide);
        expect(m.uniforms.uWidth!.value).toBe(src.outlineWidthFactor);
        expect((m.uniforms.uOutlineColor!.value as THREE.Color).equals(src.outlineColorFactor)).toBe(true);
      } else {
        expect(m).toBeInstanceOf(LiteToonMaterial);
        expect(m.side).toBe(src.side);
        expect((m.uniforms.uLit!.value as THREE.Color).equals(src.color)).toBe(true);
        expect((m.uniforms.uShade!.value as THREE.Color).equals(src.shadeColorFactor)).toBe(true);
      }
      // MToon's toon step, linearstep(-1 + t, 1 - t, x + shift), as clamp(x·a + b).
      const [a, b] = (m.uniforms.uToon!.value as THREE.Vector2).toArray();
      const step = (x: number) => Math.min(1, Math.max(0, (x + src.shadingShiftFactor - (-1 + src.shadingToonyFactor)) / (2 - 2 * src.shadingToonyFactor)));
      for (const x of [-1, -0.1, 0, 0.03, 0.08, 1]) expect(Math.min(1, Math.max(0, x * a + b))).toBeCloseTo(step(x), 9);
    }
  });

  it('leave textured, see-through and expression-driven materials to MToon', async () => {
    const plain = new MToonMaterial();
    expect(liteToonRefusal(plain)).toBeNull();
    const textured = new MToonMaterial();
    textured.map = new THREE.Texture();
    expect(liteToonRefusal(textured)).toBe('uses map');
    const cutout = new MToonMaterial();
    cutout.alphaTest = 0.5;
    expect(liteToonRefusal(cutout)).toMatch(/cut out/);
    expect(liteToonRefusal(plain, new Set([plain]))).toMatch(/expression/);

    // On a loaded avatar: a textured surface keeps MToon, and so does its outline.
    const vrm = await loadVrmFile(V1);
    const hair = materialsOf(vrm).find((m) => m.name === 'Hair') as MToonMaterial;
    hair.shadeMultiplyTexture = new THREE.Texture();
    const report = useLiteToon(vrm);
    expect(report.kept.map((k) => k.reason).sort()).toEqual(['its surface keeps MToon', 'uses shadeMultiplyTexture']);
    const kept = materialsOf(vrm).filter((m) => m instanceof MToonMaterial);
    expect(kept.map((m) => m.name).sort()).toEqual(['Hair', 'Hair (Outline)']);
  });
});

describe('holostage avatar inspect', () => {
  it('prints the description as JSON for both versions', async () => {
    for (const [file, version] of [[V1, '1.0'], [V0, '0.x']] as const) {
      const { stdout } = await run(process.execPath, ['bin/holostage.js', 'avatar', 'inspect', file, '--json']);
      const d = JSON.parse(stdout);
      expect(Object.keys(d).sort()).toEqual(['authors', 'expressions', 'fingerBones', 'humanoidBones', 'license', 'lipSyncReady', 'lookAt', 'missing', 'name', 'springChains', 'vrmVersion']);
      expect(d.vrmVersion).toBe(version);
      // Every expression the stage drives, eyes that look at things, five fingers a hand.
      expect(d.expressions).toEqual(['aa', 'angry', 'blink', 'blinkLeft', 'blinkRight', 'ee', 'happy', 'ih', 'oh', 'ou', 'relaxed', 'sad', 'surprised']);
      expect(d.lookAt).toBe('bone');
      expect(d.fingerBones).toHaveLength(30);
      for (const side of ['left', 'right']) {
        for (const finger of ['Thumb', 'Index', 'Middle', 'Ring', 'Little']) {
          const parts = finger === 'Thumb' ? ['Metacarpal', 'Proximal', 'Distal'] : ['Proximal', 'Intermediate', 'Distal'];
          for (const part of parts) expect(d.fingerBones).toContain(`${side}${finger}${part}`);
        }
      }
      // Spring chains: two twin tails, six skirt panels, the tie.
      const chains = d.springChains as { root: string; bones: string[] }[];
      expect(chains.map((c) => c.root)).toEqual(['LeftTail0', 'RightTail0', 'Skirt0_0', 'Skirt1_0', 'Skirt2_0', 'Skirt3_0', 'Skirt4_0', 'Skirt5_0', 'Tie0']);
      if (version === '1.0') {
        expect(chains[0]!.bones).toHaveLength(6);
        expect(chains.find((c) => c.root === 'Skirt0_0')!.bones).toEqual(['Skirt0_0', 'Skirt0_1']);
      }
      expect(d.lipSyncReady).toBe(true);
      expect(d.authors).toEqual(['holostage contributors']);
      expect(d.humanoidBones.length).toBeGreaterThanOrEqual(20);
    }
  });

  it('reports what is missing from a VRM without mouth shapes', async () => {
    // Our avatar with its expressions stripped: still a VRM, but not ready for lip-sync.
    const glb = makeAvatar({ version: 'vrm1', detail: 0.3 });
    const jsonLength = glb.readUInt32LE(12);
    const json = JSON.parse(glb.subarray(20, 20 + jsonLength).toString('utf8'));
    delete json.extensions.VRMC_vrm.expressions.preset.aa;
    delete json.extensions.VRMC_vrm.expressions.preset.oh;
    let text = Buffer.from(JSON.stringify(json));
    text = Buffer.concat([text, Buffer.alloc((4 - (text.length % 4)) % 4, 0x20)]);
    const bin = glb.subarray(20 + jsonLength);
    const header = Buffer.alloc(20);
    header.writeUInt32LE(0x46546c67, 0);
    header.writeUInt32LE(2, 4);
    header.writeUInt32LE(20 + text.length + bin.length, 8);
    header.writeUInt32LE(text.length, 12);
    header.writeUInt32LE(0x4e4f534a, 16);
    const dir = mkdtempSync(join(tmpdir(), 'holostage-avatar-'));
    const file = join(dir, 'no-mouth.vrm');
    writeFileSync(file, Buffer.concat([header, text, bin]));
    const d = describeVrm(await loadVrmFromBytes(new Uint8Array(readFileSync(file))));
    expect(d.lipSyncReady).toBe(false);
    expect(d.missing).toEqual(['expression:aa', 'expression:oh']);
    const { stdout } = await run(process.execPath, ['bin/holostage.js', 'avatar', 'inspect', file, '--json']);
    expect(JSON.parse(stdout).missing).toEqual(['expression:aa', 'expression:oh']);
  });

  it('refuses files that are not VRMs with a clear error and exit code 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'holostage-avatar-'));
    const plainGltf = join(dir, 'plain.glb');
    // A valid glTF binary with a mesh but no VRM extension.
    const glb = makeAvatar({ version: 'vrm1', detail: 0.3 });
    const jsonLength = glb.readUInt32LE(12);
    const json = JSON.parse(glb.subarray(20, 20 + jsonLength).toString('utf8'));
    delete json.extensions;
    delete json.extensionsUsed;
    for (const m of json.materials) delete m.extensions;
    let text = Buffer.from(JSON.stringify(json));
    text = Buffer.concat([text, Buffer.alloc((4 - (text.length % 4)) % 4, 0x20)]);
    const bin = glb.subarray(20 + jsonLength);
    const header = Buffer.alloc(20);
    header.writeUInt32LE(0x46546c67, 0);
    header.writeUInt32LE(2, 4);
    header.writeUInt32LE(20 + text.length + bin.length, 8);
    header.writeUInt32LE(text.length, 12);
    header.writeUInt32LE(0x4e4f534a, 16);
    writeFileSync(plainGltf, Buffer.concat([header, text, bin]));
    const cases: [string, RegExp][] = [
      ['package.json', /package\.json is not a VRM/],
      [plainGltf, /plain\.glb is not a VRM: a glTF file without the VRMC_vrm \(1\.0\) or VRM \(0\.x\) extension/],
      [join(dir, 'missing.vrm'), /cannot read .*missing\.vrm/],
    ];
    for (const [file, message] of cases) {
      const err = await run(process.execPath, ['bin/holostage.js', 'avatar', 'inspect', file, '--json']).then(
        () => null,
        (e: { code: number; stderr: string; stdout: string }) => e,
      );
      expect(err, file).not.toBeNull();
      expect(err!.code).toBe(1);
      expect(err!.stderr).toMatch(message);
      expect(err!.stdout).toBe('');
    }
  });
});
