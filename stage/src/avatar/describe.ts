// What an avatar offers the stage: version, credits, licence, bones and expressions, and what is
// missing for lip-sync. Pure: works on a loaded VRM object in the browser and in Node alike.

import type { VRM } from '@pixiv/three-vrm';
import { VRMRequiredHumanBoneName } from '@pixiv/three-vrm';

/** The five mouth shapes the lip-sync drives (VRM 1.0 preset names). */
export const VISEMES = ['aa', 'ih', 'ou', 'ee', 'oh'] as const;
export type Viseme = (typeof VISEMES)[number];
/** Expressions the stage uses besides the mouth. */
export const FACE_EXPRESSIONS = ['blink', 'happy'] as const;

export interface AvatarDescription {
  vrmVersion: '0.x' | '1.0';
  name: string;
  authors: string[];
  license: { name: string; url?: string; otherUrl?: string };
  humanoidBones: string[];
  expressions: string[];
  /** Humanoid finger bones the file has (thumb, index, middle, ring, little; three each per hand). */
  fingerBones: string[];
  /** Spring-bone chains (hair, skirt, ...): the first bone's name and how many bones swing. */
  springChains: { root: string; bones: string[] }[];
  /** How the eyes look at things: 'bone' (eye bones), 'expression' (lookUp/Down/Left/Right), or none. */
  lookAt: 'bone' | 'expression' | null;
  /** True when all five mouth expressions (aa ih ou ee oh) exist. */
  lipSyncReady: boolean;
  /** Required humanoid bones and stage expressions the file lacks. */
  missing: string[];
}

export function describeVrm(vrm: VRM): AvatarDescription {
  const meta = vrm.meta;
  const v0 = meta.metaVersion === '0';
  const humanBones = vrm.humanoid.humanBones as Record<string, { node: unknown } | undefined>;
  const humanoidBones = Object.keys(humanBones).filter((k) => humanBones[k]?.node).sort();
  const expressions = (vrm.expressionManager?.expressions ?? []).map((e) => e.expressionName).sort();
  const have = new Set(expressions);
  const missing: string[] = [];
  for (const bone of Object.values(VRMRequiredHumanBoneName)) if (!humanBones[bone]?.node) missing.push(`bone:${bone}`);
  for (const e of [...VISEMES, ...FACE_EXPRESSIONS]) if (!have.has(e)) missing.push(`expression:${e}`);
  return {
    vrmVersion: v0 ? '0.x' : '1.0',
    name: (v0 ? meta.title : meta.name) ?? '',
    authors: v0 ? (meta.author ? [meta.author] : []) : [...(meta.authors ?? [])],
    license: v0
      ? { name: meta.licenseName ?? 'unknown', ...(meta.otherLicenseUrl ? { otherUrl: meta.otherLicenseUrl } : {}) }
      : {
          name: licenseName(meta.licenseUrl, meta.otherLicenseUrl),
          url: meta.licenseUrl,
          ...(meta.otherLicenseUrl ? { otherUrl: meta.otherLicenseUrl } : {}),
        },
    humanoidBones,
    expressions,
    fingerBones: humanoidBones.filter((b) => /(Thumb|Index|Middle|Ring|Little)/.test(b)),
    springChains: springChains(vrm),
    lookAt: lookAtType(vrm),
    lipSyncReady: VISEMES.every((v) => have.has(v)),
    missing,
  };
}

/** Chains of spring-bone joints: each starts at a joint whose parent is not a joint and runs down. */
function springChains(vrm: VRM): { root: string; bones: string[] }[] {
  const joints = [...(vrm.springBoneManager?.joints ?? [])];
  const jointBones = new Set(joints.map((j) => j.bone));
  const chains: { root: string; bones: string[] }[] = [];
  for (const j of joints) {
    if (j.bone.parent && jointBones.has(j.bone.parent)) continue;
    const bones: string[] = [];
    let node: typeof j.bone | undefined = j.bone;
    while (node && jointBones.has(node)) {
      bones.push(node.name);
      node = node.children.find((c) => jointBones.has(c));
    }
    chains.push({ root: j.bone.name, bones });
  }
  return chains.sort((a, b) => a.root.localeCompare(b.root));
}

function lookAtType(vrm: VRM): 'bone' | 'expression' | null {
  const applier = vrm.lookAt?.applier as { constructor: { type?: string } } | undefined;
  const type = applier?.constructor.type;
  return type === 'bone' || type === 'expression' ? type : null;
}

function licenseName(url: string, other?: string): string {
  if (other?.includes('publicdomain/zero')) return 'VRM Public License 1.0 + CC0 1.0';
  if (other?.includes('creativecommons.org/licenses/by/')) return 'VRM Public License 1.0 + CC BY';
  if (url.includes('vrm.dev/licenses/1.0')) return 'VRM Public License 1.0';
  return url;
}
