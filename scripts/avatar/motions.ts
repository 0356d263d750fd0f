// Sample motions for shows and tests: a "cheer" as VRM Animation (.vrma) and a "sidestep" as BVH.
// Both loop over two seconds at 120 BPM (four beats).

import { GlbBuilder } from './glb.ts';
import { sub } from './geometry.ts';
import { skeleton, type BoneDef, type Vec3 } from './skeleton.ts';

/** Rotations (XYZ Euler, radians) of the cheer at time t: both arms up, waving, bouncing. */
function cheerPose(t: number): Record<string, Vec3> {
  const w = Math.sin(t * Math.PI * 2);
  const b = Math.sin(t * Math.PI * 4);
  return {
    hips: [0, 0, 0.05 * w],
    spine: [-0.05, 0, -0.04 * w],
    head: [-0.1 + 0.05 * b, 0.1 * w, 0],
    leftUpperArm: [0, 0, 1.0 + 0.25 * w],
    rightUpperArm: [0, 0, -1.0 + 0.25 * w],
    leftLowerArm: [0, 0, 0.5 + 0.2 * b],
    rightLowerArm: [0, 0, -0.5 - 0.2 * b],
    leftUpperLeg: [-0.1 * (1 + b) / 2, 0, 0],
    rightUpperLeg: [-0.1 * (1 + b) / 2, 0, 0],
    leftLowerLeg: [0.2 * (1 + b) / 2, 0, 0],
    rightLowerLeg: [0.2 * (1 + b) / 2, 0, 0],
  };
}

function quatOfEuler([x, y, z]: Vec3): [number, number, number, number] {
  const c1 = Math.cos(x / 2), c2 = Math.cos(y / 2), c3 = Math.cos(z / 2);
  const s1 = Math.sin(x / 2), s2 = Math.sin(y / 2), s3 = Math.sin(z / 2);
  return [s1 * c2 * c3 + c1 * s2 * s3, c1 * s2 * c3 - s1 * c2 * s3, c1 * c2 * s3 + s1 * s2 * c3, c1 * c2 * c3 - s1 * s2 * s3];
}

export function makeCheerVrma(): Buffer {
  const bones = skeleton().filter((b) => b.humanoid && !b.humanoid.endsWith('Eye'));
  const index = new Map(bones.map((b, i) => [b.name, i]));
  const glb = new GlbBuilder();
  const nodes: Record<string, unknown>[] = bones.map((b) => {
    const parentAt: Vec3 = b.parent ? bones[index.get(b.parent)!]!.at : [0, 0, 0];
    return { name: b.name, translation: sub(b.at, parentAt) };
  });
  bones.forEach((b, i) => {
    if (!b.parent) return;
    const parent = nodes[index.get(b.parent)!]!;
    ((parent.children ??= []) as number[]).push(i);
  });
  const fps = 30;
  const frames = 61;
  const times = Array.from({ length: frames }, (_, i) => i / fps);
  const input = glb.floats(times, 'SCALAR', { minMax: true });
  const samplers: object[] = [];
  const channels: object[] = [];
  const animated = Object.keys(cheerPose(0));
  for (const name of animated) {
    const node = bones.findIndex((b) => b.humanoid === name);
    const values = times.flatMap((t) => quatOfEuler(cheerPose(t)[name]!));
    samplers.push({ input, output: glb.floats(values, 'VEC4'), interpolation: 'LINEAR' });
    channels.push({ sampler: samplers.length - 1, target: { node, path: 'rotation' } });
  }
  const hipsValues = times.flatMap((t) => [0, 0.86 + 0.03 * Math.sin(t * Math.PI * 4), 0]);
  samplers.push({ input, output: glb.floats(hipsValues, 'VEC3'), interpolation: 'LINEAR' });
  channels.push({ sampler: samplers.length - 1, target: { node: 0, path: 'translation' } });
  return glb.finish({
    asset: { version: '2.0', generator: 'holostage scripts/make-avatar.ts' },
    scene: 0,
    scenes: [{ nodes: [0] }],
    nodes,
    animations: [{ name: 'cheer', samplers, channels }],
    extensionsUsed: ['VRMC_vrm_animation'],
    extensions: {
      VRMC_vrm_animation: {
        specVersion: '1.0',
        humanoid: { humanBones: Object.fromEntries(bones.map((b, i) => [b.humanoid!, { node: i }])) },
      },
    },
  });
}

/** A BVH (centimetres, degrees, ZXY channels) of a side-step with swinging arms, in the T-pose rig above. */
export function makeSidestepBvh(): string {
  const names: Record<string, string> = {
    Hips: 'Hips', Spine: 'Spine', Chest: 'Chest', Neck: 'Neck', Head: 'Head',
    LeftShoulder: 'LeftShoulder', LeftUpperArm: 'LeftArm', LeftLowerArm: 'LeftForeArm', LeftHand: 'LeftHand',
    RightShoulder: 'RightShoulder', RightUpperArm: 'RightArm', RightLowerArm: 'RightForeArm', RightHand: 'RightHand',
    LeftUpperLeg: 'LeftUpLeg', LeftLowerLeg: 'LeftLeg', LeftFoot: 'LeftFoot',
    RightUpperLeg: 'RightUpLeg', RightLowerLeg: 'RightLeg', RightFoot: 'RightFoot',
  };
  const all = skeleton();
  const byName = new Map(all.map((b) => [b.name, b]));
  const parentOf = (b: BoneDef): BoneDef | undefined => {
    let p = b.parent ? byName.get(b.parent) : undefined;
    while (p && !names[p.name]) p = p.parent ? byName.get(p.parent) : undefined;
    return p;
  };
  const used = all.filter((b) => names[b.name]);
  const order: BoneDef[] = [];
  const lines: string[] = ['HIERARCHY'];
  const cm = (v: number) => (v * 100).toFixed(3);
  const emit = (b: BoneDef, depth: number) => {
    const pad = '  '.repeat(depth);
    const p = parentOf(b);
    const off: Vec3 = p ? sub(b.at, p.at) : [0, 0, 0]; // the root moves by its position channels
    order.push(b);
    lines.push(`${pad}${p ? 'JOINT' : 'ROOT'} ${names[b.name]}`, `${pad}{`, `${pad}  OFFSET ${cm(off[0])} ${cm(off[1])} ${cm(off[2])}`);
    lines.push(`${pad}  CHANNELS ${p ? 3 : 6} ${p ? '' : 'Xposition Yposition Zposition '}Zrotation Xrotation Yrotation`);
    const kids = used.filter((c) => parentOf(c) === b);
    for (const c of kids) emit(c, depth + 1);
    if (!kids.length) lines.push(`${pad}  End Site`, `${pad}  {`, `${pad}    OFFSET 0.000 5.000 0.000`, `${pad}  }`);
    lines.push(`${pad}}`);
  };
  emit(used[0]!, 0);
  const fps = 30;
  const frames = 60;
  lines.push('MOTION', `Frames: ${frames}`, `Frame Time: ${(1 / fps).toFixed(6)}`);
  const deg = (r: number) => ((r * 180) / Math.PI).toFixed(3);
  for (let f = 0; f < frames; f++) {
    const t = f / fps;
    const s = Math.sin(t * Math.PI); // one step to each side per 2 s
    const bob = Math.abs(Math.sin(t * Math.PI * 2));
    const rot: Record<string, Vec3> = {
      Hips: [0, 0.15 * s, 0.04 * s],
      Spine: [0, -0.1 * s, -0.03 * s],
      LeftUpperArm: [0, -0.4 * s, -1.1],
      RightUpperArm: [0, -0.4 * s, 1.1],
      LeftLowerArm: [0, -0.6, 0],
      RightLowerArm: [0, 0.6, 0],
      LeftUpperLeg: [-0.2 * Math.max(0, s), 0, 0.08 * s],
      RightUpperLeg: [-0.2 * Math.max(0, -s), 0, 0.08 * s],
      LeftLowerLeg: [0.4 * Math.max(0, s), 0, 0],
      RightLowerLeg: [0.4 * Math.max(0, -s), 0, 0],
    };
    const row: string[] = [];
    for (const b of order) {
      if (!parentOf(b)) row.push(cm(0.15 * s), cm(b.at[1] - 0.03 * bob), cm(b.at[2]));
      const [x, y, z] = rot[b.name] ?? [0, 0, 0];
      row.push(deg(z), deg(x), deg(y));
    }
    lines.push(row.join(' '));
  }
  return `${lines.join('\n')}\n`;
}
