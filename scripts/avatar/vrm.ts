// The avatar as a .vrm: glTF nodes, skin, meshes and materials, plus the VRM 1.0 or 0.x extensions.

import { buildCharacter, EXPRESSIONS, MATERIALS } from './character.ts';
import { GlbBuilder } from './glb.ts';
import { sub, type Part } from './geometry.ts';
import { SKIRT_CHAINS, TAIL_JOINTS, type Vec3 } from './skeleton.ts';

export interface AvatarOptions {
  /** 'vrm1' = VRM 1.0 (faces +Z); 'vrm0' = VRM 0.x (faces -Z, the older convention). */
  version: 'vrm1' | 'vrm0';
  /** Tessellation multiplier: 1 for the default avatar, lower for small test files. */
  detail: number;
  name?: string;
  /**
   * VRM 0.x only: face -Z as 0.x models normally do (the default). false writes a 0.x file facing
   * +Z, as some tools re-export them (for tests).
   */
  faceMinusZ?: boolean;
}

const LICENSE_URL = 'https://vrm.dev/licenses/1.0/';
const CC0 = 'https://creativecommons.org/publicdomain/zero/1.0/';

/** Builds the avatar and returns the .vrm (glTF binary) bytes. */
export function makeAvatar(opts: AvatarOptions): Buffer {
  const ch = buildCharacter(opts.detail);
  const v0 = opts.version === 'vrm0';
  // VRM 0.x models face -Z: turn the whole character half a turn about Y.
  const turned = v0 && opts.faceMinusZ !== false;
  const turn = (p: number[]): number[] => (turned ? p.map((x, i) => (i % 3 === 1 ? x : -x)) : p);
  const name = opts.name ?? 'Holo';
  const glb = new GlbBuilder();

  // Nodes: 0 = Armature root, then the bones, then the two mesh nodes.
  const boneIndex = new Map(ch.bones.map((b, i) => [b.name, i]));
  const nodes: Record<string, unknown>[] = [{ name: 'Armature', children: [] as number[] }];
  const nodeOf = (bone: string) => 1 + boneIndex.get(bone)!;
  for (const b of ch.bones) {
    const parentAt: Vec3 = b.parent ? ch.bones[boneIndex.get(b.parent)!]!.at : [0, 0, 0];
    const local = turn(sub(b.at, parentAt));
    nodes.push({ name: b.name, translation: local, children: [] as number[] });
  }
  for (const b of ch.bones) {
    const parent = b.parent ? nodes[nodeOf(b.parent)]! : nodes[0]!;
    (parent.children as number[]).push(nodeOf(b.name));
  }
  for (const n of nodes) if ((n.children as number[]).length === 0) delete n.children;

  const inverseBind: number[] = [];
  for (const b of ch.bones) {
    const w = turn(b.at);
    inverseBind.push(1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, -w[0]!, -w[1]!, -w[2]!, 1);
  }
  const skin = { name: 'Skin', joints: ch.bones.map((b) => nodeOf(b.name)), inverseBindMatrices: glb.floats(inverseBind, 'MAT4'), skeleton: nodeOf('Hips') };

  const materialIndex = new Map(MATERIALS.map((m, i) => [m.name, i]));
  const primitive = (part: Part, morphs: boolean) => {
    const prim: Record<string, unknown> = {
      attributes: {
        POSITION: glb.floats(turn(part.positions), 'VEC3', { minMax: true, target: 34962 }),
        NORMAL: glb.floats(turn(part.normals), 'VEC3', { target: 34962 }),
        JOINTS_0: glb.bytes4(part.joints),
        WEIGHTS_0: glb.floats(part.weights, 'VEC4', { target: 34962 }),
      },
      indices: glb.indices(part.indices),
      material: materialIndex.get(part.material),
      mode: 4,
    };
    if (morphs) prim.targets = EXPRESSIONS.map((e) => ({ POSITION: glb.floats(turn(part.morphs.get(e)!), 'VEC3', { minMax: true, target: 34962 }) }));
    return prim;
  };
  const meshes = [
    { name: 'Body', primitives: ch.body.map((p) => primitive(p, false)) },
    { name: 'Face', primitives: ch.face.map((p) => primitive(p, true)), weights: EXPRESSIONS.map(() => 0), extras: { targetNames: [...EXPRESSIONS] } },
  ];
  const bodyNode = nodes.length;
  nodes.push({ name: 'Body', mesh: 0, skin: 0 });
  const faceNode = nodes.length;
  nodes.push({ name: 'Face', mesh: 1, skin: 0 });

  const materials = MATERIALS.map((m) => {
    const mat: Record<string, unknown> = {
      name: m.name,
      pbrMetallicRoughness: { baseColorFactor: [...m.color, 1], metallicFactor: 0, roughnessFactor: 1 },
      doubleSided: m.doubleSided ?? false,
    };
    if (!v0) {
      mat.extensions = {
        VRMC_materials_mtoon: {
          specVersion: '1.0',
          transparentWithZWrite: false,
          renderQueueOffsetNumber: 0,
          shadeColorFactor: m.shade,
          shadingShiftFactor: -0.05,
          shadingToonyFactor: 0.92,
          giEqualizationFactor: 0.9,
          matcapFactor: [0, 0, 0],
          parametricRimColorFactor: [0.25, 0.25, 0.3],
          parametricRimFresnelPowerFactor: 4,
          parametricRimLiftFactor: 0.05,
          outlineWidthMode: m.outline > 0 ? 'worldCoordinates' : 'none',
          outlineWidthFactor: m.outline,
          outlineColorFactor: [m.shade[0] * 0.35, m.shade[1] * 0.35, m.shade[2] * 0.35],
          outlineLightingMixFactor: 1,
        },
      };
    }
    return mat;
  });

  const json: Record<string, unknown> = {
    asset: { version: '2.0', generator: 'holostage scripts/make-avatar.ts' },
    scene: 0,
    scenes: [{ name: 'Scene', nodes: [0, bodyNode, faceNode] }],
    nodes,
    meshes,
    skins: [skin],
    materials,
  };

  const springChains = (['Left', 'Right'] as const).map((side) => Array.from({ length: TAIL_JOINTS }, (_, i) => nodeOf(`${side}Tail${i}`)));
  const skirtChains = Array.from({ length: SKIRT_CHAINS }, (_, k) => [0, 1, 2].map((j) => nodeOf(`Skirt${k}_${j}`)));
  const tieChain = [0, 1, 2].map((j) => nodeOf(`Tie${j}`));
  const humanoidBones = ch.bones.filter((b) => b.humanoid);
  // VRM 0.x names the thumb's three bones proximal, intermediate, distal (1.0: metacarpal, proximal, distal).
  const v0Bone = (name: string) => name.replace(/ThumbProximal$/, 'ThumbIntermediate').replace(/ThumbMetacarpal$/, 'ThumbProximal');

  if (!v0) {
    const binds = (e: string) => [{ node: faceNode, index: EXPRESSIONS.indexOf(e as (typeof EXPRESSIONS)[number]), weight: 1 }];
    const preset: Record<string, unknown> = {};
    for (const e of EXPRESSIONS) {
      preset[e] = {
        morphTargetBinds: binds(e),
        isBinary: e === 'blink',
        // Moods last whole sections: they soften blinks and gaze rather than stopping them, and
        // leave the mouth to the lip-sync.
        overrideBlink: e === 'happy' || e === 'relaxed' ? 'blend' : 'none',
        overrideLookAt: e.startsWith('blink') ? 'block' : e === 'happy' ? 'blend' : 'none',
        overrideMouth: 'none',
      };
    }
    json.extensionsUsed = ['VRMC_vrm', 'VRMC_springBone', 'VRMC_materials_mtoon'];
    json.extensions = {
      VRMC_vrm: {
        specVersion: '1.0',
        meta: {
          name,
          version: '1.0',
          authors: ['holostage contributors'],
          copyrightInformation: 'Made by scripts/make-avatar.ts in the holostage project; dedicated to the public domain (CC0 1.0).',
          references: ['https://creativecommons.org/publicdomain/zero/1.0/'],
          licenseUrl: LICENSE_URL,
          avatarPermission: 'everyone',
          allowExcessivelyViolentUsage: false,
          allowExcessivelySexualUsage: false,
          commercialUsage: 'corporation',
          allowPoliticalOrReligiousUsage: false,
          allowAntisocialOrHateUsage: false,
          creditNotation: 'unnecessary',
          allowRedistribution: true,
          modification: 'allowModificationRedistribution',
          otherLicenseUrl: CC0,
        },
        humanoid: { humanBones: Object.fromEntries(humanoidBones.map((b) => [b.humanoid!, { node: nodeOf(b.name) }])) },
        firstPerson: { meshAnnotations: [{ node: bodyNode, type: 'auto' }, { node: faceNode, type: 'thirdPersonOnly' }] },
        lookAt: {
          type: 'bone',
          offsetFromHeadBone: [0, 0.085, 0.08],
          rangeMapHorizontalInner: { inputMaxValue: 90, outputScale: 12 },
          rangeMapHorizontalOuter: { inputMaxValue: 90, outputScale: 12 },
          rangeMapVerticalDown: { inputMaxValue: 90, outputScale: 8 },
          rangeMapVerticalUp: { inputMaxValue: 90, outputScale: 8 },
        },
        expressions: { preset },
      },
      VRMC_springBone: {
        specVersion: '1.0',
        colliders: [
          { node: nodeOf('Head'), shape: { sphere: { offset: [0, 0.1, -0.01], radius: 0.13 } } },
          { node: nodeOf('UpperChest'), shape: { capsule: { offset: [0.06, 0, -0.01], radius: 0.09, tail: [-0.06, 0, -0.01] } } },
          { node: nodeOf('Hips'), shape: { capsule: { offset: [0.08, -0.08, 0], radius: 0.16, tail: [-0.08, -0.08, 0] } } },
          { node: nodeOf('LeftUpperArm'), shape: { capsule: { offset: [0, 0, 0], radius: 0.045, tail: [0.23, 0, 0] } } },
          { node: nodeOf('RightUpperArm'), shape: { capsule: { offset: [0, 0, 0], radius: 0.045, tail: [-0.23, 0, 0] } } },
          { node: nodeOf('LeftUpperLeg'), shape: { capsule: { offset: [0, 0, 0], radius: 0.07, tail: [0, -0.3, 0] } } },
          { node: nodeOf('RightUpperLeg'), shape: { capsule: { offset: [0, 0, 0], radius: 0.07, tail: [0, -0.3, 0] } } },
        ],
        colliderGroups: [
          { name: 'Body', colliders: [0, 1, 2] },
          { name: 'Arms', colliders: [3, 4] },
          { name: 'Legs', colliders: [5, 6] },
        ],
        springs: [...springChains.map((chain, k) => ({
          name: k === 0 ? 'LeftTail' : 'RightTail',
          joints: chain.map((node, i) => ({
            node,
            hitRadius: i === 0 ? 0.03 : 0.05,
            stiffness: i < 2 ? 2.2 : 0.9,
            gravityPower: 0.35,
            gravityDir: [0, -1, 0],
            dragForce: 0.35,
          })),
          colliderGroups: [0, 1],
          center: nodeOf('Hips'),
        })),
        // The skirt: stiff, so it flares and settles rather than flapping; pushed out by the legs.
        ...skirtChains.map((chain, k) => ({
          name: `Skirt${k}`,
          joints: chain.map((node) => ({ node, hitRadius: 0.02, stiffness: 3.2, gravityPower: 0.25, gravityDir: [0, -1, 0], dragForce: 0.6 })),
          colliderGroups: [2],
          center: nodeOf('Hips'),
        })),
        { name: 'Tie', joints: tieChain.map((node) => ({ node, hitRadius: 0.012, stiffness: 1.6, gravityPower: 0.4, gravityDir: [0, -1, 0], dragForce: 0.5 })), colliderGroups: [0], center: nodeOf('Hips') }],
      },
    };
  } else {
    const v0Preset: Record<string, string> = { aa: 'a', ih: 'i', ou: 'u', ee: 'e', oh: 'o', blink: 'blink', blinkLeft: 'blink_l', blinkRight: 'blink_r', happy: 'joy', angry: 'angry', sad: 'sorrow', relaxed: 'fun', surprised: 'unknown' };
    json.extensionsUsed = ['VRM'];
    json.extensions = {
      VRM: {
        exporterVersion: 'holostage-make-avatar',
        specVersion: '0.0',
        meta: {
          title: name,
          version: '1.0',
          author: 'holostage contributors',
          contactInformation: '',
          reference: '',
          allowedUserName: 'Everyone',
          violentUssageName: 'Disallow',
          sexualUssageName: 'Disallow',
          commercialUssageName: 'Allow',
          otherPermissionUrl: '',
          licenseName: 'CC0',
          otherLicenseUrl: CC0,
        },
        humanoid: {
          humanBones: humanoidBones.map((b) => ({ bone: v0Bone(b.humanoid!), node: nodeOf(b.name), useDefaultValues: true })),
          armStretch: 0.05, legStretch: 0.05, upperArmTwist: 0.5, lowerArmTwist: 0.5, upperLegTwist: 0.5, lowerLegTwist: 0.5,
          feetSpacing: 0, hasTranslationDoF: false,
        },
        firstPerson: { firstPersonBone: nodeOf('Head'), firstPersonBoneOffset: { x: 0, y: 0.06, z: 0 }, meshAnnotations: [{ mesh: 1, firstPersonFlag: 'ThirdPersonOnly' }],
          lookAtTypeName: 'Bone',
          lookAtHorizontalInner: { curve: [0, 0, 0, 1, 1, 1, 1, 0], xRange: 90, yRange: 12 },
          lookAtHorizontalOuter: { curve: [0, 0, 0, 1, 1, 1, 1, 0], xRange: 90, yRange: 12 },
          lookAtVerticalDown: { curve: [0, 0, 0, 1, 1, 1, 1, 0], xRange: 90, yRange: 8 },
          lookAtVerticalUp: { curve: [0, 0, 0, 1, 1, 1, 1, 0], xRange: 90, yRange: 8 },
        },
        blendShapeMaster: {
          blendShapeGroups: EXPRESSIONS.map((e, i) => ({ name: v0Preset[e] === 'unknown' ? e : v0Preset[e], presetName: v0Preset[e], binds: [{ mesh: 1, index: i, weight: 100 }], materialValues: [], isBinary: false })),
        },
        secondaryAnimation: {
          boneGroups: [
            ...springChains.map((chain) => ({
              comment: 'twin tail', stiffiness: 1.2, gravityPower: 0.35, gravityDir: { x: 0, y: -1, z: 0 }, dragForce: 0.35,
              center: -1, hitRadius: 0.05, bones: [chain[0]], colliderGroups: [0],
            })),
            { comment: 'skirt', stiffiness: 3.2, gravityPower: 0.25, gravityDir: { x: 0, y: -1, z: 0 }, dragForce: 0.6, center: -1, hitRadius: 0.02, bones: skirtChains.map((c) => c[0]), colliderGroups: [] },
            { comment: 'tie', stiffiness: 1.6, gravityPower: 0.4, gravityDir: { x: 0, y: -1, z: 0 }, dragForce: 0.5, center: -1, hitRadius: 0.012, bones: [tieChain[0]], colliderGroups: [] },
          ],
          colliderGroups: [{ node: nodeOf('Head'), colliders: [{ offset: { x: 0, y: 0.1, z: 0 }, radius: 0.13 }] }],
        },
        materialProperties: [],
      },
    };
  }
  return glb.finish(json);
}
