// Generates the project's own default singer, "Holo": a stylized toon girl with long twin tails,
// written as glTF binary with VRM extensions by this script (no third-party model data).
//
//   node bin/run-ts.js scripts/make-avatar.ts            -> assets/avatars/holo.vrm (VRM 1.0)
//                                                          + assets/avatars/holo-vrm0.vrm (VRM 0.x, lighter)
//
// The character is built from simple solids (ellipsoids and tubes of rings) in a T-pose, each vertex
// skinned to one or two bones; five-fingered hands on the VRM finger bones. The face (layered eyes,
// brows, nose, a mouth with teeth and tongue) is a separate mesh whose morph targets give the
// expressions aa ih ou ee oh, blink (both and each eye), happy angry sad relaxed surprised. The twin
// tails, the skirt and the tie are bone chains driven by spring bones.
// Output is deterministic: the same script always writes the same bytes.
//
// The parts live in scripts/avatar/: skeleton, geometry, character (body, hair, outfit), face,
// glb (the binary writer), vrm (the VRM 1.0 / 0.x extensions) and motions (sample clips).

import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeAvatar, type AvatarOptions } from './avatar/vrm.ts';
import { makeCheerVrma, makeSidestepBvh } from './avatar/motions.ts';

export { makeAvatar, makeCheerVrma, makeSidestepBvh };
export type { AvatarOptions };

const isMain = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const outDir = resolve(root, 'assets/avatars');
  mkdirSync(outDir, { recursive: true });
  const files: [string, AvatarOptions][] = [
    ['holo.vrm', { version: 'vrm1', detail: 1 }],
    ['holo-vrm0.vrm', { version: 'vrm0', detail: 0.5, name: 'Holo (VRM 0.x)' }],
  ];
  for (const [file, opts] of files) {
    const bytes = makeAvatar(opts);
    writeFileSync(resolve(outDir, file), bytes);
    process.stdout.write(`wrote assets/avatars/${file} (${(bytes.length / 1024).toFixed(0)} KiB, ${opts.version})\n`);
  }
  mkdirSync(resolve(outDir, 'motions'), { recursive: true });
  writeFileSync(resolve(outDir, 'motions/cheer.vrma'), makeCheerVrma());
  writeFileSync(resolve(outDir, 'motions/sidestep.bvh'), makeSidestepBvh());
  process.stdout.write('wrote assets/avatars/motions/cheer.vrma and motions/sidestep.bvh\n');
}
